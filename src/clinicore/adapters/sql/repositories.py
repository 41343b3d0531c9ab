"""SQL repositories on SQLAlchemy Core, with optimistic concurrency on every aggregate.

Each repository maps its aggregate to rows with the shared cattrs
[`converter`][clinicore.adapters.sql.repositories.converter] and runs in the connection of
its unit of work. ``update`` is ``UPDATE ... WHERE id = :id AND version = :version``: if no
row matches, somebody else saved first and a
[`StaleVersionError`][clinicore.errors.StaleVersionError] is raised; nothing is
overwritten. ``add`` runs inside a savepoint so a duplicate id fails alone and leaves the
unit of work usable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa

from clinicore.adapters._aggregates import (
    LookupByFind,
    check_limit,
    identity,
    require_new,
    with_version,
)
from clinicore.adapters.sql import tables
from clinicore.codec import converter
from clinicore.errors import ConflictError, NotFoundError, StaleVersionError
from clinicore.ids import PatientId, SiteId
from clinicore.patients import Patient
from clinicore.practitioners import Practitioner
from clinicore.sites import Site

__all__ = [
    "SqlDocumentRepository",
    "SqlPatientRepository",
    "SqlPractitionerRepository",
    "SqlRepository",
    "SqlSiteRepository",
    "converter",
]

T = TypeVar("T")


class SqlRepository(LookupByFind[T]):
    """Shared add/get/find/update for an aggregate stored in one main table.

    Subclasses set ``kind`` and ``table`` and implement ``_to_row`` / ``_from_rows``;
    aggregates with child rows also override ``_write_children``.
    """

    table: ClassVar[sa.Table]

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    # -- mapping, per aggregate ----------------------------------------------------------
    def _to_row(self, aggregate: T) -> dict[str, Any]:
        raise NotImplementedError

    def _from_rows(self, rows: Sequence[sa.Row[Any]]) -> list[T]:
        raise NotImplementedError

    def _write_children(self, aggregate: T) -> None:
        """Replace the aggregate's child rows (none by default)."""

    # -- the port ------------------------------------------------------------------------
    def add(self, aggregate: T) -> T:
        """Insert a new aggregate at version 1."""
        key, version = identity(aggregate)
        require_new(self.kind, key, version)
        stored = with_version(aggregate, 1)
        try:
            with self._connection.begin_nested():
                self._connection.execute(self.table.insert().values(self._to_row(stored)))
                self._write_children(stored)
        except sa.exc.IntegrityError:
            if self.find(key) is not None:
                raise ConflictError(f"{self.kind} {key!r} already exists") from None
            raise
        return stored

    def find(self, key: str) -> T | None:
        """The aggregate or ``None``."""
        found = self._select(self.table.c.id == key)
        return found[0] if found else None

    def update(self, aggregate: T) -> T:
        """Write a changed copy if the stored version is still the copy's version."""
        key, version = identity(aggregate)
        stored = with_version(aggregate, version + 1)
        row = self._to_row(stored)
        result = self._connection.execute(
            self.table.update()
            .where(self.table.c.id == key, self.table.c.version == version)
            .values(row)
        )
        if result.rowcount != 1:
            current = self._connection.execute(
                sa.select(self.table.c.version).where(self.table.c.id == key)
            ).scalar_one_or_none()
            if current is None:
                raise NotFoundError(self.kind, key)
            raise StaleVersionError(self.kind, key, version, int(current))
        self._write_children(stored)
        return stored

    # -- helpers for queries -------------------------------------------------------------
    def _select(self, *where: sa.ColumnElement[bool], limit: int | None = None) -> list[T]:
        query = sa.select(self.table).where(*where).order_by(self.table.c.id)
        if limit is not None:
            query = query.limit(limit)
        rows = self._connection.execute(query).all()
        return self._from_rows(rows) if rows else []


# -- sites ----------------------------------------------------------------------------------
class SqlDocumentRepository(SqlRepository[T]):
    """An aggregate stored as a JSON document plus the columns it is queried by.

    Subclasses set ``table`` (made with
    [`document_table`][clinicore.adapters.sql.tables.document_table]), ``kind`` and
    ``document_type``, and return their query columns from ``_columns``; a module whose
    documents need more conversions than the shared converter sets ``document_converter``.
    """

    document_type: ClassVar[type[Any]]
    document_converter: ClassVar[Any] = converter

    def _columns(self, aggregate: T) -> dict[str, Any]:
        """The query columns of ``aggregate`` (none by default)."""
        return {}

    def _to_row(self, aggregate: T) -> dict[str, Any]:
        key, version = identity(aggregate)
        data: dict[str, Any] = dict(self.document_converter.unstructure(aggregate))
        data.pop("version", None)  # the version lives in its own column
        return {"id": key, "data": data, "version": version, **self._columns(aggregate)}

    def _from_rows(self, rows: Sequence[sa.Row[Any]]) -> list[T]:
        return [
            self.document_converter.structure(
                {**row.data, "version": row.version}, self.document_type
            )
            for row in rows
        ]


