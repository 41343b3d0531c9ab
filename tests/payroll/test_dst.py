"""Hours are real elapsed time across DST switches (PAY-8).

Source: rules.md, "Payroll and working time": a night shift 22:00-06:00 in Europe/Berlin
or Europe/Oslo is 9 h on the night of the autumn switch and 7 h on the spring one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pendulum
import pytest
from moneyed import Money

from clinicore import jurisdictions
from clinicore.payroll import (
    PayrollRules,
    Period,
    ShiftTime,
    compute_statement,
    rotation,
)
from clinicore.testing.samples import a_contract, a_punch_log, an_employee


def local(
    zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> pendulum.DateTime:
    """A local wall-clock instant."""
    return pendulum.datetime(year, month, day, hour, minute, tz=zone)


NIGHT = ShiftTime(dt.time(22), dt.time(6))


@pytest.mark.parametrize(
    ("zone", "eve", "hours"),
    [
        ("Europe/Berlin", dt.date(2026, 10, 24), 9),
        ("Europe/Berlin", dt.date(2026, 3, 28), 7),
        ("Europe/Oslo", dt.date(2026, 10, 24), 9),
        ("Europe/Oslo", dt.date(2026, 3, 28), 7),
        ("America/New_York", dt.date(2026, 10, 31), 9),
        ("America/New_York", dt.date(2026, 3, 7), 7),
    ],
)
def test_a_night_shift_over_a_dst_switch_lasts_its_real_hours(
    zone: str, eve: dt.date, hours: int
) -> None:
    """PAY-8: the rostered shift and the paid hours both follow the real elapsed time."""
    employee = an_employee()
    shift = rotation(employee.id, eve, eve, on_days=1, off_days=0, times=NIGHT, zone=zone)[0]
    assert shift.span.duration == dt.timedelta(hours=hours)
    log = a_punch_log(employee.id, [(shift.start, shift.end)])
    period = Period.month(eve.year, eve.month, zone)
    statement = compute_statement(
        employee, period, punches=log, shifts=[shift], rules=PayrollRules()
    )
    assert statement.worked_seconds == hours * 3600
    assert statement.planned_seconds == hours * 3600
    base = next(line for line in statement.lines if line.code == "base")
    assert base.amount == Money(20 * hours, "EUR")


def test_german_night_supplement_on_the_autumn_switch_is_paid_on_nine_hours() -> None:
    """§ 3b EStG night windows on the night of 24/25 Oct 2026 (Europe/Berlin, autumn switch).

    22:00-00:00 is 25 % (2 h); 00:00-04:00 is 40 % because the work began before midnight,
    and lasts 5 real hours that night; 04:00-06:00 is 25 % (2 h). 25 October 2026 is a
    Sunday: the Sunday supplement of 50 % adds for the 7 real hours after midnight.
    """
    zone = "Europe/Berlin"
    employee = an_employee()
    start, end = local(zone, 2026, 10, 24, 22), local(zone, 2026, 10, 25, 6)
    rules = jurisdictions.get("DE").payroll_rules(dt.date(2026, 10, 1))
    statement = compute_statement(
        employee,
        Period.month(2026, 10, zone),
        punches=a_punch_log(employee.id, [(start, end)]),
        rules=rules,
    )
    by_code = {line.code: line for line in statement.lines}
    assert by_code["supplement:night"].seconds == 4 * 3600
    assert by_code["supplement:night_0_4"].seconds == 5 * 3600
    assert by_code["supplement:sunday"].seconds == 7 * 3600
    # 20.00 EUR an hour: 4 h x 5.00 + 5 h x 8.00 + 7 h x 10.00
    assert by_code["supplement:night"].amount == Money("20.00", "EUR")
    assert by_code["supplement:night_0_4"].amount == Money("40.00", "EUR")
    assert by_code["supplement:sunday"].amount == Money("70.00", "EUR")
    assert by_code["supplement:night_0_4"].percent == Decimal(40)


def test_spring_switch_night_in_oslo_is_seven_hours_and_no_overtime() -> None:
    """Arbeidsmiljøloven § 10-4 (1): 7 real hours stay under the 9-hour daily limit."""
    zone = "Europe/Oslo"
    employee = an_employee(contracts=[a_contract(hourly_rate=Money(250, "NOK"))])
    start, end = local(zone, 2026, 3, 28, 22), local(zone, 2026, 3, 29, 6)
    statement = compute_statement(
        employee,
        Period.month(2026, 3, zone),
        punches=a_punch_log(employee.id, [(start, end)]),
        rules=jurisdictions.get("NO").payroll_rules(dt.date(2026, 3, 1)),
    )
    assert statement.worked_seconds == 7 * 3600
    assert statement.overtime_seconds == 0
    assert statement.total == Money(1750, "NOK")
