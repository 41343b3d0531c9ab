"""pytest fixtures for code built on clinicore.

Opt in from your ``conftest.py``:

    pytest_plugins = ["clinicore.testing.pytest_plugin"]

Fixtures:

* ``fixed_clock``: a [`FixedClock`][clinicore.clock.FixedClock] at Saturday 24 October 2026,
  12:00 in Berlin (the night after it the clocks go back);
* ``sequential_ids``: a [`SequentialIdSource`][clinicore.ids.SequentialIdSource];
* ``recording_notifier``: a [`RecordingNotifier`][clinicore.adapters.notifiers.RecordingNotifier];
* ``memory_uow_factory``: units of work over a fresh in-memory store;
* ``sqlite_uow_factory``: units of work over a fresh SQLite file in ``tmp_path``
  (needs the ``sql`` extra).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
from clinicore.adapters.notifiers import RecordingNotifier
from clinicore.clock import FixedClock
from clinicore.ids import SequentialIdSource
from clinicore.ports import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "fixed_clock",
    "memory_uow_factory",
    "recording_notifier",
    "sequential_ids",
    "sqlite_uow_factory",
]

# Show the compared values when a contract check fails in a host's test run. Only possible
# before the contracts are imported; registering later would just warn.
if "clinicore.testing.contracts" not in sys.modules:
    pytest.register_assert_rewrite("clinicore.testing.contracts")

FIXED_INSTANT = pendulum.datetime(2026, 10, 24, 12, tz="Europe/Berlin")
"""Where ``fixed_clock`` starts: the day before the autumn DST switch in Europe."""


@pytest.fixture
def fixed_clock() -> FixedClock:
    """A clock standing at `FIXED_INSTANT`; move it with ``advance``/``set``."""
    return FixedClock(FIXED_INSTANT)


@pytest.fixture
def sequential_ids() -> SequentialIdSource:
    """Ids ``id-000001``, ``id-000002``..."""
    return SequentialIdSource()


@pytest.fixture
def recording_notifier() -> RecordingNotifier:
    """A notifier that keeps what it sends in ``.sent``."""
    return RecordingNotifier()


@pytest.fixture
def memory_uow_factory() -> UnitOfWorkFactory:
    """Opens units of work over one fresh in-memory store."""
    store = MemoryStore()

    def open_uow() -> UnitOfWork:
        return MemoryUnitOfWork(store)

    return open_uow


@pytest.fixture
def sqlite_uow_factory(tmp_path: Path) -> Iterator[UnitOfWorkFactory]:
    """Opens units of work over a fresh SQLite file with clinicore's schema."""
    from clinicore.adapters.sql import (  # noqa: PLC0415 - only for hosts with the sql extra
        SqlUnitOfWorkFactory,
        create_engine,
        create_schema,
    )

    engine = create_engine(f"sqlite:///{tmp_path / 'clinicore.sqlite'}")
    create_schema(engine)
    yield SqlUnitOfWorkFactory(engine)
    engine.dispose()
