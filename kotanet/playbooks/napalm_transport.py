"""`DeviceTransport` over napalm: merge candidate, `compare_config`, commit (with commit-confirm where the
driver has it), `confirm_commit`, `rollback`.

Drivers: `ios`, `junos`, `eos` (napalm 5.2 ships them); RouterOS needs the `napalm-ros` community driver,
which is not installed here, so a RouterOS endpoint fails with UNSUPPORTED (use the netmiko transport).
napalm's IOS driver stages a candidate with SCP and the `archive` feature, which no simulator here has: its
config methods are tested with napalm's own `mock` driver (recorded answers, see tests/data/napalm_mock),
its session, `get_config`, `cli` and error mapping against the SSH simulator.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

from kotanet.inventory.choices import Platform
from kotanet.playbooks.netmiko_transport import clean_running_config, config_lines
from kotanet.playbooks.transport import DeviceEndpoint, FailureKind, TransportError

__all__ = ["NAPALM_DRIVERS", "NapalmTransport"]

NAPALM_DRIVERS: dict[Platform, str] = {
    Platform.IOS: "ios",
    Platform.JUNOS: "junos",
    Platform.EOS: "eos",
    Platform.ROUTEROS: "ros",
}


class NapalmTransport:
    """One napalm session to one device. `driver` overrides the platform's driver (e.g. "mock" in tests)."""

    def __init__(self, endpoint: DeviceEndpoint, *, driver: str | None = None,
                 optional_args: Mapping[str, Any] | None = None, timeout: int = 30) -> None:
        self.endpoint = endpoint
        self.driver_name = driver or NAPALM_DRIVERS.get(endpoint.platform, "")
        self.optional_args = dict(optional_args or {})
        self.timeout = timeout
        self._device: Any = None
        self._candidate: str | None = None
        self._committed = False

    def _fail(self, kind: FailureKind, message: str, *, line: str | None = None, hint: str = "") -> TransportError:
        return TransportError(self.endpoint.name, kind, message, line=line, hint=hint)

    def _scrub(self, text: str) -> str:
        creds = self.endpoint.credentials
        if creds is not None:
            for secret in (creds.password, creds.secret):
                if secret is not None and secret.get_secret_value():
                    text = text.replace(secret.get_secret_value(), "**********")
        return " ".join(text.split())[:300]

    def _dev(self) -> Any:
        if self._device is None:
            raise self._fail(FailureKind.DISCONNECTED, "the session is not open", hint="call open() first")
        return self._device

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        from napalm.base import exceptions as nx

        try:
            return fn(*args, **kwargs)
        except (nx.ConnectionClosedException, OSError, EOFError) as exc:
            self._device = None
            raise self._fail(FailureKind.DISCONNECTED, f"{what}: the session dropped ({type(exc).__name__})",
                             hint="check the device's management path; open() again, then rollback()") from None
        except (nx.MergeConfigException, nx.ReplaceConfigException, nx.CommitError,
                nx.CommitConfirmException) as exc:
            text = self._scrub(str(exc))
            line = next((ln.strip() for ln in config_lines(self._candidate or "") if ln.strip() and ln.strip() in text),
                        None)
            raise self._fail(FailureKind.REJECTED, f"{what}: {text or type(exc).__name__}", line=line,
                             hint="the device refused the candidate; fix the template or the device") from None
        except (NotImplementedError, nx.CommandErrorException) as exc:
            raise self._fail(FailureKind.UNSUPPORTED, f"{what}: not supported by napalm's "
                             f"{self.driver_name} driver ({self._scrub(str(exc))})",
                             hint="use the netmiko transport for this device") from None

    # -- DeviceTransport ----------------------------------------------------------------------------
    def open(self) -> None:
        from napalm import get_network_driver
        from napalm.base import exceptions as nx

        ep = self.endpoint
        if not self.driver_name:
            raise self._fail(FailureKind.UNSUPPORTED, f"napalm has no driver for platform {ep.platform.value}",
                             hint=f"napalm drivers: {', '.join(sorted(set(NAPALM_DRIVERS.values())))}")
        try:
            cls = get_network_driver(self.driver_name)
        except nx.ModuleImportError:
            raise self._fail(FailureKind.UNSUPPORTED, f"the napalm driver {self.driver_name!r} is not installed",
                             hint="install it (RouterOS: napalm-ros) or use the netmiko transport") from None
        creds = ep.credentials
        if creds is None:
            raise self._fail(FailureKind.AUTHENTICATION, "no credentials for this device",
                             hint="add it to the secrets file or set the credential environment variables")
        args: dict[str, Any] = {"port": ep.port, **self.optional_args}
        if creds.secret is not None:
            args.setdefault("secret", creds.secret.get_secret_value())
        elif ep.platform is Platform.IOS:
            args.setdefault("secret", creds.password.get_secret_value())
        device = cls(hostname=ep.host, username=creds.username, password=creds.password.get_secret_value(),
                     timeout=self.timeout, optional_args=args)
        try:
            device.open()
        except Exception as exc:
            name = type(exc).__name__
            text = self._scrub(str(exc))
            if "Authentication" in name or "auth" in text.lower():
                raise self._fail(FailureKind.AUTHENTICATION, "authentication failed",
                                 hint="check the username and password for this device") from None
            if isinstance(exc, (nx.ConnectionException, OSError, EOFError)) or "Timeout" in name:
                raise self._fail(FailureKind.UNREACHABLE, f"cannot connect to {ep.host}:{ep.port} ({name})",
                                 hint="check that the device is up and reachable from here") from None
            raise self._fail(FailureKind.DISCONNECTED, f"the session failed while opening: {name}: {text}",
                             hint="check the driver and the device") from None
        self._device = device

    def close(self) -> None:
        if self._device is not None:
            with contextlib.suppress(Exception):  # closing a session that is already gone
                self._device.close()
        self._device = None

    def get_running_config(self) -> str:
        dev = self._dev()
        cfg = self._call("get_config", dev.get_config, retrieve="running")
        return clean_running_config(self.endpoint.platform, str(cfg.get("running", "")))

    def load_merge_candidate(self, config: str) -> None:
        dev = self._dev()
        self._candidate = config
        text = "\n".join(config_lines(config)) + "\n"
        self._call("load_merge_candidate", dev.load_merge_candidate, config=text)

    def compare_config(self) -> str:
        if self._candidate is None:
            return ""
        diff = self._call("compare_config", self._dev().compare_config)
        return str(diff or "").strip("\n") + ("\n" if diff and str(diff).strip() else "")

    def discard_config(self) -> None:
        if self._candidate is not None:
            self._call("discard_config", self._dev().discard_config)
        self._candidate = None

    def commit_config(self, *, confirm_seconds: int | None = None) -> None:
        dev = self._dev()
        if self._candidate is None:
            return
        if confirm_seconds:
            self._call("commit_config", dev.commit_config, revert_in=confirm_seconds)
        else:
            self._call("commit_config", dev.commit_config)
        self._committed = True
        self._candidate = None

    def confirm_commit(self) -> None:
        dev = self._dev()
        if self._call("has_pending_commit", dev.has_pending_commit):
            self._call("confirm_commit", dev.confirm_commit)

    def rollback(self) -> None:
        if not self._committed:
            raise self._fail(FailureKind.UNSUPPORTED, "nothing to roll back",
                             hint="rollback() follows a commit_config()")
        self._call("rollback", self._dev().rollback)
        self._committed = False

    def run_commands(self, commands: Sequence[str]) -> dict[str, str]:
        out = self._call("cli", self._dev().cli, list(commands))
        return {cmd: str(out.get(cmd, "")) for cmd in commands}
