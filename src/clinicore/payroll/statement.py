"""The period statement: gross pay lines in Money with the hours behind them (PAY-7).

[`compute_statement`][clinicore.payroll.statement.compute_statement] is the whole payroll
preparation for one employee and one period, as a pure function: it resolves and pairs the
punch log, applies the contract's rounding rule, groups duties, classifies every second,
prices base, extra hours, overtime, supplements and absences per contract version, checks
the working-time rules and compares the work with the roster.

Each line's amount is computed exactly (fractions) and rounded half up to the minor unit
once, on the line; the statement's total is the sum of its lines, to the minor unit.
Gross-to-net (tax, social insurance) is not done here: the export hands the lines to the
host's payroll software.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import attrs
from moneyed import Money

from clinicore.errors import ValidationError
from clinicore.intervals import TimeRange
from clinicore.money import from_minor_units, minor_unit, sum_money
from clinicore.payroll._time import instant, local_date, seconds
from clinicore.payroll.absences import Leave, LeaveKind
from clinicore.payroll.compliance import ComplianceWarning, check_compliance
from clinicore.payroll.contracts import Contract, Employee, EmployeeId
from clinicore.payroll.hours import (
    Category,
    Duty,
    Segment,
    ShiftOutcome,
    _compare,
    classify,
    group_duties,
)
from clinicore.payroll.punches import Punch, PunchAnomaly, pair_with_seconds
from clinicore.payroll.roster import Shift
from clinicore.payroll.rules import PayrollRules
from clinicore.payroll.supplements import earned_seconds, rule_values
from clinicore.zones import parse_zone

__all__ = ["LineCode", "Period", "PeriodStatement", "StatementLine", "compute_statement"]


class LineCode:
    """The codes of statement lines (plain strings, stable for exports)."""

    BASE = "base"
    EXTRA = "extra"
    OVERTIME = "overtime"
    OVERTIME_SUPPLEMENT = "overtime_supplement"
    SUPPLEMENT = "supplement"  # followed by ":<kind>", e.g. "supplement:night"
    VACATION = "vacation"
    SICKNESS = "sickness"
    UNPAID = "unpaid"
    PUBLIC_HOLIDAY = "public_holiday"


def _day(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise ValidationError(
            f"{attribute.name} must be a date, got {type(value).__name__}", field=attribute.name
        )


def _zone_name(value: object) -> str:
    return parse_zone(value, field="timezone").name


@attrs.frozen
class Period:
    """The local days ``first_day..last_day`` (inclusive) in a zone: a pay period.

    Raises:
        ValidationError: ``last_day`` before ``first_day``.
        UnknownTimeZoneError: not an IANA zone.

    """

    first_day: _dt.date = attrs.field(validator=_day)
    last_day: _dt.date = attrs.field(validator=_day)
    timezone: str = attrs.field(converter=_zone_name)

    def __attrs_post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValidationError(
                f"period ends {self.last_day}, before it starts {self.first_day}", field="last_day"
            )

    @classmethod
    def month(cls, year: int, month: int, timezone: str) -> Period:
        """The calendar month ``year-month`` in ``timezone``."""
        first = _dt.date(year, month, 1)
        following = _dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - _dt.timedelta(days=1), timezone)

    @property
    def range(self) -> TimeRange:
        """The period as real instants, from local midnight to local midnight."""
        zone = parse_zone(self.timezone)
        after = self.last_day + _dt.timedelta(days=1)
        return TimeRange(
            _dt.datetime(
                self.first_day.year, self.first_day.month, self.first_day.day, tzinfo=zone
            ),
            _dt.datetime(after.year, after.month, after.day, tzinfo=zone),
        )

    def days(self) -> list[_dt.date]:
        """Every day of the period."""
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + _dt.timedelta(days=offset) for offset in range(count)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, _dt.date) and self.first_day <= day <= self.last_day


def _hours(secs: int) -> Decimal:
    return (Decimal(secs) / Decimal(3600)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@attrs.frozen
class StatementLine:
    """One gross pay line.

    Attributes:
        code: see [`LineCode`][clinicore.payroll.statement.LineCode].
        contract_from: the first day of the contract version the line is priced by.
        cost_centre: the contract's cost centre.
        seconds: the real time behind the line (0 for a line without hours).
        rate: the hourly base used (rounded to 4 decimals for display), if any.
        percent: the percentage applied, if any.
        amount: the line's amount, rounded half up to the minor unit once.

    """

    code: str
    contract_from: _dt.date
    cost_centre: str
    seconds: int
    rate: Money | None
    percent: Decimal | None
    amount: Money

    @property
    def hours(self) -> Decimal:
        """``seconds`` in hours, to 4 decimals (display; amounts use the exact seconds)."""
        return _hours(self.seconds)


@attrs.frozen
class PeriodStatement:
    """What one employee earned in one period, line by line, with the evidence.

    Attributes:
        employee_id: whose statement.
        period: the period.
        currency: the currency of every line.
        lines: the gross lines, in a stable order.
        worked_seconds: real time worked in the period's duties (after rounding).
        planned_seconds: rostered time, excluding absence and holiday days.
        regular_seconds: worked seconds in the regular category.
        extra_seconds: worked seconds above the contract, below the overtime thresholds.
        overtime_seconds: worked seconds beyond the overtime thresholds.
        rounding_seconds: what the contract's rounding rule changed (negative: less paid).
        shifts: how each rostered shift went.
        anomalies: punches to resolve (nothing was paid for them).
        warnings: working-time breaches.

    """

    employee_id: EmployeeId
    period: Period
    currency: str
    lines: tuple[StatementLine, ...]
    worked_seconds: int
    planned_seconds: int
    regular_seconds: int
    extra_seconds: int
    overtime_seconds: int
    rounding_seconds: int
    shifts: tuple[ShiftOutcome, ...]
    anomalies: tuple[PunchAnomaly, ...]
    warnings: tuple[ComplianceWarning, ...]

    @property
    def total(self) -> Money:
        """The sum of the lines, exact."""
        return sum_money((line.amount for line in self.lines), self.currency)

    @property
    def undertime_seconds(self) -> int:
        """Planned minus worked time, when less was worked than planned."""
        return max(0, self.planned_seconds - self.worked_seconds)

    @property
    def late_arrivals(self) -> tuple[ShiftOutcome, ...]:
        """The shifts that began late."""
        return tuple(outcome for outcome in self.shifts if outcome.late)


@attrs.define
class _Entry:
    contract: Contract
    seconds: int
    amount: Fraction
    rate: Fraction | None
    percent: Decimal | None


class _Lines:
    """Accumulates exact amounts per (contract, code) and rounds each line once."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self._sub_unit = minor_unit(currency)
        self._lines: dict[tuple[_dt.date, str], _Entry] = {}

    def add(
        self,
        contract: Contract,
        code: str,
        secs: int,
        amount: Fraction,
        *,
        rate: Fraction | None,
        percent: Decimal | None = None,
    ) -> None:
        key = (contract.valid_from, code)
        entry = self._lines.get(key)
        if entry is None:
            self._lines[key] = _Entry(contract, secs, amount, rate, percent)
        else:
            entry.seconds += secs
            entry.amount += amount

    def build(self) -> tuple[StatementLine, ...]:
        def order(key: tuple[_dt.date, str]) -> tuple[_dt.date, int, str]:
            return key[0], _ORDER.get(key[1].split(":")[0], 9), key[1]

        return tuple(
            StatementLine(
                code=code,
                contract_from=contract_from,
                cost_centre=entry.contract.cost_centre,
                seconds=entry.seconds,
                rate=None if entry.rate is None else _display_rate(entry.rate, self.currency),
                percent=entry.percent,
                amount=self._round(entry.amount),
            )
            for (contract_from, code), entry in sorted(
                self._lines.items(), key=lambda i: order(i[0])
            )
        )

    def _round(self, amount: Fraction) -> Money:
        """Half away from zero to the minor unit, once."""
        scaled = abs(amount) * self._sub_unit
        units = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
        return from_minor_units(units if amount >= 0 else -units, self.currency)


