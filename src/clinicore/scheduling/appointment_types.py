"""Appointment types: what a visit needs and who may do it (SCH-4).

Examples:
    >>> import datetime as dt, pendulum
    >>> hygiene = AppointmentType(
    ...     id="hygiene",
    ...     name="Professional cleaning",
    ...     duration=dt.timedelta(minutes=45),
    ...     buffer_after=dt.timedelta(minutes=10),
    ...     resource_kinds=["chair"],
    ... )
    >>> start = pendulum.datetime(2026, 10, 26, 9, tz="Europe/Berlin")
    >>> str(hygiene.blocked(start).duration)
    '0:55:00'

"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

import attrs
import pendulum

from clinicore._validate import short_text, strict_bool, valid_id, version
from clinicore.errors import ValidationError
from clinicore.ids import check_id
from clinicore.intervals import TimeRange
from clinicore.scheduling._fields import (
    ZERO,
    id_tuple,
    non_negative_duration,
    optional_positive_int,
    positive_duration,
)
from clinicore.zones import to_utc

__all__ = ["AppointmentType"]

_MAX_BLOCKED = _dt.timedelta(hours=24)  # = appointments.MAX_BLOCKED (no import cycle)


def _kinds(value: object) -> tuple[str, ...]:
    # Kept in the given order and with repeats: two chairs means two chairs.
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(
            f"resource_kinds must be a collection, got {type(value).__name__}",
            field="resource_kinds",
        )
    return tuple(sorted(check_id(item, field="resource_kinds") for item in value))


def _practitioners(value: object) -> tuple[str, ...]:
    return id_tuple(value, "practitioner_ids")


def _optional_speciality(value: object) -> str | None:
    return None if value is None else check_id(value, field="referral_speciality")


@attrs.frozen
class AppointmentType:
    """A kind of visit: its length, buffers, resources and who may do it.

    Args:
        id: the type's code (``"hygiene"``); events and booking requests name it.
        name: a display name.
        duration: the treatment time (real elapsed time, independent of any grid).
        buffer_before: time the chair and practitioner are blocked before (preparation).
        buffer_after: time they are blocked after (cleaning).
        resource_kinds: one entry per resource needed (``["chair"]``, ``["chair", "xray"]``).
        practitioner_ids: who may do it; empty means every practitioner.
        new_patient: meant for new patients (longer first visit).
        referral_speciality: if set, the type needs a valid referral to this speciality.
        acute: a slot for acute-pain patients (may use capacity held back for them).
        daily_cap: at most this many of this type per practitioner and local day.
        version: the stored version; the repository manages it.

    """

    id: str = attrs.field(validator=valid_id)
    name: str = attrs.field(validator=short_text(200))
    duration: _dt.timedelta = attrs.field(validator=positive_duration)
    buffer_before: _dt.timedelta = attrs.field(default=ZERO, validator=non_negative_duration)
    buffer_after: _dt.timedelta = attrs.field(default=ZERO, validator=non_negative_duration)
    resource_kinds: tuple[str, ...] = attrs.field(default=(), converter=_kinds)
    practitioner_ids: tuple[str, ...] = attrs.field(default=(), converter=_practitioners)
    new_patient: bool = attrs.field(default=False, validator=strict_bool)
    referral_speciality: str | None = attrs.field(default=None, converter=_optional_speciality)
    acute: bool = attrs.field(default=False, validator=strict_bool)
    daily_cap: int | None = attrs.field(default=None, validator=optional_positive_int)
    version: int = attrs.field(default=0, validator=version)

    def __attrs_post_init__(self) -> None:
        total = self.buffer_before + self.duration + self.buffer_after
        if total > _MAX_BLOCKED:
            raise ValidationError(
                f"type {self.id!r} blocks {total} with its buffers, more than {_MAX_BLOCKED}",
                field="duration",
            )

    @property
    def referral_required(self) -> bool:
        """Whether booking it needs a valid referral."""
        return self.referral_speciality is not None

    def allows(self, practitioner_id: str) -> bool:
        """Whether ``practitioner_id`` may do this type."""
        return not self.practitioner_ids or practitioner_id in self.practitioner_ids

    def blocked(self, start: pendulum.DateTime) -> TimeRange:
        """The time blocked by an appointment starting at ``start``, buffers included."""
        begin = to_utc(start, field="start")
        return TimeRange._trusted(
            begin - self.buffer_before, begin + self.duration + self.buffer_after
        )

    def treatment(self, start: pendulum.DateTime) -> TimeRange:
        """The treatment time of an appointment starting at ``start``, without buffers."""
        begin = to_utc(start, field="start")
        return TimeRange._trusted(begin, begin + self.duration)
