"""clinicore's tables as SQLAlchemy Core metadata.

Include [`metadata`][clinicore.adapters.sql.tables.metadata] in your own migrations (e.g.
Alembic's ``target_metadata``) to keep clinicore's tables next to your application's.
Every table name starts with ``clinicore_`` so it cannot collide with a host's own tables.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pendulum
import sqlalchemy as sa

from clinicore.zones import UTC, to_utc

__all__ = [
    "UtcDateTime",
    "document_table",
    "metadata",
    "patients",
    "practitioner_sites",
    "practitioners",
    "schema_version",
    "sites",
]

# Deterministic constraint names, as Alembic's autogenerate expects.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
"""Every clinicore table; give it to Alembic (``target_metadata``) next to your own."""

ID = sa.String(64)

schema_version = sa.Table(
    "clinicore_schema_version",
    metadata,
    sa.Column("component", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)

sites = sa.Table(
    "clinicore_sites",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("jurisdiction", sa.String(2), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("subdivision", sa.String(3)),
    sa.Column("version", sa.Integer, nullable=False),
)

patients = sa.Table(
    "clinicore_patients",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("given_name", sa.String(200), nullable=False),
    sa.Column("family_name", sa.String(200), nullable=False),
    sa.Column("birth_date", sa.Date, nullable=False),
    sa.Column("phone", sa.String(20)),
    sa.Column("email", sa.String(320)),
    sa.Column("locale", sa.String(20), nullable=False),
    sa.Column("consents", sa.JSON, nullable=False),
    sa.Column("vip", sa.Boolean, nullable=False),
    sa.Column("coverage_kind", sa.String(16), nullable=False),
    sa.Column("coverage_insurer_id", ID),
    sa.Column("coverage_member_number", sa.String(64)),
    sa.Column("version", sa.Integer, nullable=False),
)

practitioners = sa.Table(
    "clinicore_practitioners",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("speciality", sa.String(100), nullable=False),
    sa.Column("employment", sa.String(16), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

practitioner_sites = sa.Table(
    "clinicore_practitioner_sites",
    metadata,
    sa.Column(
        "practitioner_id",
        ID,
        sa.ForeignKey("clinicore_practitioners.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("site_id", ID, primary_key=True, index=True),
)


class UtcDateTime(sa.types.TypeDecorator[_dt.datetime]):
    """An aware instant stored in UTC; read back as an aware ``pendulum.DateTime``."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> _dt.datetime | None:
        """UTC; naive UTC on SQLite, whose text form then sorts like time."""
        if value is None:
            return None
        instant = to_utc(value)
        native = _dt.datetime(  # noqa: DTZ001 - made aware below where the database keeps zones
            instant.year,
            instant.month,
            instant.day,
            instant.hour,
            instant.minute,
            instant.second,
            instant.microsecond,
        )
        return native if dialect.name == "sqlite" else native.replace(tzinfo=_dt.UTC)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> pendulum.DateTime | None:
        """An aware UTC instant."""
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.UTC)
        instant: pendulum.DateTime = pendulum.instance(value).in_timezone(UTC)
        return instant


def document_table(name: str, *columns: sa.schema.SchemaItem) -> sa.Table:
    """A table holding one kind of aggregate as a JSON document.

    Its id, the columns it is queried by (``columns``, with any indexes and constraints),
    the document and its version; see
    [`SqlDocumentRepository`][clinicore.adapters.sql.repositories.SqlDocumentRepository].
    """
    return sa.Table(
        name,
        metadata,
        sa.Column("id", ID, primary_key=True),
        *columns,
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
