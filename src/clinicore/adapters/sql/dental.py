"""Dental charts and treatment plans in SQL, with append-only histories enforced by the database.

Tables:

- ``clinicore_dental_charts``: one row per chart (its id is the patient's id).
- ``clinicore_dental_chart_entries``: the chart's history, one row per entry, keyed by
  ``(chart_id, seq)``; rows are only ever inserted.
- ``clinicore_dental_plans``: one row per plan with the columns open-plan queries filter
  on (``status``, ``site_id``, ``callback_on``, ``last_booked_at``) and the plan's variants,
  snapshots and consents as a JSON document.
- ``clinicore_dental_plan_audit``: the plan's audit trail, keyed by ``(plan_id, seq)``;
  rows are only ever inserted.

``update`` stores only the history rows added since the copy was read: the primary key
makes each one exist exactly once, and a copy whose history does not extend the stored
one is refused with [`ConflictError`][clinicore.errors.ConflictError].
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

import pendulum
import sqlalchemy as sa

from clinicore.adapters._aggregates import check_limit
from clinicore.adapters.sql.repositories import SqlRepository
from clinicore.adapters.sql.tables import ID, metadata
from clinicore.dental.chart import Chart
from clinicore.dental.plans import PlanStatus, TreatmentPlan
from clinicore.dental.records import (
    audit_to_data,
    entry_from_data,
    entry_to_data,
    plan_from_data,
    plan_to_data,
)
from clinicore.errors import ConflictError
from clinicore.ids import PatientId, SiteId
from clinicore.zones import to_utc

__all__ = [
    "SqlDentalChartRepository",
    "SqlTreatmentPlanRepository",
    "chart_entries",
    "charts",
    "plan_audit",
    "plans",
]

charts = sa.Table(
    "clinicore_dental_charts",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("patient_id", ID, nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
)

chart_entries = sa.Table(
    "clinicore_dental_chart_entries",
    metadata,
    sa.Column(
        "chart_id",
        ID,
        sa.ForeignKey("clinicore_dental_charts.id", ondelete="RESTRICT"),
        primary_key=True,
    ),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
)

plans = sa.Table(
    "clinicore_dental_plans",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("patient_id", ID, nullable=False, index=True),
    sa.Column("site_id", ID, nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("callback_on", sa.Date),
    sa.Column("last_booked_at", sa.DateTime(timezone=True)),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

plan_audit = sa.Table(
    "clinicore_dental_plan_audit",
    metadata,
    sa.Column(
        "plan_id",
        ID,
        sa.ForeignKey("clinicore_dental_plans.id", ondelete="RESTRICT"),
        primary_key=True,
    ),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor_id", ID, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("item_id", ID),
    sa.Column("data", sa.JSON, nullable=False),
)


def _utc_instant(value: pendulum.DateTime | None) -> _dt.datetime | None:
    """The instant as a plain UTC datetime: SQLite keeps no offset, so all are in UTC."""
    if value is None:
        return None
    utc = to_utc(value)
    return _dt.datetime(
        utc.year,
        utc.month,
        utc.day,
        utc.hour,
        utc.minute,
        utc.second,
        utc.microsecond,
        tzinfo=_dt.UTC,
    )


def _append_rows(
    *,
    connection: sa.Connection,
    table: sa.Table,
    key_column: str,
    key: str,
    rows: Sequence[dict[str, Any]],
    kind: str,
) -> None:
    """Insert the history rows after the stored ones; refuse a history that is not longer."""
    stored = connection.execute(
        sa.select(sa.func.count()).select_from(table).where(table.c[key_column] == key)
    ).scalar_one()
    if stored > len(rows):
        raise ConflictError(f"{kind} {key!r}: its history is append-only; entries were dropped")
    new = rows[int(stored) :]
    if new:
        connection.execute(table.insert(), list(new))


class SqlDentalChartRepository(SqlRepository[Chart]):
    """Charts in ``clinicore_dental_charts`` with entries in ``..._chart_entries``."""

    kind = "dental_chart"
    table = charts

    def _to_row(self, aggregate: Chart) -> dict[str, Any]:
        return {
            "id": aggregate.id,
            "patient_id": aggregate.patient_id,
            "version": aggregate.version,
        }

    def _write_children(self, aggregate: Chart) -> None:
        rows = [
            {
                "chart_id": aggregate.id,
                "seq": seq,
                "recorded_at": _utc_instant(entry.recorded_at),
                "data": entry_to_data(entry),
            }
            for seq, entry in enumerate(aggregate.entries, start=1)
        ]
        _append_rows(
            connection=self._connection,
            table=chart_entries,
            key_column="chart_id",
            key=aggregate.id,
            rows=rows,
            kind=self.kind,
        )

    def _from_rows(self, rows: Sequence[sa.Row[Any]]) -> list[Chart]:
        ids = [row.id for row in rows]
        entries: dict[str, list[Any]] = {key: [] for key in ids}
        query = (
            sa.select(chart_entries.c.chart_id, chart_entries.c.data)
            .where(chart_entries.c.chart_id.in_(ids))
            .order_by(chart_entries.c.chart_id, chart_entries.c.seq)
        )
        for chart_id, data in self._connection.execute(query):
            entries[chart_id].append(entry_from_data(data))
        return [
            Chart(
                id=row.id,
                patient_id=row.patient_id,
                entries=tuple(entries[row.id]),
                version=row.version,
            )
            for row in rows
        ]


class SqlTreatmentPlanRepository(SqlRepository[TreatmentPlan]):
    """Plans in ``clinicore_dental_plans`` with the audit trail in ``..._plan_audit``."""

    kind = "treatment_plan"
    table = plans

    def _to_row(self, aggregate: TreatmentPlan) -> dict[str, Any]:
        return {
            "id": aggregate.id,
            "patient_id": aggregate.patient_id,
            "site_id": aggregate.site_id,
            "status": aggregate.status.value,
            "callback_on": aggregate.callback_on,
            "last_booked_at": _utc_instant(aggregate.last_booked_start),
            "document": plan_to_data(aggregate, audit=False),
            "version": aggregate.version,
        }

    def _write_children(self, aggregate: TreatmentPlan) -> None:
        rows = [
            {
                "plan_id": aggregate.id,
                "seq": entry.seq,
                "at": _utc_instant(entry.at),
                "actor_id": entry.actor_id,
                "action": entry.action,
                "item_id": entry.item_id,
                "data": audit_to_data(entry),
            }
            for entry in aggregate.audit
        ]
        _append_rows(
            connection=self._connection,
            table=plan_audit,
            key_column="plan_id",
            key=aggregate.id,
            rows=rows,
            kind=self.kind,
        )

    def _from_rows(self, rows: Sequence[sa.Row[Any]]) -> list[TreatmentPlan]:
        ids = [row.id for row in rows]
        trails: dict[str, list[dict[str, Any]]] = {key: [] for key in ids}
        query = (
            sa.select(plan_audit.c.plan_id, plan_audit.c.data)
            .where(plan_audit.c.plan_id.in_(ids))
            .order_by(plan_audit.c.plan_id, plan_audit.c.seq)
        )
        for plan_id, data in self._connection.execute(query):
            trails[plan_id].append(data)
        found = []
        for row in rows:
            document = dict(row.document)
            document["audit"] = trails[row.id]
            document["version"] = row.version
            found.append(plan_from_data(document))
        return found

    def list_for_patient(self, patient_id: PatientId) -> list[TreatmentPlan]:
        """Every plan of the patient, ordered by id."""
        return self._select(plans.c.patient_id == patient_id)

    def list_open(
        self, *, site_id: SiteId | None = None, after: str | None = None, limit: int = 100
    ) -> list[TreatmentPlan]:
        """Up to ``limit`` open plans (at ``site_id``) with ids after ``after``."""
        check_limit(limit)
        where = [plans.c.status != PlanStatus.CLOSED.value]
        if site_id is not None:
            where.append(plans.c.site_id == site_id)
        if after is not None:
            where.append(plans.c.id > after)
        return self._select(*where, limit=limit)

    def list_needing_follow_up(
        self,
        now: pendulum.DateTime,
        today: _dt.date,
        *,
        site_id: SiteId | None = None,
        limit: int = 100,
    ) -> list[TreatmentPlan]:
        """Open plans without a booked visit from ``now`` or a callback due from ``today``."""
        check_limit(limit)
        where = [
            plans.c.status != PlanStatus.CLOSED.value,
            sa.or_(plans.c.last_booked_at.is_(None), plans.c.last_booked_at < _utc_instant(now)),
            sa.or_(plans.c.callback_on.is_(None), plans.c.callback_on < today),
        ]
        if site_id is not None:
            where.append(plans.c.site_id == site_id)
        return self._select(*where, limit=limit)
