"""Benchmark of payroll preparation: month statements for 100, 1,000 and 10,000 employees.

What is measured: ``compute_statement`` (the whole pure pipeline: resolving and pairing the
punch log, duties, base categories with overtime, § 3b EStG supplement windows, absences,
compliance warnings, the comparison with the roster and the exact money lines) for each
employee of a practice network for October 2026 in Europe/Berlin (the autumn DST switch is
inside), with the German pack's rules and the Berlin holidays. Each employee has about 22
rostered shifts and 88 punches (clock-in, break out, break in, clock-out); one in five
works night shifts 22:00-06:00, one in ten forgets a clock-out, one shift in eight starts
12 minutes late.

Baseline, in the same run: a naive computation that walks each employee's month minute by
minute (the 44,640 minutes and a day either side), deciding for each minute whether it is
worked, its base category (daily and weekly counters) and, from its local wall-clock time,
the best supplement of each group. It is checked to agree with the library on worked,
regular, extra and overtime time and on the supplement time per kind. The minute walk is
linear in the number of employees by construction, so at each size it is timed on 50
employees interleaved with the library on the same 50, and that ratio scales the library's
time for the whole size into the printed baseline time (a busy machine slows both alike).

Inputs are built before timing from a seeded pool of 200 distinct employee months that
the employees cycle through (memory stays small at 10,000); statements are dropped once
made. Goals (the issue): growth per
10x employees at most 11x; at least 50x faster than the minute walk. ``--quick`` runs 3,
30 and 300 employees once. Nothing here asserts on time.
"""

from __future__ import annotations

import datetime as dt
import gc
import platform
import random
import sys
import time
from collections.abc import Sequence
from fractions import Fraction
from functools import partial

import _harness
import pendulum

from clinicore import jurisdictions
from clinicore.payroll import (
    Category,
    Employee,
    Period,
    PeriodStatement,
    Punch,
    PunchKind,
    Shift,
    ShiftTime,
    compute_statement,
    pair_punches,
    weekly,
)
from clinicore.payroll._time import local_date, seconds
from clinicore.payroll.rules import PayrollRules
from clinicore.testing.samples import a_contract, an_employee

SEED = 20261001
ZONE = "Europe/Berlin"
PERIOD = Period.month(2026, 10, ZONE)
PACK = jurisdictions.get("DE")
RULES = PACK.payroll_rules(PERIOD.first_day)
HOLIDAYS = frozenset(PACK.public_holidays(PERIOD.first_day, PERIOD.last_day, "BE"))
POOL = 200
BASELINE_CAP = 50
GROWTH_GOAL = 11.0
SPEEDUP_GOAL = 50.0

Month = tuple[Employee, list[Punch], list[Shift]]


def _month(index: int, rng: random.Random) -> Month:
    employee = an_employee(contracts=[a_contract(daily_overtime_after=8)])
    night = index % 5 == 0
    times = ShiftTime(dt.time(22), dt.time(6)) if night else ShiftTime(dt.time(8), dt.time(16, 30))
    days = dict.fromkeys(range(5), times)
    shifts = weekly(employee.id, PERIOD.first_day, PERIOD.last_day, weeks=[days], zone=ZONE)
    log: list[Punch] = []
    for number, shift in enumerate(shifts):
        start = shift.start.add(minutes=rng.choice([0, 0, 0, 0, 0, 0, 0, 12]))
        end = shift.end.add(minutes=rng.choice([0, 0, 5, 20]))
        pause = shift.start.add(hours=4)
        moments = [
            (PunchKind.IN, start),
            (PunchKind.OUT, pause),
            (PunchKind.IN, pause.add(minutes=30)),
            (PunchKind.OUT, end),
        ]
        if index % 10 == 3 and number == 7:
            moments.pop()  # a forgotten clock-out
        for kind, at in moments:
            log.append(
                Punch(
                    id=f"{employee.id}-{len(log)}",  # type: ignore[arg-type]
                    employee_id=employee.id,
                    kind=kind,
                    at=at,
                    recorded_at=at,
                )
            )
    rng.shuffle(log)  # punches arrive in any order
    return employee, log, shifts


def _pool(size: int) -> list[Month]:
    rng = random.Random(SEED)
    return [_month(index, rng) for index in range(size)]


def _statement(month: Month) -> PeriodStatement:
    employee, log, shifts = month
    return compute_statement(
        employee, PERIOD, punches=log, shifts=shifts, rules=RULES, holidays=HOLIDAYS
    )


def _library(months: Sequence[Month], count: int) -> int:
    """Statements for ``count`` employee months; kept only long enough to count their lines."""
    size = len(months)
    return sum(len(_statement(months[i % size]).lines) for i in range(count))