class SqlSiteRepository(SqlRepository[Site]):
    """Sites in ``clinicore_sites``."""

    kind = "site"
    table = tables.sites

    def _to_row(self, aggregate: Site) -> dict[str, Any]:
        row: dict[str, Any] = converter.unstructure(aggregate)
        return row

    def _from_rows(self, rows: Sequence[sa.Row[Any]]) -> list[Site]:
        return [converter.structure(dict(row._mapping), Site) for row in rows]

    def list_all(self) -> list[Site]:
        """Every site, ordered by id."""
        return self._select()


# -- patients -------------------------------------------------------------------------------
class SqlPatientRepository(SqlRepository[Patient]):
    """Patients in ``clinicore_patients``; consents are a JSON column."""

    kind = "patient"
    table = tables.patients

    def _to_row(self, aggregate: Patient) -> dict[str, Any]:
        return {
            "id": aggregate.id,
            "given_name": aggregate.given_name,
            "family_name": aggregate.family_name,
            "birth_date": aggregate.birth_date,
            "phone": None if aggregate.phone is None else aggregate.phone.e164,
            "email": None if aggregate.email is None else aggregate.email.address,
            "locale": aggregate.locale,
            "consents": converter.unstructure(aggregate.consents.records),
            "vip": aggregate.vip,
            "coverage_kind": aggregate.coverage.kind.value,
            "coverage_insurer_id": aggregate.coverage.insurer_id,
            "coverage_member_number": aggregate.coverage.member_number,
            "version": aggregate.version,
        }

    def _from_rows(self, rows: Sequence[sa.Row[Any]]) -> list[Patient]:
        return [self._from_row(dict(row._mapping)) for row in rows]

    @staticmethod
    def _from_row(data: dict[str, Any]) -> Patient:
        data["coverage"] = {
            "kind": data.pop("coverage_kind"),
            "insurer_id": data.pop("coverage_insurer_id"),
            "member_number": data.pop("coverage_member_number"),
        }
        data["consents"] = {"records": data.pop("consents")}
        return converter.structure(data, Patient)

    def list_page(self, *, after: PatientId | None = None, limit: int = 100) -> list[Patient]:
        """Up to ``limit`` patients with ids after ``after``, ordered by id."""
        check_limit(limit)
        where = [] if after is None else [self.table.c.id > after]
        return self._select(*where, limit=limit)

    def count(self) -> int:
        """How many patients are stored."""
        return int(
            self._connection.execute(
                sa.select(sa.func.count()).select_from(self.table)
            ).scalar_one()
        )


# -- practitioners ----------------------------------------------------------------------------
class SqlPractitionerRepository(SqlRepository[Practitioner]):
    """Practitioners in ``clinicore_practitioners`` with their sites in a link table."""

    kind = "practitioner"
    table = tables.practitioners

    def _to_row(self, aggregate: Practitioner) -> dict[str, Any]:
        row: dict[str, Any] = converter.unstructure(aggregate)
        del row["site_ids"]
        return row

    def _write_children(self, aggregate: Practitioner) -> None:
        link = tables.practitioner_sites
        self._connection.execute(link.delete().where(link.c.practitioner_id == aggregate.id))
        self._connection.execute(
            link.insert(),
            [
                {"practitioner_id": aggregate.id, "site_id": site}
                for site in sorted(aggregate.site_ids)
            ],
        )

    def _from_rows(self, rows: Sequence[sa.Row[Any]]) -> list[Practitioner]:
        sites = self._sites_of(row.id for row in rows)
        return [
            converter.structure({**row._mapping, "site_ids": sites[row.id]}, Practitioner)
            for row in rows
        ]

    def _sites_of(self, ids: Iterable[str]) -> dict[str, list[str]]:
        link = tables.practitioner_sites
        found: defaultdict[str, list[str]] = defaultdict(list)
        query = sa.select(link.c.practitioner_id, link.c.site_id).where(
            link.c.practitioner_id.in_(list(ids))
        )
        for practitioner_id, site_id in self._connection.execute(query):
            found[practitioner_id].append(site_id)
        return found

    def list_all(self, *, site_id: SiteId | None = None) -> list[Practitioner]:
        """Every practitioner (at ``site_id``, if given), ordered by id."""
        if site_id is None:
            return self._select()
        link = tables.practitioner_sites
        at_site = sa.select(link.c.practitioner_id).where(link.c.site_id == site_id)
        return self._select(self.table.c.id.in_(at_site))
