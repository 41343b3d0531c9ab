"""The SQL adapter's engine and schema handling on SQLite and PostgreSQL (PLT-2).

clinicore does not migrate: a database written by another schema version is refused with a
`SchemaVersionError` naming the version found, and nothing is written to it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from clinicore.adapters.sql import (
    SCHEMA_VERSION,
    SqlUnitOfWorkFactory,
    check_schema,
    create_engine,
    create_schema,
    is_sqlite,
    metadata,
)
from clinicore.adapters.sql.tables import schema_version
from clinicore.errors import ClinicoreError, ConfigurationError, SchemaVersionError
from clinicore.testing.samples import a_patient, a_site

CLINICORE_TABLES = frozenset(metadata.tables)


def _table_names(engine: sa.Engine) -> set[str]:
    with engine.connect() as connection:
        translate = connection.get_execution_options().get("schema_translate_map") or {}
        names = sa.inspect(connection).get_table_names(schema=translate.get(None))
    return {name for name in names if name.startswith("clinicore_")}


def _stored_versions(engine: sa.Engine) -> list[tuple[str, int]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(schema_version.c.component, schema_version.c.version)
        ).all()
    return [(row.component, row.version) for row in rows]


def _set_stored_version(engine: sa.Engine, version: int) -> None:
    with engine.begin() as connection:
        connection.execute(schema_version.update().values(version=version))


# -- the same checks on each database --------------------------------------------------------------
class _SchemaChecks:
    """Schema-version behaviour every supported database must show; needs ``engine``."""

    @pytest.fixture
    def engine(self) -> sa.Engine:
        raise NotImplementedError

    def test_create_schema_creates_every_table_and_records_the_version(
        self, engine: sa.Engine
    ) -> None:
        create_schema(engine)
        assert _table_names(engine) == CLINICORE_TABLES
        assert _stored_versions(engine) == [("clinicore", SCHEMA_VERSION)]
        check_schema(engine)

    def test_create_schema_is_idempotent_and_keeps_the_data(self, engine: sa.Engine) -> None:
        create_schema(engine)
        site = a_site()
        with SqlUnitOfWorkFactory(engine)() as uow:
            uow.sites.add(site)
            uow.commit()
        create_schema(engine)
        create_schema(engine)
        assert _stored_versions(engine) == [("clinicore", SCHEMA_VERSION)]
        with SqlUnitOfWorkFactory(engine)() as uow:
            assert uow.sites.get(site.id).name == site.name

    def test_check_schema_on_an_empty_database_finds_none(self, engine: sa.Engine) -> None:
        with pytest.raises(SchemaVersionError, match="no clinicore schema") as raised:
            check_schema(engine)
        assert raised.value.found is None
        assert raised.value.expected == SCHEMA_VERSION
        assert _table_names(engine) == set()

    def test_the_unit_of_work_factory_refuses_an_empty_database(self, engine: sa.Engine) -> None:
        with pytest.raises(SchemaVersionError) as raised:
            SqlUnitOfWorkFactory(engine)
        assert raised.value.found is None

    def test_the_factory_can_be_told_not_to_check(self, engine: sa.Engine) -> None:
        factory = SqlUnitOfWorkFactory(engine, check=False)
        create_schema(engine)
        with factory() as uow:
            assert uow.patients.count() == 0

    def test_another_stored_version_is_refused_by_check_schema(self, engine: sa.Engine) -> None:
        create_schema(engine)
        _set_stored_version(engine, 999)
        with pytest.raises(SchemaVersionError, match="999") as raised:
            check_schema(engine)
        assert (raised.value.expected, raised.value.found) == (SCHEMA_VERSION, 999)

    def test_another_stored_version_is_refused_by_create_schema_which_writes_nothing(
        self, engine: sa.Engine
    ) -> None:
        create_schema(engine)
        _set_stored_version(engine, 999)
        with pytest.raises(SchemaVersionError, match="999") as raised:
            create_schema(engine)
        assert raised.value.found == 999
        assert _stored_versions(engine) == [("clinicore", 999)]

    def test_create_schema_adds_no_table_to_a_database_of_another_version(
        self, engine: sa.Engine
    ) -> None:
        """Only the version table of a "future" schema exists: nothing else is created."""
        with engine.begin() as connection:
            schema_version.create(connection)
            connection.execute(schema_version.insert().values(component="clinicore", version=999))
        with pytest.raises(SchemaVersionError, match="999"):
            create_schema(engine)
        assert _table_names(engine) == {schema_version.name}

    def test_another_stored_version_is_refused_by_the_unit_of_work_factory(
        self, engine: sa.Engine
    ) -> None:
        create_schema(engine)
        patient = a_patient()
        with SqlUnitOfWorkFactory(engine)() as uow:
            uow.patients.add(patient)
            uow.commit()
        _set_stored_version(engine, 999)
        with pytest.raises(SchemaVersionError, match="999"):
            SqlUnitOfWorkFactory(engine)
        with SqlUnitOfWorkFactory(engine, check=False)() as uow:
            assert uow.patients.count() == 1
            assert uow.patients.get(patient.id).version == 1

    def test_the_error_message_tells_what_to_do(self, engine: sa.Engine) -> None:
        create_schema(engine)
        _set_stored_version(engine, 999)
        with pytest.raises(SchemaVersionError) as raised:
            check_schema(engine)
        message = str(raised.value)
        assert f"schema version {SCHEMA_VERSION}" in message
        assert "migrate" in message


class TestSqliteSchema(_SchemaChecks):
    @pytest.fixture
    def engine(self, sqlite_engine: sa.Engine) -> sa.Engine:
        return sqlite_engine


@pytest.mark.postgresql
class TestPostgresqlSchema(_SchemaChecks):
    @pytest.fixture
    def engine(self, postgres_engine: sa.Engine) -> sa.Engine:
        return postgres_engine

    def test_tables_live_in_the_given_schema(self, engine: sa.Engine) -> None:
        create_schema(engine)
        translate = engine.get_execution_options()["schema_translate_map"]
        with engine.connect() as connection:
            names = set(sa.inspect(connection).get_table_names(schema=translate[None]))
        assert names >= CLINICORE_TABLES

    def test_the_engine_uses_psycopg(self, engine: sa.Engine) -> None:
        assert engine.dialect.name == "postgresql"
        assert engine.dialect.driver == "psycopg"
        assert not is_sqlite(engine)


# -- create_engine ---------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["not a url", "", "://nothing"])
def test_an_unparsable_url_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError, match="cannot parse"):
        create_engine(url)


@pytest.mark.parametrize(
    ("url", "backend"),
    [("mysql://user@localhost/clinic", "mysql"), ("oracle://user@localhost/clinic", "oracle")],
)
def test_an_unsupported_database_is_a_configuration_error(url: str, backend: str) -> None:
    with pytest.raises(ConfigurationError, match=backend):
        create_engine(url)


@pytest.mark.parametrize(
    "url",
    ["postgresql+nosuchdriver://user@localhost/clinic", "sqlite+nosuchdriver:///clinic.sqlite"],
)
def test_an_unknown_driver_is_a_configuration_error(url: str) -> None:
    """A typo in the driver part of the URL is bad configuration, not a SQLAlchemy crash."""
    with pytest.raises(ConfigurationError, match="nosuchdriver"):
        create_engine(url)


def test_a_schema_with_sqlite_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="schema"):
        create_engine("sqlite://", schema="clinic")


def test_a_postgresql_url_without_driver_gets_psycopg() -> None:
    """No connection is made: the driver is chosen from the URL alone."""
    engine = create_engine("postgresql://clinicore@localhost:1/clinic")
    try:
        assert engine.url.drivername == "postgresql+psycopg"
        assert engine.dialect.driver == "psycopg"
        assert not is_sqlite(engine)
    finally:
        engine.dispose()


def test_an_explicit_postgresql_driver_is_kept() -> None:
    engine = create_engine("postgresql+psycopg://clinicore@localhost:1/clinic")
    try:
        assert engine.url.drivername == "postgresql+psycopg"
    finally:
        engine.dispose()


def test_a_postgresql_schema_is_applied_through_translation() -> None:
    engine = create_engine("postgresql://clinicore@localhost:1/clinic", schema="tenant_a")
    try:
        assert engine.get_execution_options()["schema_translate_map"] == {None: "tenant_a"}
    finally:
        engine.dispose()


def test_create_engine_accepts_a_url_object() -> None:
    url = sa.make_url("sqlite://")
    engine = create_engine(url)
    try:
        assert is_sqlite(engine)
    finally:
        engine.dispose()


# -- in-memory SQLite ------------------------------------------------------------------------------
@pytest.fixture
def memory_engine() -> Iterator[sa.Engine]:
    engine = create_engine("sqlite://")
    yield engine
    engine.dispose()


def test_in_memory_sqlite_keeps_data_across_units_of_work(memory_engine: sa.Engine) -> None:
    """``sqlite://`` is one shared connection: one unit of work after another sees the data."""
    create_schema(memory_engine)
    factory = SqlUnitOfWorkFactory(memory_engine)
    site, patient = a_site(), a_patient()
    with factory() as uow:
        uow.sites.add(site)
        uow.patients.add(patient)
        uow.commit()
    with factory() as uow:
        assert uow.sites.get(site.id).name == site.name
        assert uow.patients.count() == 1
    with factory() as uow:
        uow.sites.add(a_site())
    with factory() as uow:
        assert len(uow.sites.list_all()) == 1


def test_in_memory_sqlite_refuses_a_second_open_unit_of_work(memory_engine: sa.Engine) -> None:
    """One unit of work at a time: a second one opened meanwhile is a clear clinicore error."""
    create_schema(memory_engine)
    factory = SqlUnitOfWorkFactory(memory_engine)
    with factory() as outer:
        outer.sites.add(a_site())
        with pytest.raises(ClinicoreError), factory():
            pass


def test_in_memory_sqlite_a_refused_second_unit_does_not_discard_the_first(
    memory_engine: sa.Engine,
) -> None:
    """The open unit's writes must survive a refused second unit, or its commit must fail.

    Today the second unit's failed ``BEGIN`` returns the one shared connection to the pool,
    which rolls back the *first* unit's transaction; the first unit's ``commit()`` then
    succeeds and the site is silently lost.
    """
    create_schema(memory_engine)
    factory = SqlUnitOfWorkFactory(memory_engine)
    site = a_site()
    with factory() as outer:
        outer.sites.add(site)
        with pytest.raises((ClinicoreError, sa.exc.SQLAlchemyError)), factory():
            pass
        outer.commit()
    with factory() as uow:
        assert uow.sites.find(site.id) is not None
