"""utilisation(): in/out utilisation from two 64-bit octet counter readings."""

from __future__ import annotations

import pytest

from kotanet.monitors.snmp import CounterPair, Utilisation, utilisation

pytestmark = pytest.mark.unit


def test_plain_interval() -> None:
    # 12.5 MB in over 10 s on a 100 Mbit/s link = 10 Mbit/s = 10 %; out 25 MB = 20 %
    got = utilisation(CounterPair(1_000, 2_000), CounterPair(1_000 + 12_500_000, 2_000 + 25_000_000), 10.0, 100.0)
    assert got == pytest.approx(Utilisation(0.10, 0.20))


def test_counter_wrap_64_bit() -> None:
    top = 2**64 - 1_000
    # 1,000 octets up to the wrap, then 1,500 past it: 2,500 octets in 1 s on 1 Mbit/s = 0.02
    got = utilisation(CounterPair(top, 0), CounterPair(1_500, 0), 1.0, 1.0)
    assert got is not None
    assert got.in_ratio == pytest.approx(2_500 * 8 / 1_000_000)
    assert got.out_ratio == 0.0


def test_no_change_is_zero() -> None:
    assert utilisation(CounterPair(5, 5), CounterPair(5, 5), 60.0, 1000.0) == Utilisation(0.0, 0.0)


@pytest.mark.parametrize("dt_s", [0.0, -1.0])
def test_zero_or_negative_interval_is_none(dt_s: float) -> None:
    assert utilisation(CounterPair(0, 0), CounterPair(10, 10), dt_s, 100.0) is None


def test_zero_capacity_is_none() -> None:
    assert utilisation(CounterPair(0, 0), CounterPair(10, 10), 1.0, 0.0) is None


def test_exact_for_large_counters() -> None:
    # ints all the way: a float would lose these low bits
    prev = CounterPair(2**63 + 1, 2**63 + 3)
    cur = CounterPair(2**63 + 1 + 125, 2**63 + 3 + 250)
    got = utilisation(prev, cur, 1.0, 0.001)  # 1 kbit/s
    assert got == Utilisation(1.0, 2.0)
