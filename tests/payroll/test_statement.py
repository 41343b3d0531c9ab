"""Contracts, hours against the roster, absences and the period statement (PAY-1, 2, 4, 6, 7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moneyed import Money

from clinicore import jurisdictions
from clinicore.errors import NotFoundError, ValidationError
from clinicore.money import sum_money
from clinicore.payroll import (
    Category,
    Leave,
    LeaveId,
    OvertimeRule,
    PayrollRules,
    Period,
    Rounding,
    Shift,
    ShiftTime,
    SupplementRule,
    check_no_overlap,
    classify,
    compute_statement,
    group_duties,
    rotation,
    weekly,
)
from clinicore.payroll._time import seconds
from clinicore.payroll.contracts import Contract, EmployeeId
from clinicore.testing.samples import a_contract, a_punch_log, an_employee


def local(
    zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> pendulum.DateTime:
    """A local wall-clock instant."""
    return pendulum.datetime(year, month, day, hour, minute, tz=zone)


BERLIN = "Europe/Berlin"
OCTOBER = Period.month(2026, 10, BERLIN)
DE = jurisdictions.get("DE").payroll_rules(dt.date(2026, 10, 1))
E1 = EmployeeId("e1")
DAY = ShiftTime(dt.time(8), dt.time(16))


def test_a_raise_mid_month_prices_each_day_by_its_contract() -> None:
    """PAY-1: a new contract from 15 October splits the period's lines."""
    before = a_contract(valid_until=dt.date(2026, 10, 14))
    after = a_contract(valid_from=dt.date(2026, 10, 15), hourly_rate=Money("22.00", "EUR"))
    employee = an_employee(contracts=[after, before])
    log = a_punch_log(
        employee.id,
        [
            (local(BERLIN, 2026, 10, 14, 8), local(BERLIN, 2026, 10, 14, 12)),
            (local(BERLIN, 2026, 10, 15, 8), local(BERLIN, 2026, 10, 15, 12)),
        ],
    )
    statement = compute_statement(employee, OCTOBER, punches=log, rules=PayrollRules())
    assert [(line.contract_from, line.amount) for line in statement.lines] == [
        (dt.date(2026, 1, 1), Money("80.00", "EUR")),
        (dt.date(2026, 10, 15), Money("88.00", "EUR")),
    ]


def test_a_monthly_salary_is_prorated_by_days_of_validity() -> None:
    """PAY-1: 3,100 EUR a month, a raise to 3,410 EUR from 11 October (31 days)."""
    before = a_contract(
        valid_until=dt.date(2026, 10, 10), hourly_rate=None, monthly_salary=Money(3100, "EUR")
    )
    after = a_contract(
        valid_from=dt.date(2026, 10, 11), hourly_rate=None, monthly_salary=Money(3410, "EUR")
    )
    employee = an_employee(contracts=[before, after])
    statement = compute_statement(employee, OCTOBER, punches=[], rules=PayrollRules())
    assert [line.amount for line in statement.lines] == [Money(1000, "EUR"), Money(2310, "EUR")]


def test_contracts_refuse_bad_pay_and_overlaps() -> None:
    with pytest.raises(ValidationError, match="exactly one of hourly_rate and monthly_salary"):
        a_contract(hourly_rate=None)
    with pytest.raises(ValidationError, match="exactly one"):
        a_contract(monthly_salary=Money(3000, "EUR"))
    with pytest.raises(ValidationError, match="overlap"):
        an_employee(contracts=[a_contract(), a_contract(valid_from=dt.date(2026, 6, 1))])
    with pytest.raises(ValidationError, match="weekly_hours"):
        a_contract(weekly_hours=0.5)
    with pytest.raises(ValidationError, match="positive"):
        a_contract(hourly_rate=Money(0, "EUR"))
    with pytest.raises(NotFoundError):
        an_employee().contract_on(dt.date(2025, 1, 1))


def test_rosters_two_on_two_off_and_alternating_weeks() -> None:
    """PAY-2: "two days on, two off" and A/B weeks."""
    four_days = rotation(
        E1,
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 8),
        on_days=2,
        off_days=2,
        times=DAY,
        zone=BERLIN,
    )
    assert [pendulum.instance(s.start).in_timezone(BERLIN).day for s in four_days] == [1, 2, 5, 6]
    alternating = weekly(
        E1,
        dt.date(2026, 10, 5),
        dt.date(2026, 10, 18),
        weeks=[{0: DAY, 2: DAY}, {4: DAY}],
        zone=BERLIN,
    )
    assert [pendulum.instance(s.start).in_timezone(BERLIN).day for s in alternating] == [5, 7, 16]


