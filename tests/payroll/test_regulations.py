"""Example tests for the working-time and supplement rules of the country packs (PAY-5, PAY-9).

Each test names its source (see rules.md, "Payroll and working time").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pendulum
from moneyed import Money

from clinicore import jurisdictions
from clinicore.payroll import Period, PeriodStatement, compute_statement
from clinicore.payroll.contracts import Employee
from clinicore.testing.samples import a_contract, a_punch_log, an_employee


def local(
    zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> pendulum.DateTime:
    """A local wall-clock instant."""
    return pendulum.datetime(year, month, day, hour, minute, tz=zone)


BERLIN = "Europe/Berlin"
OSLO = "Europe/Oslo"
DE = jurisdictions.get("DE").payroll_rules(dt.date(2026, 1, 1))
NO = jurisdictions.get("NO").payroll_rules(dt.date(2026, 1, 1))


def _statement(
    employee: Employee,
    zone: str,
    spans: Sequence[tuple[tuple[int, ...], tuple[int, ...]]],
    rules: object,
    *,
    month: tuple[int, int] = (2026, 10),
    holidays: tuple[dt.date, ...] = (),
) -> PeriodStatement:
    log = a_punch_log(employee.id, [(local(zone, *a), local(zone, *b)) for a, b in spans])
    return compute_statement(
        employee,
        Period.month(*month, zone),
        punches=log,
        rules=rules,  # type: ignore[arg-type]
        holidays=holidays,
    )


def _line(statement: PeriodStatement, code: str) -> tuple[int, Money]:
    found = [line for line in statement.lines if line.code == code]
    assert len(found) == 1, [line.code for line in statement.lines]
    return found[0].seconds, found[0].amount


def _rules(statement: PeriodStatement) -> list[str]:
    return [warning.rule for warning in statement.warnings]


# -- Germany: ArbZG ---------------------------------------------------------------------------
def test_arbzg_breaks_30_min_above_6_h_and_45_min_above_9_h() -> None:
    """§ 4 ArbZG: 30 min of breaks above 6 h of work, 45 min above 9 h."""
    employee = an_employee()
    no_break = _statement(employee, BERLIN, [((2026, 10, 5, 8), (2026, 10, 5, 14, 30))], DE)
    assert _rules(no_break) == ["breaks"]
    assert "§ 4" in no_break.warnings[0].source or "ArbZG" in no_break.warnings[0].source
    enough = _statement(
        employee,
        BERLIN,
        [((2026, 10, 5, 8), (2026, 10, 5, 12)), ((2026, 10, 5, 12, 30), (2026, 10, 5, 15))],
        DE,
    )
    assert _rules(enough) == []
    thirty_after_nine = _statement(
        employee,
        BERLIN,
        [((2026, 10, 5, 7), (2026, 10, 5, 12)), ((2026, 10, 5, 12, 30), (2026, 10, 5, 17))],
        DE,
    )
    assert _rules(thirty_after_nine) == ["breaks"]  # 9.5 h of work needs 45 min


def test_arbzg_daily_maximum_of_10_hours_and_11_hours_of_rest() -> None:
    """§ 3 ArbZG: at most 10 h a day; § 5 ArbZG: at least 11 h rest between duties."""
    employee = an_employee()
    statement = _statement(
        employee,
        BERLIN,
        [
            ((2026, 10, 5, 7), (2026, 10, 5, 12)),
            ((2026, 10, 5, 12, 45), (2026, 10, 5, 18, 45)),  # 11 h of work, 45 min break
            ((2026, 10, 6, 4), (2026, 10, 6, 8)),  # back after 9 h 15 min
        ],
        DE,
    )
    assert sorted(_rules(statement)) == ["daily_maximum", "rest"]
    rest = next(w for w in statement.warnings if w.rule == "rest")
    assert len(rest.spans) == 3  # both duties that cause it


# -- Germany: § 3b EStG -----------------------------------------------------------------------
def test_estg_3b_public_holiday_125_and_sunday_do_not_add_up() -> None:
    """§ 3b (1) Nr. 3 EStG: public holiday 125 %; the day supplements do not add up.

    3 October 2026 (Tag der Deutschen Einheit) is a Saturday; 8 h at 20 EUR earn
    8 x 25.00 = 200.00 EUR.
    """
    employee = an_employee()
    holiday = dt.date(2026, 10, 3)
    statement = _statement(
        employee, BERLIN, [((2026, 10, 3, 8), (2026, 10, 3, 16))], DE, holidays=(holiday,)
    )
    assert _line(statement, "supplement:public_holiday") == (8 * 3600, Money("200.00", "EUR"))
    assert not [line for line in statement.lines if line.code == "supplement:sunday"]


def test_estg_3b_christmas_eve_from_14_h_is_150_percent() -> None:
    """§ 3b (1) Nr. 4 EStG: 24 December from 14:00 150 %; before 14:00 nothing."""
    employee = an_employee()
    statement = _statement(
        employee, BERLIN, [((2026, 12, 24, 10), (2026, 12, 24, 18))], DE, month=(2026, 12)
    )
    assert _line(statement, "supplement:christmas_eve") == (4 * 3600, Money("120.00", "EUR"))


def test_estg_3b_new_years_eve_from_14_h_is_125_percent() -> None:
    """§ 3b (1) Nr. 3 EStG: 31 December from 14:00 125 %; night from 20:00 adds 25 %."""
    employee = an_employee()
    statement = _statement(
        employee, BERLIN, [((2026, 12, 31, 12), (2026, 12, 31, 22))], DE, month=(2026, 12)
    )
    assert _line(statement, "supplement:new_years_eve") == (8 * 3600, Money("200.00", "EUR"))
    assert _line(statement, "supplement:night") == (2 * 3600, Money("10.00", "EUR"))


def test_estg_3b_40_percent_only_when_the_night_work_began_before_midnight() -> None:
    """§ 3b (3) Nr. 1 EStG: 00:00-04:00 at 40 % only if the work began before 0:00."""
    employee = an_employee()
    late_start = _statement(employee, BERLIN, [((2026, 10, 6, 0), (2026, 10, 6, 4))], DE)
    assert _line(late_start, "supplement:night") == (4 * 3600, Money("20.00", "EUR"))
    early_start = _statement(employee, BERLIN, [((2026, 10, 5, 23), (2026, 10, 6, 4))], DE)
    assert _line(early_start, "supplement:night") == (3600, Money("5.00", "EUR"))
    assert _line(early_start, "supplement:night_0_4") == (4 * 3600, Money("32.00", "EUR"))


def test_estg_3b_base_capped_at_50_eur_an_hour() -> None:
    """§ 3b (2) EStG: the hourly base of the supplements is capped at 50 EUR."""
    employee = an_employee(contracts=[a_contract(hourly_rate=Money(80, "EUR"))])
    statement = _statement(employee, BERLIN, [((2026, 10, 4, 8), (2026, 10, 4, 10))], DE)
    # Sunday 4 Oct 2026: 2 h x 50 EUR x 50 % = 50.00 EUR (not 80.00).
    assert _line(statement, "supplement:sunday") == (2 * 3600, Money("50.00", "EUR"))
    assert _line(statement, "base") == (2 * 3600, Money("160.00", "EUR"))


# -- Norway: arbeidsmiljøloven ------------------------------------------------------------------
def _oslo_employee(weekly: int = 40) -> Employee:
    return an_employee(
        contracts=[a_contract(hourly_rate=Money(300, "NOK"), weekly_hours=Decimal(weekly))]
    )


def test_aml_overtime_beyond_9_hours_a_day_with_at_least_40_percent() -> None:
    """Arbeidsmiljøloven § 10-4 (1), § 10-6 (11): beyond 9 h a day is overtime, +40 %."""
    statement = _statement(_oslo_employee(), OSLO, [((2026, 10, 5, 7), (2026, 10, 5, 17))], NO)
    assert statement.overtime_seconds == 3600
    assert _line(statement, "overtime") == (3600, Money(300, "NOK"))
    assert _line(statement, "overtime_supplement") == (3600, Money(120, "NOK"))
    assert statement.total == Money(3000 + 120, "NOK")


def test_aml_merarbeid_below_the_limits_is_not_overtime() -> None:
    """Arbeidsmiljøloven § 10-6 (1)/(11): hours above a 30 h contract but within 9 h / 40 h
    are merarbeid, paid at the plain rate without the overtime supplement."""
    day = ((2026, 10, 5, 8), (2026, 10, 5, 16))
    week = [((2026, 10, d, 8), (2026, 10, d, 16)) for d in range(5, 10)]  # 5 x 8 h = 40 h
    statement = _statement(_oslo_employee(30), OSLO, week, NO)
    assert (statement.regular_seconds, statement.extra_seconds) == (30 * 3600, 10 * 3600)
    assert statement.overtime_seconds == 0
    assert _line(statement, "extra") == (10 * 3600, Money(3000, "NOK"))
    assert day  # the week is five such days


def test_aml_weekly_limit_of_40_hours_and_the_10_hours_per_7_days_cap() -> None:
    """Arbeidsmiljøloven § 10-4 (1): beyond 40 h a week is overtime; § 10-6 (4): at most
    10 h of overtime in 7 days (6 x 9 h = 54 h: 14 h of overtime, a warning)."""
    week = [((2026, 10, d, 7), (2026, 10, d, 16)) for d in range(5, 11)]
    statement = _statement(_oslo_employee(), OSLO, week, NO)
    assert statement.overtime_seconds == 14 * 3600
    assert "overtime_cap" in _rules(statement)
    cap = next(w for w in statement.warnings if w.rule == "overtime_cap")
    assert "10-6" in cap.source


def test_aml_13_hours_in_24_hours_at_most() -> None:
    """Arbeidsmiljøloven § 10-6 (8): total working time at most 13 h per 24 h."""
    statement = _statement(
        _oslo_employee(),
        OSLO,
        [((2026, 10, 5, 6), (2026, 10, 5, 12)), ((2026, 10, 5, 12, 30), (2026, 10, 5, 20))],
        NO,
    )
    assert "daily_maximum" in _rules(statement)
