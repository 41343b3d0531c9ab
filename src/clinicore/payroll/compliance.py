"""Compliance warnings: daily maximum, breaks, rest between duties, overtime caps (PAY-9).

Warnings never change pay; they list, per employee, the rule, its legal source and the
worked spans that cause it, for the practice manager to act on.

Examples:
    >>> import datetime as dt
    >>> from clinicore.payroll.rules import WorkingTimeRules
    >>> rules = WorkingTimeRules(max_daily=dt.timedelta(hours=10), source="§ 3 ArbZG")
    >>> duty = Duty(dt.date(2026, 10, 5), ((0, 11 * 3600),))
    >>> [w.rule for w in check_compliance("e1", [duty], [], rules)]
    ['daily_maximum']

"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence

import attrs

from clinicore.intervals import TimeRange
from clinicore.payroll._time import instant
from clinicore.payroll.hours import Category, Duty, Segment
from clinicore.payroll.rules import WorkingTimeRules

__all__ = ["ComplianceWarning", "check_compliance"]


@attrs.frozen
class ComplianceWarning:
    """One breach of a working-time rule.

    Attributes:
        employee_id: whose.
        rule: ``"daily_maximum"``, ``"breaks"``, ``"rest"``, ``"overtime_cap"`` or
            ``"no_contract"`` (work on a day no contract covers; not paid).
        day: the local day (of the duty, or the last day of the cap window).
        message: what is wrong, with the figures (no personal data).
        spans: the worked spans that cause it.
        source: the legal source of the rule.

    """

    employee_id: str
    rule: str
    day: _dt.date
    message: str
    spans: tuple[TimeRange, ...]
    source: str


def _ranges(*duties: Duty) -> tuple[TimeRange, ...]:
    return tuple(
        TimeRange._trusted(instant(start), instant(end))
        for duty in duties
        for start, end in duty.spans
    )


def _hours(value: int) -> str:
    return f"{value / 3600:.2f} h"


def check_compliance(
    employee_id: str,
    duties: Sequence[Duty],
    segments: Sequence[Segment],
    rules: WorkingTimeRules,
) -> list[ComplianceWarning]:
    """Every breach of ``rules`` in the duties (sorted by time) and overtime segments."""
    warnings: list[ComplianceWarning] = []
    max_daily = int(rules.max_daily.total_seconds())
    min_rest = int(rules.min_rest.total_seconds())
    for previous, duty in zip([None, *duties], duties, strict=False):
        work = duty.work
        if work > max_daily:
            warnings.append(
                ComplianceWarning(
                    employee_id,
                    "daily_maximum",
                    duty.day,
                    f"worked {_hours(work)} in one duty; at most {_hours(max_daily)}",
                    _ranges(duty),
                    rules.source,
                )
            )
        needed = int(rules.required_break(_dt.timedelta(seconds=work)).total_seconds())
        if duty.breaks < needed:
            warnings.append(
                ComplianceWarning(
                    employee_id,
                    "breaks",
                    duty.day,
                    f"breaks of {duty.breaks // 60} min after {_hours(work)} of work; "
                    f"at least {needed // 60} min",
                    _ranges(duty),
                    rules.source,
                )
            )
        if previous is not None and duty.start - previous.end < min_rest:
            warnings.append(
                ComplianceWarning(
                    employee_id,
                    "rest",
                    duty.day,
                    f"rest of {_hours(duty.start - previous.end)} between duties; "
                    f"at least {_hours(min_rest)}",
                    _ranges(previous, duty),
                    rules.source,
                )
            )
    warnings.extend(_overtime_caps(employee_id, duties, segments, rules))
    return warnings


def _overtime_caps(
    employee_id: str,
    duties: Sequence[Duty],
    segments: Sequence[Segment],
    rules: WorkingTimeRules,
) -> list[ComplianceWarning]:
    per_day: dict[_dt.date, int] = {}
    for segment in segments:
        if segment.category is Category.OVERTIME:
            per_day[segment.day] = per_day.get(segment.day, 0) + segment.end - segment.start
    found: list[ComplianceWarning] = []
    if not per_day:
        return found
    for cap in rules.overtime_caps:
        limit = int(cap.limit.total_seconds())
        for day in sorted(per_day):
            window_start = day - _dt.timedelta(days=cap.days - 1)
            total = sum(v for d, v in per_day.items() if window_start <= d <= day)
            if total > limit:
                causes = [d for d in duties if window_start <= d.day <= day and d.day in per_day]
                found.append(
                    ComplianceWarning(
                        employee_id,
                        "overtime_cap",
                        day,
                        f"{_hours(total)} of overtime in the {cap.days} days to {day}; "
                        f"at most {_hours(limit)}",
                        _ranges(*causes),
                        rules.source,
                    )
                )
                break  # one warning per cap is enough to act on
    return found
