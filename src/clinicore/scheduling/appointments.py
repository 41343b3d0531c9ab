"""The appointment and its lifecycle (SCH-7).

    booked ─► confirmed ─► arrived ─► in treatment ─► completed
       │          │           │
       └──────────┴───────────┴─► cancelled;  booked/confirmed ─► no-show, rescheduled

Every transition is a method returning the changed appointment and the
[event][clinicore.scheduling.events] to publish; an illegal one raises
[`InvalidTransitionError`][clinicore.errors.InvalidTransitionError] and changes nothing.
Rescheduling ends the old appointment in state ``rescheduled`` and creates a new one that
points back to it (``previous_id``), so the history chain is kept.

Examples:
    >>> import datetime as dt, pendulum
    >>> start = pendulum.datetime(2026, 10, 26, 9, tz="Europe/Berlin")
    >>> apt = Appointment(
    ...     id="apt-1",
    ...     site_id="berlin",
    ...     patient_id="pat-1",
    ...     practitioner_id="dr-weber",
    ...     appointment_type="checkup",
    ...     start=start,
    ...     end=start.add(minutes=30),
    ...     booked_at=start.subtract(days=7),
    ... )
    >>> apt, event = apt.arrive(start.add(minutes=4))
    >>> apt.status.value, str(event.late_by)
    ('arrived', '0:04:00')
    >>> try:
    ...     apt.complete(start.add(minutes=40))
    ... except InvalidTransitionError as error:
    ...     print(error)
    appointment 'apt-1': cannot go from arrived to completed

"""

from __future__ import annotations

import datetime as _dt
import enum
from typing import Any

import attrs
import pendulum

from clinicore._validate import short_text, strict_bool, to_enum, valid_id, version
from clinicore.errors import InvalidTransitionError, ValidationError
from clinicore.ids import check_id
from clinicore.intervals import TimeRange
from clinicore.scheduling._fields import ZERO, elapsed, id_tuple, optional_utc, utc
from clinicore.scheduling.events import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentConfirmed,
    AppointmentNoShow,
    AppointmentRescheduled,
    CancelledBy,
    PatientArrived,
    TreatmentStarted,
)

__all__ = [
    "MAX_BLOCKED",
    "RELEASED",
    "Appointment",
    "AppointmentStatus",
    "CancelledBy",
    "Override",
    "collision",
]


class AppointmentStatus(enum.StrEnum):
    """Where an appointment is in its lifecycle."""

    BOOKED = "booked"
    CONFIRMED = "confirmed"
    ARRIVED = "arrived"
    IN_TREATMENT = "in_treatment"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    RESCHEDULED = "rescheduled"


S = AppointmentStatus
_ALLOWED: dict[AppointmentStatus, frozenset[AppointmentStatus]] = {
    S.BOOKED: frozenset({S.CONFIRMED, S.ARRIVED, S.CANCELLED, S.NO_SHOW, S.RESCHEDULED}),
    S.CONFIRMED: frozenset({S.ARRIVED, S.CANCELLED, S.NO_SHOW, S.RESCHEDULED}),
    S.ARRIVED: frozenset({S.IN_TREATMENT, S.CANCELLED}),
    S.IN_TREATMENT: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.NO_SHOW: frozenset(),
    S.RESCHEDULED: frozenset(),
}
RELEASED = frozenset({S.CANCELLED, S.RESCHEDULED})
"""States whose time is free again for others."""

MAX_BLOCKED = _dt.timedelta(hours=24)
"""The longest time one appointment may block, buffers included.

A bound on appointment length lets repositories find overlaps with an index range scan
(only appointments starting at most this long before a range can reach into it)."""


@attrs.frozen
class Override:
    """An explicit permission to book despite overlaps or caps: who allowed it and why.

    Args:
        by: the actor id who authorised it.
        reason: why (for the record; no clinical details).

    """

    by: str = attrs.field(validator=valid_id)
    reason: str = attrs.field(validator=short_text(500))


def _status(value: object) -> AppointmentStatus:
    return to_enum(AppointmentStatus, value, "status")


def _optional_cancelled_by(value: object) -> CancelledBy | None:
    return None if value is None else to_enum(CancelledBy, value, "cancelled_by")


