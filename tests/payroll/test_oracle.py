"""Supplements against a minute-by-minute oracle around the autumn DST switch (PAY-5, PAY-8).

The oracle looks at each worked minute's local wall-clock time in Europe/Berlin, finds the
§ 3b EStG windows open at that moment and keeps the best one per group; the library lays
the windows on the days as real instants. Both must agree to the second on every kind,
also on 25 October 2026, when 02:00-03:00 happens twice.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicore import jurisdictions
from clinicore.payroll import Period, compute_statement
from clinicore.testing.samples import a_contract, a_punch_log, an_employee

ZONE = "Europe/Berlin"
TZ = pendulum.timezone(ZONE)
RULES = jurisdictions.get("DE").payroll_rules(dt.date(2026, 10, 1))
HOLIDAYS = frozenset({dt.date(2026, 10, 26)})  # pretend Monday is a holiday, for coverage
ORIGIN = pendulum.datetime(2026, 10, 23, 12, tz=ZONE)


def _oracle(spans: list[tuple[int, int]]) -> dict[str, int]:
    gap = int(RULES.working_time.duty_gap.total_seconds())
    starts: list[int] = []
    for index, (start, _) in enumerate(spans):
        joined = index and start - spans[index - 1][1] < gap
        starts.append(starts[-1] if joined else start)
    found: dict[str, int] = {}
    for (start, end), duty_start in zip(spans, starts, strict=True):
        for ts in range(start, end, 60):
            local = dt.datetime.fromtimestamp(ts, TZ)
            minute = local.hour * 60 + local.minute
            best: dict[str, tuple[Fraction, str]] = {}
            for rule in RULES.supplements:
                low, high = rule.minutes
                for day, shift in ((local.date(), 0), (local.date() - dt.timedelta(days=1), 1440)):
                    if not rule.opens_on(day, HOLIDAYS) or not low <= minute + shift < high:
                        continue
                    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=TZ).timestamp()
                    if rule.requires_start_before_day and duty_start >= midnight:
                        continue
                    value = Fraction(rule.percent or 0)
                    if rule.group not in best or value > best[rule.group][0]:
                        best[rule.group] = (value, rule.kind)
            for _, kind in best.values():
                found[kind] = found.get(kind, 0) + 60
    return found


@st.composite
def _spans(draw: st.DrawFn) -> list[tuple[int, int]]:
    origin = int(ORIGIN.timestamp())
    cursor = origin + 60 * draw(st.integers(0, 600))
    spans = []
    for _ in range(draw(st.integers(1, 5))):
        length = 60 * draw(st.integers(15, 11 * 60))
        spans.append((cursor, cursor + length))
        cursor += length + 60 * draw(st.integers(15, 14 * 60))
    return spans


@settings(max_examples=40)
@given(_spans())
def test_supplement_seconds_match_a_minute_walk_across_the_switch(
    spans: list[tuple[int, int]],
) -> None:
    """§ 3b EStG windows on real time: the library equals the minute-by-minute oracle."""
    employee = an_employee(contracts=[a_contract()])
    log = a_punch_log(
        employee.id,
        [
            (pendulum.from_timestamp(a, tz=ZONE), pendulum.from_timestamp(b, tz=ZONE))
            for a, b in spans
        ],
    )
    statement = compute_statement(
        employee, Period.month(2026, 10, ZONE), punches=log, rules=RULES, holidays=HOLIDAYS
    )
    found = {
        line.code.split(":", 1)[1]: line.seconds
        for line in statement.lines
        if line.code.startswith("supplement:")
    }
    assert found == _oracle(spans)
