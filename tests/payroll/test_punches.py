"""Punch log, corrections and pairing (PAY-3)."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicore.errors import NaiveDatetimeError, ValidationError
from clinicore.payroll import (
    AnomalyKind,
    EmployeeId,
    Punch,
    PunchId,
    PunchKind,
    effective_punches,
    pair_punches,
)


def local(
    zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> pendulum.DateTime:
    """A local wall-clock instant."""
    return pendulum.datetime(year, month, day, hour, minute, tz=zone)


ZONE = "Europe/Berlin"


def _punch(pid: str, kind: str, at: pendulum.DateTime, **extra: object) -> Punch:
    return Punch(id=pid, employee_id="e1", kind=kind, at=at, recorded_at=at, **extra)  # type: ignore[arg-type]


def test_a_forgotten_clock_out_is_an_anomaly_never_open_ended_hours() -> None:
    """rules.md: a forgotten clock-out is a missing punch to resolve, never open-ended time."""
    log = [
        _punch("a", "in", local(ZONE, 2026, 10, 5, 8)),
        _punch("b", "in", local(ZONE, 2026, 10, 6, 8)),
        _punch("c", "out", local(ZONE, 2026, 10, 6, 16)),
    ]
    result = pair_punches(log)
    assert result.worked == dt.timedelta(hours=8)
    assert [(a.kind, a.punch_ids) for a in result.anomalies] == [(AnomalyKind.MISSING_OUT, ("a",))]


def test_double_punches_and_a_lone_clock_out() -> None:
    log = [
        _punch("a", "in", local(ZONE, 2026, 10, 5, 8)),
        _punch("b", "in", local(ZONE, 2026, 10, 5, 8, 1)),
        _punch("c", "out", local(ZONE, 2026, 10, 5, 12)),
        _punch("d", "out", local(ZONE, 2026, 10, 5, 12, 1)),
        _punch("e", "out", local(ZONE, 2026, 10, 5, 18)),
    ]
    result = pair_punches(log)
    assert result.worked == dt.timedelta(hours=4)
    assert [a.kind for a in result.anomalies] == [
        AnomalyKind.DOUBLE_IN,
        AnomalyKind.DOUBLE_OUT,
        AnomalyKind.MISSING_IN,
    ]


def test_a_span_longer_than_plausible_is_reported_not_paid() -> None:
    log = [
        _punch("a", "in", local(ZONE, 2026, 10, 5, 8)),
        _punch("b", "out", local(ZONE, 2026, 10, 6, 9)),
    ]
    result = pair_punches(log)
    assert result.spans == ()
    assert result.anomalies[0].kind is AnomalyKind.TOO_LONG


def test_corrections_keep_the_entered_time_and_replace_the_effective_one() -> None:
    entered = local(ZONE, 2026, 10, 5, 8, 40)
    original = _punch("a", "in", entered)
    fixed = _punch(
        "a-fix",
        "in",
        local(ZONE, 2026, 10, 5, 8),
        corrects="a",
        author="manager-1",
        reason="badge reader offline",
        source="correction",
    )
    out = _punch("b", "out", local(ZONE, 2026, 10, 5, 16))
    missing = _punch(
        "c", "out", local(ZONE, 2026, 10, 5, 12), corrects=None, author="manager-1", reason="x"
    )
    assert missing.author == "manager-1"
    result = pair_punches([out, fixed, original])
    assert result.worked == dt.timedelta(hours=8)
    assert original.at == entered.in_timezone("UTC")  # the log still holds what was entered
    second = _punch(
        "a-fix2", "in", local(ZONE, 2026, 10, 5, 8, 15), corrects="a-fix", author="m", reason="r"
    )
    assert pair_punches([original, fixed, second, out]).worked == dt.timedelta(hours=7, minutes=45)
    void = _punch("b-void", "out", out.at, corrects="b", void=True, author="m", reason="double")
    assert [p.id for p in effective_punches([original, fixed, out, void])] == ["a-fix"]
    assert "badge" not in repr(fixed)


def test_bad_punches_are_clear_errors() -> None:
    at = local(ZONE, 2026, 10, 5, 8)
    with pytest.raises(NaiveDatetimeError):
        _punch("a", "in", dt.datetime(2026, 10, 5, 8))  # type: ignore[arg-type]  # noqa: DTZ001
    with pytest.raises(ValidationError, match="author and a reason"):
        _punch("a", "in", at, corrects="x")
    with pytest.raises(ValidationError, match="kind"):
        _punch("a", "sideways", at)
    with pytest.raises(ValidationError, match="not in the log"):
        effective_punches([_punch("a", "in", at, corrects="zz", author="m", reason="r")])
    other = Punch(
        id=PunchId("o"), employee_id=EmployeeId("e2"), kind=PunchKind.IN, at=at, recorded_at=at
    )
    with pytest.raises(ValidationError, match="one employee"):
        pair_punches([_punch("a", "in", at), other])


_instants = st.integers(min_value=0, max_value=30 * 24 * 60).map(
    lambda minutes: pendulum.datetime(2026, 10, 1, tz=ZONE).add(minutes=minutes)
)


@st.composite
def _logs(draw: st.DrawFn) -> list[Punch]:
    count = draw(st.integers(min_value=0, max_value=30))
    return [
        _punch(f"p{index}", draw(st.sampled_from(["in", "out"])), draw(_instants))
        for index in range(count)
    ]


@settings(max_examples=150)
@given(_logs(), st.randoms(use_true_random=False))
def test_pairing_does_not_depend_on_the_order_punches_arrive_in(
    log: list[Punch], random: object
) -> None:
    """PAY-3 property: the result is the same for every arrival order."""
    shuffled = list(log)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert pair_punches(shuffled) == pair_punches(log)


@settings(max_examples=150)
@given(_logs())
def test_worked_time_is_the_sum_of_disjoint_paired_spans(log: list[Punch]) -> None:
    """PAY-3 property: worked hours equal the sum of the paired spans, which never overlap
    and each consume one clock-in and one clock-out; every punch is used or reported."""
    result = pair_punches(log)
    assert result.worked == sum((s.range.duration for s in result.spans), dt.timedelta(0))
    for earlier, later in zip(result.spans, result.spans[1:], strict=False):
        assert earlier.range.end <= later.range.start
    used = {s.clock_in for s in result.spans} | {s.clock_out for s in result.spans}
    reported = {pid for a in result.anomalies for pid in a.punch_ids}
    assert {p.id for p in log} <= used | reported
