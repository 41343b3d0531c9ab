"""SQL tables and repositories of the reminder outbox and of recall states (REM-5, REM-7).

Instants are stored as UTC timestamps (``timestamptz`` on PostgreSQL; ISO text, which
sorts like time, on SQLite). Due reminders are found through the index on
``(status, ready_at, id)``: a relay reads only the open rows that are ready, however large the
outbox's history grows.

Claiming is exactly-once because the database says so: on PostgreSQL the claim selects
the due rows ``FOR UPDATE SKIP LOCKED`` (a rival claimer skips rows being claimed and
re-checks committed ones), then writes each with ``UPDATE ... WHERE version = :seen``; on
SQLite the unit of work's ``BEGIN IMMEDIATE`` lets one claimer in at a time.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from clinicore.adapters._aggregates import check_limit, identity, with_version
from clinicore.adapters.sql.repositories import SqlRepository
from clinicore.adapters.sql.tables import ID, UtcDateTime, metadata
from clinicore.errors import NotFoundError, StaleVersionError
from clinicore.reminders.outbox import OutboxStatus, ScheduledReminder
from clinicore.reminders.recall import Recall
from clinicore.zones import to_utc

__all__ = [
    "SqlRecallRepository",
    "SqlReminderRepository",
    "recalls",
    "reminders",
]


_OPEN = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)

reminders = sa.Table(
    "clinicore_reminders",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("patient_id", ID, nullable=False, index=True),
    sa.Column("site_id", ID, nullable=False),
    sa.Column("rule", ID, nullable=False),
    sa.Column("purpose", sa.String(32), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("template", ID, nullable=False),
    sa.Column("due_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime),
    sa.Column("appointment_id", ID, index=True),
    sa.Column("appointment_start", UtcDateTime),
    sa.Column("practitioner_id", ID),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("ready_at", UtcDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("claim_token", sa.String(64)),
    sa.Column("sent_at", UtcDateTime),
    sa.Column("delivery", sa.String(16)),
    sa.Column("provider_reference", sa.String(200)),
    sa.Column("detail", sa.String(500)),
    sa.Column("appointment_changed", sa.Boolean, nullable=False),
    sa.Column("reply", sa.String(16)),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_clinicore_reminders_status_ready_at", "status", "ready_at", "id"),
)
"""The outbox: one row per reminder key (the primary key makes a key unique)."""

recalls = sa.Table(
    "clinicore_recalls",
    metadata,
    sa.Column("id", sa.String(140), primary_key=True),
    sa.Column("patient_id", ID, nullable=False, index=True),
    sa.Column("site_id", ID, nullable=False),
    sa.Column("recall_type", ID, nullable=False),
    sa.Column("last_done_on", sa.Date),
    sa.Column("manual_due_on", sa.Date),
    sa.Column("suppressed_until", sa.Date),
    sa.Column("next_appointment_at", UtcDateTime),
    sa.Column("messages_sent", sa.Integer, nullable=False),
    sa.Column("last_message_on", sa.Date),
    sa.Column("version", sa.Integer, nullable=False),
)
"""Recall states, one row per patient and recall type."""

_ENUMS = ("purpose", "channel", "status", "delivery", "reply")


def _by_key() -> sa.Select[Any]:
    return sa.select(reminders).where(reminders.c.id == sa.bindparam("key"))


def _versioned_update() -> sa.Update:
    values: dict[str, Any] = {
        column.name: sa.bindparam(f"v_{column.name}") for column in reminders.columns
    }
    return (
        reminders.update()
        .where(reminders.c.id == sa.bindparam("key"), reminders.c.version == sa.bindparam("seen"))
        .values(values)
    )


# Built once: the relay runs these for every reminder, and building a statement with two
# dozen columns costs more than executing it.
_FIND = _by_key()
_UPDATE = _versioned_update()


class SqlReminderRepository(SqlRepository[ScheduledReminder]):
    """The outbox in ``clinicore_reminders``."""

    kind = "reminder"
    table = reminders

    def find(self, key: str) -> ScheduledReminder | None:
        """The reminder or ``None`` (a prepared statement: the relay's hot path)."""
        row = self._connection.execute(_FIND, {"key": key}).first()
        return None if row is None else self._from_rows([row])[0]

    def update(self, aggregate: ScheduledReminder) -> ScheduledReminder:
        """``UPDATE ... WHERE id = :key AND version = :seen`` with a prepared statement."""
        key, version = identity(aggregate)
        stored = with_version(aggregate, version + 1)
        params = {f"v_{name}": value for name, value in self._to_row(stored).items()}
        result = self._connection.execute(_UPDATE, {**params, "key": key, "seen": version})
        if result.rowcount != 1:
            current = self._connection.execute(
                sa.select(self.table.c.version).where(self.table.c.id == key)
            ).scalar_one_or_none()
            if current is None:
                raise NotFoundError(self.kind, key)
            raise StaleVersionError(self.kind, key, version, int(current))
        return stored

    def _to_row(self, aggregate: ScheduledReminder) -> dict[str, Any]:
        row = {column.name: getattr(aggregate, column.name) for column in self.table.columns}
        for name in _ENUMS:
            row[name] = None if row[name] is None else row[name].value
        return row

    def _from_rows(self, rows: Sequence[sa.Row[Any]]) -> list[ScheduledReminder]:
        return [ScheduledReminder(**row._mapping) for row in rows]

    def _due_rows(self, now: _dt.datetime, limit: int, *, lock: bool) -> list[sa.Row[Any]]:
        """The first ``limit`` due rows by ``(ready_at, id)``.

        One query per open status, each read in the order of the index on
        ``(status, ready_at, id)`` and stopped after ``limit`` rows, then merged: with
        ``status IN (...)`` the database would sort every due row first, which grows with
        the backlog.
        """
        check_limit(limit)
        rows: list[sa.Row[Any]] = []
        for status in _OPEN:
            query = (
                sa.select(self.table)
                .where(self.table.c.status == status, self.table.c.ready_at <= to_utc(now))
                .order_by(self.table.c.ready_at, self.table.c.id)
                .limit(limit)
            )
            if lock:
                query = query.with_for_update(skip_locked=True)
            rows.extend(self._connection.execute(query).all())
        rows.sort(key=lambda row: (row.ready_at, row.id))
        return rows[:limit]

    def due(self, now: _dt.datetime, *, limit: int = 100) -> list[ScheduledReminder]:
        """Up to ``limit`` reminders due at ``now``, by ``(ready_at, id)``."""
        return self._from_rows(self._due_rows(now, limit, lock=False))

    def claim_due(
        self, now: _dt.datetime, *, token: str, lease: _dt.timedelta, limit: int = 100
    ) -> list[ScheduledReminder]:
        """Lock the due rows (skipping rows a rival holds) and claim each for ``token``."""
        rows = self._due_rows(now, limit, lock=True)
        return [self.update(item.claim(token, now, lease=lease)) for item in self._from_rows(rows)]

    def for_appointment(self, appointment_id: str) -> list[ScheduledReminder]:
        """Every reminder about ``appointment_id``, ordered by id."""
        return self._select(self.table.c.appointment_id == appointment_id)

    def list_page(self, *, after: str | None = None, limit: int = 100) -> list[ScheduledReminder]:
        """Up to ``limit`` reminders with keys after ``after``, ordered by key."""
        check_limit(limit)
        where = [] if after is None else [self.table.c.id > after]
        return self._select(*where, limit=limit)


class SqlRecallRepository(SqlRepository[Recall]):
    """Recall states in ``clinicore_recalls``."""

    kind = "recall"
    table = recalls

    def _to_row(self, aggregate: Recall) -> dict[str, Any]:
        return {column.name: getattr(aggregate, column.name) for column in self.table.columns}

    def _from_rows(self, rows: Sequence[sa.Row[Any]]) -> list[Recall]:
        return [Recall(**row._mapping) for row in rows]

    def for_patient(self, patient_id: str) -> list[Recall]:
        """The patient's recalls, ordered by id."""
        return self._select(self.table.c.patient_id == patient_id)

    def list_page(self, *, after: str | None = None, limit: int = 100) -> list[Recall]:
        """Up to ``limit`` recalls with ids after ``after``, ordered by id."""
        check_limit(limit)
        where = [] if after is None else [self.table.c.id > after]
        return self._select(*where, limit=limit)
