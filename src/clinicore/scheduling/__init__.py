"""Scheduling: working patterns, absences, booking rules, slot search, appointment lifecycle.

The pure rules of SCH-1 to SCH-10; the use cases that store and publish them live in
[`clinicore.services.scheduling`][clinicore.services.scheduling].

* [`patterns`][clinicore.scheduling.patterns]: working time in local wall-clock time,
  materialised DST-exact;
* [`absences`][clinicore.scheduling.absences]: absences and public holidays;
* [`resources`][clinicore.scheduling.resources] and
  [`appointment_types`][clinicore.scheduling.appointment_types];
* [`rules`][clinicore.scheduling.rules]: every broken booking rule with a reason code;
* [`search`][clinicore.scheduling.search]: the first N free slots, in a deterministic order;
* [`appointments`][clinicore.scheduling.appointments]: the lifecycle state machine, which
  emits the [`events`][clinicore.scheduling.events] other modules react to;
* the [`BookingRequest`][clinicore.scheduling.requests.BookingRequest] other modules hand
  to slot search.
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
