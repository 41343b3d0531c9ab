"""clinicore's pytest plugin and contract suites, as a host application uses them (PLT-4).

Each test writes a small host test suite into a temporary directory with `pytester` and
runs pytest on it in a subprocess, so the host's run is isolated from this one.
"""

from __future__ import annotations

import textwrap

import pytest

pytest_plugins = ["pytester"]

_HOST_CONFTEST = 'pytest_plugins = ["clinicore.testing.pytest_plugin"]\n'

_HOST_INI = textwrap.dedent(
    """
    [pytest]
    addopts = --strict-markers -p no:cacheprovider
    filterwarnings = error
    """
)


@pytest.fixture
def host(pytester: pytest.Pytester) -> pytest.Pytester:
    """A host project that opts into clinicore's plugin from its conftest.py."""
    pytester.makeconftest(_HOST_CONFTEST)
    pytester.makeini(_HOST_INI)
    return pytester


def test_every_fixture_of_the_plugin_works(host: pytest.Pytester) -> None:
    host.makepyfile(
        test_fixtures=textwrap.dedent(
            """
            import datetime

            import pendulum

            from clinicore.adapters.notifiers import RecordingNotifier
            from clinicore.clock import FixedClock
            from clinicore.contact import ContactChannel
            from clinicore.ids import SequentialIdSource
            from clinicore.messages import DeliveryStatus, OutboundMessage
            from clinicore.testing.samples import a_patient, a_site


            def test_fixed_clock(fixed_clock):
                assert isinstance(fixed_clock, FixedClock)
                assert fixed_clock.now() == pendulum.datetime(2026, 10, 24, 12, tz="Europe/Berlin")
                # The night after it the clocks go back: 24 h later is 11:00 local.
                assert fixed_clock.advance(hours=24).now().in_timezone("Europe/Berlin").hour == 11


            def test_fixed_clock_is_fresh_per_test(fixed_clock):
                assert fixed_clock.now().day == 24


            def test_sequential_ids(sequential_ids):
                assert isinstance(sequential_ids, SequentialIdSource)
                assert [sequential_ids.new_id() for _ in range(2)] == ["id-000001", "id-000002"]


            def test_recording_notifier(recording_notifier):
                assert isinstance(recording_notifier, RecordingNotifier)
                message = OutboundMessage("k-1", ContactChannel.SMS, "+4741234567", "Hei")
                assert recording_notifier.send(message).status is DeliveryStatus.DELIVERED
                assert recording_notifier.sent == [message]


            def _round_trip(factory):
                site, patient = a_site(), a_patient()
                with factory() as uow:
                    uow.sites.add(site)
                    uow.patients.add(patient)
                    uow.commit()
                with factory() as uow:
                    assert uow.sites.get(site.id).name == site.name
                    assert uow.patients.count() == 1


            def test_memory_uow_factory(memory_uow_factory):
                _round_trip(memory_uow_factory)


            def test_sqlite_uow_factory(sqlite_uow_factory, tmp_path):
                _round_trip(sqlite_uow_factory)
                assert (tmp_path / "clinicore.sqlite").exists()
            """
        )
    )
    result = host.runpytest_subprocess()
    result.assert_outcomes(passed=6)


def test_a_host_runs_a_contract_against_its_own_adapter(host: pytest.Pytester) -> None:
    """The documented pattern: a mixin provides ``uow_factory``, the contract does the rest."""
    host.makepyfile(
        test_my_adapter=textwrap.dedent(
            """
            import pytest

            from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
            from clinicore.testing.contracts import (
                PatientRepositoryContract,
                UnitOfWorkContract,
            )


            class MyStore:
                @pytest.fixture
                def uow_factory(self):
                    store = MemoryStore()
                    return lambda: MemoryUnitOfWork(store)


            class TestMyUnitOfWork(MyStore, UnitOfWorkContract):
                pass


            class TestMyPatients(MyStore, PatientRepositoryContract):
                pass
            """
        )
    )
    result = host.runpytest_subprocess()
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0, result.stdout.str()
    assert outcomes.get("errors", 0) == 0, result.stdout.str()
    assert outcomes["passed"] >= 15


def test_a_broken_host_adapter_fails_the_contract(host: pytest.Pytester) -> None:
    """The contract really checks: a unit of work that commits on exit without commit()."""
    host.makepyfile(
        test_broken_adapter=textwrap.dedent(
            """
            import pytest

            from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
            from clinicore.testing.contracts import UnitOfWorkContract


            class AlwaysCommits(MemoryUnitOfWork):
                def __exit__(self, *exc_info):
                    if self._txn is not None and exc_info[0] is None:
                        self.commit()
                    super().__exit__(*exc_info)


            class TestBroken(UnitOfWorkContract):
                @pytest.fixture
                def uow_factory(self):
                    store = MemoryStore()
                    return lambda: AlwaysCommits(store)
            """
        )
    )
    result = host.runpytest_subprocess()
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) >= 1
    result.stdout.fnmatch_lines(["*test_leaving_without_commit_discards_everything*"])


def test_a_contract_fixture_left_out_says_which(host: pytest.Pytester) -> None:
    host.makepyfile(
        test_forgot=textwrap.dedent(
            """
            from clinicore.testing.contracts import ClockContract


            class TestForgotTheFixture(ClockContract):
                pass
            """
        )
    )
    result = host.runpytest_subprocess()
    result.stdout.fnmatch_lines(["*the contract needs a 'clock' fixture*"])
    assert result.ret != 0
