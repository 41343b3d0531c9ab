"""Benchmarks of reminders: planning, due-reminder selection, and the relay (REM-1, REM-3, REM-7).

What is measured, each against a baseline taken in the same run:

(a) ``plan_reminders`` with the default four-message policy and quiet hours 21:00-08:00
    for 10k, 100k and 1M appointments (Europe/Berlin, Europe/Oslo, America/New_York,
    starts spread over a year so DST days are included). Every size cycles one pool of 10k
    appointments built before timing, so each size touches the same memory: planning is
    pure, and a pool growing with n measured the cache hierarchy (floor and planning
    alike grew 13x per 10x with a 100k pool), not the algorithm. Baseline: constructing
    the four due instants per appointment with pendulum (at booking; one calendar day
    before in the local zone; three hours before; two hours after the end) and nothing
    else: the floor. Goals:
    within 4x of the floor, growth per 10x at most 11x.
(b) Selecting the next 100 due reminders from a SQLite outbox of 1k, 10k and 100k rows
    (1 % due but at least 300, the rest sent or in the future), with the repository's
    ``due`` (index on ``(status, ready_at, id)``) against a naive scan (read every row, filter
    and sort in Python). Goal: the indexed selection does not grow with the outbox (<= 2x per 10x).
(c) The relay: 1k, 10k and 100k due reminders on a SQLite file, claimed, rendered (de,
    nb, hu, ru), sent through the recording notifier and recorded, in batches of 500.
    Baseline: the bare write any relay must do, one ``UPDATE`` per reminder through
    SQLAlchemy Core in transactions of 500. Each run starts from a fresh outbox; 1k and
    10k take the best of three runs. Goal: growth per 10x at most 11x. Printed for
    information: the ratio to the bare writes.

Inputs are seeded and built before timing. ``--quick`` runs tiny sizes once (a smoke run).
Nothing here asserts on time; a relay that sends a reminder twice is an error, though.
"""

from __future__ import annotations

import platform
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import _harness
import pendulum
import sqlalchemy as sa

from clinicore.adapters.notifiers import RecordingNotifier
from clinicore.adapters.sql import SqlUnitOfWorkFactory, create_engine, create_schema
from clinicore.adapters.sql.reminders import reminders as reminder_table
from clinicore.clock import FixedClock
from clinicore.contact import ContactChannel, ContactPurpose, PhoneNumber
from clinicore.ids import SequentialIdSource
from clinicore.reminders import (
    AppointmentFacts,
    ContactProfile,
    OutboxStatus,
    ScheduledReminder,
    default_policy,
    plan_reminders,
)
from clinicore.services.directory import DirectoryService
from clinicore.services.reminders import ReminderService, ReminderSettings

SEED = 20261025
ZONES = ("Europe/Berlin", "Europe/Oslo", "America/New_York")
PLAN_RATIO_GOAL, GROWTH_GOAL, DUE_GROWTH_GOAL = 4.0, 11.0, 2.0
POOL = 10_000
NOW = pendulum.datetime(2026, 3, 1, 9, tz="UTC")


# -- (a) planning ----------------------------------------------------------------------------
def _appointments(count: int) -> list[AppointmentFacts]:
    rng = random.Random(SEED)
    made = []
    for index in range(count):
        zone = ZONES[index % len(ZONES)]
        day = NOW.add(days=rng.randrange(1, 365))
        start = pendulum.datetime(
            day.year, day.month, day.day, rng.randrange(7, 19), 15 * rng.randrange(4), tz=zone
        )
        made.append(
            AppointmentFacts(
                appointment_id=f"apt-{index}",
                site_id="site-1",
                patient_id=f"pat-{index % 5000}",
                practitioner_id="prac-1",
                zone=zone,
                booked_at=NOW,
                start=start,
                end=start.add(minutes=rng.choice((20, 30, 45, 60))),
            )
        )
    return made


def _plan_all(pool: list[AppointmentFacts], count: int) -> int:
    policy, profile = default_policy(), ContactProfile(sms=True)
    planned = 0
    for index in range(count):
        facts = pool[index % len(pool)]
        planned += len(plan_reminders(facts, policy, profile, facts.booked_at).reminders)
    return planned


def _floor(pool: list[AppointmentFacts], count: int) -> int:
    made = 0
    for index in range(count):
        facts = pool[index % len(pool)]
        local = facts.start.in_timezone(facts.zone)
        instants = (
            facts.booked_at,
            local.subtract(days=1),
            facts.start.subtract(hours=3),
            facts.end.add(hours=2),
        )
        made += len(instants)
    return made


