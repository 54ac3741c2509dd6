"""Rehearse the migration on the twin, route by route in the plan's order, through the real playbook path.

For each route:
1. the twin gets the route's new fibre as veth pairs (no addresses yet);
2. the route's configs are rendered for FRR (`platform_override(Platform.FRR)`, the same templates and
   context as every platform) and pushed by the playbooks' `Deployer` over SSH to each router's vtysh
   (netmiko, device_type cisco_ios): a dry run, then a commit with the playbooks' post-checks on every
   checkable fibre end (interface up, OSPF FULL, ping across the /30, BFD packet counters growing), a
   fibre spliced at a manhole included (its closure-side address goes on the router it is spliced to);
3. the twin checks the result: every router's kernel routes are the ones OSPF must compute in the network
   after the route, and traffic to the DC takes the new fibre where the shortest paths say so. A failing
   check rolls every device back through the same transports (`DeviceTransport.rollback`), and the twin
   goes back to the network before the route;
4. each new fibre is cut (veth down) and the time until the kernels hold the backup routes is measured; the
   routers left without the DC are listed; the fibre is restored;
5. the figures go into the route's MOP (`kotanet.playbooks.mop`, "rehearsed on <date>").

The twin's inventory renames each link end's interface to the twin's veth (`kn<N><medium><side>`), one
interface per link, so that the rendered configs name the twin's interfaces.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from pydantic import SecretStr

from kotanet.clock import Clock
from kotanet.errors import KotanetError
from kotanet.i18n import Lang
from kotanet.inventory.choices import Platform
from kotanet.inventory.models import Endpoint, Inventory
from kotanet.lab.expected import NextHop, reachable_to
from kotanet.lab.netlink import in_netns
from kotanet.lab.plan import MEDIUM_LETTER, TwinPlan, plan_twin
from kotanet.lab.twin import Twin, run_command
from kotanet.topology.graph import build_graph, state_after
from kotanet.topology.plan import MigrationPlan, RoutePlan, plan_migrations

__all__ = ["RouteRehearsal", "TwinTransportFactory", "rehearse", "twin_inventory"]


def twin_inventory(inv: Inventory) -> Inventory:
    """`inv` with every link end on its own interface named as the twin's veth (addresses kept)."""
    renames: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (device, interface) -> [(link, new name)]
    links = []
    for pos, lk in enumerate(inv.links, start=1):
        letter = MEDIUM_LETTER[lk.medium]
        ends = []
        for ep, side in ((lk.a, "a"), (lk.b, "b")):
            name = f"kn{pos}{letter}{side}"
            renames.setdefault((ep.device, ep.interface), []).append((lk.id, name))
            ends.append(Endpoint(device=ep.device, interface=name))
        links.append(lk.model_copy(update={"a": ends[0], "b": ends[1]}))
    devices = []
    for d in inv.devices:
        itfs = []
        for itf in d.interfaces:
            new = renames.get((d.id, itf.name))
            if not new:
                itfs.append(itf)
                continue
            itfs += [itf.model_copy(update={"name": name}) for _, name in new]
        devices.append(d.model_copy(update={"interfaces": itfs}))
    return inv.model_copy(update={"devices": devices, "links": links})


class TwinTransportFactory:
    """Opens the playbooks' netmiko transport to a router's sshd from inside the router's namespace (the root
    namespace has no route to the twin). Keeps every transport it made, so that a failed twin check can roll
    back through the very sessions that committed."""

    def __init__(self, namespace_of: dict[str, str]) -> None:
        self.namespace_of = namespace_of
        self.made: list[Any] = []

    def __call__(self, endpoint: Any) -> Any:
        from kotanet.playbooks.netmiko_transport import NetmikoTransport

        namespace = self.namespace_of[endpoint.name]

        class _InNamespace(NetmikoTransport):
            def _connect(self) -> Any:
                with in_netns(namespace):
                    return super()._connect()

        transport = _InNamespace(endpoint)
        self.made.append(transport)
        return transport


