"""The reminders part of the demo: a week of reminders in several languages (REM-1..8).

Appointments are booked on the demo clinic through the event bus, exactly as the
scheduling module publishes them; one is moved, one cancelled, one booked late at night
(its booking message waits for the end of quiet hours), and one falls on the Monday after
the autumn DST switch (its day-before message goes out on the switch day at the same wall
clock time). The clock then runs hour by hour through the window while a relay "sends"
through a file notifier (an outbox on disk), a patient answers "ja", and the outbox is
printed. Message bodies hold names, so only their language, encoding and length are shown.
"""

from __future__ import annotations

import datetime as _dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pendulum
from rich.console import Console
from rich.table import Table

from clinicore.adapters.notifiers import FileNotifier
from clinicore.bootstrap import App
from clinicore.clock import FixedClock
from clinicore.demo.clinic import scratch_clinic
from clinicore.reminders.outbox import OutboxStatus, ScheduledReminder
from clinicore.reminders.sms import sms_length
from clinicore.scheduling.events import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentEvent,
    AppointmentRescheduled,
    CancelledBy,
)
from clinicore.services.reminders import ReminderService
from clinicore.sites import Site

if TYPE_CHECKING:
    from clinicore.demo.run import DemoWindow

__all__ = ["reminders_section"]

_ZONES = {"berlin": "Europe/Berlin", "oslo": "Europe/Oslo"}
# (appointment, patient, site, practitioner, day after the window start, hour, minute)
_BOOKINGS = (
    ("demo-rem-1", "pat-001", "berlin", "dr-weber", 7, 9, 0),
    ("demo-rem-2", "pat-004", "oslo", "dr-lind", 3, 14, 0),
    ("demo-rem-3", "pat-003", "berlin", "dr-weber", 2, 10, 30),
    ("demo-rem-4", "pat-002", "berlin", "dr-kaya", 1, 16, 0),
    ("demo-rem-6", "pat-005", "oslo", "dr-lind", 5, 10, 0),
)


def _event(
    clock: FixedClock, booking: tuple[str, str, str, str, int, int, int], window: DemoWindow
) -> AppointmentBooked:
    appointment, patient, site, practitioner, day, hour, minute = booking
    local = window.start + _dt.timedelta(days=day)
    start = pendulum.datetime(local.year, local.month, local.day, hour, minute, tz=_ZONES[site])
    return AppointmentBooked(
        occurred_at=clock.now(),
        appointment_id=appointment,
        site_id=site,
        patient_id=patient,
        practitioner_id=practitioner,
        appointment_type="checkup",
        start=start,
        end=start.add(minutes=30),
    )


def _publish(app: App, event: AppointmentEvent) -> None:
    with app.uow_factory() as uow:
        app.bus.publish(uow, event)
        uow.commit()


def _fields(event: AppointmentEvent) -> dict[str, object]:
    return {
        "appointment_id": event.appointment_id,
        "site_id": event.site_id,
        "patient_id": event.patient_id,
        "practitioner_id": event.practitioner_id,
        "appointment_type": event.appointment_type,
    }


def reminders_section(app: App, window: DemoWindow, console: Console) -> None:
    """Plan, move, cancel and relay a week of reminders; print the outbox.

    Every reminder is sent exactly once, so a second run on the demo database could not
    send the same week again: the section simulates in a scratch copy of the clinic.
    """
    if not isinstance(app.clock, FixedClock):  # pragma: no cover - the demo always uses one
        return
    with scratch_clinic(FixedClock(app.clock.now()), "rem") as scratch:
        _simulate(scratch, window, console)


def _simulate(app: App, window: DemoWindow, console: Console) -> None:
    clock = app.clock
    assert isinstance(clock, FixedClock)  # scratch_clinic makes one
    began = clock.now()
    console.rule("[bold]Reminders[/] - policies, quiet hours, DST, exactly-once relay")
    events = {booking[0]: _event(clock, booking, window) for booking in _BOOKINGS}
    for event in events.values():
        _publish(app, event)
    moved = events["demo-rem-3"]
    new_start = moved.start.add(days=2, hours=4, minutes=30)
    _publish(
        app,
        AppointmentRescheduled(
            occurred_at=clock.now(),
            **_fields(moved),  # type: ignore[arg-type]
            start=new_start,
            end=new_start.add(minutes=30),
            previous_appointment_id=moved.appointment_id,
            previous_start=moved.start,
            previous_end=moved.end,
        ),
    )
    cancelled = events["demo-rem-4"]
    _publish(
        app,
        AppointmentCancelled(
            occurred_at=clock.now(),
            **_fields(cancelled),  # type: ignore[arg-type]
            start=cancelled.start,
            end=cancelled.end,
            cancelled_by=CancelledBy.PATIENT,
            late=False,
        ),
    )
    with tempfile.TemporaryDirectory() as folder:
        relay = ReminderService(
            app.uow_factory,
            clock,
            FileNotifier(Path(folder) / "outbox.jsonl"),
            settings=app.reminders.settings,
        )
        _run_week(app, clock, relay, window, events)
    rows = [r for r in relay.outbox(limit=10_000) if r.id.startswith("demo-rem")]
    console.print(_outbox_table(app, relay, rows))
    for reminder in rows:
        if reminder.reply is not None:
            console.print(f"[bold]Reply[/] to {reminder.id}: {reminder.reply.value}")
    clock.set(began)


def _run_week(
    app: App,
    clock: FixedClock,
    relay: ReminderService,
    window: DemoWindow,
    events: dict[str, AppointmentBooked],
) -> None:
    """Run the relay every hour; a late booking comes in at 22:00 on the first evening."""
    booked_late = False
    moment = clock.now()
    for _ in range(int((window.days + 1) * 24)):
        moment = moment.add(hours=1)
        clock.set(moment)
        if not booked_late and moment.in_timezone("Europe/Berlin").hour == 22:
            late = _event(clock, ("demo-rem-5", "pat-006", "berlin", "dr-kaya", 1, 11, 0), window)
            _publish(app, late)
            booked_late = True
        relay.dispatch_all()
        confirmation = next(
            (
                r
                for r in relay.reminders_for(events["demo-rem-2"].appointment_id)
                if r.rule == "day_before" and r.sent_at is not None and r.reply is None
            ),
            None,
        )
        if confirmation is not None:
            relay.handle_reply(confirmation.id, "Ja, takk!")


def _outbox_table(app: App, relay: ReminderService, rows: list[ScheduledReminder]) -> Table:
    table = Table(
        title="Reminder outbox (SMS: encoding units/segments; bodies hold names: not shown)",
        title_justify="left",
    )
    for column in ("appt", "rule", "due (site time)", "status", "lang", "SMS"):
        table.add_column(column, no_wrap=True)
    with app.uow_factory() as uow:
        sites: dict[str, Site] = {site.id: site for site in uow.sites.list_all()}
    for reminder in sorted(rows, key=lambda r: (r.due_at, r.id)):
        zone = sites[reminder.site_id].zone
        message = relay.preview(reminder.id) if reminder.status is OutboxStatus.SENT else None
        size = "" if message is None else _sms(message.body)
        table.add_row(
            (reminder.appointment_id or "").removeprefix("demo-rem-"),
            reminder.rule,
            f"{reminder.due_at.in_timezone(zone):%a %d %H:%M %Z}",
            reminder.status.value + (f" ({reminder.detail})" if reminder.detail else ""),
            "" if message is None else message.locale,
            size,
        )
    return table


def _sms(body: str) -> str:
    length = sms_length(body)
    return f"{length.encoding} {length.units}/{length.segments}"
