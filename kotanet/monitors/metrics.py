"""Prometheus metrics of a poller, on a registry that is passed in (never the global default one).

    kotanet_target_up{target, kind}                 1 up, 0 down; the series is removed while unknown
    kotanet_probe_latency_ms{target, probe}         round trip of the last probe
    kotanet_interface_oper_up{device, ifindex}      1 up, 0 down (ifOperStatus)
    kotanet_link_utilisation{link, direction}       0..1 of the link's capacity, from ifHC*Octets deltas at
                                                    end a (direction a_to_b = a's out, b_to_a = a's in)
    kotanet_poll_cycle_seconds                      duration of the last cycle
    kotanet_poll_cycles_total                       cycles run
    kotanet_poll_probes_failed                      probes that failed in the last cycle (ok=False)
    kotanet_poll_probes_undecided                   probes that could not decide (ok=None)
    kotanet_poll_buffered_transitions               transitions waiting for the store
    kotanet_poll_store_errors_total                 cycles in which the store refused a write
    kotanet_poll_last_cycle_timestamp_seconds       when the last cycle started (unix time)
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge

from kotanet.monitors.poller import CycleReport, Poller
from kotanet.monitors.probe import ProbeKind, ProbeResult
from kotanet.monitors.records import State
from kotanet.monitors.snmp import CounterPair, utilisation
from kotanet.monitors.targets import METRIC_UP, parse_target

__all__ = ["PollerMetrics"]


class PollerMetrics:
    def __init__(self, registry: CollectorRegistry, poller: Poller, *,
                 capacities: Mapping[str, float] | None = None) -> None:
        """`capacities`: link target -> capacity in Mbit/s (links without one get no utilisation)."""
        self.poller = poller
        caps = dict(capacities or {})
        # (device, ifIndex) at end a of a link with a known capacity -> (link id, capacity)
        self._a_end = {ends[0]: (parse_target(link)[1], caps[link])
                       for link, ends in poller.plan.link_ends.items() if caps.get(link)}
        self.up = Gauge(METRIC_UP, "Target state: 1 up, 0 down; absent while unknown.", ["target", "kind"],
                        registry=registry)
        self.latency = Gauge("kotanet_probe_latency_ms", "Round trip of the last probe, ms.", ["target", "probe"],
                             registry=registry)
        self.oper = Gauge("kotanet_interface_oper_up", "ifOperStatus: 1 up, 0 down.", ["device", "ifindex"],
                          registry=registry)
        self.util = Gauge("kotanet_link_utilisation", "Share of the link's capacity in use (0..1).",
                          ["link", "direction"], registry=registry)
        self.cycle_s = Gauge("kotanet_poll_cycle_seconds", "Duration of the last poll cycle.", registry=registry)
        self.cycles = Counter("kotanet_poll_cycles", "Poll cycles run.", registry=registry)
        self.failed = Gauge("kotanet_poll_probes_failed", "Probes that failed in the last cycle.", registry=registry)
        self.undecided = Gauge("kotanet_poll_probes_undecided", "Probes that could not decide in the last cycle.",
                               registry=registry)
        self.buffered = Gauge("kotanet_poll_buffered_transitions", "Transitions waiting for the store.",
                              registry=registry)
        self.store_errors = Counter("kotanet_poll_store_errors", "Cycles in which the store refused a write.",
                                    registry=registry)
        self.last_cycle = Gauge("kotanet_poll_last_cycle_timestamp_seconds", "Start of the last cycle (unix time).",
                                registry=registry)
        self._counters: dict[tuple[str, int], tuple[dt.datetime, CounterPair, float | None]] = {}

    def observe(self, report: CycleReport) -> None:
        self.cycle_s.set(report.duration_s)
        self.cycles.inc()
        self.failed.set(report.failed)
        self.undecided.set(report.undecided)
        self.buffered.set(report.buffered)
        self.last_cycle.set(report.at.timestamp())
        if report.store_error:
            self.store_errors.inc()
        for target, state in report.states.items():
            kind = parse_target(target)[0].value
            if state is State.UNKNOWN:
                with contextlib.suppress(KeyError):  # it may never have been exported
                    self.up.remove(target, kind)
            else:
                self.up.labels(target, kind).set(1.0 if state is State.UP else 0.0)
        for (target, probe), res in self.poller.last_results.items():
            if res.at != report.at:
                continue
            if res.latency_ms is not None:
                self.latency.labels(target, probe.value).set(res.latency_ms)
            if probe is ProbeKind.SNMP and res.ok:
                self._interfaces(parse_target(target)[1], res)

    def _interfaces(self, device: str, res: ProbeResult) -> None:
        uptime = res.values.get("sysUpTime")
        for key, value in res.values.items():
            if not key.startswith("ifOperStatus."):
                continue
            idx = int(key.split(".", 1)[1])
            self.oper.labels(device, str(idx)).set(1.0 if value == 1 else 0.0)
            link = self._a_end.get((device, idx))
            cin, cout = res.values.get(f"ifHCInOctets.{idx}"), res.values.get(f"ifHCOutOctets.{idx}")
            if link is None or cin is None or cout is None:
                continue
            pair = CounterPair(int(cin), int(cout))
            prev = self._counters.get((device, idx))
            self._counters[(device, idx)] = (res.at, pair, uptime)
            if prev is None or (uptime is not None and prev[2] is not None and uptime < prev[2]):
                continue  # first reading, or the device rebooted and its counters restarted
            u = utilisation(prev[1], pair, (res.at - prev[0]).total_seconds(), link[1])
            if u is not None:
                self.util.labels(link[0], "a_to_b").set(u.out_ratio)
                self.util.labels(link[0], "b_to_a").set(u.in_ratio)
