"""A real Prometheus for tests and benchmarks, and a small client of its HTTP API.

``PrometheusServer`` runs Debian's ``prometheus`` binary (package ``prometheus``) as a child process:
on 127.0.0.1 and a free port, with a generated configuration (the scrape targets and scrape interval
you pass), its own TSDB directory (a temporary one unless you pass ``data_dir``) and a long retention
(so that backfilled history is never dropped: TSDB retention deletes blocks older than the newest
block's end minus the retention). The admin API stays off. ``__enter__`` waits (bounded) for
``/-/ready``; ``__exit__`` stops the process by its pid (SIGTERM, then SIGKILL after a grace time).
The systemd service of the Debian package is never touched.

``backfill`` loads historical samples with ``promtool tsdb create-blocks-from openmetrics`` into a TSDB
directory; start a server on that directory afterwards. promtool re-parses its whole input once per
block it writes, so large blocks are asked for (the hidden ``--max-block-duration`` flag; promtool
rounds it down to 2h x 3^k, e.g. 4374 h for a year).

``PrometheusClient``: ``query(expr, at)``, ``query_range(expr, start, end, step_s)``, ``label_values``
and ``ready``; typed results, and ``PrometheusError`` naming the query and Prometheus's own message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from kotanet.errors import KotanetError

__all__ = [
    "MAX_POINTS_PER_SERIES",
    "InstantSample",
    "PrometheusClient",
    "PrometheusError",
    "PrometheusServer",
    "RangeSeries",
    "backfill",
    "free_port",
    "openmetrics_gauge",
    "prometheus_binaries",
]

MAX_POINTS_PER_SERIES = 11_000
"""Prometheus refuses a range query with more points per series than this (step too small)."""

_INSTALL_HINT = "install Debian's prometheus package (scripts/ensure-deb prometheus)"


class PrometheusError(KotanetError):
    """Prometheus could not be started, reached, or refused a query. The message names the server and the
    query; the hint says what to do."""


def prometheus_binaries() -> tuple[str, str] | None:
    """(prometheus, promtool) paths when both are installed, else None."""
    prom, tool = shutil.which("prometheus"), shutil.which("promtool")
    return (prom, tool) if prom and tool else None


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


# ------------------------------------------------------------------------------------------------ client


@dataclass(frozen=True, slots=True)
class InstantSample:
    """One series of an instant vector: its labels, the evaluation time (unix s) and the value."""

    labels: Mapping[str, str]
    at: float
    value: float


@dataclass(frozen=True, slots=True)
class RangeSeries:
    """One series of a range query: its labels and its (unix s, value) points, in time order. Steps at
    which the expression had no value are simply absent."""

    labels: Mapping[str, str]
    points: list[tuple[float, float]] = field(default_factory=list)


def _unix(at: dt.datetime | float) -> float:
    if isinstance(at, dt.datetime):
        if at.tzinfo is None:
            raise ValueError(f"{at!r} has no time zone; pass an aware datetime")
        return at.timestamp()
    return float(at)


def _fmt_time(t: float) -> str:
    return f"{t:.3f}"


class PrometheusClient:
    """A synchronous client of Prometheus's HTTP API (``/api/v1``). Queries are sent as POST forms, so long
    label matchers do not hit URL length limits."""

    def __init__(self, base_url: str, *, timeout_s: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout_s)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PrometheusClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ready(self) -> bool:
        """True when ``/-/ready`` answers 200 (the TSDB is loaded and queries are served)."""
        try:
            return self._http.get("/-/ready", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def _api(self, path: str, form: Mapping[str, str | list[str]], what: str) -> Any:
        try:
            resp = self._http.post(f"/api/v1/{path}", data=dict(form))
        except httpx.HTTPError as exc:
            raise PrometheusError(f"Prometheus at {self.base_url} did not answer {what}: {exc}",
                                  hint="is the server running? (PrometheusServer starts one)") from exc
        try:
            body = resp.json()
        except ValueError:
            raise PrometheusError(f"Prometheus at {self.base_url} answered {what} with HTTP {resp.status_code} "
                                  f"and no JSON: {resp.text[:200]!r}") from None
        if resp.status_code != 200 or body.get("status") != "success":
            raise PrometheusError(
                f"Prometheus at {self.base_url} refused {what}: {body.get('errorType', resp.status_code)}: "
                f"{body.get('error', resp.text[:200])}",
                hint="check the PromQL and, for a range query, that (end - start) / step stays under "
                     f"{MAX_POINTS_PER_SERIES} points")
        return body["data"]

    def query(self, expr: str, at: dt.datetime | float) -> list[InstantSample]:
        """An instant query evaluated at ``at``: one sample per series (a scalar comes back as one
        sample without labels)."""
        t = _unix(at)
        data = self._api("query", {"query": expr, "time": _fmt_time(t)}, f"the query {expr!r} at {t}")
        kind = data["resultType"]
        if kind == "vector":
            return [InstantSample(dict(r["metric"]), float(r["value"][0]), float(r["value"][1]))
                    for r in data["result"]]
        if kind == "scalar":
            return [InstantSample({}, float(data["result"][0]), float(data["result"][1]))]
        raise PrometheusError(f"the query {expr!r} returned a {kind}, not an instant vector or a scalar",
                              hint="query an instant vector (wrap range vectors in a *_over_time function)")

    def query_range(self, expr: str, start: dt.datetime | float, end: dt.datetime | float,
                    step_s: float) -> list[RangeSeries]:
        """A range query evaluated at start, start + step, ... <= end. Raises PrometheusError when that is
        more than MAX_POINTS_PER_SERIES points (split the range; see iter_query_range)."""
        lo, hi = _unix(start), _unix(end)
        if step_s <= 0 or hi < lo:
            raise ValueError(f"bad range: start {lo}, end {hi}, step {step_s}")
        points = math.floor((hi - lo) / step_s) + 1
        if points > MAX_POINTS_PER_SERIES:
            raise PrometheusError(
                f"the range query {expr!r} would have {points} points per series, more than Prometheus's "
                f"{MAX_POINTS_PER_SERIES}", hint="use iter_query_range, which splits the range")
        data = self._api("query_range", {"query": expr, "start": _fmt_time(lo), "end": _fmt_time(hi),
                                         "step": f"{step_s:g}"},
                         f"the range query {expr!r} over [{lo}, {hi}] step {step_s:g} s")
        if data["resultType"] != "matrix":
            raise PrometheusError(f"the range query {expr!r} returned a {data['resultType']}, not a matrix")
        return [RangeSeries(dict(r["metric"]), [(float(t), float(v)) for t, v in r["values"]])
                for r in data["result"]]

    def iter_query_range(self, expr: str, start: dt.datetime | float, end: dt.datetime | float,
                         step_s: float, *, max_points: int = 10_000) -> Iterator[list[RangeSeries]]:
        """query_range over [start, end] in pieces of at most ``max_points`` steps (same step grid)."""
        lo, hi = _unix(start), _unix(end)
        chunk = step_s * (max_points - 1)
        t = lo
        while t <= hi:
            piece_end = min(hi, t + chunk)
            yield self.query_range(expr, t, piece_end, step_s)
            t = piece_end + step_s

    def label_values(self, label: str, *, match: Sequence[str] = (), start: dt.datetime | float | None = None,
                     end: dt.datetime | float | None = None) -> list[str]:
        """Values of ``label`` over the series that match any of ``match`` (all series when empty)."""
        params: dict[str, str | list[str]] = {}
        if match:
            params["match[]"] = list(match)
        if start is not None:
            params["start"] = _fmt_time(_unix(start))
        if end is not None:
            params["end"] = _fmt_time(_unix(end))
        try:
            resp = self._http.get(f"/api/v1/label/{label}/values", params=params)
            body = resp.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise PrometheusError(f"Prometheus at {self.base_url} did not list the values of {label!r}: {exc}"
                                  ) from exc
        if body.get("status") != "success":
            raise PrometheusError(f"Prometheus at {self.base_url} refused to list {label!r}: {body.get('error')}")
        return sorted(str(v) for v in body["data"])


# ------------------------------------------------------------------------------------------------ server


def _config(scrape_targets: Sequence[str], scrape_interval_s: float, job: str) -> str:
    interval = f"{scrape_interval_s:g}s"
    lines = ["global:", f"  scrape_interval: {interval}", f"  evaluation_interval: {interval}"]
    if not scrape_targets:
        return "\n".join([*lines, "scrape_configs: []"]) + "\n"
    lines += ["scrape_configs:", f"  - job_name: {job}", f"    scrape_interval: {interval}",
              f"    scrape_timeout: {min(scrape_interval_s, 10):g}s", "    static_configs:",
              "      - targets: [" + ", ".join(f"'{t}'" for t in scrape_targets) + "]"]
    return "\n".join(lines) + "\n"


class PrometheusServer:
    """A Prometheus child process on 127.0.0.1:<free port> (see the module docstring)::

        with PrometheusServer(["127.0.0.1:9464"], scrape_interval_s=1) as prom:
            prom.client.query("up", time.time())
    """

    def __init__(self, scrape_targets: Sequence[str] = (), *, scrape_interval_s: float = 15.0,
                 data_dir: Path | None = None, retention: str = "100y", job: str = "kotanet",
                 ready_timeout_s: float = 60.0, extra_args: Sequence[str] = (), binary: str | None = None) -> None:
        self.scrape_targets = list(scrape_targets)
        self.scrape_interval_s = scrape_interval_s
        self.retention = retention
        self.job = job
        self.ready_timeout_s = ready_timeout_s
        self.extra_args = list(extra_args)
        self.binary = binary or shutil.which("prometheus")
        self._data_dir = data_dir
        self._temp_data = False
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._client: PrometheusClient | None = None
        self.port = 0
        self.log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    @property
    def data_dir(self) -> Path:
        if self._data_dir is None:
            raise PrometheusError("the Prometheus server has not been started")
        return self._data_dir

    @property
    def client(self) -> PrometheusClient:
        if self._client is None:
            raise PrometheusError("the Prometheus server has not been started", hint="use it as a context manager")
        return self._client

    def start(self) -> PrometheusServer:
        if self._proc is not None:
            raise PrometheusError(f"Prometheus is already running (pid {self._proc.pid})")
        if self.binary is None:
            raise PrometheusError("the prometheus binary is not installed", hint=_INSTALL_HINT)
        self._tmp = tempfile.TemporaryDirectory(prefix="kotanet-prom-")
        work = Path(self._tmp.name)
        if self._data_dir is None or self._temp_data:
            self._data_dir = work / "data"
            self._temp_data = True
        self._data_dir.mkdir(parents=True, exist_ok=True)
        config = work / "prometheus.yml"
        config.write_text(_config(self.scrape_targets, self.scrape_interval_s, self.job), encoding="utf-8")
        self.log_path = work / "prometheus.log"
        self.port = free_port()
        args = [self.binary, f"--config.file={config}", f"--web.listen-address=127.0.0.1:{self.port}",
                f"--storage.tsdb.path={self._data_dir}", f"--storage.tsdb.retention.time={self.retention}",
                "--log.level=warn", *self.extra_args]
        with self.log_path.open("wb") as log:
            self._proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          cwd=work)
        self._client = PrometheusClient(self.url)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _log_tail(self, n: int = 15) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[-n:])

    def _wait_ready(self) -> None:
        assert self._proc is not None and self._client is not None
        deadline = time.monotonic() + self.ready_timeout_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise PrometheusError(f"prometheus exited with status {self._proc.returncode} before it was ready; "
                                      f"its log ends:\n{self._log_tail()}")
            if self._client.ready():
                return
            time.sleep(0.1)
        raise PrometheusError(f"prometheus (pid {self._proc.pid}) was not ready at {self.url}/-/ready within "
                              f"{self.ready_timeout_s:g} s; its log ends:\n{self._log_tail()}")

    def stop(self, grace_s: float = 10.0) -> None:
        """Stop the process by its pid (SIGTERM, SIGKILL after ``grace_s``) and remove the temp dir."""
        if self._client is not None:
            self._client.close()
            self._client = None
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=grace_s)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> PrometheusServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def wait_for(self, expr: str, *, timeout_s: float = 30.0, poll_s: float = 0.25) -> list[InstantSample]:
        """Poll the instant query ``expr`` (at the current time) until it returns something; bounded."""
        deadline = time.monotonic() + timeout_s
        while True:
            result = self.client.query(expr, time.time())
            if result:
                return result
            if time.monotonic() >= deadline:
                raise PrometheusError(f"{expr!r} returned nothing from {self.url} within {timeout_s:g} s",
                                      hint=f"is the target scraped? (scrape targets: {self.scrape_targets})")
            time.sleep(poll_s)


# ------------------------------------------------------------------------------------------------ backfill


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def openmetrics_gauge(metric: str, help_text: str,
                      series: Iterable[tuple[Mapping[str, str], Iterable[tuple[float, float]]]]) -> Iterator[str]:
    """OpenMetrics text (in pieces) of one gauge family: each series' (unix s, value) samples in time order,
    series after series, then ``# EOF``."""
    yield f"# HELP {metric} {help_text}\n# TYPE {metric} gauge\n"
    for labels, samples in series:
        name = metric + "{" + ",".join(f'{k}="{_escape_label(v)}"' for k, v in sorted(labels.items())) + "}"
        yield "".join(f"{name} {v:g} {t:.3f}\n" for t, v in samples)
    yield "# EOF\n"