def bench_planning(options: _harness.Options) -> None:
    sizes = (100, 1_000, 10_000) if options.quick else (10_000, 100_000, 1_000_000)
    pool = _appointments(min(max(sizes), POOL))
    rows = []
    for size in sizes:
        if size > 100_000:  # minutes per run: one timing each
            seconds, baseline = _timed_once(pool, size)
        else:
            seconds, baseline = _harness.best_of_pair(
                lambda size=size: _plan_all(pool, size),  # type: ignore[misc]
                lambda size=size: _floor(pool, size),  # type: ignore[misc]
                options.repeat(3),
            )
        rows.append(_harness.Row(size, seconds, baseline))
    _harness.print_table(
        "(a) plan_reminders, default policy + quiet hours, vs pendulum floor", rows, item="appt"
    )
    print(
        _harness.verdict(
            "ratio to the floor", max(r.ratio for r in rows), PLAN_RATIO_GOAL, quick=options.quick
        )
    )
    print(
        _harness.verdict(
            "growth per 10x",
            max(_harness.growth([r.seconds for r in rows])),
            GROWTH_GOAL,
            quick=options.quick,
        )
    )


def _timed_once(pool: list[AppointmentFacts], size: int) -> tuple[float, float]:
    """One timing each, interleaved halves (the 1M size takes minutes; no warm-up run)."""
    start = time.perf_counter()
    _plan_all(pool, size)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    _floor(pool, size)
    return seconds, time.perf_counter() - start


# -- (b) due selection -----------------------------------------------------------------------
def _outbox_rows(count: int) -> list[dict[str, object]]:
    rng = random.Random(SEED)
    share = max(0.01, 300 / count)  # at least 300 due, so every size fills its 100
    rows = []
    for index in range(count):
        due = rng.random() < share
        ready = (
            NOW.subtract(minutes=rng.randrange(1, 600))
            if due
            else NOW.add(minutes=rng.randrange(1, 10_000))
        )
        status = OutboxStatus.PENDING if due or rng.random() < 0.3 else OutboxStatus.SENT
        if status is OutboxStatus.SENT:
            ready = NOW.subtract(minutes=rng.randrange(1, 10_000))
        rows.append(_row(f"r-{index:07d}", f"pat-{index % 1000:04d}", ready, status))
    return rows


def _row(
    key: str, patient: str, ready: pendulum.DateTime, status: OutboxStatus
) -> dict[str, object]:
    reminder = ScheduledReminder(
        id=key,
        patient_id=patient,
        site_id="berlin",
        rule="day_before",
        purpose=ContactPurpose.APPOINTMENT_REMINDER,
        channel=ContactChannel.SMS,
        template="appointment_soon",
        due_at=ready,
        ready_at=ready,
        appointment_start=ready.add(days=1),
        status=status,
        version=1,
    )
    row = {column.name: getattr(reminder, column.name) for column in reminder_table.columns}
    for name in ("purpose", "channel", "status", "delivery", "reply"):
        row[name] = None if row[name] is None else row[name].value
    return row


def _sqlite(directory: str, name: str) -> sa.Engine:
    engine = create_engine(f"sqlite:///{Path(directory) / name}")
    create_schema(engine)
    return engine


def bench_due_selection(options: _harness.Options, directory: str) -> None:
    sizes = (100, 1_000, 10_000) if options.quick else (1_000, 10_000, 100_000)
    rows = []
    for size in sizes:
        engine = _sqlite(directory, f"due-{size}.sqlite")
        with engine.begin() as connection:
            connection.execute(reminder_table.insert(), _outbox_rows(size))
        factory = SqlUnitOfWorkFactory(engine)

        def indexed(factory: SqlUnitOfWorkFactory = factory) -> list[str]:
            with factory() as uow:
                return [item.id for item in uow.reminders.due(NOW, limit=100)]

        def naive(factory: SqlUnitOfWorkFactory = factory) -> list[str]:
            with factory() as uow:
                everything = []
                after = None
                while page := uow.reminders.list_page(after=after, limit=5_000):
                    everything.extend(page)
                    after = page[-1].id
            due = sorted((r for r in everything if r.is_due(NOW)), key=lambda r: (r.ready_at, r.id))
            return [item.id for item in due[:100]]

        if indexed() != naive():
            raise SystemExit("due selection disagrees with the naive scan")
        seconds, baseline = _harness.best_of_pair(
            indexed, naive, options.repeat(5 if size < 100_000 else 2)
        )
        rows.append(_harness.Row(size, seconds, baseline))
        engine.dispose()
    _harness.print_table(
        "(b) next 100 due reminders on SQLite: indexed due() vs naive scan", rows, item="row"
    )
    print(
        _harness.verdict(
            "growth per 10x of the indexed selection",
            max(_harness.growth([r.seconds for r in rows])),
            DUE_GROWTH_GOAL,
            quick=options.quick,
        )
    )