def _resources(value: object) -> tuple[str, ...]:
    return id_tuple(value, "resource_ids")


def _codes(value: object) -> tuple[str, ...]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise ValidationError("service_codes must be a collection", field="service_codes")
    return tuple(str(item) for item in value)


def _optional_override(value: object) -> Override | None:
    if value is None or isinstance(value, Override):
        return value
    raise ValidationError(
        f"override must be an Override, got {type(value).__name__}", field="override"
    )


def _duration(value: object) -> _dt.timedelta:
    if not isinstance(value, _dt.timedelta) or value < ZERO:
        raise ValidationError(f"buffer {value!r} must be a timedelta >= 0", field="buffer")
    return value


def _start(value: object) -> pendulum.DateTime:
    return utc(value, "start")


def _end(value: object) -> pendulum.DateTime:
    return utc(value, "end")


def _booked_at(value: object) -> pendulum.DateTime:
    return utc(value, "booked_at")


def _confirmed_at(value: object) -> pendulum.DateTime | None:
    return optional_utc(value, "confirmed_at")


def _arrived_at(value: object) -> pendulum.DateTime | None:
    return optional_utc(value, "arrived_at")


def _started_at(value: object) -> pendulum.DateTime | None:
    return optional_utc(value, "started_at")


def _ended_at(value: object) -> pendulum.DateTime | None:
    return optional_utc(value, "ended_at")


def _cancelled_at(value: object) -> pendulum.DateTime | None:
    return optional_utc(value, "cancelled_at")


def _optional_id(value: object) -> str | None:
    return None if value is None else check_id(value, field="id")