@dataclass(slots=True)
class RouteRehearsal:
    route: str
    ok: bool
    outcome: str                          # applied | rolled-back | failed
    dry_run_changes: int = 0              # devices whose dry run showed a change
    push_s: float = 0.0                   # dry run + commit over SSH
    converge_s: float = 0.0               # from the commit to the expected routes everywhere
    fibre_carries: bool = False           # some router reaches the DC over the new fibre
    failover_s: dict[str, float] = field(default_factory=dict)   # per new fibre: cut -> backup routes
    dark: dict[str, list[str]] = field(default_factory=dict)     # per new fibre: routers without the DC when cut
    checks_passed: int = 0
    checks_total: int = 0
    error: str = ""
    notes: list[str] = field(default_factory=list)
    mop: Path | None = None

    def to_json(self) -> dict[str, object]:
        return {"route": self.route, "ok": self.ok, "outcome": self.outcome, "dry_run_changes": self.dry_run_changes,
                "push_s": round(self.push_s, 3), "converge_s": round(self.converge_s, 3),
                "fibre_carries": self.fibre_carries, "failover_s": {k: round(v, 3) for k, v in self.failover_s.items()},
                "dark": self.dark, "checks": [self.checks_passed, self.checks_total], "error": self.error,
                "notes": self.notes,
                "mop": str(self.mop) if self.mop else None}


def _uses(hops: frozenset[NextHop], ifnames: set[str]) -> bool:
    return any(h.dev in ifnames for h in hops)


def rehearse(inv: Inventory, twin: Twin, routes: Sequence[str] | None = None, *, clock: Clock,
             mop_dir: Path | None = None, lang: Lang = Lang.EN, timeout: float = 30.0,
             break_fibre: bool = False,
             progress: Callable[[str, str, int, int], None] | None = None) -> list[RouteRehearsal]:
    """Rehearse `routes` (default: all) in plan order on the running `twin`. The twin must have been built
    from today's network of `inv` (`kotanet lab up`). `break_fibre` drops everything on each new fibre
    before the push: the post-checks must fail and the route must be rolled back (the failure drill).
    `progress(route, what it is doing, routes done, routes to do)`."""
    from kotanet.playbooks.backups import BackupStore
    from kotanet.playbooks.transport import Credentials

    if not twin.ssh:
        raise KotanetError("the twin was built without sshd", hint="run `kotanet lab up` again (sshd is on by default)")
    tinv = twin_inventory(inv)
    mplan: MigrationPlan = plan_migrations(tinv)
    order = [rp.route for rp in mplan.routes]
    wanted = order if routes is None else [r for r in order if r in set(routes)]
    unknown = sorted(set(routes or ()) - set(order))
    if unknown:
        raise KotanetError(f"unknown route {unknown[0]!r}", hint=f"valid routes: {', '.join(order)}")
    addressing = [a for rp in mplan.routes for a in rp.addressing]
    user, password = twin.ssh_credentials()
    creds = Credentials(username=user, password=SecretStr(password))
    device_site = {d.id: d.site for d in inv.devices}
    backups = BackupStore(twin.state_dir / "backups")
    applied = list(twin.plan.state.applied)
    out: list[RouteRehearsal] = []
    todo = [r for r in wanted if r not in applied]

    def note(route: str, what: str) -> None:
        if progress is not None:
            progress(route, what, todo.index(route), len(todo))

    for rp in mplan.routes:
        if rp.route not in todo:
            continue
        missing = [d for d in rp.depends_on if d not in applied]
        if missing:
            out.append(RouteRehearsal(rp.route, False, "failed", error=f"depends on route {missing[0]}, not applied"))
            continue
        try:
            result = _one(tinv, twin, mplan, rp, applied, addressing, creds, device_site, backups, clock, timeout,
                          break_fibre, note)
        except KotanetError as exc:  # one route failing to build never stops the others
            result = RouteRehearsal(rp.route, False, "failed", error=str(exc))
        if result.ok:
            applied.append(rp.route)
            if mop_dir is not None:
                result.mop = _write_mop(tinv, mplan, rp, twin, result, clock, mop_dir, lang)
        out.append(result)
    return out


