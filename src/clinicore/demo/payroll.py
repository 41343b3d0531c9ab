"""The payroll part of the demo: a month of the front desks and assistants of both sites.

Berlin (Germany) and Oslo (Norway) each have a front-desk employee and an assistant. The
month of the demo window is simulated with the clocks going back on 25 October: a late
arrival, a forgotten clock-out, night shifts across the switch, Norwegian merarbeid and
overtime, a sick day and vacation. The statements are printed; employees carry ids and
roles only, never names.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING

import pendulum
from moneyed import Money
from rich.console import Console
from rich.table import Table

from clinicore.bootstrap import App
from clinicore.clock import FixedClock
from clinicore.ids import SiteId
from clinicore.payroll import (
    Contract,
    EmployeeId,
    PeriodStatement,
    Punch,
    PunchId,
    PunchKind,
    Shift,
    ShiftTime,
    rotation,
    weekly,
)

if TYPE_CHECKING:
    from clinicore.demo.run import DemoWindow

__all__ = ["payroll_section"]

_DAY = ShiftTime(_dt.time(8), _dt.time(16, 30))
_OSLO_DAY = ShiftTime(_dt.time(7, 45), _dt.time(16))
_LONG = ShiftTime(_dt.time(7), _dt.time(18))
_NIGHT = ShiftTime(_dt.time(22), _dt.time(6))


@contextmanager
def _clock_at(app: App, instant: pendulum.DateTime) -> Iterator[None]:
    """Let a fixed demo clock stand at the month's end while punches are recorded."""
    clock = app.clock
    if not isinstance(clock, FixedClock):
        yield
        return
    before = clock.now()
    clock.set(instant)
    try:
        yield
    finally:
        clock.set(before)


def _punches(employee: str, shifts: list[Shift], *, late: int, forgotten: int) -> list[Punch]:
    """Clock-in, break and clock-out per shift.

    Shift number ``late`` starts 12 min late; shift number ``forgotten`` has no clock-out.
    """
    log: list[Punch] = []
    for number, shift in enumerate(shifts):
        start = shift.start.add(minutes=12 if number == late else 0)
        pause = shift.start.add(hours=4)
        moments = [
            (PunchKind.IN, start),
            (PunchKind.OUT, pause),
            (PunchKind.IN, pause.add(minutes=30)),
            (PunchKind.OUT, shift.end),
        ]
        if number == forgotten:
            moments.pop()
        for index, (kind, at) in enumerate(moments):
            log.append(
                Punch(
                    id=PunchId(f"{employee}-{number:02d}-{index}"),
                    employee_id=EmployeeId(employee),
                    kind=kind,
                    at=at,
                    recorded_at=at,
                    source="access_control",
                )
            )
    return log


def _seed(app: App, first: _dt.date, last: _dt.date) -> None:
    payroll = app.payroll
    eur, nok = "EUR", "NOK"
    staff = [
        ("berlin-desk", "berlin", "front_desk", Money("16.50", eur), None, 40),
        ("berlin-assistant", "berlin", "assistant", None, Money(3100, eur), Decimal("38.5")),
        ("oslo-desk", "oslo", "front_desk", Money(260, nok), None, 30),
        ("oslo-assistant", "oslo", "assistant", Money(240, nok), None, Decimal("37.5")),
    ]
    for employee_id, site, role, hourly, monthly, hours in staff:
        contract = Contract(
            valid_from=_dt.date(2026, 1, 1),
            hourly_rate=hourly,
            monthly_salary=monthly,
            weekly_hours=hours,
            cost_centre=f"{site}-{role}",
        )
        payroll.register_employee(
            site_id=site, role=role, contracts=[contract], employee_id=employee_id
        )
    berlin, oslo = "Europe/Berlin", "Europe/Oslo"
    weekdays = dict.fromkeys(range(5), _DAY)
    plans = {
        "berlin-desk": weekly(
            EmployeeId("berlin-desk"), first, last, weeks=[weekdays], zone=berlin
        ),
        "berlin-assistant": rotation(
            EmployeeId("berlin-assistant"),
            first + _dt.timedelta(days=2),
            last,
            on_days=2,
            off_days=2,
            times=_NIGHT,
            zone=berlin,
        ),
        "oslo-desk": weekly(
            EmployeeId("oslo-desk"),
            first,
            last,
            weeks=[dict.fromkeys(range(5), _OSLO_DAY)],
            zone=oslo,
        ),
        "oslo-assistant": weekly(
            EmployeeId("oslo-assistant"),
            first,
            last,
            weeks=[{0: _DAY, 1: _DAY, 2: _LONG, 3: _DAY, 4: _DAY}],
            zone=oslo,
        ),
    }
    for employee_id, shifts in plans.items():
        payroll.plan_shifts(shifts)
        late = 3 if employee_id == "berlin-desk" else -1
        forgotten = 5 if employee_id == "berlin-assistant" else -1
        worked = [s for s in shifts if not (employee_id == "oslo-desk" and 12 <= s.start.day <= 13)]
        payroll.import_punches(_punches(employee_id, worked, late=late, forgotten=forgotten))
    payroll.record_absence("oslo-desk", "vacation", _dt.date(2026, 10, 12), _dt.date(2026, 10, 13))


