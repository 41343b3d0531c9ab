"""Scheduling: working patterns, absences, booking rules, slot search, appointment lifecycle.

So far only the events the appointment lifecycle publishes
([`clinicore.scheduling.events`][clinicore.scheduling.events]), which billing, stock and
reminders react to.
"""

from clinicore.scheduling.events import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentConfirmed,
    AppointmentEvent,
    AppointmentNoShow,
    AppointmentRescheduled,
    CancelledBy,
    PatientArrived,
    TreatmentStarted,
)

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
