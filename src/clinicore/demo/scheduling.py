"""The scheduling part of the demo: a realistic week at both sites (SCH-1 ... SCH-10).

Sets up chairs, appointment types, working patterns (with a Sunday emergency service on
the day the clocks go back) and absences, books the week through slot search, runs a
series, cancels and refills from the waitlist, plays the lifecycle of the first day and
prints each practitioner's days.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

import pendulum
from rich import box
from rich.console import Console
from rich.table import Table

from clinicore.bootstrap import App
from clinicore.clock import FixedClock
from clinicore.errors import ClinicoreError
from clinicore.intervals import TimeRange
from clinicore.scheduling.absences import Absence
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.appointments import Appointment
from clinicore.scheduling.patterns import (
    ExtraHours,
    WallClockRange,
    WeeklyHours,
    WorkingPattern,
    local_instant,
)
from clinicore.scheduling.search import Preferences
from clinicore.scheduling.series import SeriesSpec
from clinicore.zones import offset_transitions

if TYPE_CHECKING:
    from clinicore.demo.run import DemoWindow

__all__ = ["scheduling_section"]

_TYPES = (
    AppointmentType(
        id="checkup",
        name="Checkup",
        duration=_dt.timedelta(minutes=30),
        buffer_after=_dt.timedelta(minutes=10),
        resource_kinds=["chair"],
    ),
    AppointmentType(
        id="filling",
        name="Filling",
        duration=_dt.timedelta(minutes=50),
        buffer_before=_dt.timedelta(minutes=5),
        buffer_after=_dt.timedelta(minutes=10),
        resource_kinds=["chair"],
        practitioner_ids=["dr-weber", "dr-kaya", "dr-lind"],
    ),
    AppointmentType(
        id="hygiene",
        name="Professional cleaning",
        duration=_dt.timedelta(minutes=45),
        buffer_after=_dt.timedelta(minutes=15),
        resource_kinds=["chair"],
        practitioner_ids=["hyg-berg"],
    ),
    AppointmentType(
        id="acute",
        name="Acute pain",
        duration=_dt.timedelta(minutes=20),
        resource_kinds=["chair"],
        acute=True,
    ),
)


def _hours(start: int, end: int) -> tuple[WallClockRange, ...]:
    return (WallClockRange(_dt.time(start), _dt.time(end)),)


def _patterns(app: App, sunday: _dt.date | None) -> list[WorkingPattern]:
    zones: dict[str, str] = {}
    with app.uow_factory() as uow:
        for site in uow.sites.list_all():
            zones[str(site.id)] = site.timezone
    weekdays = [WeeklyHours(weekday=d, hours=_hours(8, 16)) for d in range(5)]
    extra = [ExtraHours(day=sunday, hours=_hours(8, 16))] if sunday else []
    return [
        WorkingPattern(
            id="wp-weber",
            practitioner_id="dr-weber",
            site_id="berlin",
            timezone=zones["berlin"],
            weekly=weekdays,
        ),
        WorkingPattern(
            id="wp-kaya",
            practitioner_id="dr-kaya",
            site_id="berlin",
            timezone=zones["berlin"],
            weekly=weekdays[:4],
            extra=extra,
        ),
        WorkingPattern(
            id="wp-lind",
            practitioner_id="dr-lind",
            site_id="oslo",
            timezone=zones["oslo"],
            weekly=[WeeklyHours(weekday=d, hours=_hours(8, 15)) for d in range(5)],
        ),
        WorkingPattern(
            id="wp-berg-oslo",
            practitioner_id="hyg-berg",
            site_id="oslo",
            timezone=zones["oslo"],
            weekly=[WeeklyHours(weekday=d, hours=_hours(9, 17)) for d in (0, 1)],
        ),
        WorkingPattern(
            id="wp-berg-berlin",
            practitioner_id="hyg-berg",
            site_id="berlin",
            timezone=zones["berlin"],
            weekly=[WeeklyHours(weekday=d, hours=_hours(8, 14)) for d in (2, 3, 4)],
        ),
    ]


def _set_up(app: App, start: _dt.date, end: _dt.date) -> None:
    service = app.scheduling
    with app.uow_factory() as uow:
        if uow.appointment_types.find("checkup") is not None:
            return
    for site, chairs in (("berlin", 3), ("oslo", 2)):
        for number in range(1, chairs + 1):
            service.add_resource(
                site_id=site,
                kind="chair",
                name=f"Chair {number}",
                resource_id=f"{site}-chair-{number}",
            )
    for kind in _TYPES:
        service.define_appointment_type(kind)
    switches = offset_transitions(
        "Europe/Berlin",
        local_instant(start, _dt.time(0), "Europe/Berlin"),
        local_instant(end, _dt.time(0), "Europe/Berlin"),
    )
    sunday = switches[0].in_timezone("Europe/Berlin").date() if switches else None
    for pattern in _patterns(app, sunday):
        service.set_working_pattern(pattern)
    thursday = start + _dt.timedelta(days=(3 - start.weekday()) % 7)
    service.record_absence(
        Absence.whole_days(
            id="abs-weber-seminar",
            practitioner_id="dr-weber",
            kind="teaching",
            first=thursday,
            last=thursday,
            timezone="Europe/Berlin",
        )
    )
    wednesday = start + _dt.timedelta(days=(2 - start.weekday()) % 7)
    afternoon = pendulum.datetime(
        wednesday.year, wednesday.month, wednesday.day, 12, tz="Europe/Oslo"
    )
    service.record_absence(
        Absence(
            id="abs-lind-homevisits",
            practitioner_id="dr-lind",
            kind="home_visits",
            period=TimeRange(afternoon, afternoon.add(hours=3)),
        )
    )


_WISHES = (
    # (patient, site, type, day offset, earliest hour)
    ("pat-001", "berlin", "checkup", 0, 8),
    ("pat-002", "berlin", "filling", 0, 9),
    ("pat-003", "berlin", "checkup", 1, 8),
    ("pat-006", "berlin", "checkup", 0, 10),
    ("pat-001", "berlin", "filling", 3, 8),
    ("pat-002", "berlin", "checkup", 4, 9),
    ("pat-004", "oslo", "checkup", 0, 8),
    ("pat-005", "oslo", "hygiene", 0, 9),
    ("pat-004", "oslo", "filling", 2, 9),
    ("pat-005", "oslo", "checkup", 1, 10),
    ("pat-006", "berlin", "acute", 6, 8),
)


def _book_week(app: App, start: _dt.date, days: int, console: Console) -> None:
    service = app.scheduling
    zones = {"berlin": "Europe/Berlin", "oslo": "Europe/Oslo"}
    booked: dict[str, Appointment] = {}
    for patient, site, kind, offset, hour in _WISHES:
        if offset >= days:
            continue
        day = start + _dt.timedelta(days=offset)
        earliest = local_instant(day, _dt.time(hour), zones[site])
        slots = service.find_slots(
            site_id=site,
            appointment_type=kind,
            patient_id=patient,
            window=TimeRange(earliest, earliest.add(days=2)),
            count=1,
        )
        if not slots:
            console.print(f"  no {kind} slot for {patient} at {site} near {day}")
            continue
        slot = slots[0]
        booked[f"{patient}/{kind}"] = service.book(
            site_id=site,
            patient_id=patient,
            practitioner_id=slot.practitioner_id,
            appointment_type=kind,
            start=slot.start,
            resource_ids=slot.resource_ids,
        )
    # A series: four cleanings, twice a week, for pat-003 in Berlin.
    series = service.book_series(
        site_id="berlin",
        patient_id="pat-003",
        appointment_type="hygiene",
        spec=SeriesSpec(sessions=4, per_week=2, min_gap=_dt.timedelta(days=1)),
        window=TimeRange(
            local_instant(start, _dt.time(0), "Europe/Berlin"),
            local_instant(start + _dt.timedelta(days=21), _dt.time(0), "Europe/Berlin"),
        ),
        preferences=Preferences(not_before=_dt.time(11)),
    )
    for unplaced in series.report.unplaced:
        console.print(f"  series session #{unplaced.number} not placed: {unplaced.reason}")
    # The waitlist: pat-002 would like an Oslo-style earlier checkup... in Berlin.
    wanted = TimeRange(
        local_instant(start, _dt.time(0), "Europe/Berlin"),
        local_instant(start + _dt.timedelta(days=days), _dt.time(0), "Europe/Berlin"),
    )
    entry = service.join_waitlist(
        patient_id="pat-005", site_id="berlin", appointment_type="checkup", wanted=wanted
    )
    freed = booked.get("pat-002/checkup")
    if freed is not None:
        cancellation = service.cancel(freed.id, by="patient", reason="travelling")
        if cancellation.offers and cancellation.offers[0].entry.id == entry.id:
            service.accept_offer(entry.id, freed.id)


def _run_first_day(app: App, start: _dt.date) -> None:
    """Play the lifecycle of the first day: confirm, arrive (some late), treat, no-show."""
    clock = app.clock
    if not isinstance(clock, FixedClock):
        return
    before = clock.now()
    day = TimeRange(
        local_instant(start, _dt.time(0), "Europe/Berlin"),
        local_instant(start + _dt.timedelta(days=1), _dt.time(0), "Europe/Berlin"),
    )
    appointments = [
        a for a in app.scheduling.appointments_of("berlin", day) if a.status.value == "booked"
    ]
    for number, appointment in enumerate(appointments):
        app.scheduling.confirm(appointment.id)
        if number == len(appointments) - 1 and number > 0:
            clock.set(appointment.start.add(minutes=20))
            app.scheduling.mark_no_show(appointment.id)
            continue
        clock.set(appointment.start.add(minutes=3 * number))
        app.scheduling.check_in(appointment.id)
        clock.set(appointment.start.add(minutes=3 * number + 2))
        app.scheduling.start_treatment(appointment.id)
        clock.set(appointment.end.add(minutes=number))
        app.scheduling.complete(appointment.id)
    clock.set(before)


def scheduling_section(app: App, window: DemoWindow, console: Console) -> None:
    """Book and run a week at both sites and print each practitioner's days."""
    start, days, end = window.start, window.days, window.end
    console.rule("[bold]Scheduling[/] - working patterns, bookings, series, waitlist")
    _set_up(app, start, end)
    everything = TimeRange(
        local_instant(start, _dt.time(0), "Europe/Berlin"),
        local_instant(end + _dt.timedelta(days=21), _dt.time(0), "Europe/Berlin"),
    )
    if not app.scheduling.appointments_of("berlin", everything):
        _book_week(app, start, days, console)
        _run_first_day(app, start)
    console.print(_hours_table(app, start, end))
    console.print(_days_table(app, start, end))
    for line in _summary(app, everything):
        console.print(f"  {line}")


