"""Scheduling's tables and repositories (SCH-1 ... SCH-10) on SQLAlchemy Core.

Most scheduling aggregates are stored as one JSON document per row next to the columns
they are queried by. Appointments get real columns for their times, because the database
itself guarantees that no two appointments holding their time overlap (SCH-5, issue part
11), whatever number of processes book at once:

* **PostgreSQL**: exclusion constraints (``btree_gist``) on
  ``(practitioner_id WITH =, tstzrange(blocked_start, blocked_end) WITH &&)`` and
  ``(patient_id WITH =, tstzrange(start_at, end_at) WITH &&)``, and on the resource link
  table ``(resource_id WITH =, tstzrange(...) WITH &&)``; only rows that hold their time
  (and, for practitioner and resources, were not booked with an override) take part. A
  second, concurrent transaction inserting an overlapping row waits for the first and then
  fails; the repository turns that into a
  [`ConflictError`][clinicore.errors.ConflictError].
* **SQLite**: writers are serialised by ``BEGIN IMMEDIATE`` (see
  [`create_engine`][clinicore.adapters.sql.engine.create_engine]), and ``BEFORE INSERT`` /
  ``BEFORE UPDATE`` triggers refuse an overlapping row inside that transaction.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any, TypeVar

import cattrs
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from clinicore.adapters.sql.repositories import SqlDocumentRepository
from clinicore.adapters.sql.tables import ID, UtcDateTime, document_table, metadata
from clinicore.codec import make_converter
from clinicore.errors import ConflictError, ValidationError
from clinicore.intervals import TimeRange
from clinicore.scheduling.absences import Absence
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.appointments import MAX_BLOCKED, Appointment
from clinicore.scheduling.patterns import WorkingPattern
from clinicore.scheduling.referrals import Referral
from clinicore.scheduling.resources import Resource
from clinicore.scheduling.waitlist import WaitlistEntry, WaitlistStatus

__all__ = [
    "SqlAbsenceRepository",
    "SqlAppointmentRepository",
    "SqlAppointmentTypeRepository",
    "SqlReferralRepository",
    "SqlResourceRepository",
    "SqlWaitlistRepository",
    "SqlWorkingPatternRepository",
    "absences",
    "appointment_resources",
    "appointment_types",
    "appointments",
    "referrals",
    "resources",
    "waitlist",
    "working_patterns",
]

T = TypeVar("T")


def _converter() -> cattrs.Converter:
    conv = make_converter()
    conv.register_unstructure_hook(_dt.timedelta, lambda value: value.total_seconds())
    conv.register_structure_hook(_dt.timedelta, _structure_timedelta)
    conv.register_unstructure_hook(_dt.time, lambda value: value.isoformat())
    conv.register_structure_hook(_dt.time, lambda value, _: _dt.time.fromisoformat(str(value)))
    return conv


def _structure_timedelta(value: Any, _: object) -> _dt.timedelta:
    if isinstance(value, _dt.timedelta):
        return value
    try:
        return _dt.timedelta(seconds=float(value))
    except (TypeError, ValueError):
        raise ValidationError(f"{value!r} is not a number of seconds", field="duration") from None


converter = _converter()

# -- tables ------------------------------------------------------------------------------------
resources = document_table(
    "clinicore_resources",
    sa.Column("site_id", ID, nullable=False, index=True),
)

appointment_types = document_table(
    "clinicore_appointment_types",
)

working_patterns = document_table(
    "clinicore_working_patterns",
    sa.Column("practitioner_id", ID, nullable=False, index=True),
    sa.Column("site_id", ID, nullable=False, index=True),
)

absences = document_table(
    "clinicore_absences",
    sa.Column("practitioner_id", ID, nullable=False),
    sa.Column("start_at", UtcDateTime, nullable=False),
    sa.Column("end_at", UtcDateTime, nullable=False),
    sa.Index("ix_clinicore_absences_practitioner_start", "practitioner_id", "start_at"),
)


def _range(start: str, end: str) -> sa.ColumnElement[Any]:
    return sa.func.tstzrange(sa.column(start), sa.column(end), sa.literal_column("'[)'"))


appointments = document_table(
    "clinicore_appointments",
    sa.Column("site_id", ID, nullable=False),
    sa.Column("patient_id", ID, nullable=False),
    sa.Column("practitioner_id", ID, nullable=False),
    sa.Column("start_at", UtcDateTime, nullable=False),
    sa.Column("end_at", UtcDateTime, nullable=False),
    sa.Column("blocked_start", UtcDateTime, nullable=False),
    sa.Column("blocked_end", UtcDateTime, nullable=False),
    sa.Column("occupies", sa.Boolean, nullable=False),
    sa.Column("exclusive", sa.Boolean, nullable=False),
    sa.Column("series_id", ID, index=True),
    sa.Index("ix_clinicore_appointments_practitioner_start", "practitioner_id", "blocked_start"),
    sa.Index("ix_clinicore_appointments_patient_start", "patient_id", "start_at"),
    postgresql.ExcludeConstraint(
        (sa.column("practitioner_id"), "="),
        (_range("blocked_start", "blocked_end"), "&&"),
        name="ex_clinicore_appointments_practitioner",
        using="gist",
        where=sa.column("exclusive"),
    ).ddl_if(dialect="postgresql"),
    postgresql.ExcludeConstraint(
        (sa.column("patient_id"), "="),
        (_range("start_at", "end_at"), "&&"),
        name="ex_clinicore_appointments_patient",
        using="gist",
        where=sa.column("occupies"),
    ).ddl_if(dialect="postgresql"),
)

appointment_resources = sa.Table(
    "clinicore_appointment_resources",
    metadata,
    sa.Column(
        "appointment_id",
        ID,
        sa.ForeignKey("clinicore_appointments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("resource_id", ID, primary_key=True),
    sa.Column("blocked_start", UtcDateTime, nullable=False),
    sa.Column("blocked_end", UtcDateTime, nullable=False),
    sa.Column("exclusive", sa.Boolean, nullable=False),
    sa.Index("ix_clinicore_appointment_resources_resource_start", "resource_id", "blocked_start"),
    postgresql.ExcludeConstraint(
        (sa.column("resource_id"), "="),
        (_range("blocked_start", "blocked_end"), "&&"),
        name="ex_clinicore_appointment_resources_resource",
        using="gist",
        where=sa.column("exclusive"),
    ).ddl_if(dialect="postgresql"),
)

referrals = document_table(
    "clinicore_referrals",
    sa.Column("patient_id", ID, nullable=False, index=True),
)

waitlist = document_table(
    "clinicore_waitlist",
    sa.Column("site_id", ID, nullable=False),
    sa.Column("appointment_type", ID, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Index("ix_clinicore_waitlist_site_type", "site_id", "appointment_type"),
)


def _ensure_btree_gist(target: sa.Table, connection: sa.Connection, **_: Any) -> None:
    """The exclusion constraints need ``btree_gist`` for equality on text columns."""
    if connection.dialect.name != "postgresql":
        return
    present = connection.exec_driver_sql(
        "SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'"
    ).first()
    if present is None:
        try:
            with connection.begin_nested():
                connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gist")
        except sa.exc.IntegrityError:  # pragma: no cover - another schema created it first
            pass


sa.event.listen(appointments, "before_create", _ensure_btree_gist)

_OVERLAP = "clinicore: overlapping appointments"
_SQLITE_TRIGGERS = {
    "practitioner": """
        WHEN NEW.exclusive AND EXISTS (
            SELECT 1 FROM clinicore_appointments AS other
            WHERE other.exclusive AND other.id != NEW.id
              AND other.practitioner_id = NEW.practitioner_id
              AND other.blocked_start > datetime(NEW.blocked_start, '-1 day')
              AND other.blocked_start < NEW.blocked_end
              AND NEW.blocked_start < other.blocked_end)
        BEGIN SELECT RAISE(ABORT, 'clinicore: overlapping appointments: practitioner'); END""",
    "patient": """
        WHEN NEW.occupies AND EXISTS (
            SELECT 1 FROM clinicore_appointments AS other
            WHERE other.occupies AND other.id != NEW.id
              AND other.patient_id = NEW.patient_id
              AND other.start_at > datetime(NEW.start_at, '-1 day')
              AND other.start_at < NEW.end_at
              AND NEW.start_at < other.end_at)
        BEGIN SELECT RAISE(ABORT, 'clinicore: overlapping appointments: patient'); END""",
}
_SQLITE_RESOURCE_TRIGGER = """
    CREATE TRIGGER IF NOT EXISTS clinicore_appointment_resources_no_overlap
    BEFORE INSERT ON clinicore_appointment_resources
    WHEN NEW.exclusive AND EXISTS (
        SELECT 1 FROM clinicore_appointment_resources AS other
        WHERE other.exclusive AND other.appointment_id != NEW.appointment_id
          AND other.resource_id = NEW.resource_id
          AND other.blocked_start > datetime(NEW.blocked_start, '-1 day')
          AND other.blocked_start < NEW.blocked_end
          AND NEW.blocked_start < other.blocked_end)
    BEGIN SELECT RAISE(ABORT, 'clinicore: overlapping appointments: resource'); END"""

for _name, _body in _SQLITE_TRIGGERS.items():
    for _event in ("INSERT", "UPDATE"):
        sa.event.listen(
            appointments,
            "after_create",
            sa.DDL(  # type: ignore[no-untyped-call]
                f"CREATE TRIGGER IF NOT EXISTS clinicore_appointments_{_name}_{_event.lower()} "
                f"BEFORE {_event} ON clinicore_appointments {_body}"
            ).execute_if(dialect="sqlite"),
        )
sa.event.listen(
    appointment_resources,
    "after_create",
    sa.DDL(_SQLITE_RESOURCE_TRIGGER).execute_if(  # type: ignore[no-untyped-call]
        dialect="sqlite"
    ),
)


def _is_overlap(error: sa.exc.IntegrityError) -> bool:
    original = error.orig
    return getattr(original, "sqlstate", None) == "23P01" or _OVERLAP in str(original)


# -- repositories ---------------------------------------------------------------------------
class _JsonRepository(SqlDocumentRepository[T]):
    """Scheduling's documents: durations stored as seconds."""

    document_converter = converter


