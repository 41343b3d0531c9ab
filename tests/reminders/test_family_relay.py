"""A household's same-day reminders go out as one message, still exactly once (REM-3).

* The relay combines the reminders of one household, rule and channel for appointments on
  one local day that it claims in one run (memory and SQLite), with a key derived from
  the members' keys; every member is recorded with the one receipt.
* A crash between sending and recording is taken over with the same key: one message.
* A member whose claim another relay took over is not sent twice; the rest go singly.
* Hypothesis: whatever the households, days and batch sizes, every member reminder ends
  sent, covered by exactly one delivered message.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections import Counter

import pendulum
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
from clinicore.adapters.notifiers import RecordingNotifier
from clinicore.adapters.sql import SqlUnitOfWorkFactory, create_schema
from clinicore.clock import FixedClock
from clinicore.errors import ValidationError
from clinicore.ids import SequentialIdSource
from clinicore.messages import DeliveryReceipt, DeliveryStatus, OutboundMessage
from clinicore.ports import UnitOfWork, UnitOfWorkFactory
from clinicore.reminders import OutboxStatus, ScheduledReminder
from clinicore.reminders.templates import RenderContext, default_catalog
from clinicore.scheduling.events import AppointmentBooked
from clinicore.services.bus import EventBus
from clinicore.services.directory import DirectoryService
from clinicore.services.reminders import ReminderService, ReminderSettings, subscribe

BERLIN = "Europe/Berlin"
START = pendulum.datetime(2026, 10, 19, 8, tz=BERLIN)
HOUSEHOLDS = {"mum": "family-1", "kid": "family-1", "dad": "family-1", "gran": "family-2"}


class RelayCrash(Exception):  # noqa: N818 - a simulated crash, not an error to handle
    """Simulates the relay process dying."""


class CrashAfterSend:
    """Delivers through ``inner``, then 'dies' before the relay can record the receipt."""

    def __init__(self, inner: RecordingNotifier) -> None:
        self.inner = inner
        self.crashed = False

    def send(self, message: OutboundMessage) -> DeliveryReceipt:
        receipt = self.inner.send(message)
        if not self.crashed:
            self.crashed = True
            raise RelayCrash
        return receipt


class _Clinic:
    """One site, a few patients, a reminder service with households."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        households: dict[str, str] | None = None,
        batch_size: int = 100,
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = FixedClock(START)
        self.notifier = RecordingNotifier()
        self.bus = EventBus()
        self.settings = ReminderSettings(
            households=HOUSEHOLDS if households is None else households, batch_size=batch_size
        )
        self.service = self.relay()
        subscribe(self.bus, self.service)
        directory = DirectoryService(uow_factory, self.clock, SequentialIdSource("f"))
        directory.register_site(site_id="berlin", name="Praxis", jurisdiction="DE")
        for n, patient in enumerate(("mum", "kid", "dad", "gran", "neighbour")):
            directory.register_patient(
                patient_id=patient,
                given_name=f"Name{patient.capitalize()}",
                family_name="Patient",
                birth_date=_dt.date(1980, 1, 1),
                phone=f"+49151234567{n:02d}",
                locale="de" if patient != "gran" else "nb",
            )

    def relay(self, notifier: object | None = None) -> ReminderService:
        return ReminderService(
            self.uow_factory,
            self.clock,
            notifier or self.notifier,  # type: ignore[arg-type]
            settings=self.settings,
        )

    def book(self, appointment_id: str, patient: str, start: pendulum.DateTime) -> None:
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

    def booked(self) -> dict[str, ScheduledReminder]:
        """The "booked" reminders (due at once) by patient."""
        return {r.patient_id: r for r in self.service.outbox(limit=10_000) if r.rule == "booked"}


def _memory() -> UnitOfWorkFactory:
    store = MemoryStore()

    def open_uow() -> UnitOfWork:
        return MemoryUnitOfWork(store)

    return open_uow


@pytest.fixture
def sqlite_factory(sqlite_engine: sa.Engine) -> UnitOfWorkFactory:
    create_schema(sqlite_engine)
    return SqlUnitOfWorkFactory(sqlite_engine)


