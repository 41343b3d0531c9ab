"""Supplement time: which worked seconds fall into which supplement window (PAY-5, PAY-8).

For each duty the windows of the jurisdiction's
[`SupplementRule`][clinicore.payroll.rules.SupplementRule]s are laid on the local days the
duty touches, converted to real instants (so a night window on the autumn switch day is an
hour longer), and intersected with the worked spans. Inside one ``group`` only the highest
supplement counts for each second; different groups add up.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Sequence
from fractions import Fraction

import attrs

from clinicore.payroll._time import local_date, local_time_ts, midnight_ts
from clinicore.payroll.hours import Duty
from clinicore.payroll.rules import SupplementRule

__all__ = ["SupplementTime", "supplement_time"]

_DAY_MINUTES = 24 * 60


@attrs.frozen
class SupplementTime:
    """Seconds of one duty that earn a supplement of ``rule``, and the hourly value."""

    rule: SupplementRule
    seconds: int
    per_hour: Fraction


def _wall(zone: str, day: _dt.date, minutes: int) -> int:
    days, rest = divmod(minutes, _DAY_MINUTES)
    return local_time_ts(zone, day + _dt.timedelta(days=days), rest // 60, rest % 60)


def _windows(
    rules: Sequence[SupplementRule],
    duty: Duty,
    zone: str,
    holidays: frozenset[_dt.date],
) -> dict[str, list[tuple[int, int, int]]]:
    """Window instances by group: ``(start, end, rule index)`` in epoch seconds."""
    first = local_date(zone, duty.start) - _dt.timedelta(days=1)
    last = local_date(zone, duty.end)
    by_group: dict[str, list[tuple[int, int, int]]] = {}
    day = first
    while day <= last:
        for index, rule in enumerate(rules):
            if not rule.opens_on(day, holidays):
                continue
            if rule.requires_start_before_day and duty.start >= midnight_ts(zone, day):
                continue
            low, high = rule.minutes
            start, end = _wall(zone, day, low), _wall(zone, day, high)
            if start < duty.end and duty.start < end:
                by_group.setdefault(rule.group, []).append((start, end, index))
        day += _dt.timedelta(days=1)
    return by_group


def supplement_time(
    duty: Duty,
    rules: Sequence[SupplementRule],
    *,
    zone: str,
    holidays: frozenset[_dt.date],
    base_per_hour: Fraction,
) -> list[SupplementTime]:
    """The supplement seconds of one duty, per rule, with each rule's hourly value.

    ``base_per_hour`` is the (already capped) hourly base percentages apply to.
    """
    if not rules:
        return []
    values = [
        base_per_hour * Fraction(rule.percent) / 100
        if rule.percent is not None
        else Fraction(rule.per_hour.amount)  # type: ignore[union-attr]
        for rule in rules
    ]
    earned = [0] * len(rules)
    for windows in _windows(rules, duty, zone, holidays).values():
        for span_start, span_end in duty.spans:
            _best_of_group(windows, span_start, span_end, values, earned)
    return [
        SupplementTime(rule, earned[index], values[index])
        for index, rule in enumerate(rules)
        if earned[index]
    ]


def _best_of_group(
    windows: list[tuple[int, int, int]],
    span_start: int,
    span_end: int,
    values: list[Fraction],
    earned: list[int],
) -> None:
    """Add each second of ``[span_start, span_end)`` to the best window covering it."""
    inside = [
        (max(start, span_start), min(end, span_end), index)
        for start, end, index in windows
        if start < span_end and span_start < end
    ]
    if not inside:
        return
    if len(inside) == 1:
        start, end, index = inside[0]
        earned[index] += end - start
        return
    points = sorted({point for start, end, _ in inside for point in (start, end)})
    for low, high in itertools.pairwise(points):
        best: int | None = None
        for start, end, index in inside:
            if start <= low and high <= end and (best is None or values[index] > values[best]):
                best = index
        if best is not None:
            earned[best] += high - low