def test_overlapping_shifts_of_one_employee_are_refused() -> None:
    first = Shift(employee_id=E1, span=DAY.on(dt.date(2026, 10, 5), BERLIN))
    second = Shift(
        employee_id=E1, span=ShiftTime(dt.time(15), dt.time(20)).on(dt.date(2026, 10, 5), BERLIN)
    )
    with pytest.raises(ValidationError, match="overlap"):
        check_no_overlap([first, second])
    other = Shift(employee_id=EmployeeId("e2"), span=second.span)
    assert len(check_no_overlap([first, other])) == 2


def test_lateness_early_leave_undertime_and_an_absent_shift() -> None:
    """PAY-4: against the roster."""
    employee = an_employee()
    shifts = rotation(
        employee.id,
        dt.date(2026, 10, 5),
        dt.date(2026, 10, 7),
        on_days=1,
        off_days=0,
        times=DAY,
        zone=BERLIN,
    )
    log = a_punch_log(
        employee.id,
        [
            (local(BERLIN, 2026, 10, 5, 8, 20), local(BERLIN, 2026, 10, 5, 16)),
            (local(BERLIN, 2026, 10, 6, 8), local(BERLIN, 2026, 10, 6, 15, 30)),
        ],
    )
    statement = compute_statement(employee, OCTOBER, punches=log, shifts=shifts, rules=DE)
    late, early, absent = statement.shifts
    assert late.late == dt.timedelta(minutes=20)
    assert early.left_early == dt.timedelta(minutes=30)
    assert absent.absent
    assert statement.undertime_seconds == 8 * 3600 + 50 * 60
    assert statement.late_arrivals == (late,)


