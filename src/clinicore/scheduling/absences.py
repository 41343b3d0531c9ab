"""Absences and public holidays: time a practitioner cannot be booked (SCH-3).

Public holidays come from the site's jurisdiction pack (the service asks
`clinicore.jurisdictions`); the domain receives them as dates and turns them into aware
ranges with [`holiday_ranges`][clinicore.scheduling.absences.holiday_ranges].

Examples:
    >>> import datetime as dt
    >>> vacation = Absence.whole_days(
    ...     id="abs-1",
    ...     practitioner_id="dr-weber",
    ...     kind=AbsenceKind.VACATION,
    ...     first=dt.date(2026, 10, 24),
    ...     last=dt.date(2026, 10, 25),
    ...     timezone="Europe/Berlin",
    ... )
    >>> str(vacation.period.duration)  # the autumn switch makes the weekend an hour longer
    '2 days, 1:00:00'

"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable

import attrs
import pendulum

from clinicore._validate import instance_of, to_enum, valid_id, version
from clinicore.errors import ValidationError
from clinicore.intervals import TimeRange, TimeRangeSet
from clinicore.scheduling.patterns import local_instant

__all__ = ["Absence", "AbsenceKind", "holiday_ranges", "whole_days"]

_MIDNIGHT = _dt.time(0)


class AbsenceKind(enum.StrEnum):
    """Why a practitioner is away."""

    VACATION = "vacation"
    SICKNESS = "sickness"
    TEACHING = "teaching"
    CONFERENCE = "conference"
    HOME_VISITS = "home_visits"
    OTHER = "other"


def _kind(value: object) -> AbsenceKind:
    return to_enum(AbsenceKind, value, "kind")


def whole_days(first: _dt.date, last: _dt.date, zone: str | pendulum.Timezone) -> TimeRange:
    """Local midnight before ``first`` to local midnight after ``last``, as aware instants.

    Raises:
        ValidationError: ``last`` is before ``first``.

    """
    for name, value in (("first", first), ("last", last)):
        if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
            raise ValidationError(f"{name} must be a date, got {type(value).__name__}", field=name)
    if last < first:
        raise ValidationError(f"last day {last} is before first day {first}", field="last")
    return TimeRange(
        local_instant(first, _MIDNIGHT, zone),
        local_instant(last + _dt.timedelta(days=1), _MIDNIGHT, zone),
    )


def holiday_ranges(days: Iterable[_dt.date], zone: str | pendulum.Timezone) -> TimeRangeSet:
    """Whole local days (public holidays) as aware ranges in ``zone``.

    Examples:
        >>> import datetime as dt
        >>> [str(r) for r in holiday_ranges([dt.date(2026, 10, 3)], "Europe/Berlin")]
        ['[2026-10-02T22:00:00+00:00, 2026-10-03T22:00:00+00:00)']

    """
    return TimeRangeSet(whole_days(day, day, zone) for day in days)


@attrs.frozen
class Absence:
    """A period a practitioner is away: whole days or part of a day.

    Args:
        id: the absence's id.
        practitioner_id: who is away.
        kind: vacation, sickness, teaching, conference, home visits...
        period: the aware range they are away.
        version: the stored version; the repository manages it.

    """

    id: str = attrs.field(validator=valid_id)
    practitioner_id: str = attrs.field(validator=valid_id)
    kind: AbsenceKind = attrs.field(converter=_kind)
    period: TimeRange = attrs.field(validator=instance_of(TimeRange))
    version: int = attrs.field(default=0, validator=version)

    @classmethod
    def whole_days(
        cls,
        *,
        id: str,
        practitioner_id: str,
        kind: AbsenceKind | str,
        first: _dt.date,
        last: _dt.date,
        timezone: str,
    ) -> Absence:
        """An absence from ``first`` to ``last`` inclusive, whole days in ``timezone``."""
        return cls(
            id=id,
            practitioner_id=practitioner_id,
            kind=_kind(kind),
            period=whole_days(first, last, timezone),
        )
