"""HttpProbe against a real HTTP(S) server on 127.0.0.1 (kotanet.monitors.peers.TlsHttpServer)."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import time

import pytest

from kotanet.monitors.http import HttpProbe
from kotanet.monitors.peers import SilentPort, TlsHttpServer, free_port
from kotanet.monitors.probe import ProbeKind, ProbeResult, ProbeSpec

pytestmark = pytest.mark.unit

AT = dt.datetime(2026, 11, 24, 1, 0, 0, tzinfo=dt.UTC)


def spec(url: str, *, timeout_s: float = 2.0, retries: int = 0) -> ProbeSpec:
    return ProbeSpec("service:web", ProbeKind.HTTP, "127.0.0.1", timeout_s=timeout_s, retries=retries,
                     params={"url": url})


def run(probe: HttpProbe, s: ProbeSpec) -> ProbeResult:
    async def go() -> ProbeResult:
        try:
            return await probe.probe(s, AT)
        finally:
            await probe.close()

    return asyncio.run(go())


def test_200_with_tls_days_left_from_the_certificate() -> None:
    expiry = AT + dt.timedelta(days=30, hours=12)  # hand-computed: 30.5 days after the probe's `at`
    with TlsHttpServer(not_after=expiry) as server:
        result = run(HttpProbe(verify_tls=False), spec(server.url))
    assert result.ok is True, result.reason
    assert result.reason == ""
    assert result.at == AT
    assert result.values["status"] == 200
    assert result.values["tls_days_left"] == pytest.approx(30.5, abs=1e-9)
    assert result.latency_ms is not None and result.latency_ms > 0


def test_expired_certificate_gives_negative_days() -> None:
    with TlsHttpServer(not_after=AT - dt.timedelta(days=2)) as server:
        result = run(HttpProbe(verify_tls=False), spec(server.url))
    assert result.ok is True
    assert result.values["tls_days_left"] == pytest.approx(-2.0)


def test_plain_http_has_no_tls_value() -> None:
    with TlsHttpServer(tls=False) as server:
        result = run(HttpProbe(), spec(server.url))
    assert result.ok is True
    assert "tls_days_left" not in result.values


def test_503_is_down() -> None:
    with TlsHttpServer(tls=False, status=503) as server:
        result = run(HttpProbe(), spec(server.url))
    assert result.ok is False
    assert result.reason == "HTTP 503"
    assert result.values["status"] == 503


def test_redirect_is_up() -> None:
    with TlsHttpServer(tls=False, status=302) as server:
        result = run(HttpProbe(), spec(server.url))
    assert result.ok is True


def test_connection_refused() -> None:
    port = free_port(kind=socket.SOCK_STREAM)
    result = run(HttpProbe(), spec(f"http://127.0.0.1:{port}/"))
    assert result.ok is False
    assert result.reason == "connection refused"


@pytest.fixture
def no_dns_for_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    """.invalid never resolves (RFC 6761). glibc would still ask the configured nameserver, so answer
    NXDOMAIN here instead: the test sends no packet off the machine."""
    real = socket.getaddrinfo

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.rstrip(".").endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.usefixtures("no_dns_for_invalid")
def test_dns_failure() -> None:
    result = run(HttpProbe(), spec("http://kominfo-web.invalid/"))
    assert result.ok is False
    assert result.reason == "DNS failure: Name or service not known", result.reason


def test_self_signed_certificate_fails_verification() -> None:
    with TlsHttpServer() as server:
        result = run(HttpProbe(verify_tls=True), spec(server.url))
    assert result.ok is False
    assert result.reason.startswith("TLS error: certificate verify failed"), result.reason


def test_slow_server_times_out() -> None:
    with TlsHttpServer(tls=False, delay_s=3.0) as server:
        start = time.monotonic()
        result = run(HttpProbe(), spec(server.url, timeout_s=0.5))
        took = time.monotonic() - start
    assert result.ok is False
    assert result.reason == "timeout after 0.5 s"
    assert 0.4 < took < 2.0


def test_silent_listener_times_out_per_try() -> None:
    with SilentPort("tcp") as silent:
        start = time.monotonic()
        result = run(HttpProbe(), spec(f"http://127.0.0.1:{silent.port}/", timeout_s=0.3, retries=2))
        took = time.monotonic() - start
    assert result.reason == "timeout after 0.3 s"
    assert 0.8 < took < 2.5


def test_one_client_is_reused_within_a_loop() -> None:
    probe = HttpProbe()

    async def go() -> tuple[bool, bool]:
        with TlsHttpServer(tls=False) as server:
            await probe.probe(spec(server.url), AT)
            first = probe._client
            await probe.probe(spec(server.url), AT)
            same = probe._client is first
        await probe.close()
        return same, probe._client is None

    assert asyncio.run(go()) == (True, True)
