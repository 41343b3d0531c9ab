"""Scheduling: working patterns, absences, booking rules, slot search, appointment lifecycle.

So far the events the appointment lifecycle publishes
([`clinicore.scheduling.events`][clinicore.scheduling.events]), which billing, stock and
reminders react to, and the [`BookingRequest`][clinicore.scheduling.requests.BookingRequest]
other modules hand to slot search.
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
from clinicore.scheduling.requests import BookingRequest

__all__ = [
    "AppointmentBooked",
    "AppointmentCancelled",
    "AppointmentCompleted",
    "AppointmentConfirmed",
    "AppointmentEvent",
    "AppointmentNoShow",
    "AppointmentRescheduled",
    "BookingRequest",
    "CancelledBy",
    "PatientArrived",
    "TreatmentStarted",
]
