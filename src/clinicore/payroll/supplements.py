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

__all__ = ["SupplementTime", "earned_seconds", "rule_values", "supplement_time"]

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


_Window = tuple[int, int, int]
_DayCache = dict[_dt.date, list[tuple[str, int, int, int, bool]]]


def _day_windows(
    rules: Sequence[SupplementRule],
    day: _dt.date,
    zone: str,
    holidays: frozenset[_dt.date],
    cache: _DayCache,
) -> list[tuple[str, int, int, int, bool]]:
    """The windows opening on ``day``: ``(group, start, end, rule index, needs early start)``."""
    found = cache.get(day)
    if found is None:
        found = []
        for index, rule in enumerate(rules):
            if rule.opens_on(day, holidays):
                low, high = rule.minutes
                found.append(
                    (
                        rule.group,
                        _wall(zone, day, low),
                        _wall(zone, day, high),
                        index,
                        rule.requires_start_before_day,
                    )
                )
        cache[day] = found
    return found


def _windows(
    rules: Sequence[SupplementRule],
    duty: Duty,
    zone: str,
    holidays: frozenset[_dt.date],
    cache: _DayCache,
) -> dict[str, list[_Window]]:
    """Window instances by group: ``(start, end, rule index)`` in epoch seconds."""
    day = local_date(zone, duty.start) - _dt.timedelta(days=1)
    last = local_date(zone, duty.end)
    by_group: dict[str, list[_Window]] = {}
    while day <= last:
        for group, start, end, index, needs_early_start in _day_windows(
            rules, day, zone, holidays, cache
        ):
            if needs_early_start and duty.start >= midnight_ts(zone, day):
                continue
            if start < duty.end and duty.start < end:
                by_group.setdefault(group, []).append((start, end, index))
        day += _dt.timedelta(days=1)
    return by_group


def rule_values(rules: Sequence[SupplementRule], base_per_hour: Fraction) -> list[Fraction]:
    """Each rule's value per hour: a percentage of ``base_per_hour`` or its fixed amount."""
    return [
        base_per_hour * Fraction(rule.percent) / 100
        if rule.percent is not None
        else Fraction(rule.per_hour.amount)  # type: ignore[union-attr]
        for rule in rules
    ]


def earned_seconds(
    duty: Duty,
    rules: Sequence[SupplementRule],
    values: Sequence[Fraction],
    *,
    zone: str,
    holidays: frozenset[_dt.date],
    cache: _DayCache | None = None,
) -> list[int]:
    """Seconds of ``duty`` earned by each rule (same order), the best of each group winning.

    ``values`` are the rules' hourly values (see ``rule_values``); ``cache`` may be shared by
    the calls of one statement (same rules, zone and holidays).
    """
    earned = [0] * len(rules)
    for windows in _windows(rules, duty, zone, holidays, {} if cache is None else cache).values():
        for span_start, span_end in duty.spans:
            _best_of_group(windows, span_start, span_end, values, earned)
    return earned


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
    values = rule_values(rules, base_per_hour)
    earned = earned_seconds(duty, rules, values, zone=zone, holidays=holidays)
    return [
        SupplementTime(rule, earned[index], values[index])
        for index, rule in enumerate(rules)
        if earned[index]
    ]


def _best_of_group(
    windows: list[_Window],
    span_start: int,
    span_end: int,
    values: Sequence[Fraction],
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
