"""Creating a SQLAlchemy engine that behaves the same on SQLite and PostgreSQL.

SQLite needs three adjustments for a transactional store:

* ``pysqlite`` starts transactions lazily and never for reads; clinicore turns that off and
  issues ``BEGIN IMMEDIATE`` itself, so a unit of work holds the write lock from its first
  statement and two writers queue instead of failing half-way (see SQLAlchemy's
  "Serializable isolation / Savepoints / Transactional DDL" notes for pysqlite);
* a busy timeout, so the queueing writer waits instead of failing at once;
* write-ahead logging for file databases, so readers outside clinicore are not blocked.

PostgreSQL URLs without a driver (``postgresql://``) get psycopg 3 (``postgresql+psycopg``).
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import StaticPool

from clinicore.errors import ClinicoreError, ConfigurationError, ConflictError

__all__ = ["SingleConnectionGuard", "create_engine", "is_sqlite", "single_connection_guard"]

SQLITE_BUSY_TIMEOUT_SECONDS = 30.0


def create_engine(url: str | sa.URL, *, schema: str | None = None, echo: bool = False) -> sa.Engine:
    """An engine for clinicore's tables at ``url``.

    Args:
        url: ``sqlite:///clinic.db``, ``sqlite://`` (in memory, one connection),
            ``postgresql://user@host/db`` ...
        schema: a PostgreSQL schema to keep clinicore's tables in (default: the search path).
        echo: log every SQL statement.

    Raises:
        ConfigurationError: the URL cannot be parsed or names an unsupported database.

    """
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise ConfigurationError(f"cannot parse database URL {str(url)!r}") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigurationError(
            f"database {backend!r} is not supported (use sqlite or postgresql)"
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        if backend == "sqlite":
            engine = _sqlite_engine(parsed, echo)
        else:
            engine = sa.create_engine(parsed, echo=echo, pool_pre_ping=True)
    except (sa.exc.NoSuchModuleError, ImportError) as error:
        raise ConfigurationError(
            f"database driver {parsed.drivername!r} is not available: {error}"
        ) from None
    event.listen(engine, "handle_error", _conflicts_as_clinicore_errors)
    if schema is not None:
        if engine.dialect.name == "sqlite":
            raise ConfigurationError("schema= is for PostgreSQL; SQLite has one schema per file")
        engine = engine.execution_options(schema_translate_map={None: schema})
    return engine


# SQLSTATEs that mean a concurrent transaction won: serialization failure, deadlock,
# lock not available.
_CONFLICT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def _conflicts_as_clinicore_errors(context: sa.engine.ExceptionContext) -> BaseException | None:
    """Turn "someone else got there first" database errors into `ConflictError`.

    SQLite's lock timeout and PostgreSQL's serialization failures and deadlocks are not
    bugs: the caller should reload and retry, exactly as after a stale version.
    """
    original = context.original_exception
    sqlstate = getattr(original, "sqlstate", None)
    message = str(original).lower()
    if sqlstate in _CONFLICT_SQLSTATES or "database is locked" in message:
        first_line = str(original).splitlines()[0] if str(original) else type(original).__name__
        return ConflictError(f"concurrent write, try again ({first_line})")
    return None


class SingleConnectionGuard:
    """Lets one unit of work at a time use an engine that has only one connection.

    A second unit of work in another thread waits its turn; one opened in the same thread
    while the first is still open is refused, because ending it would roll back the
    first one's transaction on the shared connection.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None

    def acquire(self) -> None:
        """Take the connection, or raise a `ClinicoreError` that leaves the holder intact."""
        if self._owner == threading.get_ident():
            raise ClinicoreError(
                "an in-memory SQLite database serves one unit of work at a time, and one is "
                "open in this thread; finish it first or use a SQLite file"
            )
        if not self._lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_SECONDS):
            raise ConflictError("the in-memory SQLite database stayed busy; try again")
        self._owner = threading.get_ident()

    def release(self) -> None:
        """Hand the connection to the next unit of work."""
        self._owner = None
        self._lock.release()


_single_connection_guards: weakref.WeakKeyDictionary[Any, SingleConnectionGuard] = (
    weakref.WeakKeyDictionary()
)


def single_connection_guard(engine: sa.Engine) -> SingleConnectionGuard | None:
    """The guard of an engine with one shared connection (in-memory SQLite), else ``None``."""
    return _single_connection_guards.get(engine.pool)


def is_sqlite(engine: sa.Engine) -> bool:
    """Whether ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


def _sqlite_engine(url: sa.URL, echo: bool) -> sa.Engine:
    in_memory = url.database in (None, "", ":memory:")
    options: dict[str, Any] = {
        "echo": echo,
        "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
    }
    if in_memory:
        # An in-memory database lives in one connection; every unit of work must share it.
        options["poolclass"] = StaticPool
    engine = sa.create_engine(url, **options)
    if in_memory:
        _single_connection_guards[engine.pool] = SingleConnectionGuard()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Stop pysqlite from managing transactions; clinicore emits BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
