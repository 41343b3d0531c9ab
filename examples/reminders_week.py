"""User story: a practice sends appointment reminders and reads the patients' replies.

Run: python examples/reminders_week.py

An appointment is booked (the scheduling module publishes ``AppointmentBooked``; here the
example publishes it itself). The reminder service plans the default four messages in the
same unit of work, the relay sends them at their moments through a notifier, and the
patient's reply "ja" to the day-before message confirms the appointment.
"""

from __future__ import annotations

import datetime as _dt

import pendulum

from clinicore.adapters.notifiers import RecordingNotifier
from clinicore.bootstrap import Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.scheduling.events import AppointmentBooked
from clinicore.services.bus import EventBus
from clinicore.services.reminders import ReminderService, subscribe

OSLO = "Europe/Oslo"


class Scheduling:
    """Stands in for the scheduling service: what a reply asks it to do."""

    def confirm(self, appointment_id: str) -> None:
        print(f"scheduling: {appointment_id} confirmed by the patient")

    def cancel(self, appointment_id: str, *, reason: str) -> None:
        print(f"scheduling: {appointment_id} cancelled ({reason})")


def main() -> None:
    clock = FixedClock(pendulum.datetime(2026, 10, 19, 10, tz=OSLO))
    notifier = RecordingNotifier()
    with bootstrap(Config(database_url="sqlite://"), clock=clock, notifier=notifier) as app:
        app.directory.register_site(site_id="oslo", name="Tannklinikken", jurisdiction="NO")
        app.directory.register_practitioner(
            practitioner_id="dr-lind",
            display_name="Dr. Lind",
            site_ids=["oslo"],
            speciality="dentistry",
        )
        app.directory.register_patient(
            patient_id="pat-1",
            given_name="Kari",
            family_name="Nordmann",
            birth_date=_dt.date(1985, 2, 28),
            phone="+4741234567",
            locale="nb",
        )
        # A service that can confirm through scheduling (the host wires its own).
        reminders = ReminderService(app.uow_factory, clock, notifier, appointments=Scheduling())
        bus = EventBus()
        subscribe(bus, reminders)

        # Monday 26 Oct 2026 at 09:00 in Oslo: the clocks go back the night before.
        start = pendulum.datetime(2026, 10, 26, 9, tz=OSLO)
        booked = AppointmentBooked(
            occurred_at=clock.now(),
            appointment_id="apt-1",
            site_id="oslo",
            patient_id="pat-1",
            practitioner_id="dr-lind",
            appointment_type="checkup",
            start=start,
            end=start.add(minutes=30),
        )
        with app.uow_factory() as uow:
            bus.publish(uow, booked)  # the booking and its reminders commit together
            uow.commit()

        for reminder in sorted(reminders.reminders_for("apt-1"), key=lambda r: r.due_at):
            local = reminder.due_at.in_timezone(OSLO)
            print(f"planned {reminder.rule:<13} {local:%a %d %b %H:%M} {reminder.channel.value}")

        for moment in (clock.now(), start.subtract(days=1), start.add(hours=3)):
            clock.set(moment)
            report = reminders.dispatch_all()
            print(f"relay at {moment.in_timezone(OSLO):%a %H:%M}: sent {report.sent}")
            if moment == start.subtract(days=1):
                key = notifier.sent[-1].idempotency_key
                print("reply 'Ja takk':", reminders.handle_reply(key, "Ja takk"))

        for message in notifier.sent:
            print(f"  [{message.channel.value}] {message.body}")


if __name__ == "__main__":
    main()