def _hours(seconds: int) -> str:
    return f"{seconds / 3600:.2f}"


def _summary(statements: list[tuple[str, PeriodStatement]]) -> Table:
    table = Table(title="Payroll statements (employees by id and role only)", title_justify="left")
    table.add_column("employee")
    table.add_column("worked / planned h", justify="right")
    table.add_column("regular / extra / overtime h", justify="right")
    table.add_column("late, to resolve, warnings")
    table.add_column("gross", justify="right")
    for _, statement in statements:
        zone = statement.period.timezone
        notes = [
            f"late {o.shift.start.in_timezone(zone):%d %b} +{o.late.seconds // 60} min"
            for o in statement.late_arrivals
        ]
        notes += [
            f"{a.kind.value} {a.at.in_timezone(zone):%d %b %H:%M}" for a in statement.anomalies
        ]
        notes += sorted({w.rule for w in statement.warnings})
        table.add_row(
            statement.employee_id,
            f"{_hours(statement.worked_seconds)} / {_hours(statement.planned_seconds)}",
            f"{_hours(statement.regular_seconds)} / {_hours(statement.extra_seconds)} / "
            f"{_hours(statement.overtime_seconds)}",
            "; ".join(notes) or "-",
            f"{statement.currency} {statement.total.amount:,.2f}",
        )
    return table


def _lines(statement: PeriodStatement) -> Table:
    table = Table(
        title=f"{statement.employee_id}: statement lines (the CSV export's rows)",
        title_justify="left",
    )
    for column in ("code", "hours", "rate", "%", "amount"):
        table.add_column(column, justify="left" if column == "code" else "right", no_wrap=True)
    for line in statement.lines:
        table.add_row(
            line.code,
            str(line.hours),
            "" if line.rate is None else str(line.rate.amount),
            "" if line.percent is None else str(line.percent),
            f"{line.amount.amount:,.2f}",
        )
    table.add_row("[bold]total[/]", "", "", "", f"[bold]{statement.total.amount:,.2f}[/]")
    return table


def payroll_section(app: App, window: DemoWindow, console: Console) -> None:
    """Simulate the month of the demo window for both sites and print the statements."""
    start = window.start
    first = start.replace(day=1)
    following = _dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    last = following - _dt.timedelta(days=1)
    console.rule(f"[bold]Payroll[/] - {first:%B %Y}")
    with app.uow_factory() as uow:
        seeded = uow.employees.find(EmployeeId("berlin-desk")) is not None
    if not seeded:
        end = pendulum.datetime(following.year, following.month, following.day, 12, tz="UTC")
        with _clock_at(app, end.add(days=1)):
            _seed(app, first, last)
    statements: list[tuple[str, PeriodStatement]] = []
    for site in ("berlin", "oslo"):
        with app.uow_factory() as uow:
            staff = uow.employees.list_all(site_id=SiteId(site))
        roles = {employee.id: employee.role for employee in staff}
        for statement in app.payroll.site_statements(site, first.year, first.month):
            statements.append((roles[statement.employee_id], statement))
    console.print(_summary(statements))
    for _, statement in statements:
        console.print(_lines(statement))
    console.print(
        "Night shifts 22:00-06:00 are paid on real hours: the one starting "
        f"{_dt.date(2026, 10, 24):%a %d %b} lasts 9 h (clocks go back); "
        "§ 3b EStG windows in Berlin, arbeidsmiljøloven overtime (+40 %) and merarbeid in Oslo."
        if first == _dt.date(2026, 10, 1)
        else "Night shifts 22:00-06:00 are paid on real hours (DST-exact)."
    )
