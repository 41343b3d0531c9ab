"""Payroll tables and repositories: employees, shifts, the punch log, absences (PAY-10).

Instants are stored as whole microseconds since the epoch (UTC) in ``BIGINT`` columns:
exact, sortable, identical on SQLite and PostgreSQL. The punch log is insert-only (the
repository has no update or delete) and the database enforces exactly-once: the punch id
is the primary key (a repeated delivery of a punch cannot be stored twice) and
``corrects`` is unique (a punch is corrected at most once; a later fix corrects the
correction). Shifts are keyed by employee and start; overlaps are checked under a
per-employee transaction lock (``pg_advisory_xact_lock`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` already serialises writers).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

import pendulum
import sqlalchemy as sa

from clinicore.adapters.sql.repositories import SqlRepository
from clinicore.adapters.sql.tables import ID, metadata
from clinicore.codec import converter
from clinicore.errors import ConflictError, ValidationError
from clinicore.ids import SiteId
from clinicore.intervals import TimeRange
from clinicore.payroll.absences import Leave
from clinicore.payroll.contracts import Employee, EmployeeId
from clinicore.payroll.punches import Punch, PunchId
from clinicore.payroll.roster import Shift, check_no_overlap
from clinicore.zones import to_utc

__all__ = [
    "SqlEmployeeRepository",
    "SqlLeaveRepository",
    "SqlPunchRepository",
    "SqlShiftRepository",
    "absences_table",
    "employees_table",
    "punches_table",
    "shifts_table",
]

employees_table = sa.Table(
    "clinicore_payroll_employees",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("site_id", ID, nullable=False, index=True),
    sa.Column("role", sa.String(64), nullable=False),
    sa.Column("week_start", sa.SmallInteger, nullable=False),
    sa.Column("contracts", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

shifts_table = sa.Table(
    "clinicore_payroll_shifts",
    metadata,
    sa.Column("employee_id", ID, primary_key=True),
    sa.Column("start_us", sa.BigInteger, primary_key=True),
    sa.Column("end_us", sa.BigInteger, nullable=False),
    sa.CheckConstraint("end_us > start_us", name="ends_after_start"),
)

punches_table = sa.Table(
    "clinicore_payroll_punches",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("employee_id", ID, nullable=False),
    sa.Column("kind", sa.String(3), nullable=False),
    sa.Column("at_us", sa.BigInteger, nullable=False),
    sa.Column("recorded_at_us", sa.BigInteger, nullable=False),
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("corrects", ID, unique=True),
    sa.Column("void", sa.Boolean, nullable=False),
    sa.Column("author", sa.String(500)),
    sa.Column("reason", sa.String(500)),
    sa.Index("ix_clinicore_payroll_punches_employee_at", "employee_id", "at_us"),
)

absences_table = sa.Table(
    "clinicore_payroll_absences",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("employee_id", ID, nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("first_day", sa.Date, nullable=False),
    sa.Column("last_day", sa.Date, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_MICRO = _dt.timedelta(microseconds=1)


def _us(value: _dt.datetime) -> int:
    return _dt.datetime.__sub__(to_utc(value), _EPOCH) // _MICRO


def _instant(us: int) -> pendulum.DateTime:
    return to_utc(_EPOCH + _dt.timedelta(microseconds=us))


class SqlEmployeeRepository(SqlRepository[Employee]):
    """Employees in ``clinicore_payroll_employees``; contracts are a JSON column."""

    kind = "payroll_employee"
    table = employees_table

    def _to_row(self, aggregate: Employee) -> dict[str, Any]:
        row: dict[str, Any] = converter.unstructure(aggregate)
        return row

    def _from_rows(self, rows: Sequence[sa.Row[Any]]) -> list[Employee]:
        return [converter.structure(dict(row._mapping), Employee) for row in rows]

    def list_all(self, *, site_id: SiteId | None = None) -> list[Employee]:
        """Every employee (of ``site_id``, if given), ordered by id."""
        where = [] if site_id is None else [self.table.c.site_id == site_id]
        return self._select(*where)


class SqlLeaveRepository(SqlRepository[Leave]):
    """Absences in ``clinicore_payroll_absences``."""

    kind = "payroll_absence"
    table = absences_table

    def _to_row(self, aggregate: Leave) -> dict[str, Any]:
        return {
            "id": aggregate.id,
            "employee_id": aggregate.employee_id,
            "kind": aggregate.kind.value,
            "first_day": aggregate.first_day,
            "last_day": aggregate.last_day,
            "version": aggregate.version,
        }

    def _from_rows(self, rows: Sequence[sa.Row[Any]]) -> list[Leave]:
        return [Leave(**row._mapping) for row in rows]

    def list_for(
        self, employee_id: EmployeeId, first_day: _dt.date, last_day: _dt.date
    ) -> list[Leave]:
        """The employee's absences touching the days, ordered by first day."""
        c = self.table.c
        query = (
            sa.select(self.table)
            .where(c.employee_id == employee_id, c.first_day <= last_day, c.last_day >= first_day)
            .order_by(c.first_day, c.id)
        )
        return self._from_rows(self._connection.execute(query).all())


