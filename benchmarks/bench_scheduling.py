"""Benchmarks of scheduling: slot search at network scale and booking throughput (SCH-6).

What is measured, each against a baseline taken in the same run:

(a) Slot search. A network of 50 practitioners (Mon-Fri 08:00-16:00, Europe/Berlin) and
    30 chairs; the search window is 90 days from Monday 19 October 2026 (it holds the
    autumn DST switch). The practice is booked out for the window's first week (every
    practitioner back to back; the first day in ``--quick``), and holds n = 10k, 100k, 1M
    existing appointments in all: the rest lie at random times (5-minute grid, 15-60
    minutes, random chair) over a history
    of max(90, n / 250) days ending with the window, so 10x more appointments mostly means
    10x more history. Timed: ``find_slots`` for the first 20 slots of a 45-minute type
    needing a chair, given the appointments already indexed in an ``Agenda`` (what the
    database's index is to the SQL repository; the one-off index build is printed for
    information). Baseline: a straightforward scan that steps through the window's working
    time on a 5-minute grid and checks every candidate against all n appointments. Both
    must find the same 20 slots. Goals: growth <= 12x per 10x appointments; >= 50x faster
    than the baseline at 100k (the baseline is run at 1M too, once).
(b) Booking throughput through ``SchedulingService.book`` (every rule checked, the overlap
    refused by the database) on SQLite and on PostgreSQL (if
    ``CLINICORE_TEST_POSTGRES_URL`` is set), for 10, 100 and 1,000 bookings, one unit of
    work each. Baseline: inserting the same appointments with the repository's ``add``
    alone (the database's overlap check, no rules). Printed: bookings per second and the
    ratio. No goal.

Inputs are seeded and built before timing; each time is the best of several repetitions
after a warm-up. ``--quick`` runs tiny sizes once (a smoke run, not a measurement).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import _harness
import pendulum

from clinicore.adapters.sql import SqlUnitOfWorkFactory, create_engine, create_schema
from clinicore.intervals import TimeRange, TimeRangeSet
from clinicore.ports import UnitOfWorkFactory
from clinicore.scheduling.appointment_types import AppointmentType
from clinicore.scheduling.appointments import Appointment
from clinicore.scheduling.patterns import WallClockRange, WeeklyHours, WorkingPattern
from clinicore.scheduling.resources import Resource
from clinicore.scheduling.search import (
    Agenda,
    Slot,
    SlotQuery,
    find_slots,
    practitioner_key,
    resource_key,
)
from clinicore.testing.scheduling import MONDAY, build_world

SEED = 20261019
ZONE = "Europe/Berlin"
PRACTITIONERS = [f"p{i:02d}" for i in range(50)]
CHAIRS = [f"c{i:02d}" for i in range(30)]
WINDOW_START = pendulum.datetime(2026, 10, 19, tz=ZONE)
WINDOW = TimeRange(WINDOW_START, WINDOW_START.add(days=90))
LENGTH = 45 * 60
STEP = 5 * 60
COUNT = 20
GROWTH_GOAL = 12.0
SPEEDUP_GOAL = 50.0
PER_DAY = 250  # history density: appointments per calendar day across the network

Appt = tuple[int, int, int, int]  # practitioner index, chair index, start, end (epoch s)


def _working() -> TimeRangeSet:
    pattern = WorkingPattern(
        id="wp",
        practitioner_id="p00",
        site_id="site",
        timezone=ZONE,
        weekly=[
            WeeklyHours(weekday=d, hours=[WallClockRange(dt.time(8), dt.time(16))])
            for d in range(5)
        ],
    )
    return pattern.materialise(WINDOW)


def _appointments(count: int, working: TimeRangeSet, booked_days: int) -> list[Appt]:
    """The booked-out first days, then random history up to ``count`` in all."""
    rng = random.Random(SEED)
    found: list[Appt] = []
    first_week = [r for r in working if r.start < WINDOW_START.add(days=booked_days)]
    for p in range(len(PRACTITIONERS)):
        for hours in first_week:
            start = int(hours.start.timestamp())
            while start + LENGTH <= int(hours.end.timestamp()) and len(found) < count:
                found.append((p, rng.randrange(len(CHAIRS)), start, start + LENGTH))
                start += LENGTH
    days = max(90, count // PER_DAY)
    origin = int(WINDOW.end.timestamp()) - days * 86_400
    while len(found) < count:
        day = origin + rng.randrange(days) * 86_400
        local = pendulum.from_timestamp(day, tz=ZONE)
        if local.weekday() >= 5:
            continue
        start = int(local.at(8).timestamp()) + 300 * rng.randrange(7 * 12)
        end = start + 300 * rng.randrange(3, 13)
        found.append((rng.randrange(len(PRACTITIONERS)), rng.randrange(len(CHAIRS)), start, end))
    return found


def _agenda(appointments: list[Appt]) -> Agenda:
    instants: dict[int, pendulum.DateTime] = {}

    def instant(seconds: int) -> pendulum.DateTime:
        found = instants.get(seconds)
        if found is None:
            found = instants[seconds] = pendulum.from_timestamp(seconds, tz=pendulum.UTC)
        return found

    entries: list[tuple[tuple[str, str], TimeRange]] = []
    for p, c, start, end in appointments:
        span = TimeRange(instant(start), instant(end))
        entries.append((practitioner_key(PRACTITIONERS[p]), span))
        entries.append((resource_key(CHAIRS[c]), span))
    return Agenda(entries)


def _search(agenda: Agenda, working: TimeRangeSet) -> list[Slot]:
    kind = AppointmentType(
        id="filling", name="Filling", duration=dt.timedelta(minutes=45), resource_kinds=["chair"]
    )
    query = SlotQuery(
        appointment_type=kind, patient_id="pat-new", window=WINDOW, timezone=ZONE, count=COUNT
    )
    resources = [Resource(id=c, site_id="site", kind="chair", name=c) for c in CHAIRS]
    return find_slots(
        query, available=dict.fromkeys(PRACTITIONERS, working), resources=resources, agenda=agenda
    )


def _naive(appointments: list[Appt], working: list[tuple[int, int]]) -> list[tuple[int, str, str]]:
    """Step through working time on a 5-minute grid; check candidates against everything.

    Each slot is an alternative (like ``find_slots``'): the first free chair is named for
    every practitioner free at that time.
    """
    found: list[tuple[int, str, str]] = []
    for low, high in working:
        t = low
        while t + LENGTH <= high:
            end = t + LENGTH
            busy_practitioners: set[int] = set()
            busy_chairs: set[int] = set()
            for p, c, start, stop in appointments:
                if start < end and t < stop:
                    busy_practitioners.add(p)
                    busy_chairs.add(c)
            free_chairs = [c for c in range(len(CHAIRS)) if c not in busy_chairs]
            for p in range(len(PRACTITIONERS)):
                if p in busy_practitioners or not free_chairs:
                    continue
                found.append((t, PRACTITIONERS[p], CHAIRS[free_chairs[0]]))
                if len(found) == COUNT:
                    return found
            t += STEP
    return found


def bench_search(options: _harness.Options) -> None:
    sizes = (1_000, 10_000, 100_000) if options.quick else (10_000, 100_000, 1_000_000)
    working = _working()
    spans = [(int(r.start.timestamp()), int(r.end.timestamp())) for r in working]
    rows: list[_harness.Row] = []
    for size in sizes:
        appointments = _appointments(size, working, 1 if options.quick else 7)
        began = time.perf_counter()
        agenda = _agenda(appointments)
        built = time.perf_counter() - began
        slots = _search(agenda, working)
        began = time.perf_counter()
        expected = _naive(appointments, spans)
        naive_once = time.perf_counter() - began
        got = [(int(s.start.timestamp()), s.practitioner_id, s.resource_ids[0]) for s in slots]
        if got != expected:
            raise SystemExit(f"baseline disagrees with find_slots at n={size}: {got} {expected}")
        first = slots[0].start.in_timezone(ZONE)
        print(
            f"  n={size:,}: index built in {built:.2f} s (once); first slot {first:%a %d %b %H:%M}"
        )
        repeat = options.repeat(5)
        seconds = _harness.best_of(partial(_search, agenda, working), repeat)
        if size >= 1_000_000 or options.quick:
            baseline = naive_once  # one run is long enough to time
        else:
            baseline = min(naive_once, _harness.best_of(partial(_naive, appointments, spans), 1))
        rows.append(_harness.Row(size, seconds, baseline))
        del appointments, agenda
    _harness.print_table(
        "(a) first 20 slots of a 45-minute chair type, 50 practitioners x 30 chairs x 90 days,"
        " ratio to a 5-minute grid scan over all appointments",
        rows,
        item="appointment",
    )
    growth = max(_harness.growth([row.seconds for row in rows]))
    print(_harness.verdict("growth per 10x appointments", growth, GROWTH_GOAL, quick=options.quick))
    speedup = rows[1].baseline / rows[1].seconds
    print(
        f"  goal: >= {SPEEDUP_GOAL:g}x faster than the grid scan at n={rows[1].size:,}; "
        f"measured {speedup:,.0f}x -> {'met' if speedup >= SPEEDUP_GOAL else 'MISSED'}"
        + (" (quick run: sizes too small to judge)" if options.quick else "")
    )


# -- (b) booking throughput -----------------------------------------------------------------
def _plan(count: int) -> list[tuple[str, str, pendulum.DateTime]]:
    """(patient, practitioner, start) for ``count`` bookings that never collide."""
    plan: list[tuple[str, str, pendulum.DateTime]] = []
    day = MONDAY
    index = 0
    while len(plan) < count:
        if day.weekday() < 5:
            for slot in range(12):
                for practitioner in ("dr-a", "dr-b"):
                    plan.append(
                        (f"pat-{index % 8 + 1}", practitioner, day.at(8).add(minutes=40 * slot))
                    )
                    index += 1
        day = day.add(days=1)
    return plan[:count]


def _throughput(factory: Callable[[], UnitOfWorkFactory], count: int) -> tuple[float, float]:
    plan = _plan(count)
    world = build_world(factory(), patients=8)

    def service() -> None:
        for patient, practitioner, start in plan:
            world.scheduling.book(
                site_id="berlin",
                patient_id=patient,
                practitioner_id=practitioner,
                appointment_type="checkup",
                start=start,
                resource_ids=["chair-1" if practitioner == "dr-a" else "chair-2"],
            )

    raw_factory = factory()

    def raw() -> None:
        for number, (patient, practitioner, start) in enumerate(plan):
            appointment = Appointment(
                id=f"raw-{number}",
                site_id="berlin",
                patient_id=patient,
                practitioner_id=practitioner,
                appointment_type="checkup",
                start=start,
                end=start.add(minutes=30),
                booked_at=start.subtract(days=7),
                buffer_after=dt.timedelta(minutes=10),
                resource_ids=["chair-1" if practitioner == "dr-a" else "chair-2"],
            )
            with raw_factory() as uow:
                uow.appointments.add(appointment)
                uow.commit()

    return _harness.best_of(service, 1, warmup=False), _harness.best_of(raw, 1, warmup=False)


def bench_booking(options: _harness.Options) -> None:
    sizes = (1, 3, 10) if options.quick else (10, 100, 1_000)
    folder = Path(tempfile.mkdtemp(prefix="clinicore-bench-"))
    counter = iter(range(1_000_000))

    def sqlite() -> UnitOfWorkFactory:
        engine = create_engine(f"sqlite:///{folder / f'bench-{next(counter)}.sqlite'}")
        create_schema(engine)
        return SqlUnitOfWorkFactory(engine)

    backends: list[tuple[str, Callable[[], UnitOfWorkFactory]]] = [("SQLite file", sqlite)]
    url = os.environ.get("CLINICORE_TEST_POSTGRES_URL")
    if url:

        def postgresql() -> UnitOfWorkFactory:
            schema = f"bench_{os.getpid()}_{next(counter)}"
            admin = create_engine(url)
            with admin.begin() as connection:
                connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            admin.dispose()
            engine = create_engine(url, schema=schema)
            create_schema(engine)
            return SqlUnitOfWorkFactory(engine)

        backends.append(("PostgreSQL", postgresql))
    else:
        print("\n(b) PostgreSQL skipped: set CLINICORE_TEST_POSTGRES_URL")
    for name, factory in backends:
        rows = []
        for size in sizes:
            seconds, baseline = _throughput(factory, size)
            rows.append(_harness.Row(size, seconds, baseline))
        _harness.print_table(
            f"(b) booking throughput on {name}: SchedulingService.book (all rules, overlap "
            "refused by the database), ratio to the repository's add alone",
            rows,
            item="booking",
        )
        print(
            "  bookings per second: "
            + ", ".join(f"{row.size / row.seconds:,.0f} at {row.size:,}" for row in rows)
            + "  (add alone: "
            + ", ".join(f"{row.size / row.baseline:,.0f}" for row in rows)
            + ")"
        )
    if url:
        _drop_bench_schemas(url)


def _drop_bench_schemas(url: str) -> None:
    admin = create_engine(url)
    with admin.begin() as connection:
        names = connection.exec_driver_sql(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %(prefix)s",
            {"prefix": f"bench_{os.getpid()}_%"},
        ).scalars()
        for name in list(names):
            connection.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
    admin.dispose()


def main() -> None:
    options = _harness.parse_args(__doc__)
    bench_search(options)
    bench_booking(options)


if __name__ == "__main__":
    main()
