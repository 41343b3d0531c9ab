"""Private time helpers of the payroll engine: instants as integer UTC seconds.

The engine works on whole seconds since the epoch (UTC) so that elapsed time is exact
across DST switches and arithmetic is cheap; local days are found through the zone.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache

import pendulum

from clinicore.zones import parse_zone, to_utc

__all__: list[str] = []

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


def seconds(instant: pendulum.DateTime) -> int:
    """An aware instant as whole seconds since the epoch (sub-second parts dropped)."""
    if instant.tzinfo is pendulum.UTC:
        return int(_dt.datetime.timestamp(instant))
    return int(_dt.datetime.timestamp(to_utc(instant)))


def instant(ts: int) -> pendulum.DateTime:
    """Whole epoch seconds back to a UTC ``pendulum.DateTime``."""
    return pendulum.from_timestamp(ts, tz=pendulum.UTC)


@lru_cache(maxsize=65536)
def local_time_ts(zone_name: str, day: _dt.date, hour: int, minute: int) -> int:
    """Epoch seconds of the wall-clock time ``hour:minute`` on ``day`` in the zone.

    A time that does not exist (spring gap) moves forward by the gap, as pendulum does;
    an ambiguous one (autumn) is the earlier instant. ``hour`` may be 24 (next midnight).
    """
    if hour == 24:
        day, hour = day + _dt.timedelta(days=1), 0
    value = pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=parse_zone(zone_name))
    return seconds(value)


def midnight_ts(zone_name: str, day: _dt.date) -> int:
    """Epoch seconds of the start of the local ``day``."""
    return local_time_ts(zone_name, day, 0, 0)


@lru_cache(maxsize=8)
def _tzinfo(zone_name: str) -> _dt.tzinfo:
    return parse_zone(zone_name)


@lru_cache(maxsize=65536)
def _offset(zone_name: str, quarter: int) -> int:
    """The zone's UTC offset in seconds during the quarter hour ``quarter`` (ts // 900)."""
    moment = _EPOCH + _dt.timedelta(seconds=quarter * 900)
    offset = moment.astimezone(_tzinfo(zone_name)).utcoffset()
    return 0 if offset is None else int(offset.total_seconds())


_ORDINAL_OF_EPOCH = _dt.date(1970, 1, 1).toordinal()


def local_date(zone_name: str, ts: int) -> _dt.date:
    """The local calendar day the instant ``ts`` falls on.

    Offsets are looked up per UTC quarter hour: every offset change of the IANA zones
    since 1970 happens on a quarter hour, so that is exact and much faster than
    converting each instant.
    """
    local = ts + _offset(zone_name, ts // 900)
    return _dt.date.fromordinal(_ORDINAL_OF_EPOCH + local // 86400)