class SqlResourceRepository(_JsonRepository[Resource]):
    """Resources in ``clinicore_resources``."""

    kind = "resource"
    table = resources
    document_type = Resource

    def _columns(self, aggregate: Resource) -> dict[str, Any]:
        return {"site_id": aggregate.site_id}

    def list_by_site(self, site_id: str) -> list[Resource]:
        """Every resource of ``site_id``, ordered by id."""
        return self._select(self.table.c.site_id == site_id)


class SqlAppointmentTypeRepository(_JsonRepository[AppointmentType]):
    """Appointment types in ``clinicore_appointment_types``."""

    kind = "appointment_type"
    table = appointment_types
    document_type = AppointmentType

    def list_all(self) -> list[AppointmentType]:
        """Every type, ordered by id."""
        return self._select()


class SqlWorkingPatternRepository(_JsonRepository[WorkingPattern]):
    """Working patterns in ``clinicore_working_patterns``."""

    kind = "working_pattern"
    table = working_patterns
    document_type = WorkingPattern

    def _columns(self, aggregate: WorkingPattern) -> dict[str, Any]:
        return {"practitioner_id": aggregate.practitioner_id, "site_id": aggregate.site_id}

    def list_for(
        self, *, site_id: str | None = None, practitioner_id: str | None = None
    ) -> list[WorkingPattern]:
        """Patterns at ``site_id`` and/or of ``practitioner_id``, ordered by id."""
        where = []
        if site_id is not None:
            where.append(self.table.c.site_id == site_id)
        if practitioner_id is not None:
            where.append(self.table.c.practitioner_id == practitioner_id)
        return self._select(*where)