# -- (c) the relay ---------------------------------------------------------------------------
def _relay_world(
    directory: str, size: int, run: int = 0
) -> tuple[sa.Engine, ReminderService, RecordingNotifier]:
    engine = _sqlite(directory, f"relay-{size}-{run}.sqlite")
    factory = SqlUnitOfWorkFactory(engine)
    clock = FixedClock(NOW)
    people = DirectoryService(factory, clock, SequentialIdSource("b"))
    people.register_site(site_id="berlin", name="Praxis Mitte", jurisdiction="DE")
    patients = min(size, 200)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO clinicore_patients (id, given_name, family_name, birth_date, phone, "
                "email, locale, consents, vip, coverage_kind, version) VALUES (:id, 'Test', "
                "'Patient', '1980-01-01', :phone, NULL, :locale, '[]', 0, 'private', 1)"
            ),
            [
                {
                    "id": f"pat-{n:04d}",
                    "phone": PhoneNumber.parse(f"+4915123{n:06d}").e164,
                    "locale": ("de", "nb", "hu", "ru")[n % 4],
                }
                for n in range(patients)
            ],
        )
        connection.execute(
            reminder_table.insert(),
            [
                _row(
                    f"r-{n:07d}",
                    f"pat-{n % patients:04d}",
                    NOW.subtract(minutes=1 + n % 300),
                    OutboxStatus.PENDING,
                )
                for n in range(size)
            ],
        )
    notifier = RecordingNotifier()
    settings = ReminderSettings(batch_size=500)
    service = ReminderService(factory, clock, notifier, settings=settings)
    return engine, service, notifier


def _bare_writes(engine: sa.Engine, size: int) -> None:
    keys = [f"r-{n:07d}" for n in range(size)]
    table = reminder_table
    for start in range(0, size, 500):
        with engine.begin() as connection:
            for key in keys[start : start + 500]:
                connection.execute(
                    table.update()
                    .where(table.c.id == key, table.c.version == 1)
                    .values(status="sent", version=2)
                )


def _relay_once(directory: str, size: int, run: int) -> tuple[float, float]:
    """One timed relay of ``size`` messages and one timed run of the bare writes."""
    engine, service, notifier = _relay_world(directory, size, run)
    start = time.perf_counter()
    report = service.dispatch_all(max_runs=size)
    seconds = time.perf_counter() - start
    engine.dispose()
    if report.sent != size or len(set(notifier.attempts)) != len(notifier.attempts):
        raise SystemExit(f"relay sent {report.sent} of {size} (or something twice)")
    floor_engine = _sqlite(directory, f"floor-{size}-{run}.sqlite")
    with floor_engine.begin() as connection:
        connection.execute(
            reminder_table.insert(),
            [_row(f"r-{n:07d}", "pat-0000", NOW, OutboxStatus.PENDING) for n in range(size)],
        )
    start = time.perf_counter()
    _bare_writes(floor_engine, size)
    baseline = time.perf_counter() - start
    floor_engine.dispose()
    return seconds, baseline


def bench_relay(options: _harness.Options, directory: str) -> None:
    sizes = (20, 200, 2_000) if options.quick else (1_000, 10_000, 100_000)
    rows = []
    for size in sizes:
        # Each run needs a fresh outbox; the smaller sizes take the best of three.
        runs = [
            _relay_once(directory, size, run)
            for run in range(options.repeat(3 if size <= 10_000 else 1))
        ]
        rows.append(_harness.Row(size, min(r[0] for r in runs), min(r[1] for r in runs)))
    _harness.print_table(
        "(c) relay on SQLite (claim, render, send, record) vs bare UPDATEs", rows, item="msg"
    )
    print(
        _harness.verdict(
            "growth per 10x",
            max(_harness.growth([r.seconds for r in rows])),
            GROWTH_GOAL,
            quick=options.quick,
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = _harness.parse_args(__doc__, argv)
    mode = "QUICK smoke run: sizes too small to mean anything" if options.quick else "full run"
    print(
        f"bench_reminders: {mode}; Python {platform.python_version()} "
        f"({platform.python_implementation()}) on {platform.machine()}, seed {SEED}"
    )
    bench_planning(options)
    with tempfile.TemporaryDirectory() as directory:
        bench_due_selection(options, directory)
        bench_relay(options, directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
