"""Aware instants and IANA time zones: the only way clinicore accepts time.

Every instant clinicore stores or compares is an aware ``pendulum.DateTime``. A naive
``datetime`` has no meaning in a network of clinics in several zones, so it is refused
with a [`NaiveDatetimeError`][clinicore.errors.NaiveDatetimeError] instead of guessed.
Wall-clock rules (opening hours, quiet hours) carry the IANA zone they are meant in.

Examples:
    >>> import datetime
    >>> aware(datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)).isoformat()
    '2026-03-29T01:30:00+00:00'
    >>> parse_zone("Europe/Oslo").name
    'Europe/Oslo'

"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache

import pendulum

from clinicore.errors import NaiveDatetimeError, UnknownTimeZoneError, ValidationError

__all__ = ["UTC", "aware", "is_aware", "offset_transitions", "parse_zone", "to_utc"]

UTC = pendulum.UTC
"""The UTC zone, the one a stored instant is normalised to."""


def parse_zone(name: object, *, field: str = "timezone") -> pendulum.Timezone:
    """Return the IANA zone called ``name`` (``"Europe/Berlin"``).

    Fixed offsets (``"+02:00"``) are refused: a clinic's rules follow its zone's DST changes.

    Raises:
        UnknownTimeZoneError: ``name`` is not an IANA zone.

    """
    if isinstance(name, pendulum.Timezone):
        return name
    if not isinstance(name, str) or not name:
        raise UnknownTimeZoneError(name, field=field)
    return _zone(name, field)


@lru_cache(maxsize=512)
def _zone(name: str, field: str) -> pendulum.Timezone:
    try:
        zone = pendulum.timezone(name)
    except Exception:  # pendulum raises several types for unknown names
        raise UnknownTimeZoneError(name, field=field) from None
    if not isinstance(zone, pendulum.Timezone):
        raise UnknownTimeZoneError(name, field=field)
    return zone


def is_aware(value: _dt.datetime) -> bool:
    """Whether ``value`` carries a zone that gives it a UTC offset."""
    return value.tzinfo is not None and value.utcoffset() is not None


def aware(value: object, *, field: str = "instant") -> pendulum.DateTime:
    """Return ``value`` as an aware ``pendulum.DateTime``; refuse anything naive.

    Raises:
        NaiveDatetimeError: ``value`` is a datetime without a zone.
        ValidationError: ``value`` is not a datetime at all.

    """
    if isinstance(value, pendulum.DateTime):
        if value.tzinfo is None:
            raise NaiveDatetimeError(value, field=field)
        return value
    if not isinstance(value, _dt.datetime):
        raise ValidationError(
            f"{field} must be an aware datetime, got {type(value).__name__}", field=field
        )
    if not is_aware(value):
        raise NaiveDatetimeError(value, field=field)
    return pendulum.instance(value)


def to_utc(value: object, *, field: str = "instant") -> pendulum.DateTime:
    """Return ``value`` as an aware instant in UTC; refuse anything naive.

    Why normalise: Python compares two datetimes that share a ``tzinfo`` by their wall
    clock, ignoring ``fold``. In Europe/Berlin, 02:30 CEST and 02:30 CET (one hour apart)
    then compare *equal*, and a 22:00-06:00 night across the autumn switch subtracts to
    8 h instead of 9 h. In UTC wall clock and elapsed time agree, so stored and compared
    instants are always UTC; local time is derived with ``in_timezone`` for display.

    Examples:
        >>> import pendulum
        >>> to_utc(pendulum.datetime(2026, 10, 25, 2, 30, tz="Europe/Berlin", fold=0)).isoformat()
        '2026-10-25T00:30:00+00:00'

    """
    instant = aware(value, field=field)
    if instant.tzinfo is UTC:
        return instant
    return instant.astimezone(UTC)


def offset_transitions(
    zone: str | pendulum.Timezone, start: _dt.datetime, end: _dt.datetime
) -> list[pendulum.DateTime]:
    """The instants in ``[start, end)`` at which ``zone`` changes its UTC offset (DST).

    Each is the first instant of the new offset, in UTC.

    Examples:
        >>> start = pendulum.datetime(2026, 1, 1)
        >>> [t.isoformat() for t in offset_transitions("Europe/Berlin", start, start.add(years=1))]
        ['2026-03-29T01:00:00+00:00', '2026-10-25T01:00:00+00:00']

    """
    tz = parse_zone(zone)
    low_bound = int(to_utc(start, field="start").timestamp())
    high_bound = int(to_utc(end, field="end").timestamp())

    def offset(timestamp: int) -> _dt.timedelta | None:
        return _dt.datetime.fromtimestamp(timestamp, tz).utcoffset()

    found: list[pendulum.DateTime] = []
    step = 7 * 86_400  # no zone changes its offset twice within a week
    for week_start in range(low_bound, high_bound, step):
        low, high = week_start, min(week_start + step, high_bound)
        if offset(low) == offset(high):
            continue
        # Bisect to the first second of the new offset.
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if offset(middle) == offset(low) else (low, middle)
        found.append(pendulum.from_timestamp(high, tz=UTC))
    return found