class SqlAbsenceRepository(_JsonRepository[Absence]):
    """Absences in ``clinicore_absences``."""

    kind = "absence"
    table = absences
    document_type = Absence

    def _columns(self, aggregate: Absence) -> dict[str, Any]:
        return {
            "practitioner_id": aggregate.practitioner_id,
            "start_at": aggregate.period.start,
            "end_at": aggregate.period.end,
        }

    def list_overlapping(
        self, window: TimeRange, *, practitioner_ids: Sequence[str] | None = None
    ) -> list[Absence]:
        """Absences meeting ``window`` (of those practitioners, if given), ordered by id."""
        where = [self.table.c.start_at < window.end, self.table.c.end_at > window.start]
        if practitioner_ids is not None:
            where.append(self.table.c.practitioner_id.in_(list(practitioner_ids)))
        return self._select(*where)


class SqlAppointmentRepository(_JsonRepository[Appointment]):
    """Appointments in ``clinicore_appointments``; the database refuses overlaps."""

    kind = "appointment"
    table = appointments
    document_type = Appointment

    def _columns(self, aggregate: Appointment) -> dict[str, Any]:
        blocked = aggregate.blocked
        return {
            "site_id": aggregate.site_id,
            "patient_id": aggregate.patient_id,
            "practitioner_id": aggregate.practitioner_id,
            "start_at": aggregate.start,
            "end_at": aggregate.end,
            "blocked_start": blocked.start,
            "blocked_end": blocked.end,
            "occupies": aggregate.occupies,
            "exclusive": aggregate.occupies and aggregate.override is None,
            "series_id": aggregate.series_id,
        }

    def _write_children(self, aggregate: Appointment) -> None:
        link = appointment_resources
        self._connection.execute(link.delete().where(link.c.appointment_id == aggregate.id))
        if not aggregate.resource_ids:
            return
        blocked = aggregate.blocked
        exclusive = aggregate.occupies and aggregate.override is None
        self._connection.execute(
            link.insert(),
            [
                {
                    "appointment_id": aggregate.id,
                    "resource_id": resource_id,
                    "blocked_start": blocked.start,
                    "blocked_end": blocked.end,
                    "exclusive": exclusive,
                }
                for resource_id in aggregate.resource_ids
            ],
        )

    def add(self, aggregate: Appointment) -> Appointment:
        """Insert a new appointment; an overlap is a `ConflictError`, nothing is written."""
        try:
            return super().add(aggregate)
        except sa.exc.IntegrityError as error:
            if _is_overlap(error):
                raise ConflictError(
                    f"appointment {aggregate.id!r} overlaps another one (refused by the database)"
                ) from None
            raise

    def update(self, aggregate: Appointment) -> Appointment:
        """Write a changed appointment; an overlap is a `ConflictError`."""
        try:
            with self._connection.begin_nested():
                return super().update(aggregate)
        except sa.exc.IntegrityError as error:
            if _is_overlap(error):
                raise ConflictError(
                    f"appointment {aggregate.id!r} overlaps another one (refused by the database)"
                ) from None
            raise

    def list_overlapping(
        self,
        window: TimeRange,
        *,
        practitioner_ids: Sequence[str] = (),
        resource_ids: Sequence[str] = (),
        patient_ids: Sequence[str] = (),
    ) -> list[Appointment]:
        """Appointments holding time that meets ``window``, of the keys given."""
        table, link = self.table, appointment_resources
        # No appointment blocks more than MAX_BLOCKED: the index scan starts there.
        earliest = window.start - MAX_BLOCKED
        keys: list[sa.ColumnElement[bool]] = []
        if practitioner_ids:
            keys.append(table.c.practitioner_id.in_(list(practitioner_ids)))
        if patient_ids:
            keys.append(table.c.patient_id.in_(list(patient_ids)))
        if resource_ids:
            using = sa.select(link.c.appointment_id).where(
                link.c.resource_id.in_(list(resource_ids)),
                link.c.blocked_start > earliest,
                link.c.blocked_start < window.end,
                link.c.blocked_end > window.start,
            )
            keys.append(table.c.id.in_(using))
        if not keys:
            return []
        query = (
            sa.select(table)
            .where(
                table.c.occupies,
                table.c.blocked_start > earliest,
                table.c.blocked_start < window.end,
                table.c.blocked_end > window.start,
                sa.or_(*keys),
            )
            .order_by(table.c.start_at, table.c.id)
        )
        rows = self._connection.execute(query).all()
        return self._from_rows(rows)

    def list_by_series(self, series_id: str) -> list[Appointment]:
        """The appointments of a series, ordered by start."""
        query = (
            sa.select(self.table)
            .where(self.table.c.series_id == series_id)
            .order_by(self.table.c.start_at, self.table.c.id)
        )
        return self._from_rows(self._connection.execute(query).all())


class SqlReferralRepository(_JsonRepository[Referral]):
    """Referrals in ``clinicore_referrals``."""

    kind = "referral"
    table = referrals
    document_type = Referral

    def _columns(self, aggregate: Referral) -> dict[str, Any]:
        return {"patient_id": aggregate.patient_id}

    def list_for_patient(self, patient_id: str) -> list[Referral]:
        """A patient's referrals, ordered by id."""
        return self._select(self.table.c.patient_id == patient_id)


class SqlWaitlistRepository(_JsonRepository[WaitlistEntry]):
    """Waitlist entries in ``clinicore_waitlist``."""

    kind = "waitlist_entry"
    table = waitlist
    document_type = WaitlistEntry

    def _columns(self, aggregate: WaitlistEntry) -> dict[str, Any]:
        return {
            "site_id": aggregate.site_id,
            "appointment_type": aggregate.appointment_type,
            "status": aggregate.status.value,
        }

    def list_waiting(self, site_id: str, appointment_type: str) -> list[WaitlistEntry]:
        """Entries still waiting for that type at that site, ordered by id."""
        return self._select(
            self.table.c.site_id == site_id,
            self.table.c.appointment_type == appointment_type,
            self.table.c.status == WaitlistStatus.WAITING.value,
        )
