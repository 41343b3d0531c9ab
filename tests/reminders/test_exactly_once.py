"""Every reminder is delivered exactly once (REM-7).

* Relays racing on a real database (SQLite file, PostgreSQL) each send different reminders:
  every key reaches the notifier once, without leaning on the notifier's own dedup.
* A relay that dies between sending and recording is taken over after its lease; the
  resend carries the same idempotency key, so the gateway drops it.
* A Hypothesis state machine interleaves bookings, cancellations, consent withdrawals,
  clock moves, gateway failures and relay crashes, and checks after every step that no
  reminder was delivered twice, none in quiet hours or after its deadline, none after
  its appointment was cancelled, and none without consent.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections import Counter

import pendulum
import pytest
import sqlalchemy as sa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
from clinicore.adapters.notifiers import RecordingNotifier
from clinicore.adapters.sql import SqlUnitOfWorkFactory, create_schema
from clinicore.clock import FixedClock
from clinicore.contact import ContactPurpose
from clinicore.ids import SequentialIdSource
from clinicore.messages import DeliveryReceipt, DeliveryStatus, OutboundMessage
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.reminders import OutboxStatus, default_policy
from clinicore.scheduling.events import AppointmentBooked, AppointmentCancelled, CancelledBy
from clinicore.services.bus import EventBus
from clinicore.services.directory import DirectoryService
from clinicore.services.reminders import ReminderService, ReminderSettings, subscribe
from clinicore.testing.contracts._concurrency import run_together

BERLIN = "Europe/Berlin"
START = pendulum.datetime(2026, 10, 19, 8, tz=BERLIN)


class RelayCrash(Exception):  # noqa: N818 - it is a simulated crash, not an error to handle
    """Simulates the relay process dying."""


class CrashAfterSend:
    """Delivers through ``inner``, then 'dies' before the relay can record the receipt."""

    def __init__(self, inner: RecordingNotifier, crashes: int = 1) -> None:
        self.inner = inner
        self.crashes = crashes

    def send(self, message: OutboundMessage) -> DeliveryReceipt:
        receipt = self.inner.send(message)
        if self.crashes > 0:
            self.crashes -= 1
            raise RelayCrash
        return receipt


class _World:
    """A site, patients and a reminder service over one store."""

    def __init__(self, uow_factory: UnitOfWorkFactory, patients: int = 4) -> None:
        self.uow_factory = uow_factory
        self.clock = FixedClock(START)
        self.notifier = RecordingNotifier()
        self.bus = EventBus()
        settings = ReminderSettings(batch_size=3)
        self.service = ReminderService(uow_factory, self.clock, self.notifier, settings=settings)
        subscribe(self.bus, self.service)
        directory = DirectoryService(uow_factory, self.clock, SequentialIdSource("w"))
        directory.register_site(site_id="berlin", name="Praxis", jurisdiction="DE")
        self.directory = directory
        self.patients = [f"pat-{n}" for n in range(patients)]
        for n, patient in enumerate(self.patients):
            directory.register_patient(
                patient_id=patient,
                given_name="Test",
                family_name="Patient",
                birth_date=_dt.date(1980, 1, 1),
                phone=f"+49151234567{n:02d}",
                locale=("de", "nb", "hu", "ru")[n % 4],
            )

    def relay(self, notifier: object | None = None) -> ReminderService:
        """Another relay process on the same store (own notifier handle, same gateway)."""
        return ReminderService(
            self.uow_factory,
            self.clock,
            notifier or self.notifier,  # type: ignore[arg-type]
            settings=self.service.settings,
        )

    def book(
        self, appointment_id: str, start: pendulum.DateTime, patient: str
    ) -> AppointmentBooked:
        event = AppointmentBooked(
            occurred_at=self.clock.now(),
            appointment_id=appointment_id,
            site_id="berlin",
            patient_id=patient,
            practitioner_id="dr-x",
            appointment_type="checkup",
            start=start,
            end=start.add(minutes=30),
        )
        with self.uow_factory() as uow:
            self.bus.publish(uow, event)
            uow.commit()
        return event

    def outbox(self) -> list:  # type: ignore[type-arg]
        return self.service.outbox(limit=10_000)


def _memory() -> UnitOfWorkFactory:
    store = MemoryStore()

    def open_uow() -> UnitOfWork:
        return MemoryUnitOfWork(store)

    return open_uow


@pytest.fixture
def sqlite_factory(sqlite_engine: sa.Engine) -> UnitOfWorkFactory:
    create_schema(sqlite_engine)
    return SqlUnitOfWorkFactory(sqlite_engine)


def _race(world: _World, relays: int) -> None:
    for n in range(30):
        start = START.add(days=2, hours=n % 8, minutes=(n * 7) % 60)
        world.book(f"apt-{n:03d}", start, world.patients[n % len(world.patients)])
    for moment in (
        START,
        START.add(days=1, hours=4),
        START.add(days=2, hours=5),
        START.add(days=3, hours=2),
    ):
        world.clock.set(moment)
        results = run_together(relays, lambda _: world.relay().dispatch_all())
        assert not [r for r in results if isinstance(r, BaseException)], results
    attempts = Counter(world.notifier.attempts)
    assert attempts, "nothing was sent"
    assert max(attempts.values()) == 1, [key for key, n in attempts.items() if n > 1]
    sent = {r.id for r in world.outbox() if r.status is OutboxStatus.SENT}
    assert sent == set(attempts)
    assert all(r.delivery is DeliveryStatus.DELIVERED for r in world.outbox() if r.id in sent)


def test_racing_relays_on_sqlite_send_each_reminder_once(sqlite_factory: UnitOfWorkFactory) -> None:
    """REM-7 on a SQLite file: four relay threads, 30 appointments, four relay moments."""
    _race(_World(sqlite_factory), relays=4)


@pytest.mark.postgresql
def test_racing_relays_on_postgresql_send_each_reminder_once(
    postgres_uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """REM-7 on PostgreSQL: eight relay threads claim with FOR UPDATE SKIP LOCKED."""
    _race(_World(postgres_uow_factory), relays=8)


def test_racing_relays_in_memory_send_each_reminder_once() -> None:
    _race(_World(_memory()), relays=4)


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_crash_between_send_and_record_does_not_send_twice(
    store: str, sqlite_factory: UnitOfWorkFactory
) -> None:
    """REM-7: the claim outlives the dead relay; the takeover resends the same key and the
    gateway answers "duplicate"; the patient got one message."""
    world = _World(_memory() if store == "memory" else sqlite_factory)
    world.book("apt-1", START.add(days=3), world.patients[0])
    crashing = world.relay(CrashAfterSend(world.notifier))
    with pytest.raises(RelayCrash):
        crashing.dispatch()
    [booked] = [r for r in world.outbox() if r.rule == "booked"]
    assert booked.status is OutboxStatus.SENDING
    assert len(world.notifier.sent) == 1
    assert world.relay().dispatch_all().claimed == 0  # the lease still holds
    world.clock.advance(minutes=5)
    report = world.relay().dispatch_all()
    assert (report.claimed, report.duplicates, report.sent) == (1, 1, 0)
    [booked] = [r for r in world.outbox() if r.rule == "booked"]
    assert (booked.status, booked.delivery, booked.attempts) == (
        OutboxStatus.SENT,
        DeliveryStatus.DUPLICATE,
        2,
    )
    assert [m.idempotency_key for m in world.notifier.sent] == [booked.id]


def test_a_slow_relay_that_lost_its_claim_records_nothing() -> None:
    world = _World(_memory())
    world.book("apt-1", START.add(days=3), world.patients[0])
    slow = world.relay()
    token = "slow-relay"
    [claimed] = [r for r in slow._claim(world.clock.now(), token, 10) if r.rule == "booked"]
    world.clock.advance(minutes=6)
    assert world.relay().dispatch_all().sent == 1
    assert slow._deliver(claimed, token, world.clock.now()).lost == 1
    assert len(world.notifier.sent) == 1


# -- the state machine -------------------------------------------------------------------------
class Relays(RuleBasedStateMachine):
    """Interleavings of everything that can happen to the outbox (in memory)."""

    def __init__(self) -> None:
        super().__init__()
        self.world = _World(_memory(), patients=3)
        self.booked: dict[str, AppointmentBooked] = {}
        # Steps, not instants: a cancellation and a send may share a clock reading.
        self.step = 0
        self.cancelled_at: dict[str, int] = {}
        self.withdrawn_at: dict[tuple[str, ContactPurpose], int] = {}
        self.sent_at: dict[str, tuple[int, pendulum.DateTime]] = {}
        self.seen = 0

    @rule(days=st.integers(0, 4), hour=st.integers(6, 20), patient=st.integers(0, 2))
    def book(self, days: int, hour: int, patient: int) -> None:
        appointment = f"apt-{len(self.booked)}"
        start = (
            self.world.clock.now().in_timezone(BERLIN).start_of("day").add(days=days, hours=hour)
        )
        if start <= self.world.clock.now():
            return
        self.booked[appointment] = self.world.book(appointment, start, self.world.patients[patient])

    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        open_ = sorted(set(self.booked) - set(self.cancelled_at))
        if not open_:
            return
        appointment = data.draw(st.sampled_from(open_))
        event = self.booked[appointment]
        cancel = AppointmentCancelled(
            occurred_at=self.world.clock.now(),
            appointment_id=event.appointment_id,
            site_id=event.site_id,
            patient_id=event.patient_id,
            practitioner_id=event.practitioner_id,
            appointment_type=event.appointment_type,
            start=event.start,
            end=event.end,
            cancelled_by=CancelledBy.PATIENT,
            late=False,
        )
        with self.world.uow_factory() as uow:
            self.world.bus.publish(uow, cancel)
            uow.commit()
        self.cancelled_at[appointment] = self.step

    @rule(
        patient=st.integers(0, 2),
        purpose=st.sampled_from([p for p in ContactPurpose if p is not ContactPurpose.RECALL]),
    )
    def withdraw_consent(self, patient: int, purpose: ContactPurpose) -> None:
        self.world.directory.withdraw_consent(self.world.patients[patient], purpose)
        self.withdrawn_at.setdefault((self.world.patients[patient], purpose), self.step)

    @rule(minutes=st.integers(1, 36 * 60))
    def advance(self, minutes: int) -> None:
        self.world.clock.advance(minutes=minutes)

    @rule(failures=st.integers(1, 3))
    def gateway_trouble(self, failures: int) -> None:
        self.world.notifier.fail_next(failures)

    @rule()
    def relay(self) -> None:
        self.world.relay().dispatch()

    @rule()
    def relay_dies_after_claiming(self) -> None:
        self.world.relay()._claim(self.world.clock.now(), "dead", 2)

    @rule()
    def relay_dies_after_sending(self) -> None:
        with contextlib.suppress(RelayCrash):
            self.world.relay(CrashAfterSend(self.world.notifier)).dispatch()

    @invariant()
    def delivered_at_most_once_and_only_when_allowed(self) -> None:
        sent = self.world.notifier.sent
        keys = [message.idempotency_key for message in sent]
        assert len(keys) == len(set(keys))
        now = self.world.clock.now()
        for message in sent[self.seen :]:
            self.sent_at[message.idempotency_key] = (self.step, now)
        self.seen = len(sent)
        self.step += 1
        quiet = default_policy().quiet_hours
        assert quiet is not None
        for reminder in self.world.outbox():
            if reminder.id not in self.sent_at:
                continue
            step, when = self.sent_at[reminder.id]
            assert not quiet.contains(when, BERLIN)
            assert reminder.expires_at is None or when < reminder.expires_at
            cancelled = self.cancelled_at.get(reminder.appointment_id or "")
            assert cancelled is None or step < cancelled
            withdrawn = self.withdrawn_at.get((reminder.patient_id, reminder.purpose))
            assert withdrawn is None or step < withdrawn

    def teardown(self) -> None:
        # Drain: far enough ahead, every reminder is closed and each sent one went out once.
        world = self.world
        world.notifier._failures.clear()
        for _ in range(16):
            world.clock.advance(hours=12)
            world.relay().dispatch_all()
        for reminder in world.outbox():
            assert not reminder.status.is_open, reminder
            if reminder.status is OutboxStatus.SENT:
                assert reminder.id in {m.idempotency_key for m in world.notifier.sent}


TestRelays = Relays.TestCase
TestRelays.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
