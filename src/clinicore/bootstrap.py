"""The composition root: wires adapters to services from a configuration.

This is the one place where clinicore picks concrete adapters. Importing it does nothing;
[`bootstrap`][clinicore.bootstrap.bootstrap] creates the engine (if any), checks or creates
the schema, and hands back an [`App`][clinicore.bootstrap.App] holding the services.
Tests and hosts pass their own clock, id source, notifier or authorisation policy.

Examples:
    >>> import datetime
    >>> with bootstrap(Config(database_url="sqlite://")) as app:
    ...     site = app.directory.register_site(name="Oslo", jurisdiction="NO", site_id="oslo")
    ...     site.currency
    'NOK'

"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import attrs

from clinicore.clock import Clock, SystemClock
from clinicore.errors import ConfigurationError
from clinicore.ids import IdSource, UuidIdSource
from clinicore.ports import AuthorizationPolicy, Notifier, UnitOfWork, UnitOfWorkFactory
from clinicore.scheduling.events import CancelledBy
from clinicore.services.billing import BillingService
from clinicore.services.billing import subscribe as subscribe_billing
from clinicore.services.bus import EventBus
from clinicore.services.dental import DentalService
from clinicore.services.dental import subscribe as subscribe_dental
from clinicore.services.directory import DirectoryService
from clinicore.services.payroll import PayrollService
from clinicore.services.reminders import ReminderService
from clinicore.services.reminders import subscribe as subscribe_reminders
from clinicore.services.scheduling import SchedulingService
from clinicore.services.stock import StockService
from clinicore.services.stock import subscribe as subscribe_stock

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = ["App", "Config", "PatientReplies", "bootstrap"]


@attrs.frozen
class Config:
    """What to wire.

    Args:
        database_url: ``None`` keeps everything in memory; otherwise a SQLAlchemy URL
            (``sqlite:///clinic.db``, ``postgresql://...``).
        create_schema: create missing tables on start (otherwise only check the version).
        database_schema: PostgreSQL schema for clinicore's tables.
        notifier: ``"console"``, ``"recording"`` or ``"file:<path>"``.

    """

    database_url: str | None = None
    create_schema: bool = True
    database_schema: str | None = None
    notifier: str = "console"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Read the ``CLINICORE_DATABASE_URL``, ``_DATABASE_SCHEMA`` and ``_NOTIFIER`` variables."""
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("CLINICORE_DATABASE_URL") or None,
            database_schema=env.get("CLINICORE_DATABASE_SCHEMA") or None,
            notifier=env.get("CLINICORE_NOTIFIER", "console"),
        )


