"""The composition root: `bootstrap()` and `Config` (PLT-1, PLT-2, PLT-6).

bootstrap wires adapters to services from a configuration; importing it does no I/O.
"""

from __future__ import annotations

import datetime as _dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from clinicore.adapters import sql
from clinicore.adapters.authorization import AllowAll, RoleBasedPolicy
from clinicore.adapters.memory import MemoryUnitOfWork
from clinicore.adapters.notifiers import ConsoleNotifier, FileNotifier, RecordingNotifier
from clinicore.adapters.sql import SCHEMA_VERSION, SqlUnitOfWork, check_schema
from clinicore.bootstrap import App, Config, bootstrap
from clinicore.clock import FixedClock, SystemClock
from clinicore.errors import ConfigurationError, SchemaVersionError
from clinicore.ids import SequentialIdSource, UuidIdSource
from clinicore.services import DirectoryService


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _pooled(engine: sa.Engine) -> int:
    """How many connections the engine's pool holds open, idle."""
    pool = engine.pool
    assert isinstance(pool, sa.pool.QueuePool)
    return pool.checkedin()


# -- defaults --------------------------------------------------------------------------------------
def test_the_default_app_lives_in_memory() -> None:
    with bootstrap() as app:
        assert isinstance(app, App)
        assert app.engine is None
        assert isinstance(app.uow_factory(), MemoryUnitOfWork)
        assert isinstance(app.clock, SystemClock)
        assert isinstance(app.ids, UuidIdSource)
        assert isinstance(app.notifier, ConsoleNotifier)
        assert isinstance(app.authorization, AllowAll)
        assert isinstance(app.directory, DirectoryService)


def test_the_memory_store_is_shared_by_every_unit_of_work_of_one_app() -> None:
    with bootstrap() as app:
        site = app.directory.register_site(name="Sentrum", jurisdiction="NO", site_id="oslo")
        with app.uow_factory() as uow:
            assert uow.sites.get(site.id) == site
    with bootstrap() as other, other.uow_factory() as uow:
        assert uow.sites.find(site.id) is None


def test_the_given_ports_are_used(fixed_clock: FixedClock) -> None:
    ids = SequentialIdSource("t")
    notifier = RecordingNotifier()
    policy = RoleBasedPolicy({"dentist": {"dental.plan.*"}})
    app = bootstrap(clock=fixed_clock, ids=ids, notifier=notifier, authorization=policy)
    assert (app.clock, app.ids, app.notifier, app.authorization) == (
        fixed_clock,
        ids,
        notifier,
        policy,
    )
    site = app.directory.register_site(name="Sentrum", jurisdiction="NO")
    assert site.id == "t-000001"
    patient = app.directory.register_patient(
        given_name="Kari", family_name="Nordmann", birth_date=_dt.date(1985, 2, 28)
    )
    stored = app.directory.record_consent(patient.id, "sms", "recall", granted=True)
    assert stored.consents.records[0].recorded_at == fixed_clock.now()
    app.close()


# -- databases -------------------------------------------------------------------------------------
def test_a_sqlite_url_creates_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite"
    with bootstrap(Config(database_url=_url(path))) as app:
        assert app.engine is not None
        check_schema(app.engine)
        assert isinstance(app.uow_factory(), SqlUnitOfWork)
        site = app.directory.register_site(name="Sentrum", jurisdiction="NO", site_id="oslo")
    with (
        bootstrap(Config(database_url=_url(path), create_schema=False)) as again,
        again.uow_factory() as uow,
    ):
        assert uow.sites.get(site.id) == site


def test_an_in_memory_sqlite_url_works() -> None:
    with bootstrap(Config(database_url="sqlite://")) as app:
        site = app.directory.register_site(name="Sentrum", jurisdiction="NO")
        with app.uow_factory() as uow:
            assert uow.sites.get(site.id) == site


def test_without_create_schema_an_empty_database_is_refused(tmp_path: Path) -> None:
    config = Config(database_url=_url(tmp_path / "empty.sqlite"), create_schema=False)
    with pytest.raises(SchemaVersionError) as raised:
        bootstrap(config)
    assert raised.value.found is None


def test_a_database_of_another_version_is_refused(tmp_path: Path) -> None:
    url = _url(tmp_path / "old.sqlite")
    bootstrap(Config(database_url=url)).close()
    engine = sql.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE clinicore_schema_version SET version = 999"))
    engine.dispose()
    for create in (True, False):
        with pytest.raises(SchemaVersionError, match="999"):
            bootstrap(Config(database_url=url, create_schema=create))


