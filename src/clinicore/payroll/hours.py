"""Worked hours: duties, base categories, overtime and the comparison with the roster (PAY-4).

Worked spans are grouped into *duties*: spans separated by less than the rules' duty gap
belong together (a night shift with a break after midnight is one duty); a duty counts
for the local day it began on. Every second of work then falls into exactly one base
category (see [`Category`][clinicore.payroll.hours.Category]), walking the week in order:

- **overtime** once the day's work passed the daily threshold or the week's
  non-overtime work passed the weekly threshold (overtime does not use up the week's
  normal time, so no hour is overtime twice);
- **extra** ("merarbeid") above the contractual weekly hours but inside the thresholds;
- **regular** otherwise.

Thresholds are the earlier of the statutory one (from the jurisdiction's
[`OvertimeRule`][clinicore.payroll.rules.OvertimeRule]) and the contract's. Weeks begin on
the employee's ``week_start``. Times are whole seconds since the epoch (UTC): real elapsed
time, exact on DST days.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Sequence

import attrs

from clinicore.payroll._time import local_date, seconds
from clinicore.payroll.contracts import Contract, Employee
from clinicore.payroll.roster import Shift
from clinicore.payroll.rules import OvertimeRule

__all__ = [
    "Category",
    "Duty",
    "Segment",
    "ShiftOutcome",
    "classify",
    "compare_with_roster",
    "group_duties",
]


class Category(enum.Enum):
    """The base category of a second of work; each second has exactly one."""

    REGULAR = "regular"
    EXTRA = "extra"
    OVERTIME = "overtime"


@attrs.frozen
class Duty:
    """Worked spans close enough to be one duty, counted for the local ``day`` it began.

    Attributes:
        day: the local day of the first span's start.
        spans: ``(start, end)`` in epoch seconds, sorted, not overlapping.

    """

    day: _dt.date
    spans: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        """Epoch second the duty began."""
        return self.spans[0][0]

    @property
    def end(self) -> int:
        """Epoch second the duty ended."""
        return self.spans[-1][1]

    @property
    def work(self) -> int:
        """Seconds worked."""
        return sum(end - start for start, end in self.spans)

    @property
    def breaks(self) -> int:
        """Seconds of pauses between the spans."""
        return self.end - self.start - self.work


def group_duties(spans: Sequence[tuple[int, int]], zone: str, duty_gap: int) -> list[Duty]:
    """Group sorted, non-overlapping spans into duties (a gap of ``duty_gap`` s ends one)."""
    duties: list[Duty] = []
    current: list[tuple[int, int]] = []
    for span in spans:
        if current and span[0] - current[-1][1] >= duty_gap:
            duties.append(Duty(local_date(zone, current[0][0]), tuple(current)))
            current = []
        current.append(span)
    if current:
        duties.append(Duty(local_date(zone, current[0][0]), tuple(current)))
    return duties


@attrs.frozen
class Segment:
    """A piece of work in one base category, for one duty day (epoch seconds ``[start, end)``)."""

    start: int
    end: int
    category: Category
    day: _dt.date


def _limit(statutory: _dt.timedelta | None, contractual: object) -> int | None:
    found = [int(statutory.total_seconds())] if statutory is not None else []
    if contractual is not None:
        found.append(int(contractual * 3600))  # type: ignore[operator]
    return min(found) if found else None


def _week_of(day: _dt.date, week_start: int) -> _dt.date:
    return day - _dt.timedelta(days=(day.weekday() - week_start) % 7)


def classify(duties: Sequence[Duty], employee: Employee, overtime: OvertimeRule) -> list[Segment]:
    """Split the duties' work into regular, extra and overtime segments.

    Duties on days without a contract are skipped (nothing to pay them by).
    """
    segments: list[Segment] = []
    day_work: dict[_dt.date, int] = {}
    week_normal: dict[_dt.date, int] = {}
    limits: dict[int, tuple[int | None, int | None, int]] = {}
    for duty in duties:
        contract = employee.find_contract(duty.day)
        if contract is None:
            continue
        daily, weekly, contractual = limits.get(id(contract)) or limits.setdefault(
            id(contract), _limits(contract, overtime)
        )
        week = _week_of(duty.day, employee.week_start)
        done = day_work.get(duty.day, 0)
        normal = week_normal.get(week, 0)
        for start, end in duty.spans:
            cursor = start
            while cursor < end:
                left = end - cursor
                if (daily is not None and done >= daily) or (
                    weekly is not None and normal >= weekly
                ):
                    category, piece = Category.OVERTIME, left
                else:
                    room = left
                    if daily is not None:
                        room = min(room, daily - done)
                    if weekly is not None:
                        room = min(room, weekly - normal)
                    if normal >= contractual:
                        category = Category.EXTRA
                    else:
                        category = Category.REGULAR
                        room = min(room, contractual - normal)
                    piece = room
                    normal += piece
                done += piece
                if (
                    segments
                    and segments[-1].end == cursor
                    and segments[-1].category is category
                    and segments[-1].day == duty.day
                ):
                    last = segments.pop()
                    segments.append(Segment(last.start, cursor + piece, category, duty.day))
                else:
                    segments.append(Segment(cursor, cursor + piece, category, duty.day))
                cursor += piece
        day_work[duty.day] = done
        week_normal[week] = normal
    return segments


def _limits(contract: Contract, overtime: OvertimeRule) -> tuple[int | None, int | None, int]:
    return (
        _limit(overtime.daily_after, contract.daily_overtime_after),
        _limit(overtime.weekly_after, contract.weekly_overtime_after),
        int(contract.weekly_hours * 3600),
    )


@attrs.frozen
class ShiftOutcome:
    """How a rostered shift went.

    Attributes:
        shift: the planned shift.
        worked: real time worked in the spans matched to it.
        late: how much later than planned the first clock-in was.
        left_early: how much earlier than planned the last clock-out was.
        absent: no work matched the shift (and no absence excused it).

    """

    shift: Shift
    worked: _dt.timedelta
    late: _dt.timedelta
    left_early: _dt.timedelta
    absent: bool


def compare_with_roster(
    shifts: Sequence[Shift],
    spans: Sequence[tuple[int, int]],
    *,
    grace: _dt.timedelta = _dt.timedelta(hours=3),
) -> list[ShiftOutcome]:
    """Match worked spans to shifts and measure lateness and early leave.

    A span belongs to a shift when it overlaps the shift widened by ``grace`` on both
    sides; if it could belong to two, the nearer start wins.
    """
    planned = [(seconds(shift.start), seconds(shift.end), shift) for shift in shifts]
    return _compare(planned, spans, grace)


def _compare(
    shifts: Sequence[tuple[int, int, Shift]],
    spans: Sequence[tuple[int, int]],
    grace: _dt.timedelta = _dt.timedelta(hours=3),
) -> list[ShiftOutcome]:
    """``compare_with_roster`` on shifts given with their epoch-second bounds."""
    margin = int(grace.total_seconds())
    planned = sorted(shifts, key=lambda item: (item[0], item[1]))
    matched: list[list[tuple[int, int]]] = [[] for _ in planned]
    index = 0
    for span in spans:
        while index < len(planned) and planned[index][1] + margin <= span[0]:
            index += 1
        best: int | None = None
        probe = index
        while probe < len(planned) and planned[probe][0] - margin < span[1]:
            if best is None or abs(planned[probe][0] - span[0]) < abs(planned[best][0] - span[0]):
                best = probe
            probe += 1
        if best is not None:
            matched[best].append(span)
    outcomes: list[ShiftOutcome] = []
    for (start, end, shift), found in zip(planned, matched, strict=True):
        if not found:
            zero = _dt.timedelta(0)
            outcomes.append(ShiftOutcome(shift, zero, zero, zero, absent=True))
            continue
        outcomes.append(
            ShiftOutcome(
                shift,
                _dt.timedelta(seconds=sum(e - s for s, e in found)),
                _dt.timedelta(seconds=max(0, found[0][0] - start)),
                _dt.timedelta(seconds=max(0, end - found[-1][1])),
                absent=False,
            )
        )
    return outcomes