class SqlShiftRepository:
    """Rostered shifts in ``clinicore_payroll_shifts``."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def add_many(self, shifts: Sequence[Shift]) -> None:
        """Store new shifts, all or none (see the port)."""
        given = list(shifts)
        try:
            check_no_overlap(given)
        except ValidationError as error:
            raise ConflictError(str(error)) from None
        for employee_id in sorted({shift.employee_id for shift in given}):
            self._lock(employee_id)
        for shift in given:
            for stored in self.list_for(shift.employee_id, shift.span):
                raise ConflictError(
                    f"shift {shift.span} of employee {shift.employee_id!r} overlaps {stored.span}"
                )
        if not given:
            return
        rows = [
            {"employee_id": s.employee_id, "start_us": _us(s.start), "end_us": _us(s.end)}
            for s in given
        ]
        try:
            with self._connection.begin_nested():
                self._connection.execute(shifts_table.insert(), rows)
        except sa.exc.IntegrityError:
            raise ConflictError("a shift with the same employee and start exists") from None

    def _lock(self, employee_id: str) -> None:
        """Serialise roster writes per employee until the transaction ends (PostgreSQL)."""
        if self._connection.dialect.name == "postgresql":
            self._connection.execute(
                sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(employee_id, 0)))
            )

    def list_for(self, employee_id: EmployeeId, within: TimeRange) -> list[Shift]:
        """The employee's shifts overlapping ``within``, ordered by start."""
        c = shifts_table.c
        query = (
            sa.select(c.start_us, c.end_us)
            .where(
                c.employee_id == employee_id,
                c.start_us < _us(within.end),
                c.end_us > _us(within.start),
            )
            .order_by(c.start_us)
        )
        return [
            Shift(employee_id=employee_id, span=TimeRange(_instant(start), _instant(end)))
            for start, end in self._connection.execute(query)
        ]


class SqlPunchRepository:
    """The punch log in ``clinicore_payroll_punches``: insert-only, exactly-once by key."""

    kind = "payroll_punch"

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def append(self, punch: Punch) -> Punch:
        """Add an entry (see the port)."""
        if not isinstance(punch, Punch):
            raise ValidationError(f"expected a Punch, got {type(punch).__name__}")
        row = {
            "id": punch.id,
            "employee_id": punch.employee_id,
            "kind": punch.kind.value,
            "at_us": _us(punch.at),
            "recorded_at_us": _us(punch.recorded_at),
            "source": punch.source,
            "corrects": punch.corrects,
            "void": punch.void,
            "author": punch.author,
            "reason": punch.reason,
        }
        try:
            with self._connection.begin_nested():
                self._connection.execute(punches_table.insert().values(row))
        except sa.exc.IntegrityError:
            if self.find(punch.id) is not None:
                raise ConflictError(f"punch {punch.id!r} is in the log already") from None
            raise ConflictError(
                f"punch {punch.corrects!r} has been corrected already; correct the correction"
            ) from None
        return punch

    def find(self, punch_id: PunchId) -> Punch | None:
        """The entry or ``None``."""
        found = self._select(punches_table.c.id == punch_id)
        return found[0] if found else None

    def list_for(self, employee_id: EmployeeId, within: TimeRange) -> list[Punch]:
        """The employee's entries inside ``within`` with every correction chain (see the port)."""
        c = punches_table.c
        mine = c.employee_id == employee_id
        inside = sa.and_(c.at_us >= _us(within.start), c.at_us < _us(within.end))
        corrected = sa.select(c.corrects).where(mine, c.corrects.is_not(None))
        return self._select(mine, sa.or_(inside, c.corrects.is_not(None), c.id.in_(corrected)))

    def _select(self, *where: sa.ColumnElement[bool]) -> list[Punch]:
        query = sa.select(punches_table).where(*where).order_by(punches_table.c.id)
        return [
            Punch(
                id=row.id,
                employee_id=row.employee_id,
                kind=row.kind,
                at=_instant(row.at_us),
                recorded_at=_instant(row.recorded_at_us),
                source=row.source,
                corrects=row.corrects,
                void=bool(row.void),
                author=row.author,
                reason=row.reason,
            )
            for row in self._connection.execute(query)
        ]