def test_a_failed_start_releases_its_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A host retrying a failing start must not leak a connection pool per attempt."""
    made: list[sa.Engine] = []
    real_create_engine = sql.create_engine

    def recording_create_engine(url: str, *, schema: str | None = None) -> sa.Engine:
        engine = real_create_engine(url, schema=schema)
        made.append(engine)
        return engine

    monkeypatch.setattr(sql, "create_engine", recording_create_engine)
    config = Config(database_url=_url(tmp_path / "empty.sqlite"), create_schema=False)
    with pytest.raises(SchemaVersionError):
        bootstrap(config)
    (engine,) = made
    assert _pooled(engine) == 0, "the engine's pooled connection was not released"


@pytest.mark.parametrize(
    "url", ["nonsense", "mysql://user@localhost/clinic", "oracle://user@localhost/clinic"]
)
def test_an_unusable_database_url_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError):
        bootstrap(Config(database_url=url))


def test_a_schema_with_sqlite_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="schema"):
        bootstrap(Config(database_url=_url(tmp_path / "x.sqlite"), database_schema="tenant"))


@pytest.mark.postgresql
def test_postgresql_with_a_schema(postgres_url: str) -> None:
    import uuid  # noqa: PLC0415

    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = sql.create_engine(postgres_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        with bootstrap(Config(database_url=postgres_url, database_schema=schema)) as app:
            site = app.directory.register_site(name="Sentrum", jurisdiction="NO")
            with app.uow_factory() as uow:
                assert uow.sites.get(site.id) == site
        with admin.connect() as connection:
            tables = sa.inspect(connection).get_table_names(schema=schema)
        assert "clinicore_sites" in tables
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


# -- notifiers -------------------------------------------------------------------------------------
def test_notifier_specs(tmp_path: Path) -> None:
    assert isinstance(bootstrap(Config(notifier="console")).notifier, ConsoleNotifier)
    assert isinstance(bootstrap(Config(notifier="recording")).notifier, RecordingNotifier)
    outbox = tmp_path / "outbox.jsonl"
    notifier = bootstrap(Config(notifier=f"file:{outbox}")).notifier
    assert isinstance(notifier, FileNotifier)
    assert notifier.path == outbox


@pytest.mark.parametrize("spec", ["smtp", "file:", "", "Console", "recording:x"])
def test_a_bad_notifier_spec_is_a_configuration_error_naming_it(spec: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        bootstrap(Config(notifier=spec))
    assert repr(spec) in str(raised.value)


def test_a_bad_notifier_spec_touches_no_database(tmp_path: Path) -> None:
    """Bad configuration changes nothing: the database is not created before it is refused."""
    path = tmp_path / "clinic.sqlite"
    with pytest.raises(ConfigurationError, match="pigeon"):
        bootstrap(Config(database_url=_url(path), notifier="pigeon"))
    assert not path.exists(), "the schema was written although the configuration was refused"


# -- Config.from_env -------------------------------------------------------------------------------
def test_config_from_env_reads_the_variables() -> None:
    config = Config.from_env(
        {
            "CLINICORE_DATABASE_URL": "postgresql://clinic@db/clinic",
            "CLINICORE_DATABASE_SCHEMA": "tenant_a",
            "CLINICORE_NOTIFIER": "recording",
            "UNRELATED": "ignored",
        }
    )
    assert config == Config(
        database_url="postgresql://clinic@db/clinic",
        database_schema="tenant_a",
        notifier="recording",
    )


def test_config_from_env_defaults() -> None:
    assert Config.from_env({}) == Config()
    assert Config.from_env({"CLINICORE_DATABASE_URL": "", "CLINICORE_DATABASE_SCHEMA": ""}) == (
        Config()
    )


def test_config_from_env_reads_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINICORE_DATABASE_URL", "sqlite:///clinic.sqlite")
    monkeypatch.setenv("CLINICORE_NOTIFIER", "file:outbox.jsonl")
    monkeypatch.delenv("CLINICORE_DATABASE_SCHEMA", raising=False)
    config = Config.from_env()
    assert config.database_url == "sqlite:///clinic.sqlite"
    assert config.notifier == "file:outbox.jsonl"
    assert config.database_schema is None


# -- closing ---------------------------------------------------------------------------------------
def test_the_app_closes_its_engine(tmp_path: Path) -> None:
    with bootstrap(Config(database_url=_url(tmp_path / "clinic.sqlite"))) as app:
        app.directory.register_site(name="Sentrum", jurisdiction="NO")
        engine = app.engine
        assert engine is not None
        assert _pooled(engine) >= 1
    assert _pooled(engine) == 0


def test_closing_a_memory_app_is_harmless() -> None:
    app = bootstrap()
    app.close()
    app.close()


# -- import costs ----------------------------------------------------------------------------------
def test_importing_bootstrap_does_no_io() -> None:
    """No engine, no SQLAlchemy, no adapter is loaded by the import alone."""
    code = textwrap.dedent(
        """
        import sys
        import clinicore.bootstrap
        heavy = [name for name in sys.modules if name.split(".")[0] in ("sqlalchemy", "psycopg")]
        adapters = [name for name in sys.modules if name.startswith("clinicore.adapters.")]
        print(heavy, adapters)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] []"


def test_the_schema_version_is_the_one_written(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite"
    bootstrap(Config(database_url=_url(path))).close()
    engine = sql.create_engine(_url(path))
    try:
        with engine.connect() as connection:
            version = connection.execute(
                sa.text("SELECT version FROM clinicore_schema_version")
            ).scalar_one()
    finally:
        engine.dispose()
    assert version == SCHEMA_VERSION