def test_absences_and_public_holidays_are_paid_per_contract() -> None:
    """PAY-6: vacation in full, sickness at the contract's share, unpaid leave not at all;
    a public holiday on a weekday pays the contractual day (weekly hours / 5)."""
    employee = an_employee(contracts=[a_contract(sick_pay_percent=Decimal(80))])
    absences = [
        Leave(
            id=LeaveId("a1"),
            employee_id=employee.id,
            kind="vacation",
            first_day=dt.date(2026, 10, 5),
            last_day=dt.date(2026, 10, 6),
        ),
        Leave(
            id=LeaveId("a2"),
            employee_id=employee.id,
            kind="sickness",
            first_day=dt.date(2026, 10, 7),
            last_day=dt.date(2026, 10, 7),
        ),
        Leave(
            id=LeaveId("a3"),
            employee_id=employee.id,
            kind="unpaid",
            first_day=dt.date(2026, 10, 8),
            last_day=dt.date(2026, 10, 8),
        ),
    ]
    holidays = jurisdictions.get("DE").public_holidays(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    statement = compute_statement(
        employee, OCTOBER, punches=[], absences=absences, rules=DE, holidays=holidays
    )
    amounts = {line.code: (line.hours, line.amount) for line in statement.lines}
    assert amounts["vacation"] == (Decimal(16), Money(320, "EUR"))
    assert amounts["sickness"] == (Decimal(8), Money(128, "EUR"))
    assert amounts["unpaid"] == (Decimal(8), Money(0, "EUR"))
    # 3 October 2026 is a Saturday: no contractual day, no holiday pay.
    assert "public_holiday" not in amounts


def test_a_monthly_salary_deducts_unpaid_leave() -> None:
    employee = an_employee(
        contracts=[a_contract(hourly_rate=None, monthly_salary=Money(3900, "EUR"), weekly_hours=40)]
    )
    leave = Leave(
        id=LeaveId("a"),
        employee_id=employee.id,
        kind="unpaid",
        first_day=dt.date(2026, 10, 5),
        last_day=dt.date(2026, 10, 5),
    )
    statement = compute_statement(employee, OCTOBER, punches=[], absences=[leave], rules=DE)
    # hourly equivalent: 3900 / (40 x 13/3) = 22.50 EUR; 8 h = 180 EUR
    assert statement.total == Money(3900 - 180, "EUR")


def test_rounding_is_stated_in_the_contract_and_reported() -> None:
    """PAY-4: rounding to 15 min (in up, out down), and the statement says what it changed."""
    employee = an_employee(contracts=[a_contract(rounding=Rounding(minutes=15))])
    log = a_punch_log(
        employee.id, [(local(BERLIN, 2026, 10, 5, 7, 53), local(BERLIN, 2026, 10, 5, 16, 7))]
    )
    statement = compute_statement(employee, OCTOBER, punches=log, rules=PayrollRules())
    assert statement.worked_seconds == 8 * 3600
    assert statement.rounding_seconds == -14 * 60
    with pytest.raises(ValidationError, match="divide 60"):
        Rounding(minutes=7)


def test_supplement_windows_of_one_kind_may_not_overlap() -> None:
    night = SupplementRule(kind="night", group="n", start=dt.time(20), end=dt.time(6), percent=25)
    with pytest.raises(ValidationError, match="overlap"):
        PayrollRules(
            supplements=[
                night,
                SupplementRule(
                    kind="night", group="n", start=dt.time(5), end=dt.time(7), percent=10
                ),
            ]
        )
    with pytest.raises(ValidationError, match="exactly one of percent"):
        SupplementRule(kind="x", group="g", start=dt.time(1), end=dt.time(2))


def test_fixed_amount_supplements_and_contract_overtime() -> None:
    """PAY-5: a fixed supplement per hour; a contractual daily threshold and percentage."""
    rules = PayrollRules(
        supplements=[
            SupplementRule(
                kind="saturday",
                group="day",
                start=dt.time(0),
                end=dt.time(0),
                per_hour=Money("3.00", "EUR"),
                weekdays={5},
            )
        ],
        overtime=OvertimeRule(percent=Decimal(25), source="test"),
    )
    employee = an_employee(contracts=[a_contract(daily_overtime_after=8)])
    log = a_punch_log(
        employee.id, [(local(BERLIN, 2026, 10, 10, 8), local(BERLIN, 2026, 10, 10, 18))]
    )
    statement = compute_statement(employee, OCTOBER, punches=log, rules=rules)
    lines = {line.code: line.amount for line in statement.lines}
    assert lines["supplement:saturday"] == Money(30, "EUR")
    assert lines["overtime"] == Money(40, "EUR")
    assert lines["overtime_supplement"] == Money(10, "EUR")


def test_items_of_another_employee_are_refused() -> None:
    employee = an_employee()
    stranger = a_punch_log(
        "someone-else", [(local(BERLIN, 2026, 10, 5, 8), local(BERLIN, 2026, 10, 5, 9))]
    )
    with pytest.raises(ValidationError, match="given for employee"):
        compute_statement(employee, OCTOBER, punches=stranger, rules=DE)


# -- properties ---------------------------------------------------------------------------------
_starts = st.integers(min_value=0, max_value=29 * 24 * 4).map(
    lambda quarter: pendulum.datetime(2026, 10, 1, tz=BERLIN).add(minutes=15 * quarter)
)


@st.composite
def _work(draw: st.DrawFn) -> list[tuple[pendulum.DateTime, pendulum.DateTime]]:
    """Disjoint spans of 15 min to 12 h in October 2026, Berlin (a DST switch inside)."""
    spans: list[tuple[pendulum.DateTime, pendulum.DateTime]] = []
    for start in sorted(set(draw(st.lists(_starts, max_size=25)))):
        length = draw(st.integers(min_value=1, max_value=48)) * 15
        end = start.add(minutes=length)
        if spans and start < spans[-1][1]:
            continue
        spans.append((start, end))
    return spans


_contracts = st.builds(
    a_contract,
    weekly_hours=st.sampled_from([Decimal(20), Decimal("37.5"), Decimal(40)]),
    hourly_rate=st.sampled_from([Money("13.90", "EUR"), Money("21.37", "EUR"), Money(60, "EUR")]),
    daily_overtime_after=st.sampled_from([None, Decimal(8), Decimal("9.5")]),
)


@settings(max_examples=75)
@given(_work(), _contracts, st.sampled_from(["DE", "NO", "HU"]))
def test_every_second_has_exactly_one_base_category(
    spans: list[tuple[pendulum.DateTime, pendulum.DateTime]], contract: Contract, country: str
) -> None:
    """PAY-4 property: regular + extra + overtime = worked, segment by segment."""
    employee = an_employee(contracts=[contract])
    rules = jurisdictions.get(country).payroll_rules(dt.date(2026, 10, 1))
    raw = [(seconds(a), seconds(b)) for a, b in spans]
    duties = group_duties(raw, BERLIN, int(rules.working_time.duty_gap.total_seconds()))
    segments = classify(duties, employee, rules.overtime)
    assert [(s.start, s.end) for s in segments if s.end > s.start] == [
        (s.start, s.end) for s in segments
    ]
    covered: list[tuple[int, int]] = []
    for segment in segments:
        if covered and covered[-1][1] == segment.start:
            covered[-1] = (covered[-1][0], segment.end)
        else:
            covered.append((segment.start, segment.end))
    merged: list[tuple[int, int]] = []
    for start, end in raw:
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    assert covered == merged
    assert {s.category for s in segments} <= set(Category)


@settings(max_examples=75)
@given(_work(), _contracts, st.sampled_from(["DE", "NO", "HU"]), st.randoms(use_true_random=False))
def test_statement_totals_add_up_and_do_not_depend_on_punch_order(
    spans: list[tuple[pendulum.DateTime, pendulum.DateTime]],
    contract: Contract,
    country: str,
    random: object,
) -> None:
    """PAY-7 property: the total is the sum of the lines to the cent; the categories add
    up to the worked time; no second earns two supplements of one group (night hours are
    never counted twice); the result does not depend on the order punches arrive in."""
    employee = an_employee(contracts=[contract])
    pack = jurisdictions.get(country)
    rules = pack.payroll_rules(dt.date(2026, 10, 1))
    holidays = pack.public_holidays(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    log = a_punch_log(employee.id, spans)
    statement = compute_statement(employee, OCTOBER, punches=log, rules=rules, holidays=holidays)
    assert statement.total == sum_money((line.amount for line in statement.lines), "EUR")
    assert (
        statement.regular_seconds + statement.extra_seconds + statement.overtime_seconds
        == statement.worked_seconds
    )
    groups: dict[str, int] = {}
    kinds = {rule.kind: rule.group for rule in rules.supplements}
    for line in statement.lines:
        if line.code.startswith("supplement:"):
            group = kinds[line.code.split(":", 1)[1]]
            groups[group] = groups.get(group, 0) + line.seconds
    assert all(secs <= statement.worked_seconds for secs in groups.values())  # never twice
    random.shuffle(log)  # type: ignore[attr-defined]
    again = compute_statement(employee, OCTOBER, punches=log, rules=rules, holidays=holidays)
    assert again == statement


def test_the_week_start_decides_which_week_an_hour_belongs_to() -> None:
    """PAY-4: weekly thresholds per week starting on the employee's ``week_start``.

    Arbeidsmiljøloven § 10-4 (1) (40 h per 7 days): Sunday 4 Oct 2026 and Monday to Friday
    5-9 Oct, 8 h each. Weeks from Monday: 8 h + 40 h, no overtime. Weeks from Sunday: 48 h
    in one week, 8 h of overtime.
    """
    rules = jurisdictions.get("NO").payroll_rules(dt.date(2026, 10, 1))
    spans = [
        (local(BERLIN, 2026, 10, day, 8), local(BERLIN, 2026, 10, day, 16)) for day in range(4, 10)
    ]
    for week_start, overtime in ((0, 0), (6, 8 * 3600)):
        employee = an_employee(week_start=week_start)
        statement = compute_statement(
            employee, OCTOBER, punches=a_punch_log(employee.id, spans), rules=rules
        )
        assert statement.overtime_seconds == overtime


def test_hungarian_night_supplement_is_15_percent() -> None:
    """Mt. 141. § (unconfirmed in rules.md): night work 22:00-06:00 earns 15 %."""
    rules = jurisdictions.get("HU").payroll_rules(dt.date(2026, 10, 1))
    employee = an_employee(contracts=[a_contract(hourly_rate=Money(3000, "HUF"))])
    start, end = local("Europe/Budapest", 2026, 10, 5, 20), local("Europe/Budapest", 2026, 10, 6, 4)
    statement = compute_statement(
        employee,
        Period.month(2026, 10, "Europe/Budapest"),
        punches=a_punch_log(employee.id, [(start, end)]),
        rules=rules,
    )
    night = next(line for line in statement.lines if line.code == "supplement:night")
    assert (night.seconds, night.amount) == (6 * 3600, Money(2700, "HUF"))


def test_work_outside_every_contract_is_reported_not_dropped() -> None:
    employee = an_employee(contracts=[a_contract(valid_from=dt.date(2026, 10, 10))])
    log = a_punch_log(
        employee.id, [(local(BERLIN, 2026, 10, 5, 8), local(BERLIN, 2026, 10, 5, 12))]
    )
    statement = compute_statement(employee, OCTOBER, punches=log, rules=PayrollRules())
    assert statement.worked_seconds == 0
    assert [(w.rule, w.day) for w in statement.warnings] == [("no_contract", dt.date(2026, 10, 5))]
