"""Payroll use cases: employees, contracts, rosters, punches, absences, statements (PAY-1..10).

Every method validates its input completely before it opens a unit of work, so bad input
raises its `clinicore.errors` exception and nothing is stored. The country rules come from
the site's jurisdiction pack (``payroll_rules`` and ``public_holidays``); the service never
asks which country it is.

Punches are exactly-once: a punch delivered again with the same id and the same content
returns the stored one; the same id with other content is a
[`ConflictError`][clinicore.errors.ConflictError]. Corrections are new entries with their
author and reason (see [`clinicore.payroll.punches`][clinicore.payroll.punches]).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence

import attrs
import pendulum

from clinicore import jurisdictions
from clinicore.clock import Clock
from clinicore.errors import (
    ConflictError,
    CurrencyMismatchError,
    NotFoundError,
    ValidationError,
)
from clinicore.events import DomainEvent
from clinicore.ids import IdSource, SiteId
from clinicore.intervals import TimeRange
from clinicore.payroll.absences import Leave, LeaveId, LeaveKind
from clinicore.payroll.contracts import Contract, Employee, EmployeeId
from clinicore.payroll.events import PunchCorrected, PunchRecorded, ShiftsPlanned
from clinicore.payroll.punches import Punch, PunchId, PunchKind
from clinicore.payroll.roster import Shift, check_no_overlap
from clinicore.payroll.statement import Period, PeriodStatement, compute_statement
from clinicore.ports import PayrollExport, UnitOfWork, UnitOfWorkFactory
from clinicore.services.bus import EventBus
from clinicore.sites import Site
from clinicore.zones import aware

__all__ = ["PayrollService"]

_FUTURE_TOLERANCE = _dt.timedelta(minutes=5)
_MARGIN = _dt.timedelta(days=2)


class PayrollService:
    """Payroll preparation for the host's payroll software.

    Args:
        uow_factory: opens units of work.
        clock: tells when punches are recorded (and refuses punches from the future).
        ids: makes ids for new punches and absences when the caller gives none.
        bus: where [`clinicore.payroll.events`][clinicore.payroll.events] are published
            (inside the unit of work of the change); ``None`` publishes nothing.

    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        ids: IdSource,
        bus: EventBus | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._ids = ids
        self._bus = bus

    def _publish(self, uow: UnitOfWork, *events: DomainEvent) -> None:
        if self._bus is not None and events:
            self._bus.publish(uow, *events)

    def _recorded(self, *punches: Punch) -> list[DomainEvent]:
        now = self._clock.now()
        return [
            PunchRecorded(
                occurred_at=now,
                employee_id=punch.employee_id,
                punch_id=punch.id,
                kind=punch.kind.value,
                source=punch.source,
            )
            for punch in punches
        ]

    # -- employees and contracts -----------------------------------------------------------
    def register_employee(
        self,
        *,
        site_id: str,
        role: str,
        contracts: Sequence[Contract],
        week_start: int = 0,
        employee_id: str | None = None,
    ) -> Employee:
        """Store a new employee of an existing site.

        Raises:
            ValidationError: an invalid field (no contract, overlapping contracts...).
            CurrencyMismatchError: the contracts do not pay in the site's currency.
            NotFoundError: the site does not exist.
            ConflictError: ``employee_id`` is taken.

        """
        employee = Employee(
            id=EmployeeId(employee_id or self._ids.new_id()),
            site_id=SiteId(site_id),
            role=role,
            contracts=tuple(contracts),
            week_start=week_start,
        )
        with self._uow_factory() as uow:
            site = uow.sites.get(employee.site_id)
            _check_currency(employee, site)
            stored = uow.employees.add(employee)
            uow.commit()
        return stored

    def add_contract(self, employee_id: str, contract: Contract) -> Employee:
        """Add a contract version from ``contract.valid_from`` (a raise, new hours).

        An open-ended contract running on that day is ended the day before.

        Raises:
            NotFoundError: no such employee.
            ValidationError: the new contract overlaps a later one, or another currency.
            StaleVersionError: someone else changed the employee meanwhile.

        """
        if not isinstance(contract, Contract):
            raise ValidationError("contract must be a Contract", field="contract")
        with self._uow_factory() as uow:
            employee = uow.employees.get(EmployeeId(employee_id))
            day_before = contract.valid_from - _dt.timedelta(days=1)
            kept = [
                attrs.evolve(item, valid_until=day_before)
                if item.valid_until is None and item.valid_from <= day_before
                else item
                for item in employee.contracts
            ]
            stored = uow.employees.update(attrs.evolve(employee, contracts=(*kept, contract)))
            uow.commit()
        return stored

    # -- roster ---------------------------------------------------------------------------------
    def plan_shifts(self, shifts: Iterable[Shift]) -> list[Shift]:
        """Store rostered shifts (all or none).

        Raises:
            ValidationError: two of the given shifts of one employee overlap.
            NotFoundError: an employee does not exist.
            ConflictError: a shift overlaps a stored one of the same employee.

        """
        planned = check_no_overlap(list(shifts))
        with self._uow_factory() as uow:
            for employee_id in sorted({shift.employee_id for shift in planned}):
                uow.employees.get(employee_id)
            uow.shifts.add_many(planned)
            self._publish(
                uow,
                ShiftsPlanned(
                    occurred_at=self._clock.now(),
                    employee_ids=tuple(sorted({shift.employee_id for shift in planned})),
                    count=len(planned),
                ),
            )
            uow.commit()
        return planned

    # -- punches --------------------------------------------------------------------------------
    def record_punch(
        self,
        employee_id: str,
        kind: PunchKind | str,
        at: _dt.datetime,
        *,
        source: str = "front_desk",
        punch_id: str | None = None,
    ) -> Punch:
        """Append a clock-in or clock-out to the log, exactly once.

        Args:
            employee_id: who punched.
            kind: ``"in"`` or ``"out"``.
            at: when (aware).
            source: the terminal (``"front_desk"``, ``"access_control"``).
            punch_id: the terminal's event id; a repeat with the same content is a no-op.

        Raises:
            NaiveDatetimeError: ``at`` is naive.
            ValidationError: ``at`` is in the future, or an invalid field.
            NotFoundError: no such employee.
            ConflictError: ``punch_id`` is stored with other content.

        """
        punch = Punch(
            id=PunchId(punch_id or self._ids.new_id()),
            employee_id=EmployeeId(employee_id),
            kind=kind,
            at=at,
            recorded_at=self._clock.now(),
            source=source,
        )
        self._check_not_future(punch.at)
        with self._uow_factory() as uow:
            uow.employees.get(punch.employee_id)
            existing = uow.punches.find(punch.id)
            if existing is not None:
                if attrs.evolve(existing, recorded_at=punch.recorded_at) != punch:
                    raise ConflictError(f"punch {punch.id!r} is stored with other content")
                return existing
            uow.punches.append(punch)
            self._publish(uow, *self._recorded(punch))
            uow.commit()
        return punch

    def import_punches(self, punches: Iterable[Punch]) -> int:
        """Append a batch from a terminal or access-control system in one unit of work.

        Repeats of stored punches (same id, same content) are skipped; the rest are
        appended. Returns how many were new.

        Raises:
            ValidationError: an entry is in the future or not a Punch.
            NotFoundError: an employee does not exist.
            ConflictError: an id is stored with other content; nothing is stored.

        """
        batch = list(punches)
        for punch in batch:
            if not isinstance(punch, Punch):
                raise ValidationError(
                    f"import_punches takes Punch entries, got {type(punch).__name__}",
                    field="punches",
                )
            self._check_not_future(punch.at)
        added: list[Punch] = []
        with self._uow_factory() as uow:
            for employee_id in sorted({punch.employee_id for punch in batch}):
                uow.employees.get(employee_id)
            for punch in batch:
                existing = uow.punches.find(punch.id)
                if existing is None:
                    uow.punches.append(punch)
                    added.append(punch)
                elif attrs.evolve(existing, recorded_at=punch.recorded_at) != punch:
                    raise ConflictError(f"punch {punch.id!r} is stored with other content")
            self._publish(uow, *self._recorded(*added))
            uow.commit()
        return len(added)

    def record_span(
        self,
        employee_id: str,
        clock_in: _dt.datetime,
        clock_out: _dt.datetime,
        *,
        author: str,
        reason: str,
    ) -> tuple[Punch, Punch]:
        """Enter a whole worked span by hand (a forgotten badge), with author and reason.

        Raises:
            ValidationError: the clock-out is not after the clock-in, or in the future.
            NotFoundError: no such employee.

        """
        start, end = aware(clock_in, field="clock_in"), aware(clock_out, field="clock_out")
        if not start < end:
            raise ValidationError(
                f"clock-out {end.isoformat()} is not after clock-in {start.isoformat()}",
                field="clock_out",
            )
        self._check_not_future(end)
        now = self._clock.now()
        entries = tuple(
            Punch(
                id=PunchId(self._ids.new_id()),
                employee_id=EmployeeId(employee_id),
                kind=kind,
                at=at,
                recorded_at=now,
                source="manual",
                author=author,
                reason=reason,
            )
            for kind, at in ((PunchKind.IN, start), (PunchKind.OUT, end))
        )
        with self._uow_factory() as uow:
            uow.employees.get(EmployeeId(employee_id))
            for entry in entries:
                uow.punches.append(entry)
            self._publish(uow, *self._recorded(*entries))
            uow.commit()
        return entries[0], entries[1]

    def correct_punch(
        self,
        punch_id: str,
        *,
        author: str,
        reason: str,
        at: _dt.datetime | None = None,
        void: bool = False,
    ) -> Punch:
        """Correct a punch: a new entry with the effective time (or voiding it).

        The entered time stays on the original entry; the correction records who changed it,
        when and why.

        Raises:
            ValidationError: neither or both of ``at`` and ``void``; ``at`` in the future.
            NotFoundError: no such punch.
            ConflictError: the punch was corrected already (correct the correction).

        """
        if (at is None) == (not void):
            raise ValidationError("give either the corrected time 'at' or void=True", field="at")
        with self._uow_factory() as uow:
            original = uow.punches.find(PunchId(punch_id))
            if original is None:
                raise NotFoundError("punch", punch_id)
            correction = Punch(
                id=PunchId(self._ids.new_id()),
                employee_id=original.employee_id,
                kind=original.kind,
                at=original.at if at is None else at,
                recorded_at=self._clock.now(),
                source="correction",
                corrects=original.id,
                void=void,
                author=author,
                reason=reason,
            )
            self._check_not_future(correction.at)
            uow.punches.append(correction)
            self._publish(
                uow,
                PunchCorrected(
                    occurred_at=correction.recorded_at,
                    employee_id=correction.employee_id,
                    punch_id=correction.id,
                    corrects=original.id,
                    void=void,
                    author=author,
                ),
            )
            uow.commit()
        return correction

    def _check_not_future(self, at: pendulum.DateTime) -> None:
        now = self._clock.now()
        if at > now + _FUTURE_TOLERANCE:
            raise ValidationError(
                f"punch at {at.isoformat()} is in the future (now {now.isoformat()})", field="at"
            )

    # -- absences -------------------------------------------------------------------------------
    def record_absence(
        self,
        employee_id: str,
        kind: LeaveKind | str,
        first_day: _dt.date,
        last_day: _dt.date,
        *,
        absence_id: str | None = None,
    ) -> Leave:
        """Store an absence.

        Raises:
            ValidationError: an invalid field, or it overlaps a stored absence.
            NotFoundError: no such employee.

        """
        absence = Leave(
            id=LeaveId(absence_id or self._ids.new_id()),
            employee_id=EmployeeId(employee_id),
            kind=kind,
            first_day=first_day,
            last_day=last_day,
        )
        with self._uow_factory() as uow:
            uow.employees.get(absence.employee_id)
            clash = uow.leaves.list_for(absence.employee_id, first_day, last_day)
            if clash:
                raise ValidationError(
                    f"absence {first_day}..{last_day} overlaps absence {clash[0].id!r}",
                    field="first_day",
                )
            stored = uow.leaves.add(absence)
            uow.commit()
        return stored

    # -- statements -----------------------------------------------------------------------------
    def statement(self, employee_id: str, year: int, month: int) -> PeriodStatement:
        """The statement of one employee for a calendar month of their site's zone.

        Raises:
            NotFoundError: no such employee or site.

        """
        with self._uow_factory() as uow:
            employee = uow.employees.get(EmployeeId(employee_id))
            site = uow.sites.get(employee.site_id)
            return _statement(uow, employee, site, Period.month(year, month, site.timezone))

    def site_statements(self, site_id: str, year: int, month: int) -> list[PeriodStatement]:
        """The statements of every employee of a site for a calendar month, by employee id.

        Raises:
            NotFoundError: no such site.

        """
        with self._uow_factory() as uow:
            site = uow.sites.get(SiteId(site_id))
            period = Period.month(year, month, site.timezone)
            return [
                _statement(uow, employee, site, period)
                for employee in uow.employees.list_all(site_id=site.id)
            ]

    def export(self, statements: Sequence[PeriodStatement], target: PayrollExport) -> str:
        """Hand statements to the host's payroll software; returns its receipt.

        Raises:
            ValidationError: there are no statements.
            DeliveryError: the target failed.

        """
        if not statements:
            raise ValidationError("no statements to export", field="statements")
        return target.deliver(list(statements))


def _check_currency(employee: Employee, site: Site) -> None:
    if employee.currency != site.currency:
        raise CurrencyMismatchError(site.currency, employee.currency, field="contracts")


def _statement(uow: UnitOfWork, employee: Employee, site: Site, period: Period) -> PeriodStatement:
    pack = jurisdictions.get(site.jurisdiction)
    span = period.range
    window = TimeRange(span.start - _MARGIN, span.end + _MARGIN)
    # a night duty of the last day runs into the next one: its holidays count too
    following = period.last_day + _dt.timedelta(days=1)
    holidays = pack.public_holidays(period.first_day, following, site.subdivision)
    return compute_statement(
        employee,
        period,
        punches=uow.punches.list_for(employee.id, window),
        shifts=uow.shifts.list_for(employee.id, window),
        absences=uow.leaves.list_for(employee.id, period.first_day, period.last_day),
        rules=pack.payroll_rules(period.first_day),
        holidays=holidays,
    )
