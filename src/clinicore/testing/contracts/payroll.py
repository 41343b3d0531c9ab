"""Contracts of the payroll repositories: employees, absences, shifts and the punch log.

Provide the fixture ``uow_factory`` (see
[`clinicore.testing.contracts`][clinicore.testing.contracts]).
The punch-log contract checks that the log is append-only and exactly-once: a repeated
punch id and a second correction of one punch are refused, also when units of work race.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, ClassVar

import attrs
import pendulum
import pytest
from hypothesis import strategies as st

from clinicore.errors import ConflictError
from clinicore.ids import SiteId
from clinicore.intervals import TimeRange
from clinicore.payroll.absences import Leave, LeaveId, LeaveKind
from clinicore.payroll.contracts import Employee, EmployeeId
from clinicore.payroll.punches import Punch, PunchId, PunchKind
from clinicore.payroll.roster import Shift, ShiftTime, rotation
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.testing import strategies
from clinicore.testing.contracts._concurrency import run_together
from clinicore.testing.contracts.repositories import _AggregateRepositoryContract
from clinicore.testing.samples import a_contract, a_punch_log, an_employee, unique_id

__all__ = [
    "EmployeeRepositoryContract",
    "LeaveRepositoryContract",
    "PunchRepositoryContract",
    "ShiftRepositoryContract",
]

_ZONE = "Europe/Berlin"
_NIGHT = ShiftTime(_dt.time(22), _dt.time(6))


class EmployeeRepositoryContract(_AggregateRepositoryContract[Any]):
    """Checks for an [`EmployeeRepository`][clinicore.ports.EmployeeRepository]."""

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.employees

    def new_aggregate(self) -> Employee:
        return an_employee()

    def changed(self, aggregate: Employee) -> Employee:
        first = attrs.evolve(aggregate.contracts[0], valid_until=_dt.date(2026, 10, 14))
        raised = a_contract(valid_from=_dt.date(2026, 10, 15))
        return attrs.evolve(aggregate, contracts=(first, raised), week_start=6)

    def strategy(self) -> st.SearchStrategy[Employee]:
        return strategies.employees()

    def test_list_all_filters_by_site(self, uow_factory: UnitOfWorkFactory) -> None:
        site = SiteId(unique_id("site"))
        here = self._add(uow_factory, an_employee(site_id=site))
        self._add(uow_factory, an_employee())
        with uow_factory() as uow:
            assert uow.employees.list_all(site_id=site) == [here]


class LeaveRepositoryContract(_AggregateRepositoryContract[Any]):
    """Checks for an [`LeaveRepository`][clinicore.ports.LeaveRepository]."""

    def repository(self, uow: UnitOfWork) -> Any:
        return uow.leaves

    def new_aggregate(self) -> Leave:
        return Leave(
            id=LeaveId(unique_id("abs")),
            employee_id=EmployeeId("emp-1"),
            kind=LeaveKind.VACATION,
            first_day=_dt.date(2026, 10, 5),
            last_day=_dt.date(2026, 10, 9),
        )

    def changed(self, aggregate: Leave) -> Leave:
        return attrs.evolve(aggregate, kind=LeaveKind.SICKNESS, last_day=aggregate.first_day)

    def strategy(self) -> st.SearchStrategy[Leave]:
        return strategies.leaves()

    def test_list_for_finds_absences_touching_the_days(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        employee = EmployeeId(unique_id("emp"))
        october = self._add(uow_factory, attrs.evolve(self.new_aggregate(), employee_id=employee))
        self._add(
            uow_factory,
            attrs.evolve(
                self.new_aggregate(),
                employee_id=employee,
                first_day=_dt.date(2026, 12, 1),
                last_day=_dt.date(2026, 12, 2),
            ),
        )
        with uow_factory() as uow:
            found = uow.leaves.list_for(employee, _dt.date(2026, 10, 9), _dt.date(2026, 11, 30))
        assert found == [october]


class ShiftRepositoryContract:
    """Checks for a [`ShiftRepository`][clinicore.ports.ShiftRepository].

    Attributes:
        concurrent_writers: how many threads race to roster overlapping shifts.

    """

    concurrent_writers: ClassVar[int] = 4

    def _october(self) -> TimeRange:
        return TimeRange(
            pendulum.datetime(2026, 10, 1, tz=_ZONE), pendulum.datetime(2026, 11, 1, tz=_ZONE)
        )

    def test_shifts_round_trip_exactly_across_dst(self, uow_factory: UnitOfWorkFactory) -> None:
        employee = EmployeeId(unique_id("emp"))
        planned = rotation(
            employee,
            _dt.date(2026, 10, 23),
            _dt.date(2026, 10, 26),
            on_days=2,
            off_days=0,
            times=_NIGHT,
            zone=_ZONE,
        )
        with uow_factory() as uow:
            uow.shifts.add_many(planned)
            uow.commit()
        with uow_factory() as uow:
            stored = uow.shifts.list_for(employee, self._october())
        assert stored == planned
        assert [s.span.duration.total_seconds() / 3600 for s in stored] == [8, 9, 8, 8]

    def test_an_overlapping_shift_conflicts_and_nothing_is_stored(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        employee = EmployeeId(unique_id("emp"))
        day = ShiftTime(_dt.time(8), _dt.time(16))
        first = Shift(employee_id=employee, span=day.on(_dt.date(2026, 10, 5), _ZONE))
        with uow_factory() as uow:
            uow.shifts.add_many([first])
            uow.commit()
        late = ShiftTime(_dt.time(15), _dt.time(20))
        clash = Shift(employee_id=employee, span=late.on(_dt.date(2026, 10, 5), _ZONE))
        fine = Shift(employee_id=employee, span=day.on(_dt.date(2026, 10, 6), _ZONE))
        with uow_factory() as uow, pytest.raises(ConflictError, match="overlap"):
            uow.shifts.add_many([fine, clash])
        with uow_factory() as uow, pytest.raises(ConflictError, match="overlap"):
            uow.shifts.add_many(
                [fine, attrs.evolve(fine, span=late.on(_dt.date(2026, 10, 6), _ZONE))]
            )
        with uow_factory() as uow:
            assert uow.shifts.list_for(employee, self._october()) == [first]

    def test_racing_overlapping_shifts_store_exactly_one(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        employee = EmployeeId(unique_id("emp"))

        def plan(index: int) -> str:
            start = _dt.time(8, index)  # all overlap, all start at another minute
            shift = Shift(
                employee_id=employee,
                span=ShiftTime(start, _dt.time(16)).on(_dt.date(2026, 10, 5), _ZONE),
            )
            with uow_factory() as uow:
                uow.shifts.add_many([shift])
                uow.commit()
            return "stored"

        results = run_together(self.concurrent_writers, plan)
        assert results.count("stored") == 1, results
        assert all(isinstance(r, ConflictError) for r in results if r != "stored"), results
        with uow_factory() as uow:
            assert len(uow.shifts.list_for(employee, self._october())) == 1


class PunchRepositoryContract:
    """Checks for a [`PunchRepository`][clinicore.ports.PunchRepository].

    Attributes:
        concurrent_writers: how many threads race to append the same punch.

    """

    concurrent_writers: ClassVar[int] = 4

    def _log(self, employee: str) -> list[Punch]:
        day = pendulum.datetime(2026, 10, 5, tz=_ZONE)
        return a_punch_log(employee, [(day.at(8), day.at(12)), (day.at(13), day.at(17))])

    def _append(self, uow_factory: UnitOfWorkFactory, *log: Punch) -> None:
        with uow_factory() as uow:
            for punch in log:
                uow.punches.append(punch)
            uow.commit()

    def test_entries_round_trip_unchanged(self, uow_factory: UnitOfWorkFactory) -> None:
        employee = unique_id("emp")
        log = self._log(employee)
        self._append(uow_factory, *log)
        with uow_factory() as uow:
            assert uow.punches.find(log[0].id) == log[0]
            assert uow.punches.find(PunchId(unique_id("nope"))) is None
            window = TimeRange(log[0].at, log[-1].at.add(seconds=1))
            assert uow.punches.list_for(EmployeeId(employee), window) == sorted(
                log, key=lambda punch: punch.id
            )

    def test_a_punch_is_stored_exactly_once(self, uow_factory: UnitOfWorkFactory) -> None:
        punch = self._log(unique_id("emp"))[0]
        self._append(uow_factory, punch)
        with uow_factory() as uow, pytest.raises(ConflictError):
            uow.punches.append(punch)

    def test_a_punch_is_corrected_at_most_once(self, uow_factory: UnitOfWorkFactory) -> None:
        employee = unique_id("emp")
        original = self._log(employee)[0]
        fix = Punch(
            id=PunchId(unique_id("fix")),
            employee_id=original.employee_id,
            kind=PunchKind.IN,
            at=original.at.subtract(minutes=30),
            recorded_at=original.at.add(days=1),
            source="correction",
            corrects=original.id,
            author="manager",
            reason="forgot to badge in",
        )
        self._append(uow_factory, original, fix)
        again = attrs.evolve(fix, id=PunchId(unique_id("fix")))
        with uow_factory() as uow, pytest.raises(ConflictError):
            uow.punches.append(again)
        # the correction chain comes with a window that holds only the original's day
        window = TimeRange(original.at.subtract(hours=1), original.at.add(hours=1))
        with uow_factory() as uow:
            found = uow.punches.list_for(original.employee_id, window)
        assert {p.id for p in found} == {original.id, fix.id}

    def test_the_log_has_no_update_or_delete(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            for name in ("update", "delete", "remove"):
                assert not hasattr(uow.punches, name)

    def test_racing_deliveries_of_one_punch_store_it_once(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        punch = self._log(unique_id("emp"))[0]

        def deliver(_: int) -> str:
            self._append(uow_factory, punch)
            return "stored"

        results = run_together(self.concurrent_writers, deliver)
        assert results.count("stored") == 1, results
        assert all(isinstance(r, ConflictError) for r in results if r != "stored"), results
        with uow_factory() as uow:
            window = TimeRange(punch.at, punch.at.add(seconds=1))
            assert uow.punches.list_for(punch.employee_id, window) == [punch]
