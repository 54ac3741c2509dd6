"""`python -m kotanet.playbooks.sshsim`: serve simulated SSH devices until SIGTERM/SIGINT.

Writes, in the state directory (default $KOTANET_HOME):

- `ssh-simulation.json`: `{"devices": {"<device>": {"host": "127.0.0.1", "port": 2201, "platform": "ios"}},
  "pid": N}` (no credentials), written once every device listens, so its presence means "ready";
- `device-secrets.yaml` (mode 0600): `default: {username: ..., password: ...}` with a random password;
- it reads `ssh-faults.json` (`{"<device>": {"reject_line": "...", "unreachable": true, ...}}`) at start and
  whenever it changes: a device it does not name is healthy.

Both written files are removed on a clean stop.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path

from kotanet.errors import KotanetError
from kotanet.i18n import t
from kotanet.inventory.source import open_inventory
from kotanet.lang import Lang
from kotanet.paths import kotanet_home
from kotanet.playbooks.sshsim.faults import DeviceFaults, faults_from_dict

ENDPOINTS_FILE = "ssh-simulation.json"
SECRETS_FILE = "device-secrets.yaml"
FAULTS_FILE = "ssh-faults.json"


def read_faults(path: Path) -> dict[str, DeviceFaults]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError) as exc:
        raise KotanetError(f"{path}: not valid JSON ({exc})",
                           hint="write {\"<device>\": {\"unreachable\": true}}") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise KotanetError(f"{path}: expected an object of device -> faults",
                           hint="write {\"<device>\": {\"unreachable\": true}}")
    return {str(k): faults_from_dict(v, where=f"{path}: {k}") for k, v in data.items()}


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    tmp.chmod(0o600)
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kotanet.playbooks.sshsim",
                                 description="Serve simulated SSH devices (IOS, RouterOS, Junos) on loopback.")
    ap.add_argument("--inventory", type=Path, default=None, help="inventory directory (default: embedded Bogor)")
    ap.add_argument("--state-dir", type=Path, default=None, help="where to write the endpoint map and secrets")
    ap.add_argument("--devices", default="", help="comma-separated device ids (default: every IOS/RouterOS/Junos)")
    ap.add_argument("--username", default="kotanet")
    ap.add_argument("--lang", default=os.environ.get("KOTANET_LANG", "en"), choices=[x.value for x in Lang])
    args = ap.parse_args(argv)
    lang = Lang(args.lang)
    state_dir: Path = args.state_dir or kotanet_home()
    from kotanet.playbooks.sshsim.server import SshFleet, random_credentials

    try:
        inv = open_inventory(args.inventory)
        devices = [d for d in args.devices.split(",") if d] or None
        faults_path = state_dir / FAULTS_FILE
        faults = read_faults(faults_path)
        fleet = SshFleet(inv, devices, credentials=random_credentials(args.username), faults=faults)
    except KotanetError as exc:
        print("; ".join(exc.lines()), file=sys.stderr)
        return 2
    state_dir.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    endpoints_path = state_dir / ENDPOINTS_FILE
    secrets_path = state_dir / SECRETS_FILE
    with fleet:
        creds = fleet.credentials
        _write_private(secrets_path, "default:\n  username: " + json.dumps(creds.username)
                       + "\n  password: " + json.dumps(creds.password.get_secret_value()) + "\n")
        eps = {name: {"host": ep.host, "port": ep.port, "platform": ep.platform.value}
               for name, ep in sorted(fleet.endpoints.items())}
        tmp = endpoints_path.with_name(f".{endpoints_path.name}.tmp")
        tmp.write_text(json.dumps({"devices": eps, "pid": os.getpid()}, indent=2) + "\n", encoding="utf-8")
        tmp.replace(endpoints_path)
        print(t("sshsim.serving", lang, count=len(eps), path=str(endpoints_path)), file=sys.stderr, flush=True)
        seen = faults_path.stat().st_mtime_ns if faults_path.exists() else None
        current = faults
        while not stop.wait(0.2):
            mtime = faults_path.stat().st_mtime_ns if faults_path.exists() else None
            if mtime == seen:
                continue
            seen = mtime
            try:
                wanted = read_faults(faults_path)
            except KotanetError as exc:
                print("; ".join(exc.lines()), file=sys.stderr, flush=True)
                continue
            for name in sorted(set(current) | set(wanted)):
                if name in fleet.fleet.states and current.get(name) != wanted.get(name):
                    fleet.set_faults(name, wanted.get(name, DeviceFaults()))
            current = {k: v for k, v in wanted.items() if k in fleet.fleet.states}
        endpoints_path.unlink(missing_ok=True)
        secrets_path.unlink(missing_ok=True)
    print(t("sshsim.stopped", lang), file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