# -- the minute walk -----------------------------------------------------------------------------
def _minute_walk(month: Month, rules: PayrollRules) -> dict[str, int]:
    """Worked minutes by category and supplement minutes by kind, minute by minute."""
    employee, log, _ = month
    contract = employee.contracts[0]
    spans = [(seconds(s.range.start), seconds(s.range.end)) for s in pair_punches(log).spans]
    gap = int(rules.working_time.duty_gap.total_seconds())
    duty_day: list[dt.date] = []
    duty_start: list[int] = []
    for index, (start, _end) in enumerate(spans):
        if index and start - spans[index - 1][1] < gap:
            duty_day.append(duty_day[-1])
            duty_start.append(duty_start[-1])
        else:
            duty_day.append(local_date(ZONE, start))
            duty_start.append(start)
    daily = int(3600 * contract.daily_overtime_after) if contract.daily_overtime_after else None
    weekly_hours = int(3600 * contract.weekly_hours)
    tz = pendulum.timezone(ZONE)
    begin = seconds(PERIOD.range.start) - 86400
    end = seconds(PERIOD.range.end) + 86400
    totals: dict[str, int] = {}
    day_work: dict[dt.date, int] = {}
    week_normal: dict[dt.date, int] = {}
    pointer = 0
    for ts in range(begin, end, 60):
        while pointer < len(spans) and spans[pointer][1] <= ts:
            pointer += 1
        if pointer == len(spans) or spans[pointer][0] > ts:
            continue
        day = duty_day[pointer]
        if not PERIOD.first_day <= day <= PERIOD.last_day:
            continue
        week = day - dt.timedelta(days=(day.weekday() - employee.week_start) % 7)
        done, normal = day_work.get(day, 0), week_normal.get(week, 0)
        if daily is not None and done >= daily:
            category = Category.OVERTIME
        elif normal >= weekly_hours:
            category = Category.EXTRA
            normal += 60
        else:
            category = Category.REGULAR
            normal += 60
        day_work[day], week_normal[week] = done + 60, normal
        totals[category.value] = totals.get(category.value, 0) + 60
        local = dt.datetime.fromtimestamp(ts, tz)
        best: dict[str, tuple[Fraction, str]] = {}
        minute = local.hour * 60 + local.minute
        for rule in rules.supplements:
            low, high = rule.minutes
            for opened, offset in ((local.date(), 0), (local.date() - dt.timedelta(days=1), 1440)):
                if not rule.opens_on(opened, HOLIDAYS) or not low <= minute + offset < high:
                    continue
                if rule.requires_start_before_day:
                    midnight = dt.datetime(opened.year, opened.month, opened.day, tzinfo=tz)
                    if duty_start[pointer] >= int(midnight.timestamp()):
                        continue
                value = Fraction(rule.percent or 0)
                if rule.group not in best or value > best[rule.group][0]:
                    best[rule.group] = (value, rule.kind)
        for _value, kind in best.values():
            totals[kind] = totals.get(kind, 0) + 60
    return totals


def _walk_all(months: Sequence[Month], count: int) -> list[dict[str, int]]:
    size = len(months)
    return [_minute_walk(months[i % size], RULES) for i in range(count)]


def _check(months: Sequence[Month]) -> None:
    for month in months:
        statement = _statement(month)
        walked = _minute_walk(month, RULES)
        found = {
            "regular": statement.regular_seconds,
            "extra": statement.extra_seconds,
            "overtime": statement.overtime_seconds,
        }
        for line in statement.lines:
            if line.code.startswith("supplement:"):
                found[line.code.split(":", 1)[1]] = line.seconds
        found = {key: value for key, value in found.items() if value}
        if found != walked:
            raise SystemExit(f"minute walk disagrees with the library: {walked} != {found}")


def main(argv: Sequence[str] | None = None) -> int:
    options = _harness.parse_args(__doc__, argv)
    mode = "QUICK smoke run: sizes too small to mean anything" if options.quick else "full run"
    print(
        f"bench_payroll: {mode}; Python {platform.python_version()} "
        f"({platform.python_implementation()}) on {platform.machine()}, seed {SEED}"
    )
    months = _pool(10 if options.quick else POOL)
    gc.collect()
    gc.freeze()  # the inputs are long-lived: keep them out of the collector's scans
    _check(months[:1] if options.quick else months[:40])
    shifts = sum(len(m[2]) for m in months) / len(months)
    punches = sum(len(m[1]) for m in months) / len(months)
    print(f"  per employee: {shifts:.1f} shifts, {punches:.1f} punches; October 2026, {ZONE}")
    sizes = (3, 30, 300) if options.quick else (100, 1_000, 10_000)
    sample = 1 if options.quick else BASELINE_CAP
    rows: list[_harness.Row] = []
    cpu: list[float] = []
    ratio = 0.0
    for size in sizes:
        repeat = options.repeat(3 if size >= 10_000 else 5)
        library = _harness.best_of(partial(_library, months, size), repeat)
        # The ratio: the library and the walk on the same sample, repetitions interleaved
        # so both see the same moments of a busy machine; the walk is linear by
        # construction, so its time for the whole size is the library's time / ratio.
        # (Quick mode measures it once.)
        if not (options.quick and ratio):
            on_sample, walk = _harness.best_of_pair(
                partial(_library, months, sample),
                partial(_walk_all, months, sample),
                options.repeat(2),
            )
            ratio = walk / on_sample
        rows.append(_harness.Row(size, library, library * ratio))
        started = time.process_time()
        _library(months, size)
        cpu.append((time.process_time() - started) / size * 1e6)
    _harness.print_table(
        "compute_statement for n employee months, ratio to the minute-by-minute walk",
        rows,
        item="employee",
    )
    print(
        "  CPU time (process_time) per employee, one run each, for information: "
        + ", ".join(f"{size:,}: {value:,.0f} µs" for size, value in zip(sizes, cpu, strict=True))
        + " (wall-clock times above suffer on a busy machine; CPU time much less)"
    )
    growth = max(_harness.growth([row.seconds for row in rows]))
    print(_harness.verdict("growth per 10x employees", growth, GROWTH_GOAL, quick=options.quick))
    slowest = max(row.ratio for row in rows)
    print(
        _harness.verdict(
            "ratio to the minute walk (1/50 = 50x faster)",
            slowest,
            1 / SPEEDUP_GOAL,
            quick=options.quick,
        )
        + f"; i.e. at least {1 / slowest:.0f}x faster"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