_ORDER = {
    LineCode.BASE: 0,
    LineCode.EXTRA: 1,
    LineCode.OVERTIME: 2,
    LineCode.OVERTIME_SUPPLEMENT: 3,
    LineCode.SUPPLEMENT: 4,
    LineCode.VACATION: 5,
    LineCode.SICKNESS: 6,
    LineCode.PUBLIC_HOLIDAY: 7,
    LineCode.UNPAID: 8,
}


def _display_rate(rate: Fraction, currency: str) -> Money:
    """The rate with 2 decimals, or up to 4 when it has more (display only)."""
    value = (Decimal(rate.numerator) / Decimal(rate.denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )
    cents = value.quantize(Decimal("0.01"))
    return Money(cents if cents == value else value, currency)


def _rounded_spans(
    employee: Employee, spans: Iterable[tuple[int, int]], zone: str
) -> tuple[list[tuple[int, int]], int]:
    result: list[tuple[int, int]] = []
    delta = 0
    for start, end in spans:
        contract = employee.find_contract(local_date(zone, start))
        rule = None if contract is None else contract.rounding
        if rule is None:
            result.append((start, end))
            continue
        low, high = rule.round_in(start), rule.round_out(end)
        if result and low < result[-1][1]:
            low = result[-1][1]
        delta += max(0, high - low) - (end - start)
        if low < high:
            result.append((low, high))
    return result, delta


def compute_statement(
    employee: Employee,
    period: Period,
    *,
    punches: Iterable[Punch],
    shifts: Iterable[Shift] = (),
    absences: Iterable[Leave] = (),
    rules: PayrollRules,
    holidays: Iterable[_dt.date] = (),
) -> PeriodStatement:
    """Prepare one employee's statement for ``period``.

    Args:
        employee: the employee and their contracts.
        period: the pay period; its zone decides local days.
        punches: the employee's punch log (corrections included), covering the period and
            a day around it so that night duties at its edges pair.
        shifts: the employee's rostered shifts.
        absences: the employee's absences.
        rules: the jurisdiction's payroll rules.
        holidays: the public holidays of the site.

    Raises:
        ValidationError: punches, shifts or absences of another employee.

    """
    zone = period.timezone
    holiday_set = frozenset(holidays)
    log = list(punches)
    _check_owner(employee.id, log, "punches")
    planned = list(shifts)
    _check_owner(employee.id, planned, "shifts")
    leave = list(absences)
    _check_owner(employee.id, leave, "absences")

    pairing, raw = pair_with_seconds(log)
    spans, rounding = _rounded_spans(employee, raw, zone)
    gap = int(rules.working_time.duty_gap.total_seconds())
    in_period = [duty for duty in group_duties(spans, zone, gap) if duty.day in period]
    duties = [duty for duty in in_period if employee.find_contract(duty.day)]
    unpaid = [duty for duty in in_period if not employee.find_contract(duty.day)]
    rounding = rounding if duties else 0
    segments = classify(duties, employee, rules.overtime)

    lines = _Lines(employee.currency)
    totals = dict.fromkeys(Category, 0)
    for segment in segments:
        totals[segment.category] += segment.end - segment.start
    _price_work(employee, period, segments, lines)
    _price_overtime_supplement(employee, segments, rules, lines)
    _price_supplements(employee, duties, rules, lines, zone=zone, holidays=holiday_set)

    absent_days = {
        day: absence.kind for absence in leave for day in absence.days() if day in period
    }
    worked_days = {duty.day for duty in duties}
    planned_by_day: dict[_dt.date, int] = {}
    shift_days: list[tuple[_dt.date, int, int, Shift]] = []
    for shift in planned:
        start, end = seconds(shift.start), seconds(shift.end)
        day = local_date(zone, start)
        shift_days.append((day, start, end, shift))
        planned_by_day[day] = planned_by_day.get(day, 0) + end - start
    _price_absences(employee, absent_days, planned_by_day, lines)
    _price_holidays(
        employee,
        period,
        lines,
        holidays=holiday_set,
        absent_days=absent_days,
        worked_days=worked_days,
        planned=planned_by_day,
    )

    counted = [
        (start, end, shift)
        for day, start, end, shift in shift_days
        if day in period and day not in absent_days and day not in holiday_set
    ]
    outcomes = _compare(counted, [span for duty in duties for span in duty.spans])
    period_range = period.range
    anomalies = tuple(a for a in pairing.anomalies if period_range.start <= a.at < period_range.end)
    return PeriodStatement(
        employee_id=employee.id,
        period=period,
        currency=employee.currency,
        lines=lines.build(),
        worked_seconds=sum(duty.work for duty in duties),
        planned_seconds=sum(end - start for start, end, _ in counted),
        regular_seconds=totals[Category.REGULAR],
        extra_seconds=totals[Category.EXTRA],
        overtime_seconds=totals[Category.OVERTIME],
        rounding_seconds=rounding,
        shifts=tuple(outcomes),
        anomalies=anomalies,
        warnings=(
            *check_compliance(employee.id, duties, segments, rules.working_time),
            *(_no_contract(employee.id, duty) for duty in unpaid),
        ),
    )


def _no_contract(employee_id: str, duty: Duty) -> ComplianceWarning:
    """Work on a day no contract covers: reported, not paid (nothing to price it by)."""
    return ComplianceWarning(
        employee_id,
        "no_contract",
        duty.day,
        f"worked {duty.work / 3600:.2f} h on {duty.day}, a day no contract covers; not paid",
        tuple(TimeRange._trusted(instant(start), instant(end)) for start, end in duty.spans),
        "contract",
    )


def _check_owner(employee_id: str, items: Sequence[Punch | Shift | Leave], what: str) -> None:
    for item in items:
        if item.employee_id != employee_id:
            raise ValidationError(
                f"{what} of employee {item.employee_id!r} given for employee {employee_id!r}",
                field=what,
            )


def _contract(employee: Employee, day: _dt.date) -> Contract:
    return employee.contract_on(day)


def _price_work(
    employee: Employee, period: Period, segments: Sequence[Segment], lines: _Lines
) -> None:
    worked: dict[tuple[int, Category], list[Any]] = {}
    for segment in segments:
        contract = _contract(employee, segment.day)
        key = (id(contract), segment.category)
        entry = worked.get(key)
        if entry is None:
            entry = worked[key] = [contract, 0]
        entry[1] += segment.end - segment.start
    codes = {
        Category.REGULAR: LineCode.BASE,
        Category.EXTRA: LineCode.EXTRA,
        Category.OVERTIME: LineCode.OVERTIME,
    }
    for (_, category), (contract, secs) in worked.items():
        base = contract.hourly_base_exact
        paid = category is not Category.REGULAR or not contract.is_monthly
        amount = base * secs / 3600 if paid else Fraction(0)
        lines.add(contract, codes[category], secs, amount, rate=base)
    for contract in employee.contracts:
        if contract.monthly_salary is None:
            continue
        salary = Fraction(contract.monthly_salary.amount)
        share = sum(
            (salary / _days_in_month(day) for day in period.days() if contract.covers(day)),
            Fraction(0),
        )
        if share:
            lines.add(contract, LineCode.BASE, 0, share, rate=contract.hourly_base_exact)


def _days_in_month(day: _dt.date) -> int:
    following = _dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return (following - _dt.date(day.year, day.month, 1)).days


def _price_overtime_supplement(
    employee: Employee, segments: Sequence[Segment], rules: PayrollRules, lines: _Lines
) -> None:
    for segment in segments:
        if segment.category is not Category.OVERTIME:
            continue
        contract = _contract(employee, segment.day)
        percent = max(rules.overtime.percent, contract.overtime_percent or Decimal(0))
        if not percent:
            continue
        secs = segment.end - segment.start
        base = contract.hourly_base_exact
        amount = base * Fraction(percent) / 100 * secs / 3600
        lines.add(contract, LineCode.OVERTIME_SUPPLEMENT, secs, amount, rate=base, percent=percent)


def _price_supplements(
    employee: Employee,
    duties: Sequence[Duty],
    rules: PayrollRules,
    lines: _Lines,
    *,
    zone: str,
    holidays: frozenset[_dt.date],
) -> None:
    if not rules.supplements:
        return
    cap = None if rules.base_cap_per_hour is None else Fraction(rules.base_cap_per_hour.amount)
    cache = rules.memo().setdefault(("supplement_windows", zone, holidays), {})
    per_contract: dict[int, tuple[Contract, Fraction, list[Fraction], list[int]]] = {}
    for duty in duties:
        contract = _contract(employee, duty.day)
        entry = per_contract.get(id(contract))
        if entry is None:
            base = contract.hourly_base_exact
            if cap is not None:
                base = min(base, cap)
            values = rule_values(rules.supplements, base)
            entry = per_contract[id(contract)] = (contract, base, values, [0] * len(values))
        earned = earned_seconds(
            duty, rules.supplements, entry[2], zone=zone, holidays=holidays, cache=cache
        )
        totals = entry[3]
        for index, secs in enumerate(earned):
            totals[index] += secs
    for contract, base, values, totals in per_contract.values():
        for index, rule in enumerate(rules.supplements):
            if not totals[index]:
                continue
            lines.add(
                contract,
                f"{LineCode.SUPPLEMENT}:{rule.kind}",
                totals[index],
                values[index] * totals[index] / 3600,
                rate=base if rule.percent is not None else values[index],
                percent=rule.percent,
            )


def _absence_seconds(contract: Contract, day: _dt.date, planned: dict[_dt.date, int]) -> int:
    if day in planned:
        return planned[day]
    if day.weekday() < 5:
        return int(contract.weekly_hours * 3600 / 5)
    return 0


def _price_absences(
    employee: Employee,
    absent_days: dict[_dt.date, LeaveKind],
    planned: dict[_dt.date, int],
    lines: _Lines,
) -> None:
    for day, kind in sorted(absent_days.items()):
        contract = employee.find_contract(day)
        if contract is None:
            continue
        secs = _absence_seconds(contract, day, planned)
        base = contract.hourly_base_exact
        hourly = base * secs / 3600
        if kind is LeaveKind.VACATION:
            amount = Fraction(0) if contract.is_monthly else hourly
            lines.add(contract, LineCode.VACATION, secs, amount, rate=base)
        elif kind is LeaveKind.SICKNESS:
            share = Fraction(contract.sick_pay_percent) / 100
            amount = -hourly * (1 - share) if contract.is_monthly else hourly * share
            lines.add(
                contract,
                LineCode.SICKNESS,
                secs,
                amount,
                rate=base,
                percent=contract.sick_pay_percent,
            )
        else:
            amount = -hourly if contract.is_monthly else Fraction(0)
            lines.add(contract, LineCode.UNPAID, secs, amount, rate=base)


def _price_holidays(
    employee: Employee,
    period: Period,
    lines: _Lines,
    *,
    holidays: frozenset[_dt.date],
    absent_days: dict[_dt.date, LeaveKind],
    worked_days: set[_dt.date],
    planned: dict[_dt.date, int],
) -> None:
    for day in sorted(holidays):
        if day not in period or day in absent_days or day in worked_days:
            continue
        contract = employee.find_contract(day)
        if contract is None:
            continue
        secs = _absence_seconds(contract, day, planned)
        if not secs:
            continue
        base = contract.hourly_base_exact
        amount = Fraction(0) if contract.is_monthly else base * secs / 3600
        lines.add(contract, LineCode.PUBLIC_HOLIDAY, secs, amount, rate=base)