def backfill(openmetrics: str | Iterable[str] | Path, data_dir: Path, *, promtool: str | None = None,
             max_block_duration: str = "8784h", timeout_s: float = 600.0) -> list[Path]:
    """Turn OpenMetrics text (a string, pieces of text, or a file) into TSDB blocks in ``data_dir`` with
    ``promtool tsdb create-blocks-from openmetrics``; returns the new block directories.

    Start a PrometheusServer with ``data_dir=data_dir`` afterwards, with a retention longer than the data's
    span (the default 100y is)."""
    tool = promtool or shutil.which("promtool")
    if tool is None:
        raise PrometheusError("promtool is not installed", hint=_INSTALL_HINT)
    data_dir.mkdir(parents=True, exist_ok=True)
    before = {p.name for p in data_dir.iterdir()}
    with tempfile.TemporaryDirectory(prefix="kotanet-backfill-") as tmp:
        if isinstance(openmetrics, Path):
            src = openmetrics
        else:
            src = Path(tmp) / "input.om"
            with src.open("w", encoding="utf-8") as f:
                if isinstance(openmetrics, str):
                    f.write(openmetrics)
                else:
                    for piece in openmetrics:
                        f.write(piece)
        cmd = [tool, "tsdb", "create-blocks-from", "openmetrics", f"--max-block-duration={max_block_duration}",
               "--quiet", str(src), str(data_dir)]
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PrometheusError(f"promtool backfill of {src} took more than {timeout_s:g} s") from exc
    if res.returncode != 0:
        raise PrometheusError(f"promtool could not backfill into {data_dir}: {(res.stderr or res.stdout).strip()}",
                              hint="the input must be OpenMetrics text ending in '# EOF', samples in time order")
    return sorted(p for p in data_dir.iterdir() if p.name not in before and p.is_dir())
