"""The SQL unit of work: one database transaction over every repository.

Database errors that mean "someone else got there first" (SQLite's lock timeout,
PostgreSQL's serialization failure or deadlock) surface as
[`ConflictError`][clinicore.errors.ConflictError]; the transaction is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self, TypeVar

import sqlalchemy as sa

from clinicore.adapters.sql.engine import single_connection_guard
from clinicore.adapters.sql.repositories import (
    SqlPatientRepository,
    SqlPractitionerRepository,
    SqlSiteRepository,
)
from clinicore.adapters.sql.schema import check_schema
from clinicore.errors import ClinicoreError, ConflictError

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory"]

R = TypeVar("R")

# SQLSTATEs that mean a concurrent transaction won: serialization failure, deadlock,
# lock not available, exclusion or unique violation raised by a concurrent insert.
_CONFLICT_SQLSTATES = {"40001", "40P01", "55P03"}


class SqlUnitOfWork:
    """A unit of work in one SQL transaction.

    Args:
        engine: from [`create_engine`][clinicore.adapters.sql.engine.create_engine].

    """

    sites: SqlSiteRepository
    patients: SqlPatientRepository
    practitioners: SqlPractitionerRepository

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._guard = single_connection_guard(engine)
        self._connection: sa.Connection | None = None
        self._transaction: sa.RootTransaction | None = None

    @property
    def connection(self) -> sa.Connection:
        """The open connection, for repositories added by extensions."""
        if self._connection is None:
            raise ClinicoreError("the unit of work is not open: use it in a 'with' block")
        return self._connection

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise ClinicoreError("a unit of work cannot be entered twice")
        if self._guard is not None:
            self._guard.acquire()
        try:
            connection = self._engine.connect()
            try:
                self._transaction = _translate_errors(connection.begin)
            except BaseException:
                connection.close()
                raise
        except BaseException:
            if self._guard is not None:
                self._guard.release()
            raise
        self._connection = connection
        self.sites = SqlSiteRepository(connection)
        self.patients = SqlPatientRepository(connection)
        self.practitioners = SqlPractitionerRepository(connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        transaction, self._transaction = self._transaction, None
        if connection is None:
            return
        try:
            if transaction is not None and transaction.is_active:
                transaction.rollback()
        finally:
            connection.close()
            if self._guard is not None:
                self._guard.release()

    def commit(self) -> None:
        """Commit the transaction and start a new one for further work in the block."""
        transaction = self._require_transaction()
        try:
            _translate_errors(transaction.commit)
        finally:
            self._transaction = None
        self._transaction = _translate_errors(self.connection.begin)

    def rollback(self) -> None:
        """Roll the transaction back and start a new one."""
        self._require_transaction().rollback()
        self._transaction = self.connection.begin()

    def _require_transaction(self) -> sa.RootTransaction:
        if self._transaction is None:
            raise ClinicoreError("the unit of work is not open: use it in a 'with' block")
        return self._transaction


def _translate_errors(operation: Callable[[], R]) -> R:
    try:
        return operation()
    except sa.exc.OperationalError as error:
        if _is_conflict(error):
            raise ConflictError(f"concurrent write, try again ({_reason(error)})") from error
        raise


def _is_conflict(error: sa.exc.DBAPIError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in _CONFLICT_SQLSTATES:
        return True
    message = str(error.orig).lower()
    return "database is locked" in message or "database is busy" in message


def _reason(error: sa.exc.DBAPIError) -> str:
    return str(error.orig).splitlines()[0] if error.orig is not None else "unknown"


class SqlUnitOfWorkFactory:
    """Opens [`SqlUnitOfWork`][clinicore.adapters.sql.unit_of_work.SqlUnitOfWork]s on one engine.

    Args:
        engine: the engine to use.
        check: verify the schema version once, now (recommended).

    Raises:
        SchemaVersionError: ``check`` is set and the database holds another schema version.

    """

    def __init__(self, engine: sa.Engine, *, check: bool = True) -> None:
        if check:
            check_schema(engine)
        self.engine = engine

    def __call__(self) -> SqlUnitOfWork:
        """Open a new unit of work (enter it with ``with``)."""
        return SqlUnitOfWork(self.engine)
