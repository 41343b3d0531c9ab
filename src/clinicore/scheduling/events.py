"""What the appointment lifecycle reports (SCH-7); billing, stock and reminders subscribe.

Every event names the appointment and who and where it concerns, and carries the planned
``start`` and ``end`` (UTC) as they are after the change.

Examples:
    >>> import pendulum
    >>> start = pendulum.datetime(2026, 10, 26, 9, tz="Europe/Berlin")
    >>> event = AppointmentBooked(
    ...     occurred_at=start.subtract(days=3),
    ...     appointment_id="apt-1",
    ...     site_id="berlin",
    ...     patient_id="pat-1",
    ...     practitioner_id="dr-weber",
    ...     appointment_type="checkup",
    ...     start=start,
    ...     end=start.add(minutes=30),
    ... )
    >>> event.start.isoformat()
    '2026-10-26T08:00:00+00:00'

"""

from __future__ import annotations

import datetime as _dt
import enum

import attrs
import pendulum

from clinicore.events import DomainEvent
from clinicore.zones import to_utc

__all__ = [
    "AppointmentBooked",
    "AppointmentCancelled",
    "AppointmentCompleted",
    "AppointmentConfirmed",
    "AppointmentEvent",
    "AppointmentNoShow",
    "AppointmentRescheduled",
    "CancelledBy",
    "PatientArrived",
    "TreatmentStarted",
]


def _start(value: object) -> pendulum.DateTime:
    return to_utc(value, field="start")


def _end(value: object) -> pendulum.DateTime:
    return to_utc(value, field="end")


def _instant(value: object) -> pendulum.DateTime:
    return to_utc(value, field="instant")


def _codes(value: object) -> tuple[str, ...]:
    return tuple(str(code) for code in value)  # type: ignore[attr-defined]


@attrs.frozen(kw_only=True)
class AppointmentEvent(DomainEvent):
    """What every appointment event says.

    Args:
        appointment_id: the appointment.
        site_id: where.
        patient_id: who is treated.
        practitioner_id: who treats.
        appointment_type: the appointment type's code (``"hygiene"``, ``"checkup"``...).
        start: planned start (UTC).
        end: planned end (UTC).

    """

    appointment_id: str
    site_id: str
    patient_id: str
    practitioner_id: str
    appointment_type: str
    start: pendulum.DateTime = attrs.field(converter=_start)
    end: pendulum.DateTime = attrs.field(converter=_end)


@attrs.frozen(kw_only=True)
class AppointmentBooked(AppointmentEvent):
    """A new appointment was booked."""


@attrs.frozen(kw_only=True)
class AppointmentConfirmed(AppointmentEvent):
    """The patient confirmed the appointment."""


@attrs.frozen(kw_only=True)
class PatientArrived(AppointmentEvent):
    """The patient checked in.

    Args:
        arrived_at: when (UTC).
        late_by: how late after ``start``; zero if on time or early.

    """

    arrived_at: pendulum.DateTime = attrs.field(converter=_instant)
    late_by: _dt.timedelta = _dt.timedelta()


@attrs.frozen(kw_only=True)
class TreatmentStarted(AppointmentEvent):
    """Treatment began.

    Args:
        started_at: when (UTC).

    """

    started_at: pendulum.DateTime = attrs.field(converter=_instant)


@attrs.frozen(kw_only=True)
class AppointmentCompleted(AppointmentEvent):
    """Treatment ended; billing, stock consumption and after-visit messages hang on this.

    Args:
        started_at: when treatment began (UTC).
        ended_at: when it ended (UTC).
        service_codes: the fee-schedule codes performed (the type's defaults or as recorded).

    """

    started_at: pendulum.DateTime = attrs.field(converter=_instant)
    ended_at: pendulum.DateTime = attrs.field(converter=_instant)
    service_codes: tuple[str, ...] = attrs.field(default=(), converter=_codes)

    @property
    def actual_duration(self) -> _dt.timedelta:
        """Real elapsed treatment time."""
        return _dt.datetime.__sub__(self.ended_at, self.started_at)


class CancelledBy(enum.StrEnum):
    """Who cancelled."""

    PATIENT = "patient"
    CLINIC = "clinic"


@attrs.frozen(kw_only=True)
class AppointmentCancelled(AppointmentEvent):
    """The appointment was cancelled.

    Args:
        cancelled_by: patient or clinic.
        late: inside the site's late-cancellation window (a fee may apply).
        reason: free text for the record (no clinical details).

    """

    cancelled_by: CancelledBy
    late: bool
    reason: str | None = None


@attrs.frozen(kw_only=True)
class AppointmentNoShow(AppointmentEvent):
    """The patient did not come."""


@attrs.frozen(kw_only=True)
class AppointmentRescheduled(AppointmentEvent):
    """The appointment moved; ``start``/``end`` are the new times.

    Args:
        previous_appointment_id: the appointment it replaces in the history chain.
        previous_start: the old start (UTC).
        previous_end: the old end (UTC).

    """

    previous_appointment_id: str
    previous_start: pendulum.DateTime = attrs.field(converter=_instant)
    previous_end: pendulum.DateTime = attrs.field(converter=_instant)