def _one(tinv: Inventory, twin: Twin, mplan: MigrationPlan, rp: RoutePlan, applied: list[str],
         addressing: list[Any], creds: Any, device_site: dict[str, str], backups: Any, clock: Clock,
         timeout: float, break_fibre: bool, note: Callable[[str, str], None]) -> RouteRehearsal:
    from kotanet.playbooks.checks import plan_checks
    from kotanet.playbooks.deploy import Deployer, DeployJob, DeployOptions, Outcome, route_configs
    from kotanet.playbooks.render import platform_override
    from kotanet.playbooks.transport import DeviceEndpoint

    before: TwinPlan = twin.plan
    after = plan_twin(tinv, state_after(tinv, [*applied, rp.route]), prefix=before.prefix,
                      route_addressing=addressing)
    new = [after.link(lid) for lid in rp.new_links if any(lk.id == lid for lk in after.links)]
    existing = {lk.id for lk in before.links}
    note(rp.route, "fibre")
    twin.add_bridges(after.bridges)
    twin.add_links([lk for lk in new if lk.id not in existing])
    if break_fibre:
        for lk in new:
            twin.degrade(lk.id, lk)
    configs = route_configs(tinv, mplan, rp, keep_radio_backup=False, platform_of=platform_override(Platform.FRR))
    namespace_of = {dev: before.router(device_site[dev]).namespace for dev in configs}
    endpoints = {dev: DeviceEndpoint(name=dev, platform=Platform.FRR, port=22, credentials=creds,
                                     host=str(before.router(device_site[dev]).router_id)) for dev in configs}
    post = tuple(plan_checks(rp, {d: c.platform for d, c in configs.items()}))
    job = DeployJob(route=rp.route, configs=configs, endpoints=endpoints, checks=post,
                    known_devices=frozenset(endpoints))
    factory = TwinTransportFactory(namespace_of)
    # the twin's links come up in a second or two (hello 1 s): checks are read again every second, for up to
    # `timeout`; BFD sends every 300 ms, so two counter reads 2 s apart must differ
    deployer = Deployer(factory, backups, clock, options=DeployOptions(
        counter_interval_s=2.0, check_retry_s=1.0, check_retries=max(1, int(timeout))))
    result = RouteRehearsal(rp.route, False, "failed")
    start = time.monotonic()
    note(rp.route, "dry-run")
    dry = deployer.dry_run(job)
    result.dry_run_changes = sum(1 for r in dry.devices if (r.diff or '').strip())
    for lid in rp.reroutes:  # the moved fibre is a physical change: its old path goes dark first
        if any(lk.id == lid for lk in before.links):
            twin.unplug(lid)
    note(rp.route, "commit")
    committed_from = len(factory.made)
    report = deployer.commit(job)
    result.push_s = time.monotonic() - start
    results = [c for r in report.devices for c in r.checks]
    result.checks_total, result.checks_passed = len(results), sum(c.passed for c in results)
    if report.outcome is not Outcome.APPLIED:
        errors = "; ".join(f"{r.device}: {r.error}" for r in report.devices if r.error)
        result.outcome, result.error = "rolled-back", errors or report.outcome.value
        _undo_faults(twin, new)
        for lid in rp.reroutes:
            twin.plug(lid)
        return result
    twin.replan(after)
    for lk in new:  # the broken drill keeps its fault on the new plan's links
        if break_fibre:
            twin.faults.pop(lk.id, None)
    note(rp.route, "converge")
    secs, diffs = twin.wait_converged(timeout)
    result.converge_s = secs
    routes = twin.kernel_routes()
    dc = after.router(after.dc)
    fibre_ifs = {p.ifname for lk in new for p in lk.ends()}
    expected = twin.expected()
    should = [ns for ns, m in expected.items() if _uses(m.get(str(dc.router_id), frozenset()), fibre_ifs)]
    carries = [ns for ns in should if _uses(routes.get(ns, {}).get(str(dc.router_id), frozenset()), fibre_ifs)]
    result.fibre_carries = bool(carries)
    # every router the topology says reaches the DC after the route must reach it in the twin
    g = build_graph(tinv, after.state)
    predicted = set(nx.node_connected_component(g, after.dc)) & {r.site for r in after.routers}
    unreached = sorted(predicted - reachable_to(after, routes, after.dc))
    checks = [not diffs, bool(carries) or not should, not unreached]
    result.checks_total += len(checks)
    result.checks_passed += sum(checks)
    if not all(checks):
        note(rp.route, "rollback")
        result.error = (f"{len(diffs)} routes differ from the expected ones, e.g. {diffs[0]}" if diffs
                        else f"the topology says {', '.join(unreached)} reach the DC, the twin does not" if unreached
                        else "no router reaches the DC over the new fibre")
        for t in factory.made[committed_from:]:  # the sessions that committed, back to their backups
            try:
                t.open()
                t.rollback()
            except KotanetError as exc:
                result.notes.append(f"rollback of {t.endpoint.name} failed: {exc}")
            finally:
                with contextlib.suppress(Exception):
                    t.close()
        twin.replan(before)
        _undo_faults(twin, new)
        for lid in rp.reroutes:
            twin.plug(lid)
        twin.wait_converged(timeout)
        result.outcome = "rolled-back"
        return result
    routers = {r.site for r in after.routers}
    for lk in new:
        note(rp.route, f"cut {lk.id}")
        twin.fail(lk.id)
        secs, _ = twin.wait_converged(timeout)
        result.failover_s[lk.id] = secs
        result.dark[lk.id] = sorted(routers - reachable_to(after, twin.kernel_routes(), after.dc))
        twin.restore(lk.id)
    twin.wait_converged(timeout)
    result.ok, result.outcome = True, "applied"
    return result


