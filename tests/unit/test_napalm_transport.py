"""The napalm transport's orchestration and error paths, with napalm's own `mock` driver.

napalm's IOS driver stages a candidate with SCP and the `archive` feature, which no simulator here has, so the
config methods run against the mock driver's recorded answers (tests/data/napalm_mock/<case>/). The mock keeps
no config: these tests check what the transport asks napalm and how it maps napalm's answers and exceptions,
not a device's state (the conformance suite does that for the CLI transports; its `napalm-ios` case runs the
session, `get_config`, `cli` and error mapping against the SSH simulator).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from kotanet.inventory.choices import Platform
from kotanet.playbooks.napalm_transport import NapalmTransport
from kotanet.playbooks.transport import Credentials, DeviceEndpoint, DeviceTransport, FailureKind, TransportError

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[1] / "data" / "napalm_mock"
PASSWORD = "mock-secret-7f3a"
CANDIDATE = ("! route 1\ninterface GigabitEthernet0/1/0\n ip address 10.255.0.1 255.255.255.252\n no shutdown\n"
             "!\nntp server 10.20.0.1\nend\n")


def endpoint(platform: Platform = Platform.IOS) -> DeviceEndpoint:
    return DeviceEndpoint(name="kec-bogor-selatan-r1", platform=platform, host="127.0.0.1", port=22,
                          credentials=Credentials(username="kotanet", password=SecretStr(PASSWORD)))


def mock(case: str, **extra: object) -> NapalmTransport:
    return NapalmTransport(endpoint(), driver="mock", optional_args={"path": str(DATA / case), **extra})


def test_it_is_a_device_transport() -> None:
    assert isinstance(mock("change"), DeviceTransport)


def test_merge_compare_discard_commit_and_rollback() -> None:
    t = mock("change")
    t.open()
    before = t.get_running_config()
    assert before.startswith("hostname kec-bogor-selatan-r1\n")  # the IOS header lines are gone
    t.load_merge_candidate(CANDIDATE)
    dev = t._device
    assert dev.merge is True
    assert dev.config == ("interface GigabitEthernet0/1/0\n ip address 10.255.0.1 255.255.255.252\n no shutdown\n"
                          "ntp server 10.20.0.1\n")  # comments and `end` are not sent
    assert "+ntp server 10.20.0.1" in t.compare_config()
    t.discard_config()
    assert t.compare_config() == ""
    t.load_merge_candidate(CANDIDATE)
    assert t.compare_config().endswith("+ntp server 10.20.0.1\n")
    t.commit_config()
    assert dev.calls["commit_config"] == 1
    assert "ip address 10.255.0.1" in t.get_running_config()
    out = t.run_commands(["show ip ospf neighbor"])
    assert "FULL" in out["show ip ospf neighbor"]
    t.rollback()
    with pytest.raises(TransportError) as info:
        t.rollback()
    assert info.value.kind is FailureKind.UNSUPPORTED
    t.close()


def test_a_rejected_merge_names_the_line_and_never_the_password() -> None:
    t = mock("rejected")
    t.open()
    with pytest.raises(TransportError) as info:
        t.load_merge_candidate(CANDIDATE)
    err = info.value
    assert err.kind is FailureKind.REJECTED
    assert err.line == "ntp server 10.20.0.1"
    assert "Invalid input" in str(err)
    assert PASSWORD not in f"{err} {err.hint} {err!r}"


def test_a_failed_commit_is_rejected_without_the_password() -> None:
    t = mock("commit_error")
    t.open()
    t.load_merge_candidate(CANDIDATE)
    with pytest.raises(TransportError) as info:
        t.commit_config()
    assert info.value.kind is FailureKind.REJECTED
    assert "archive is not configured" in str(info.value)
    assert PASSWORD not in str(info.value)


def test_commit_confirm_then_confirm() -> None:
    t = mock("confirm")
    t.open()
    t.load_merge_candidate(CANDIDATE)
    t.commit_config(confirm_seconds=120)
    dev = t._device
    assert dev.has_pending_commit()
    t.confirm_commit()
    assert not dev.has_pending_commit()
    assert dev.calls["confirm_commit"] == 1


def test_a_device_that_does_not_answer_is_unreachable() -> None:
    with pytest.raises(TransportError) as info:
        mock("change", fail_on_open=True).open()
    assert info.value.kind is FailureKind.UNREACHABLE


def test_routeros_needs_a_driver_that_is_not_installed() -> None:
    with pytest.raises(TransportError) as info:
        NapalmTransport(endpoint(Platform.ROUTEROS)).open()
    assert info.value.kind is FailureKind.UNSUPPORTED
    assert "napalm-ros" in info.value.hint


def test_a_closed_session_is_reported() -> None:
    t = mock("change")
    with pytest.raises(TransportError) as info:
        t.get_running_config()
    assert info.value.kind is FailureKind.DISCONNECTED
