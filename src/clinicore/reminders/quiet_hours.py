"""Quiet hours: the local wall-clock window in which no message to a patient goes out (REM-3).

Quiet hours are a nightly window such as 21:00-08:00 in the site's IANA zone. A reminder
due inside it moves to the end of the window, the next allowed local time. The window is
judged on the local wall clock, so it holds on DST days too: in Europe/Berlin on the
night of the autumn switch the hour 02:00-03:00 happens twice and is quiet both times;
when the window ends at a time that does not exist (02:30 on the spring switch), the
reminder goes out at the first instant after the gap (03:00 local, 01:00 UTC).

Examples:
    >>> import datetime, pendulum
    >>> quiet = QuietHours(datetime.time(21), datetime.time(8))
    >>> late = pendulum.datetime(2026, 10, 24, 22, 15, tz="Europe/Berlin")
    >>> quiet.next_allowed(late, "Europe/Berlin").in_timezone("Europe/Berlin").isoformat()
    '2026-10-25T08:00:00+01:00'

"""

from __future__ import annotations

import datetime as _dt

import attrs
import pendulum

from clinicore.errors import ValidationError
from clinicore.zones import offset_transitions, parse_zone, to_utc

__all__ = ["QuietHours", "local_instant"]

_MIN_ALLOWED = _dt.timedelta(hours=2)


def _wall_time(instance: object, attribute: attrs.Attribute[_dt.time], value: object) -> None:
    if not isinstance(value, _dt.time) or value.tzinfo is not None:
        raise ValidationError(
            f"{attribute.name} must be a local wall-clock datetime.time without a zone, "
            f"got {value!r}",
            field=attribute.name,
        )


def _minutes(value: _dt.time) -> int:
    return value.hour * 60 + value.minute


def local_instant(
    day: _dt.date, at: _dt.time, zone: str | pendulum.Timezone, *, fold: int = 0
) -> pendulum.DateTime:
    """The instant (UTC) at which the wall clock in ``zone`` shows ``at`` on ``day``.

    A wall-clock time that occurs twice (the autumn switch) means its first occurrence; one
    that does not exist (the spring gap) means the first instant after the gap (02:30 on
    29 March 2026 becomes 03:00 CEST in Europe/Berlin). ``fold=1`` asks for the second
    occurrence of a time that occurs twice.

    Examples:
        >>> import datetime
        >>> local_instant(datetime.date(2026, 10, 25), datetime.time(2, 30), "Europe/Berlin")
        DateTime(2026, 10, 25, 0, 30, 0, tzinfo=Timezone('UTC'))
        >>> local_instant(datetime.date(2026, 3, 29), datetime.time(2, 30), "Europe/Berlin")
        DateTime(2026, 3, 29, 1, 0, 0, tzinfo=Timezone('UTC'))

    """
    tz = parse_zone(zone)
    fields = (day.year, day.month, day.day, at.hour, at.minute, at.second)
    moment = pendulum.datetime(*fields, tz=tz, fold=fold)
    if (moment.hour, moment.minute, moment.second) == (at.hour, at.minute, at.second):
        return to_utc(moment)
    # In a gap: the two readings of the wall time bracket the switch; take the switch.
    readings = sorted(to_utc(pendulum.datetime(*fields, tz=tz, fold=f)) for f in (0, 1))
    switches = offset_transitions(tz, readings[0], readings[1].add(seconds=1))
    return switches[0] if switches else readings[1]


@attrs.frozen
class QuietHours:
    """A nightly window, in local wall-clock time, in which nothing is sent.

    Args:
        start: when the quiet window begins (``21:00``).
        end: when it ends (``08:00``); before ``start`` means it runs past midnight.

    Raises:
        ValidationError: equal times, times with a zone, or less than two hours left to send.

    """

    start: _dt.time = attrs.field(validator=_wall_time)
    end: _dt.time = attrs.field(validator=_wall_time)

    def __attrs_post_init__(self) -> None:
        if _minutes(self.start) == _minutes(self.end):
            raise ValidationError(
                f"quiet hours {self.start:%H:%M}-{self.end:%H:%M} are empty or the whole day",
                field="quiet_hours",
            )
        if _dt.timedelta(days=1) - self.length < _MIN_ALLOWED:
            raise ValidationError(
                f"quiet hours {self.start:%H:%M}-{self.end:%H:%M} leave less than two hours a "
                "day to send",
                field="quiet_hours",
            )

    @property
    def length(self) -> _dt.timedelta:
        """How long the window lasts on an ordinary day."""
        span = (_minutes(self.end) - _minutes(self.start)) % (24 * 60)
        return _dt.timedelta(minutes=span)

    def contains_time(self, wall: _dt.time) -> bool:
        """Whether the local wall-clock time ``wall`` lies in the window (start inclusive)."""
        wall = wall.replace(tzinfo=None, fold=0)
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end

    def contains(self, instant: _dt.datetime, zone: str | pendulum.Timezone) -> bool:
        """Whether ``instant`` falls in the window on the wall clock of ``zone``."""
        local = to_utc(instant).in_timezone(parse_zone(zone))
        return self.contains_time(local.time())

    def next_allowed(
        self, instant: _dt.datetime, zone: str | pendulum.Timezone
    ) -> pendulum.DateTime:
        """``instant`` itself if it is not quiet, else the end of its quiet window (UTC).

        Raises:
            NaiveDatetimeError: ``instant`` has no zone.

        """
        utc = to_utc(instant)
        tz = parse_zone(zone)
        local = utc.in_timezone(tz)
        if not self.contains_time(local.time()):
            return utc
        day = local.date()
        wraps = _minutes(self.start) > _minutes(self.end)
        if wraps and local.time() >= self.start:
            day = day + _dt.timedelta(days=1)
        for fold in (0, 1):  # the first end of the window not before the instant
            end = local_instant(day, self.end, tz, fold=fold)
            if end >= utc:
                return end
        return local_instant(day + _dt.timedelta(days=1), self.end, tz)