def _factory(store: str, sqlite_factory: UnitOfWorkFactory) -> UnitOfWorkFactory:
    return _memory() if store == "memory" else sqlite_factory


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_households_same_day_reminders_go_out_as_one_message(
    store: str, sqlite_factory: UnitOfWorkFactory
) -> None:
    clinic = _Clinic(_factory(store, sqlite_factory))
    day = START.add(days=3).set(hour=9)
    clinic.book("apt-mum", "mum", day)
    clinic.book("apt-kid", "kid", day.add(minutes=30))
    clinic.book("apt-dad", "dad", day.add(days=1))  # another day: on its own
    clinic.book("apt-nb", "neighbour", day)  # no household: on its own
    report = clinic.service.dispatch_all()
    assert (report.claimed, report.sent, report.combined, report.lost) == (4, 4, 1, 0)
    keys = [m.idempotency_key for m in clinic.notifier.sent]
    assert len(keys) == 3
    [family] = [m for m in clinic.notifier.sent if m.idempotency_key.startswith("family/")]
    assert family.idempotency_key.startswith("family/family-1/booked/")
    assert "09:00, 09:30" in family.body
    assert family.to == "+4915123456700"  # the earliest member's address
    assert "NameKid" not in family.body
    assert "NameMum" not in family.body
    assert "NameKid" not in repr(family)
    assert "+49" not in repr(family)
    booked = clinic.booked()
    assert {booked[p].status for p in booked} == {OutboxStatus.SENT}
    assert booked["mum"].provider_reference == booked["kid"].provider_reference
    assert len({booked[p].provider_reference for p in booked}) == 3
    assert "NameKid" not in repr(clinic.settings)


