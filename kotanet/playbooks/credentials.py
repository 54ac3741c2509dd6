"""Device credentials: from the environment, or from a secrets file only its owner can read. Never printed.

Sources, first match wins:
1. `--secrets FILE` given explicitly: the file.
2. `KOTANET_DEVICE_USERNAME` and `KOTANET_DEVICE_PASSWORD` (and `KOTANET_DEVICE_SECRET`, the IOS enable secret)
   in the environment: every device.
3. `$KOTANET_HOME/device-secrets.yaml`, if it exists.

The file is YAML, mode 0600 (anything group- or world-readable is refused):

    default: {username: noc, password: ...}
    devices:
      kec-tanah-sareal-r1: {username: admin, password: ..., secret: ...}

Passwords are `pydantic.SecretStr` from the moment they are read, so a repr, a log line or an exception
shows `**********`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from kotanet.errors import KotanetError
from kotanet.paths import kotanet_home
from kotanet.playbooks.transport import Credentials

__all__ = ["DEFAULT_SECRETS_NAME", "CredentialSource", "load_credentials", "secrets_path"]

DEFAULT_SECRETS_NAME = "device-secrets.yaml"
ENV_USERNAME = "KOTANET_DEVICE_USERNAME"
ENV_PASSWORD = "KOTANET_DEVICE_PASSWORD"
ENV_SECRET = "KOTANET_DEVICE_SECRET"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    username: str
    password: SecretStr
    secret: SecretStr | None = None

    def credentials(self) -> Credentials:
        return Credentials(username=self.username, password=self.password, secret=self.secret)


class _SecretsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    default: _Entry | None = None
    devices: dict[str, _Entry] = {}


@dataclass(frozen=True, slots=True)
class CredentialSource:
    """Credentials per device. `origin` says where they came from (a path or "environment"), never what."""

    origin: str
    default: Credentials | None
    devices: Mapping[str, Credentials] = field(default_factory=dict)

    def for_device(self, device: str) -> Credentials:
        creds = self.devices.get(device, self.default)
        if creds is None:
            raise KotanetError(f"no credentials for device {device} in {self.origin}",
                               hint=f"add a default: or devices.{device}: entry, or set {ENV_USERNAME} and "
                                    f"{ENV_PASSWORD}")
        return creds

    def __repr__(self) -> str:
        return f"CredentialSource(origin={self.origin!r}, devices={sorted(self.devices)!r})"


def secrets_path(env: Mapping[str, str] | None = None) -> Path:
    return kotanet_home(env) / DEFAULT_SECRETS_NAME


def _read_file(path: Path) -> CredentialSource:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise KotanetError(f"secrets file {path} does not exist",
                           hint=f"create it (mode 0600) or set {ENV_USERNAME} and {ENV_PASSWORD}") from None
    if stat.S_IMODE(st.st_mode) & 0o077:
        raise KotanetError(f"secrets file {path} is readable by others (mode {stat.S_IMODE(st.st_mode):04o})",
                           hint=f"chmod 600 {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        parsed = _SecretsFile.model_validate(data)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise KotanetError(f"{where}: not valid YAML", hint="fix the secrets file") from None
    except ValidationError as exc:
        # pydantic's message would echo the input (the password); name only the fields
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "(top)" for e in exc.errors())
        raise KotanetError(f"{path}: bad or missing fields: {fields}",
                           hint="expected default: {username: ..., password: ...} and optional devices: "
                                "{<device>: {username: ..., password: ...}}") from None
    if parsed.default is None and not parsed.devices:
        raise KotanetError(f"{path} holds no credentials", hint="add a default: entry")
    return CredentialSource(origin=str(path), default=parsed.default.credentials() if parsed.default else None,
                            devices={k: v.credentials() for k, v in parsed.devices.items()})


def load_credentials(secrets: Path | None = None, env: Mapping[str, str] | None = None) -> CredentialSource:
    """The credentials to use (see the module's docstring for the order)."""
    env = os.environ if env is None else env
    if secrets is not None:
        return _read_file(secrets)
    user = env.get(ENV_USERNAME)
    password = env.get(ENV_PASSWORD)
    if user and password is not None:
        enable = env.get(ENV_SECRET)
        creds = Credentials(username=user, password=SecretStr(password),
                            secret=SecretStr(enable) if enable else None)
        return CredentialSource(origin="environment", default=creds)
    default = secrets_path(env)
    if default.exists():
        return _read_file(default)
    raise KotanetError("no device credentials",
                       hint=f"set {ENV_USERNAME} and {ENV_PASSWORD}, or write {default} (mode 0600), "
                            "or pass --secrets FILE")