def _summary(app: App, everything: TimeRange) -> list[str]:
    """Series, waitlist refills and a refused double booking, read back from the store."""
    lines: list[str] = []
    stored = app.scheduling.appointments_of("berlin", everything)
    series: dict[str, list[Appointment]] = {}
    for appointment in stored:
        if appointment.series_id is not None:
            series.setdefault(appointment.series_id, []).append(appointment)
    for series_id, members in sorted(series.items()):
        dates = ", ".join(f"{m.start.in_timezone('Europe/Berlin'):%a %d %b %H:%M}" for m in members)
        lines.append(f"series {series_id} (all or nothing): {len(members)} cleanings: {dates}")
    for appointment in stored:
        if (appointment.reference or "").startswith("waitlist/"):
            lines.append(
                f"{appointment.id}: {appointment.patient_id} took a cancelled "
                f"{appointment.appointment_type} from the waitlist (earliest request first)"
            )
    first = next((a for a in stored if a.appointment_type == "checkup"), None)
    if first is not None:
        try:
            app.scheduling.book(
                site_id="berlin",
                patient_id="pat-006",
                practitioner_id=first.practitioner_id,
                appointment_type="checkup",
                start=first.start,
                resource_ids=first.resource_ids,
            )
        except ClinicoreError as refused:
            reasons = ", ".join(getattr(refused, "reasons", ()))
            lines.append(
                f"booking {first.practitioner_id} at {first.id}'s time again is refused: "
                f"{type(refused).__name__} ({reasons})"
            )
    return lines