def test_without_households_everyone_gets_their_own_message() -> None:
    clinic = _Clinic(_memory(), households={})
    day = START.add(days=3).set(hour=9)
    clinic.book("apt-mum", "mum", day)
    clinic.book("apt-kid", "kid", day.add(minutes=30))
    report = clinic.service.dispatch_all()
    assert (report.sent, report.combined) == (2, 0)
    assert sorted(m.idempotency_key for m in clinic.notifier.sent) == sorted(
        r.id for r in clinic.booked().values()
    )


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_crash_after_sending_the_family_message_does_not_send_it_twice(
    store: str, sqlite_factory: UnitOfWorkFactory
) -> None:
    clinic = _Clinic(_factory(store, sqlite_factory))
    day = START.add(days=3).set(hour=9)
    clinic.book("apt-mum", "mum", day)
    clinic.book("apt-kid", "kid", day.add(minutes=30))
    with pytest.raises(RelayCrash):
        clinic.relay(CrashAfterSend(clinic.notifier)).dispatch()
    assert len(clinic.notifier.sent) == 1
    assert {r.status for r in clinic.booked().values()} == {OutboxStatus.SENDING}
    clinic.clock.advance(minutes=6)
    report = clinic.relay().dispatch_all()
    assert (report.claimed, report.duplicates, report.sent) == (2, 2, 0)
    assert len(clinic.notifier.sent) == 1
    assert Counter(clinic.notifier.attempts) == {clinic.notifier.sent[0].idempotency_key: 2}
    booked = clinic.booked()
    assert {(r.status, r.delivery) for r in booked.values()} == {
        (OutboxStatus.SENT, DeliveryStatus.DUPLICATE)
    }


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_takeover_that_claims_only_some_members_resends_under_the_family_key(
    store: str, sqlite_factory: UnitOfWorkFactory
) -> None:
    """The crashed relay noted the family key on its members before sending; a takeover
    whose batch holds only one of them still sends under that key, and gets "duplicate"."""
    clinic = _Clinic(_factory(store, sqlite_factory), batch_size=2)
    day = START.add(days=3).set(hour=9)
    clinic.book("apt-mum", "mum", day)
    clinic.book("apt-kid", "kid", day.add(minutes=30))
    with pytest.raises(RelayCrash):
        clinic.relay(CrashAfterSend(clinic.notifier)).dispatch()
    clinic.clock.advance(minutes=1)
    clinic.book("apt-nb", "neighbour", day)  # due before the lapsed claims: splits the batch
    clinic.clock.advance(minutes=5)
    first = clinic.relay().dispatch()
    assert (first.claimed, first.sent, first.duplicates) == (2, 1, 1)
    report = clinic.relay().dispatch_all()
    assert (report.claimed, report.sent, report.duplicates) == (1, 0, 1)
    family = clinic.notifier.sent[0].idempotency_key
    assert family.startswith("family/")
    assert len(clinic.notifier.sent) == 2  # the family message and the neighbour's
    booked = clinic.booked()
    assert {(r.status, r.delivery) for p, r in booked.items() if p != "neighbour"} == {
        (OutboxStatus.SENT, DeliveryStatus.DUPLICATE)
    }
    assert Counter(clinic.notifier.attempts)[family] == 3


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_member_whose_claim_another_relay_took_is_not_sent_twice(
    store: str, sqlite_factory: UnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The slow relay finds one member's claim taken over: it sends the rest singly."""
    clinic = _Clinic(_factory(store, sqlite_factory))
    day = START.add(days=3).set(hour=9)
    clinic.book("apt-mum", "mum", day)
    clinic.book("apt-kid", "kid", day.add(minutes=30))
    slow = clinic.relay()
    other = clinic.relay()
    prepare = slow._prepare

    def prepare_slowly(
        batch: list[ScheduledReminder], now: _dt.datetime
    ) -> list[object]:  # the lease runs out while the slow relay reads
        result = prepare(batch, now)
        clinic.clock.advance(minutes=6)
        assert other.dispatch(limit=1).sent == 1
        return result  # type: ignore[return-value]

    monkeypatch.setattr(slow, "_prepare", prepare_slowly)
    report = slow.dispatch()
    assert (report.claimed, report.sent, report.lost, report.combined) == (2, 1, 1, 0)
    booked = clinic.booked()
    assert sorted(clinic.notifier.attempts) == sorted(r.id for r in booked.values())
    assert {(r.status, r.delivery) for r in booked.values()} == {
        (OutboxStatus.SENT, DeliveryStatus.DELIVERED)
    }
    assert slow.dispatch_all().claimed == 0


@pytest.mark.parametrize("locale", ["de", "nb", "hu", "id", "ru", "en"])
def test_the_family_template_lists_the_times_in_every_locale(locale: str) -> None:
    template = default_catalog().get("family_reminder", locale)
    assert template.locale == locale
    assert "times" in template.placeholders
    assert "name" not in template.placeholders
    context = RenderContext(
        locale=locale, zone=BERLIN, site="Praxis", start=START, times=(START.add(hours=1), START)
    )
    assert "08:00, 09:00" in template.render(context)
    with pytest.raises(ValidationError):
        template.render(RenderContext(locale=locale, zone=BERLIN, site="Praxis", start=START))


_PATIENTS = ("mum", "kid", "dad", "gran", "neighbour")


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    households=st.dictionaries(
        st.sampled_from(_PATIENTS), st.sampled_from(["family-1", "family-2"])
    ),
    appointments=st.lists(
        st.tuples(st.sampled_from(_PATIENTS), st.integers(0, 2), st.integers(8, 17)),
        min_size=1,
        max_size=8,
    ),
    batch_size=st.integers(1, 6),
    relays=st.integers(1, 3),
    crash=st.booleans(),
)
def test_every_member_reminder_is_sent_exactly_once_combined_or_not(
    households: dict[str, str],
    appointments: list[tuple[str, int, int]],
    batch_size: int,
    relays: int,
    crash: bool,
) -> None:
    clinic = _Clinic(_memory(), households=households, batch_size=batch_size)
    for n, (patient, days, hour) in enumerate(appointments[:-1]):
        clinic.book(f"apt-{n}", patient, START.add(days=3 + days).set(hour=hour))
    crashed: set[str] = set()  # the members of the message sent just before the crash
    if crash:  # the first relay dies after its first send; its claims lapse
        with contextlib.suppress(RelayCrash):
            clinic.relay(CrashAfterSend(clinic.notifier)).dispatch()
        if clinic.notifier.sent:
            key = clinic.notifier.sent[0].idempotency_key
            crashed = {
                r.id
                for r in clinic.service.outbox(limit=10_000)
                if r.id == key or r.detail == f"family-message:{key}"
            }
        clinic.clock.advance(minutes=1)
    patient, days, hour = appointments[-1]
    clinic.book(f"apt-{len(appointments)}", patient, START.add(days=3 + days).set(hour=hour))
    clinic.clock.advance(minutes=6)
    services = [clinic.relay() for _ in range(relays)]
    for _ in range(50):
        if sum(service.dispatch().claimed for service in services) == 0:
            break
    booked = clinic.service.outbox(limit=10_000)
    booked = [r for r in booked if r.rule == "booked"]
    assert len(booked) == len(appointments)
    assert {r.status for r in booked} == {OutboxStatus.SENT}
    # the crashed message's members were recorded "duplicate" on takeover, no one else
    assert {r.id for r in booked if r.delivery is DeliveryStatus.DUPLICATE} == crashed
    delivered = [r for r in booked if r.id not in crashed]
    assert {r.delivery for r in delivered} <= {DeliveryStatus.DELIVERED}
    # every other delivered message covers its reminders, each reminder exactly one message
    references = Counter(r.provider_reference for r in delivered)
    assert len(clinic.notifier.sent) == len(references) + int(bool(crashed))
    by_reference = {f"rec-{n + 1}": m for n, m in enumerate(clinic.notifier.sent)}
    for reference, count in references.items():
        message = by_reference[str(reference)]
        members = [r for r in delivered if r.provider_reference == reference]
        if count == 1 and not message.idempotency_key.startswith("family/"):
            assert message.idempotency_key == members[0].id
            continue
        assert message.idempotency_key.startswith("family/")
        assert len({r.patient_id for r in members}) >= 2
        assert len({households[r.patient_id] for r in members}) == 1
        local_days = {r.appointment_start.in_timezone(BERLIN).date() for r in members}  # type: ignore[union-attr]
        assert len(local_days) == 1
