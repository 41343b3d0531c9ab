"""Planning arithmetic on plain ``datetime`` and ``zoneinfo``: the hot path of planning.

pendulum's arithmetic costs about ten times the standard library's. Planning runs for every
appointment of a network, so it computes offsets and quiet hours here on plain aware UTC
datetimes, with exactly the semantics of
[`Offset.apply`][clinicore.reminders.policies.Offset.apply] and
[`QuietHours.next_allowed`][clinicore.reminders.quiet_hours.QuietHours.next_allowed]
(a property test holds the two equal). Rare cases (a wall-clock time in a DST gap) go to
the pendulum reference.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import pendulum

from clinicore.reminders.policies import Offset
from clinicore.reminders.quiet_hours import QuietHours, local_instant

__all__: list[str] = []

UTC = _dt.UTC
_PENDULUM_UTC = pendulum.UTC


@lru_cache(maxsize=512)
def zone_info(name: str) -> ZoneInfo:
    """The stdlib zone (C implementation) of an already validated IANA name."""
    return ZoneInfo(name)


def plain(instant: _dt.datetime) -> _dt.datetime:
    """``instant`` as a plain ``datetime`` in UTC (no pendulum subclass)."""
    utc = instant.astimezone(UTC) if instant.utcoffset() else instant
    return _dt.datetime(
        utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond, tzinfo=UTC
    )


def to_pendulum(instant: _dt.datetime) -> pendulum.DateTime:
    """A plain UTC ``datetime`` as a pendulum instant in UTC."""
    return pendulum.DateTime(
        instant.year,
        instant.month,
        instant.day,
        instant.hour,
        instant.minute,
        instant.second,
        instant.microsecond,
        tzinfo=_PENDULUM_UTC,
    )


def resolve(naive: _dt.datetime, zone: ZoneInfo, fold: int = 0) -> _dt.datetime:
    """The UTC instant of a local wall-clock reading, as `local_instant` defines it."""
    utc = naive.replace(tzinfo=zone, fold=fold).astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == naive:
        return utc
    gap = local_instant(naive.date(), naive.time(), zone.key, fold=fold)  # in a DST gap
    return plain(gap)


def apply_offset(offset: Offset, anchor: _dt.datetime, zone: ZoneInfo, sign: int) -> _dt.datetime:
    """``Offset.apply`` on plain datetimes."""
    moved = anchor
    if offset.days or offset.at is not None:
        local = anchor.astimezone(zone)
        day = local.date() + _dt.timedelta(days=sign * offset.days)
        wall = offset.at if offset.at is not None else local.time()
        moved = resolve(_dt.datetime.combine(day, wall), zone)
    if offset.hours or offset.minutes:
        moved = moved + sign * _dt.timedelta(hours=offset.hours, minutes=offset.minutes)
    return moved


def next_allowed(quiet: QuietHours, instant: _dt.datetime, zone: ZoneInfo) -> _dt.datetime:
    """``QuietHours.next_allowed`` on plain datetimes."""
    local = instant.astimezone(zone)
    wall = local.time()
    if not quiet.contains_time(wall):
        return instant
    day = local.date()
    if quiet.start > quiet.end and wall >= quiet.start:
        day = day + _dt.timedelta(days=1)
    for fold in (0, 1):
        end = resolve(_dt.datetime.combine(day, quiet.end), zone, fold)
        if end >= instant:
            return end
    return resolve(_dt.datetime.combine(day + _dt.timedelta(days=1), quiet.end), zone)
