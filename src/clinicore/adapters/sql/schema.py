"""Creating clinicore's schema and checking that a database holds the version this code needs.

clinicore does not migrate databases itself: a host that upgrades runs its migrations
(Alembic with [`metadata`][clinicore.adapters.sql.tables.metadata]) and then bumps the
stored version. Opening a database written by another schema version is refused with a
[`SchemaVersionError`][clinicore.errors.SchemaVersionError] instead of corrupting it.
"""

from __future__ import annotations

import sqlalchemy as sa

from clinicore.adapters.sql import billing as _billing_tables  # noqa: F401 - registers tables
from clinicore.adapters.sql import dental as _dental  # noqa: F401 - registers the dental tables
from clinicore.adapters.sql import payroll as _payroll  # noqa: F401 - registers its tables
from clinicore.adapters.sql import reminders as _reminder_tables  # noqa: F401 - registers tables
from clinicore.adapters.sql import scheduling as _scheduling  # noqa: F401 - registers its tables
from clinicore.adapters.sql import stock as _stock_tables  # noqa: F401 - registers tables
from clinicore.adapters.sql.tables import metadata, schema_version
from clinicore.errors import SchemaVersionError

__all__ = ["SCHEMA_COMPONENT", "SCHEMA_VERSION", "check_schema", "create_schema", "stored_version"]

SCHEMA_VERSION = 1
"""The schema version this clinicore writes and reads."""
SCHEMA_COMPONENT = "clinicore"


def stored_version(connection: sa.Connection) -> int | None:
    """The schema version recorded in the database, or ``None`` when there is none."""
    if not _has_version_table(connection):
        return None
    row = connection.execute(
        sa.select(schema_version.c.version).where(schema_version.c.component == SCHEMA_COMPONENT)
    ).first()
    return None if row is None else int(row.version)


def create_schema(engine: sa.Engine) -> None:
    """Create clinicore's tables if they are missing and record the schema version.

    Safe to call on every start. Tables are never altered or dropped.

    Raises:
        SchemaVersionError: the database holds another schema version.

    """
    with engine.begin() as connection:
        found = stored_version(connection)
        if found is not None and found != SCHEMA_VERSION:
            raise SchemaVersionError(SCHEMA_VERSION, found)
        metadata.create_all(connection)
        if found is None:
            connection.execute(
                schema_version.insert().values(component=SCHEMA_COMPONENT, version=SCHEMA_VERSION)
            )


def check_schema(engine: sa.Engine) -> None:
    """Make sure the database holds this code's schema version.

    Raises:
        SchemaVersionError: no clinicore schema, or another version.

    """
    with engine.connect() as connection:
        found = stored_version(connection)
    if found != SCHEMA_VERSION:
        raise SchemaVersionError(SCHEMA_VERSION, found)


def _has_version_table(connection: sa.Connection) -> bool:
    translate = connection.get_execution_options().get("schema_translate_map") or {}
    return sa.inspect(connection).has_table(schema_version.name, schema=translate.get(None))