@attrs.define
class App:
    """The wired application: ports and services. Close it (or use ``with``) when done.

    Attributes:
        uow_factory: opens units of work on the configured store.
        clock: the clock every service reads.
        ids: the id source for new aggregates.
        notifier: where messages go.
        authorization: who may do what.
        bus: routes domain events to the modules that react to them.
        directory: sites, practitioners and patients.
        scheduling: calendars, slot search, booking and the appointment lifecycle.
        dental: dental charts and treatment plans.
        stock: items, the stock ledger, reorder proposals and purchase orders.
        payroll: contracts, rosters, punches, absences and period statements.
        billing: charges, bills, checkout, day end, revenue split and dunning.
        reminders: reminder planning, the outbox relay, recall and replies.

    """

    uow_factory: UnitOfWorkFactory
    clock: Clock
    ids: IdSource
    notifier: Notifier
    authorization: AuthorizationPolicy
    bus: EventBus
    directory: DirectoryService
    scheduling: SchedulingService
    dental: DentalService
    stock: StockService
    payroll: PayrollService
    billing: BillingService
    reminders: ReminderService
    engine: sa.Engine | None = None

    def close(self) -> None:
        """Release the database connections, if any."""
        if self.engine is not None:
            self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def bootstrap(
    config: Config | None = None,
    *,
    clock: Clock | None = None,
    ids: IdSource | None = None,
    notifier: Notifier | None = None,
    authorization: AuthorizationPolicy | None = None,
) -> App:
    """Build an [`App`][clinicore.bootstrap.App] from ``config`` and the given ports.

    Raises:
        ConfigurationError: an unusable database URL or notifier spec.
        SchemaVersionError: the database holds another schema version.

    """
    settings = config or Config()
    the_clock = clock or SystemClock()
    the_ids = ids or UuidIdSource()
    the_notifier = notifier or _notifier(settings.notifier)  # checked before any I/O
    uow_factory, engine = _unit_of_work_factory(settings)
    bus = EventBus()
    the_authorization = authorization or _allow_all()
    scheduling = SchedulingService(uow_factory, the_clock, the_ids, bus)
    app = App(
        uow_factory=uow_factory,
        clock=the_clock,
        ids=the_ids,
        notifier=the_notifier,
        authorization=the_authorization,
        bus=bus,
        directory=DirectoryService(uow_factory, the_clock, the_ids),
        scheduling=scheduling,
        dental=DentalService(uow_factory, the_clock, the_ids, the_authorization, bus),
        stock=StockService(uow_factory, the_clock, the_ids, bus),
        payroll=PayrollService(uow_factory, the_clock, the_ids, bus),
        billing=BillingService(uow_factory, the_clock, the_ids, bus),
        reminders=ReminderService(
            uow_factory, the_clock, the_notifier, appointments=PatientReplies(scheduling)
        ),
        engine=engine,
    )
    # Modules react to each other's events on the one bus, inside the publisher's unit of work.
    subscribe_dental(bus, app.dental)
    subscribe_stock(bus, app.stock)
    subscribe_billing(bus, app.billing)
    subscribe_reminders(bus, app.reminders)
    return app


@attrs.frozen
class PatientReplies:
    """A patient's "yes" or "no" to a reminder, carried out by the scheduling service.

    Reminders ask through their `AppointmentCommands` port so that they do not depend on
    scheduling; this is the adapter `bootstrap` gives them.

    Args:
        scheduling: the service whose appointments the replies are about.

    """

    scheduling: SchedulingService

    def confirm(self, appointment_id: str) -> None:
        """The patient confirmed the appointment."""
        self.scheduling.confirm(appointment_id)

    def cancel(self, appointment_id: str, *, reason: str) -> None:
        """The patient cancelled the appointment by replying."""
        self.scheduling.cancel(appointment_id, by=CancelledBy.PATIENT, reason=reason)


def _unit_of_work_factory(config: Config) -> tuple[UnitOfWorkFactory, Any]:
    if config.database_url is None:
        from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork  # noqa: PLC0415

        store = MemoryStore()

        def open_memory() -> UnitOfWork:
            return MemoryUnitOfWork(store)

        return open_memory, None
    try:
        from clinicore.adapters import sql  # noqa: PLC0415 - SQLAlchemy only when asked for
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise ConfigurationError(
            "a database URL needs the SQL extra: pip install 'clinicore[sql]'"
        ) from None
    engine = sql.create_engine(config.database_url, schema=config.database_schema)
    try:
        if config.create_schema:
            sql.create_schema(engine)
        return sql.SqlUnitOfWorkFactory(engine), engine
    except BaseException:
        engine.dispose()
        raise


def _notifier(spec: str) -> Notifier:
    from clinicore.adapters import notifiers  # noqa: PLC0415

    if spec == "console":
        return notifiers.ConsoleNotifier()
    if spec == "recording":
        return notifiers.RecordingNotifier()
    if spec.startswith("file:") and len(spec) > len("file:"):
        return notifiers.FileNotifier(spec.removeprefix("file:"))
    raise ConfigurationError(
        f"unknown notifier {spec!r}: use 'console', 'recording' or 'file:<path>'"
    )


def _allow_all() -> AuthorizationPolicy:
    from clinicore.adapters.authorization import AllowAll  # noqa: PLC0415

    return AllowAll()
