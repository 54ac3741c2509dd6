"""HTTP(S) probe (httpx, asyncio): status, latency and TLS certificate expiry.

Spec: `params["url"]` (default `http://<address>:<port or 80>/`), `params["method"]` (GET or HEAD,
default GET). Each try is bounded by `spec.timeout_s` as a whole (connect + TLS + headers); a try that
got no answer (timeout, refused, reset, DNS) is retried up to `spec.retries` times. An HTTP status is an
answer and is not retried. Redirects are not followed: a 3xx is a healthy answer.

Values: `status`, and for HTTPS `tls_days_left` = (certificate notAfter - `at`) in days, fractional,
negative once expired. The certificate is read from the TLS connection httpx used (its
`network_stream` extension -> `ssl_object.getpeercert(binary_form=True)`), so it is there with
verification on or off.

Outcomes: ok=True 2xx/3xx; ok=False "HTTP 503", "connection refused", "DNS failure: ...",
"TLS error: certificate verify failed: ...", "timeout after 2.0 s", "connection failed: ...";
ok=None only for a URL that cannot be requested ("bad URL: ...").
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import ssl
import time

import httpx
from cryptography import x509

from kotanet.monitors.probe import ProbeKind, ProbeResult, ProbeSpec

__all__ = ["HttpProbe", "tls_days_left"]


def tls_days_left(cert_der: bytes, at: dt.datetime) -> float:
    """Days from `at` until the certificate's notAfter (negative when expired). Pure."""
    cert = x509.load_der_x509_certificate(cert_der)
    return (cert.not_valid_after_utc - at).total_seconds() / 86400.0


def _seconds(x: float) -> str:
    """2 -> "2.0", 0.5 -> "0.5", 0.25 -> "0.25"."""
    return f"{x:.1f}" if round(x, 1) == x else f"{x:g}"


def _walk(exc: BaseException) -> list[BaseException]:
    """The exception and its causes/contexts (httpx wraps httpcore wraps OSError/ssl errors)."""
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in chain:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    return chain


def _transport_reason(exc: BaseException) -> str:
    chain = _walk(exc)
    for e in chain:
        if isinstance(e, ssl.SSLCertVerificationError):
            detail = e.verify_message or e.reason or str(e)
            return f"TLS error: certificate verify failed: {detail}"
    for e in chain:
        if isinstance(e, ssl.SSLError):
            return f"TLS error: {e.reason or e}"
        if isinstance(e, socket.gaierror):
            return f"DNS failure: {e.strerror or e}"
        if isinstance(e, ConnectionRefusedError):
            return "connection refused"
        if isinstance(e, ConnectionResetError):
            return "connection reset"
    text = str(exc)
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return f"DNS failure: {text}"
    if "Connection refused" in text or "[Errno 111]" in text:
        return "connection refused"
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return f"TLS error: certificate verify failed: {text}"
    return f"connection failed: {text or type(exc).__name__}"


class HttpProbe:
    """Probe web services. One `httpx.AsyncClient` per probe object (and per event loop), made lazily;
    `await close()` releases its connections."""

    kind: ProbeKind = ProbeKind.HTTP

    def __init__(self, verify_tls: bool = True) -> None:
        self.verify_tls = verify_tls
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _client_for_loop(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            # a client from a loop that has ended cannot be closed from this one: drop it
            self._client = httpx.AsyncClient(verify=self.verify_tls, follow_redirects=False, trust_env=False,
                                             headers={"User-Agent": "kotanet-probe"})
            self._loop = loop
        return self._client

    async def close(self) -> None:
        if self._client is not None and self._loop is asyncio.get_running_loop():
            await self._client.aclose()
        self._client = None
        self._loop = None

    async def probe(self, spec: ProbeSpec, at: dt.datetime) -> ProbeResult:
        url = spec.params.get("url") or f"http://{spec.address}:{spec.port or 80}/"
        method = spec.params.get("method", "GET").upper()
        client = self._client_for_loop()
        tries = max(spec.retries, 0) + 1
        reason = ""
        for _ in range(tries):
            start = time.monotonic()
            try:
                async with asyncio.timeout(spec.timeout_s):
                    status, cert_der = await self._request(client, method, url, spec.timeout_s)
            except (TimeoutError, httpx.TimeoutException):
                reason = f"timeout after {_seconds(spec.timeout_s)} s"
                continue
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                return ProbeResult(spec.target, at, None, f"bad URL: {exc}")
            except httpx.TransportError as exc:
                reason = _transport_reason(exc)
                if reason.startswith("TLS error"):  # the peer answered; retrying will not change its cert
                    return ProbeResult(spec.target, at, False, reason)
                continue
            latency = (time.monotonic() - start) * 1000
            values: dict[str, float] = {"status": status}
            if cert_der is not None:
                values["tls_days_left"] = tls_days_left(cert_der, at)
            ok = 200 <= status < 400
            return ProbeResult(spec.target, at, ok, "" if ok else f"HTTP {status}", latency, values)
        return ProbeResult(spec.target, at, False, reason)

    @staticmethod
    async def _request(client: httpx.AsyncClient, method: str, url: str,
                       timeout_s: float) -> tuple[int, bytes | None]:
        async with client.stream(method, url, timeout=timeout_s) as response:
            cert_der: bytes | None = None
            stream = response.extensions.get("network_stream")
            ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
            if ssl_object is not None:
                cert_der = ssl_object.getpeercert(binary_form=True)
            return response.status_code, cert_der
