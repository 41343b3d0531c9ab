"""SQL adapters on SQLAlchemy 2 Core: SQLite (the embedded default) and PostgreSQL.

Examples:
    >>> from clinicore.adapters.sql import SqlUnitOfWorkFactory, create_engine, create_schema
    >>> engine = create_engine("sqlite://")
    >>> create_schema(engine)
    >>> uow_factory = SqlUnitOfWorkFactory(engine)
    >>> with uow_factory() as uow:
    ...     uow.patients.count()
    0

"""

from clinicore.adapters.sql.engine import create_engine, is_sqlite
from clinicore.adapters.sql.schema import SCHEMA_VERSION, check_schema, create_schema
from clinicore.adapters.sql.tables import metadata
from clinicore.adapters.sql.unit_of_work import SqlUnitOfWork, SqlUnitOfWorkFactory

__all__ = [
    "SCHEMA_VERSION",
    "SqlUnitOfWork",
    "SqlUnitOfWorkFactory",
    "check_schema",
    "create_engine",
    "create_schema",
    "is_sqlite",
    "metadata",
]