def _hours_table(app: App, start: _dt.date, end: _dt.date) -> Table:
    table = Table(
        title="Bookable hours (working time - absences - public holidays)",
        title_justify="left",
        box=box.SIMPLE,
        pad_edge=False,
    )
    table.add_column("practitioner", no_wrap=True)
    table.add_column("site", no_wrap=True)
    day = start
    while day < end:
        table.add_column(f"{day:%a}"[:2] + f"{day:%d}", justify="right", no_wrap=True)
        day += _dt.timedelta(days=1)
    with app.uow_factory() as uow:
        patterns = uow.working_patterns.list_for()
    for pattern in patterns:
        cells = []
        day = start
        while day < end:
            window = TimeRange(
                local_instant(day, _dt.time(0), pattern.timezone),
                local_instant(day + _dt.timedelta(days=1), _dt.time(0), pattern.timezone),
            )
            hours = app.scheduling.working_time(pattern.site_id, pattern.practitioner_id, window)
            total = hours.total_duration.total_seconds() / 3600
            cells.append(f"{total:g}h" if total else "")
            day += _dt.timedelta(days=1)
        table.add_row(pattern.practitioner_id, pattern.site_id, *cells)
    return table


def _days_table(app: App, start: _dt.date, end: _dt.date) -> Table:
    table = Table(
        title="Each practitioner's days (local time)",
        title_justify="left",
        box=box.SIMPLE,
        pad_edge=False,
        show_lines=False,
    )
    table.add_column("practitioner", no_wrap=True)
    table.add_column("day", no_wrap=True)
    table.add_column("appointments: time type patient chair (status)")
    days: dict[tuple[str, _dt.date], list[tuple[pendulum.DateTime, str]]] = {}
    with app.uow_factory() as uow:
        sites = {str(site.id): site.timezone for site in uow.sites.list_all()}
        practitioners = [str(p.id) for p in uow.practitioners.list_all()]
    for site, zone in sites.items():
        window = TimeRange(
            local_instant(start, _dt.time(0), zone), local_instant(end, _dt.time(0), zone)
        )
        with app.uow_factory() as uow:
            found = uow.appointments.list_overlapping(window, practitioner_ids=practitioners)
        for appointment in found:
            if appointment.site_id != site:
                continue
            local_start, _ = appointment.treatment.in_zone(zone)
            chairs = ",".join(r.removeprefix(f"{site}-") for r in appointment.resource_ids)
            status = appointment.status.value
            if appointment.actual_duration is not None:
                status += f" in {appointment.actual_duration.seconds // 60} min"
            if appointment.override is not None:
                status += ", override"
            text = (
                f"{local_start:%H:%M} {appointment.appointment_type} {appointment.patient_id} "
                f"{site}/{chairs} ({status})"
            )
            key = (appointment.practitioner_id, local_start.date())
            days.setdefault(key, []).append((appointment.start, text))
    for (practitioner, day), items in sorted(days.items()):
        table.add_row(practitioner, f"{day:%a %d %b}", "; ".join(t for _, t in sorted(items)))
    return table