@attrs.frozen
class Appointment:
    """A booked visit: who, with whom, where, when, with which resources, and its history.

    Args:
        id: the appointment's id.
        site_id: where.
        patient_id: who is treated.
        practitioner_id: who treats.
        appointment_type: the type's code.
        start: planned treatment start (UTC).
        end: planned treatment end (UTC).
        booked_at: when it was booked.
        buffer_before: preparation time blocked before ``start``.
        buffer_after: time blocked after ``end``.
        resource_ids: the chairs, rooms, devices it uses.
        status: where it is in the lifecycle.
        override: set when it was booked despite overlaps or caps.
        acute: booked as an acute-pain slot.
        series_id: the series it belongs to, if any.
        referral_id: the referral it uses, if any.
        reference: where the request came from (``"plan-7/visit-2"``).
        service_codes: planned fee-schedule codes.
        previous_id: the appointment it replaced by rescheduling.
        next_id: the appointment that replaced it.
        version: the stored version; the repository manages it.

    """

    id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    patient_id: str = attrs.field(validator=valid_id)
    practitioner_id: str = attrs.field(validator=valid_id)
    appointment_type: str = attrs.field(validator=valid_id)
    start: pendulum.DateTime = attrs.field(converter=_start)
    end: pendulum.DateTime = attrs.field(converter=_end)
    booked_at: pendulum.DateTime = attrs.field(converter=_booked_at)
    buffer_before: _dt.timedelta = attrs.field(default=ZERO, converter=_duration)
    buffer_after: _dt.timedelta = attrs.field(default=ZERO, converter=_duration)
    resource_ids: tuple[str, ...] = attrs.field(default=(), converter=_resources)
    status: AppointmentStatus = attrs.field(default=S.BOOKED, converter=_status)
    override: Override | None = attrs.field(default=None, converter=_optional_override)
    acute: bool = attrs.field(default=False, validator=strict_bool)
    series_id: str | None = attrs.field(default=None, converter=_optional_id)
    referral_id: str | None = attrs.field(default=None, converter=_optional_id)
    reference: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(short_text(200))
    )
    service_codes: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    confirmed_at: pendulum.DateTime | None = attrs.field(default=None, converter=_confirmed_at)
    arrived_at: pendulum.DateTime | None = attrs.field(default=None, converter=_arrived_at)
    started_at: pendulum.DateTime | None = attrs.field(default=None, converter=_started_at)
    ended_at: pendulum.DateTime | None = attrs.field(default=None, converter=_ended_at)
    cancelled_at: pendulum.DateTime | None = attrs.field(default=None, converter=_cancelled_at)
    cancelled_by: CancelledBy | None = attrs.field(default=None, converter=_optional_cancelled_by)
    late_cancellation: bool = attrs.field(default=False, validator=strict_bool)
    cancel_reason: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(short_text(500))
    )
    previous_id: str | None = attrs.field(default=None, converter=_optional_id)
    next_id: str | None = attrs.field(default=None, converter=_optional_id)
    version: int = attrs.field(default=0, validator=version)

    def __attrs_post_init__(self) -> None:
        if not self.start < self.end:
            raise ValidationError(
                f"appointment ends at {self.end.isoformat()}, not after its start "
                f"{self.start.isoformat()}",
                field="end",
            )
        if self.blocked.duration > MAX_BLOCKED:
            raise ValidationError(
                f"appointment {self.id!r} blocks {self.blocked.duration}, more than {MAX_BLOCKED}",
                field="end",
            )

    # -- reading -------------------------------------------------------------------------
    @property
    def treatment(self) -> TimeRange:
        """Planned treatment time, ``[start, end)``."""
        return TimeRange._trusted(self.start, self.end)

    @property
    def blocked(self) -> TimeRange:
        """The time it occupies practitioner and resources: buffers included."""
        return TimeRange._trusted(self.start - self.buffer_before, self.end + self.buffer_after)

    @property
    def occupies(self) -> bool:
        """Whether it still holds its time (not cancelled, not rescheduled)."""
        return self.status not in RELEASED

    @property
    def duration(self) -> _dt.timedelta:
        """Planned treatment length."""
        return elapsed(self.start, self.end)

    @property
    def actual_duration(self) -> _dt.timedelta | None:
        """Real treatment length once completed."""
        if self.started_at is None or self.ended_at is None:
            return None
        return elapsed(self.started_at, self.ended_at)

    def _common(self) -> dict[str, Any]:
        return {
            "appointment_id": self.id,
            "site_id": self.site_id,
            "patient_id": self.patient_id,
            "practitioner_id": self.practitioner_id,
            "appointment_type": self.appointment_type,
            "start": self.start,
            "end": self.end,
        }

    def _moved(self, target: AppointmentStatus, **changes: Any) -> Appointment:
        if target not in _ALLOWED[self.status]:
            raise InvalidTransitionError(f"appointment {self.id!r}", self.status, target)
        return attrs.evolve(self, status=target, **changes)

    # -- transitions -----------------------------------------------------------------------
    def booked_event(self) -> AppointmentBooked:
        """The event announcing this appointment was booked (at ``booked_at``)."""
        return AppointmentBooked(occurred_at=self.booked_at, **self._common())

    def confirm(self, at: pendulum.DateTime) -> tuple[Appointment, AppointmentConfirmed]:
        """The patient confirmed."""
        now = utc(at, "at")
        changed = self._moved(S.CONFIRMED, confirmed_at=now)
        return changed, AppointmentConfirmed(occurred_at=now, **self._common())

    def arrive(self, at: pendulum.DateTime) -> tuple[Appointment, PatientArrived]:
        """The patient checked in at ``at``; lateness is measured from ``start``."""
        now = utc(at, "at")
        changed = self._moved(S.ARRIVED, arrived_at=now)
        late_by = max(ZERO, elapsed(self.start, now))
        return changed, PatientArrived(
            occurred_at=now, arrived_at=now, late_by=late_by, **self._common()
        )

    def start_treatment(self, at: pendulum.DateTime) -> tuple[Appointment, TreatmentStarted]:
        """Treatment began at ``at``."""
        now = utc(at, "at")
        changed = self._moved(S.IN_TREATMENT, started_at=now)
        return changed, TreatmentStarted(occurred_at=now, started_at=now, **self._common())

    def complete(
        self, at: pendulum.DateTime, service_codes: tuple[str, ...] | None = None
    ) -> tuple[Appointment, AppointmentCompleted]:
        """Treatment ended at ``at``; ``service_codes`` default to the planned ones.

        Raises:
            ValidationError: ``at`` is before the treatment started.

        """
        now = utc(at, "at")
        if self.status is S.IN_TREATMENT and self.started_at is not None and now < self.started_at:
            raise ValidationError(
                f"end {now.isoformat()} is before the treatment started "
                f"{self.started_at.isoformat()}",
                field="at",
            )
        codes = self.service_codes if service_codes is None else _codes(service_codes)
        changed = self._moved(S.COMPLETED, ended_at=now, service_codes=codes)
        assert changed.started_at is not None
        return changed, AppointmentCompleted(
            occurred_at=now,
            started_at=changed.started_at,
            ended_at=now,
            service_codes=codes,
            **self._common(),
        )

    def cancel(
        self,
        at: pendulum.DateTime,
        by: CancelledBy | str,
        *,
        late_window: _dt.timedelta = ZERO,
        reason: str | None = None,
    ) -> tuple[Appointment, AppointmentCancelled]:
        """Cancel at ``at``; a patient's cancellation within ``late_window`` of the start is late.

        Args:
            at: when.
            by: patient or clinic.
            late_window: the site's late-cancellation window (e.g. 24 hours).
            reason: free text for the record, no clinical details.

        """
        now = utc(at, "at")
        who = to_enum(CancelledBy, by, "cancelled_by")
        _duration(late_window)
        late = who is CancelledBy.PATIENT and elapsed(now, self.start) < late_window
        changed = self._moved(
            S.CANCELLED,
            cancelled_at=now,
            cancelled_by=who,
            late_cancellation=late,
            cancel_reason=reason,
        )
        return changed, AppointmentCancelled(
            occurred_at=now, cancelled_by=who, late=late, reason=reason, **self._common()
        )

    def no_show(self, at: pendulum.DateTime) -> tuple[Appointment, AppointmentNoShow]:
        """The patient did not come; only once the appointment has begun.

        Raises:
            ValidationError: ``at`` is before the planned start.

        """
        now = utc(at, "at")
        if now < self.start:
            raise ValidationError(
                f"cannot mark a no-show at {now.isoformat()}, before the start "
                f"{self.start.isoformat()}",
                field="at",
            )
        changed = self._moved(S.NO_SHOW)
        return changed, AppointmentNoShow(occurred_at=now, **self._common())

    def reschedule(
        self,
        at: pendulum.DateTime,
        *,
        new_id: str,
        start: pendulum.DateTime,
        end: pendulum.DateTime,
        practitioner_id: str | None = None,
        resource_ids: tuple[str, ...] | None = None,
        override: Override | None = None,
    ) -> tuple[Appointment, Appointment, AppointmentRescheduled]:
        """Move to a new time: the old one ends as ``rescheduled``, a new one follows it.

        Returns:
            The old appointment (ended), the new one (booked) and the event.

        """
        now = utc(at, "at")
        successor = attrs.evolve(
            self,
            id=new_id,
            start=start,
            end=end,
            practitioner_id=practitioner_id or self.practitioner_id,
            resource_ids=self.resource_ids if resource_ids is None else resource_ids,
            status=S.BOOKED,
            booked_at=now,
            confirmed_at=None,
            override=override,
            previous_id=self.id,
            next_id=None,
            version=0,
        )
        ended = self._moved(S.RESCHEDULED, next_id=successor.id)
        event = AppointmentRescheduled(
            occurred_at=now,
            previous_appointment_id=self.id,
            previous_start=self.start,
            previous_end=self.end,
            **successor._common(),
        )
        return ended, successor, event


def collision(first: Appointment, second: Appointment) -> str | None:
    """Why two stored appointments may not both hold their time, or ``None``.

    The invariant every appointment repository enforces: appointments holding time never
    share a practitioner or a resource over their blocked time (unless one was booked with
    an override) nor a patient over their treatment time.
    """
    if first.id == second.id or not (first.occupies and second.occupies):
        return None
    if first.patient_id == second.patient_id and first.treatment.overlaps(second.treatment):
        return f"patient {first.patient_id!r} is booked in {first.id!r} and {second.id!r}"
    exclusive = first.override is None and second.override is None
    if not exclusive or not first.blocked.overlaps(second.blocked):
        return None
    shared = sorted(set(first.resource_ids) & set(second.resource_ids))
    if first.practitioner_id == second.practitioner_id:
        shared.insert(0, f"practitioner {first.practitioner_id!r}")
    return f"{', '.join(shared)} booked in {first.id!r} and {second.id!r}" if shared else None
