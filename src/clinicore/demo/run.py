"""Running the demo and printing its report."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

import attrs
import pendulum
from moneyed import Money
from rich.console import Console
from rich.table import Table

from clinicore import jurisdictions
from clinicore.bootstrap import App, Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.contact import ContactChannel, ContactPurpose
from clinicore.demo.clinic import seed
from clinicore.ids import SequentialIdSource
from clinicore.intervals import TimeRange
from clinicore.money import allocate
from clinicore.sites import Site
from clinicore.zones import offset_transitions

__all__ = ["DEFAULT_START", "SECTIONS", "DemoWindow", "Section", "clinic_section", "run_demo"]

DEFAULT_START = _dt.date(2026, 10, 19)
"""A Monday; the week after it holds the end of summer time in Europe and in New York."""


@attrs.frozen
class DemoWindow:
    """The simulated period: ``days`` days from ``start``; ``end`` is the day after it."""

    start: _dt.date
    days: int

    @property
    def end(self) -> _dt.date:
        """The first day after the window."""
        return self.start + _dt.timedelta(days=self.days)


Section = Callable[[App, DemoWindow, Console], None]
"""One module's part of the demo: simulate in ``app`` and print to ``console``."""


def run_demo(database_url: str, *, days: int, start: _dt.date, console: Console) -> None:
    """Seed the demo clinic at ``database_url`` and print the report for ``days`` days."""
    began = pendulum.datetime(start.year, start.month, start.day, 7, tz="Europe/Berlin")
    clock = FixedClock(began)
    config = Config(database_url=database_url, notifier="recording")
    window = DemoWindow(start, days)
    with bootstrap(config, clock=clock, ids=SequentialIdSource("demo")) as app:
        seed(app)
        for section in SECTIONS:
            clock.set(began)  # each section starts at the window's first morning
            section(app, window, console)


def clinic_section(app: App, window: DemoWindow, console: Console) -> None:
    """The foundation's part: sites, practitioners, patients, DST and an exact split."""
    start, end = window.start, window.end
    last = end - _dt.timedelta(days=1)
    console.rule(f"[bold]clinicore demo[/] - {start.isoformat()} to {last.isoformat()}")
    with app.uow_factory() as uow:
        sites = uow.sites.list_all()
        practitioners = uow.practitioners.list_all()
        patients = uow.patients.list_page(limit=1000)
    console.print(_sites_table(sites, start, end))
    table = Table(title="Practitioners", title_justify="left")
    for column in ("id", "sites", "speciality", "employment"):
        table.add_column(column)
    for p in practitioners:
        table.add_row(p.id, ", ".join(sorted(p.site_ids)), p.speciality, p.employment.value)
    console.print(table)
    console.print(_patients_table(patients, start))
    for site in sites:
        console.print(_dst_day(site, start, end))
    shares = allocate(Money("1000.00", "NOK"), [1, 1, 1])
    console.print(
        "[bold]Exact split[/] of NOK 1,000.00 in three equal shares: "
        + " + ".join(str(share.amount) for share in shares)
        + f" = {sum(share.amount for share in shares)}"
    )


def _sites_table(sites: list[Site], start: _dt.date, end: _dt.date) -> Table:
    table = Table(title="Sites", title_justify="left")
    for column in ("id", "name", "zone", "country", "currency", "public holidays in window"):
        table.add_column(column)
    for site in sites:
        pack = jurisdictions.get(site.jurisdiction)
        holidays = pack.public_holidays(start, end - _dt.timedelta(days=1), site.subdivision)
        listed = "; ".join(f"{day:%a %d %b} {name}" for day, name in holidays.items()) or "none"
        table.add_row(
            site.id,
            site.name,
            site.timezone,
            f"{pack.name} {site.subdivision or ''}".strip(),
            site.currency,
            listed,
        )
    return table


def _patients_table(patients: list, start: _dt.date) -> Table:  # type: ignore[type-arg]
    table = Table(title="Patients (names and numbers are never printed)", title_justify="left")
    for column in ("id", "age", "locale", "coverage", "SMS reminders", "SMS recall", "VIP"):
        table.add_column(column)
    for patient in patients:
        consents = patient.consents
        table.add_row(
            patient.id,
            str(patient.age_on(start)),
            patient.locale,
            patient.coverage.kind.value,
            consents.status(ContactChannel.SMS, ContactPurpose.APPOINTMENT_REMINDER).value,
            consents.status(ContactChannel.SMS, ContactPurpose.RECALL).value,
            "yes" if patient.vip else "",
        )
    return table


def _dst_day(site: Site, start: _dt.date, end: _dt.date) -> str:
    zone = site.zone
    window_start = pendulum.datetime(start.year, start.month, start.day, tz=zone)
    window_end = pendulum.datetime(end.year, end.month, end.day, tz=zone)
    switches = offset_transitions(zone, window_start, window_end)
    if not switches:
        return f"[bold]{site.id}[/]: no DST switch in the window."
    day = switches[0].in_timezone(zone)
    surgery = TimeRange(day.at(8), day.at(16))
    eve = day.subtract(days=1)
    night = TimeRange(pendulum.datetime(eve.year, eve.month, eve.day, 22, tz=zone), day.at(6))
    return (
        f"[bold]{site.id}[/]: clocks change on {day:%a %d %b} at {day:%H:%M} local; "
        f"surgery 08:00-16:00 lasts {surgery.duration}, the night shift 22:00-06:00 before it "
        f"lasts {night.duration}."
    )


# The sections import DemoWindow and Section from this module, so they are imported last.
from clinicore.demo.billing import billing_section  # noqa: E402
from clinicore.demo.dental import dental_section  # noqa: E402
from clinicore.demo.payroll import payroll_section  # noqa: E402
from clinicore.demo.reminders import reminders_section  # noqa: E402
from clinicore.demo.scheduling import scheduling_section  # noqa: E402
from clinicore.demo.stock import stock_section  # noqa: E402

SECTIONS: tuple[Section, ...] = (
    clinic_section,
    scheduling_section,
    dental_section,
    stock_section,
    payroll_section,
    billing_section,
    reminders_section,
)
"""The demo's parts in order; each module of clinicore appends its own section here."""