def _undo_faults(twin: Twin, links: Sequence[Any]) -> None:
    for lk in links:
        if lk.id in twin.faults:
            twin.faults.pop(lk.id)
            for port in lk.ends():
                table = f"kn{lk.number}{port.ifname[-1]}"
                with contextlib.suppress(KotanetError):
                    run_command(["ip", "netns", "exec", port.namespace, "nft", "delete", "table", "netdev", table])
    twin.save()


def _write_mop(tinv: Inventory, mplan: MigrationPlan, rp: RoutePlan, twin: Twin, result: RouteRehearsal,
               clock: Clock, mop_dir: Path, lang: Lang) -> Path:
    from kotanet.playbooks.checks import plan_checks
    from kotanet.playbooks.deploy import route_configs
    from kotanet.playbooks.mop import MopFormat, RehearsalResult, render_mop
    from kotanet.playbooks.render import platform_override

    configs = route_configs(tinv, mplan, rp, keep_radio_backup=False, platform_of=platform_override(Platform.FRR))
    checks = plan_checks(rp, {d: c.platform for d, c in configs.items()})
    notes = []
    for lid, secs in result.failover_s.items():
        dark = result.dark.get(lid) or []
        notes.append(f"{lid} cut: backup routes in {secs:.2f} s; "
                     + (f"without the DC: {', '.join(dark)}" if dark else "no site lost the DC"))
    rehearsal = RehearsalResult(date=clock.now().date(), where=f"FRR digital twin, {len(twin.plan.routers)} routers",
                                outage_s=max(result.failover_s.values(), default=0.0),
                                convergence_s=result.converge_s, checks_passed=result.checks_passed,
                                checks_total=result.checks_total, notes=tuple(notes))
    text = render_mop(tinv, rp, configs, checks, lang=lang, fmt=MopFormat.MARKDOWN, total_routes=len(mplan.routes),
                      rehearsal=rehearsal)
    mop_dir.mkdir(parents=True, exist_ok=True)
    path = mop_dir / f"route-{rp.route}.md"
    path.write_text(text, encoding="utf-8")
    return path

