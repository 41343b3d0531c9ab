"""User story: a front desk books, moves and runs appointments in a clinic on SQLite.

Run: python examples/scheduling_week.py

It sets up a dentist's working week (08:00-16:00, in Oslo's wall-clock time), a chair and
an appointment type, finds slots on the day the clocks go back, books one, shows that a
double booking is refused with every reason, reschedules, runs the lifecycle, books a
series all or nothing and refills a cancellation from the waitlist. Events are printed as
they are published: billing and reminders would subscribe to them in the same way.
"""

from __future__ import annotations

import datetime as _dt
import tempfile
from pathlib import Path

import pendulum

from clinicore.bootstrap import Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.errors import ClinicoreError
from clinicore.ids import SequentialIdSource
from clinicore.intervals import TimeRange
from clinicore.scheduling import AppointmentEvent
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.patterns import ExtraHours, WallClockRange, WeeklyHours, WorkingPattern
from clinicore.scheduling.search import Preferences
from clinicore.scheduling.series import SeriesSpec

ZONE = "Europe/Oslo"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'clinic.sqlite'}"
        clock = FixedClock(pendulum.datetime(2026, 10, 19, 7, tz=ZONE))
        with bootstrap(
            Config(database_url=database), clock=clock, ids=SequentialIdSource("apt")
        ) as app:
            app.bus.subscribe(
                AppointmentEvent,
                lambda event, uow: print(
                    f"    event: {type(event).__name__} {event.appointment_id}"
                ),
            )
            app.directory.register_site(name="Tannklinikken", jurisdiction="NO", site_id="oslo")
            app.directory.register_practitioner(
                display_name="Dr. Lind",
                site_ids=["oslo"],
                speciality="dentistry",
                practitioner_id="dr-lind",
            )
            for number in (1, 2, 3):
                app.directory.register_patient(
                    given_name="Kari",
                    family_name="Nordmann",
                    patient_id=f"pat-{number}",
                    birth_date=_dt.date(1985, 2, number),
                )
            hours = (WallClockRange(_dt.time(8), _dt.time(16)),)
            app.scheduling.set_working_pattern(
                WorkingPattern(
                    id="wp-lind",
                    practitioner_id="dr-lind",
                    site_id="oslo",
                    timezone=ZONE,
                    weekly=[WeeklyHours(weekday=day, hours=hours) for day in range(5)],
                    # an emergency Sunday on the day the clocks go back
                    extra=[ExtraHours(day=_dt.date(2026, 10, 25), hours=hours)],
                )
            )
            app.scheduling.add_resource(
                site_id="oslo", kind="chair", name="Chair 1", resource_id="chair-1"
            )
            app.scheduling.define_appointment_type(
                AppointmentType(
                    id="checkup",
                    name="Checkup",
                    duration=_dt.timedelta(minutes=45),
                    buffer_after=_dt.timedelta(minutes=15),
                    resource_kinds=["chair"],
                )
            )

            sunday = pendulum.datetime(2026, 10, 25, tz=ZONE)
            worked = app.scheduling.working_time(
                "oslo", "dr-lind", TimeRange(sunday, sunday.add(days=1))
            )
            print(f"Sunday 25 October (clocks go back): {worked.total_duration} of working time")
            slots = app.scheduling.find_slots(
                site_id="oslo",
                appointment_type="checkup",
                patient_id="pat-1",
                window=TimeRange(sunday, sunday.add(days=1)),
                count=3,
                step=_dt.timedelta(minutes=60),
            )
            for slot in slots:
                print(f"  slot: {slot.explanation}")

            print("Booking the first slot:")
            booked = app.scheduling.book(
                site_id="oslo",
                patient_id="pat-1",
                practitioner_id="dr-lind",
                appointment_type="checkup",
                start=slots[0].start,
            )
            try:
                app.scheduling.book(
                    site_id="oslo",
                    patient_id="pat-2",
                    practitioner_id="dr-lind",
                    appointment_type="checkup",
                    start=slots[0].start.add(minutes=30),
                )
            except ClinicoreError as refused:
                print(f"  double booking refused: {type(refused).__name__} {refused.reasons}")  # type: ignore[attr-defined]

            print("Moving it to Monday 26 October 09:00 and running the visit:")
            monday = pendulum.datetime(2026, 10, 26, 9, tz=ZONE)
            moved = app.scheduling.reschedule(booked.id, start=monday)
            clock.set(monday.add(minutes=6))
            app.scheduling.check_in(moved.id)
            app.scheduling.start_treatment(moved.id)
            clock.set(monday.add(minutes=50))
            done = app.scheduling.complete(moved.id)
            print(f"  completed, actual duration {done.actual_duration}")
            clock.set(pendulum.datetime(2026, 10, 19, 7, tz=ZONE))

            print("A series of four checkups, twice a week, afternoons:")
            series = app.scheduling.book_series(
                site_id="oslo",
                patient_id="pat-2",
                appointment_type="checkup",
                spec=SeriesSpec(sessions=4, per_week=2, min_gap=_dt.timedelta(days=1)),
                window=TimeRange(monday, monday.add(weeks=2)),
                preferences=Preferences(not_before=_dt.time(13)),
            )
            for appointment in series.appointments:
                print(f"  {appointment.start.in_timezone(ZONE):%a %d %b %H:%M}")

            print("pat-3 waits for an earlier checkup; pat-2 cancels the first session:")
            entry = app.scheduling.join_waitlist(
                patient_id="pat-3",
                site_id="oslo",
                appointment_type="checkup",
                wanted=TimeRange(monday, monday.add(weeks=1)),
            )
            cancellation = app.scheduling.cancel(series.appointments[0].id, by="patient")
            for offer in cancellation.offers:
                print(f"  offer {offer.explanation}")
            refill = app.scheduling.accept_offer(entry.id, series.appointments[0].id)
            print(
                f"  {refill.patient_id} now comes {refill.start.in_timezone(ZONE):%a %d %b %H:%M}"
            )


if __name__ == "__main__":
    main()
