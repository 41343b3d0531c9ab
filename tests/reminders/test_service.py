"""The reminder service on the event bus: plan, relay, reschedule, cancel, reply, recall.

REM-1..8 end to end on the in-memory store (the SQL stores are covered by the contract
suites and the exactly-once tests).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator

import attrs
import pendulum
import pytest

from clinicore.adapters.notifiers import RecordingNotifier
from clinicore.bootstrap import App, Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.contact import ContactChannel, ContactPurpose
from clinicore.dental.events import TreatmentItemDone
from clinicore.errors import DeliveryError, ValidationError
from clinicore.ids import SequentialIdSource
from clinicore.messages import DeliveryReceipt, DeliveryStatus, OutboundMessage
from clinicore.reminders import OutboxStatus, PolicyBook, ReminderPolicy, ReminderRule, ReplyIntent
from clinicore.scheduling.events import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentConfirmed,
    AppointmentNoShow,
    AppointmentRescheduled,
    CancelledBy,
)
from clinicore.services.reminders import ReminderService, ReminderSettings, ReplyOutcome

MONDAY_0800 = pendulum.datetime(2026, 10, 19, 8, tz="Europe/Berlin")


@pytest.fixture
def clock() -> FixedClock:
    """Monday 19 Oct 2026 08:00 in Berlin, the week of the autumn DST switch."""
    return FixedClock(MONDAY_0800)


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def app(clock: FixedClock, notifier: RecordingNotifier) -> Iterator[App]:
    """An in-memory app with sites in Berlin and Oslo and three patients."""
    with bootstrap(Config(), clock=clock, notifier=notifier, ids=SequentialIdSource("t")) as wired:
        seed_clinic(wired)
        yield wired


def seed_clinic(app: App) -> None:
    """Sites berlin and oslo, practitioner dr-weber, patients pat-de, pat-nb, pat-mail."""
    directory = app.directory
    directory.register_site(site_id="berlin", name="Praxis Mitte", jurisdiction="DE")
    directory.register_site(site_id="oslo", name="Tannklinikk", jurisdiction="NO")
    directory.register_practitioner(
        practitioner_id="dr-weber",
        display_name="Dr. Weber",
        site_ids=["berlin", "oslo"],
        speciality="dentistry",
    )
    directory.register_patient(
        patient_id="pat-de",
        given_name="Jonas",
        family_name="Becker",
        birth_date=_dt.date(1978, 10, 20),
        phone="+4915123456701",
        locale="de",
        vip=True,
    )
    directory.register_patient(
        patient_id="pat-nb",
        given_name="Kari",
        family_name="Nordmann",
        birth_date=_dt.date(1985, 2, 28),
        phone="+4741234504",
        locale="nb",
    )
    directory.register_patient(
        patient_id="pat-mail",
        given_name="Anna",
        family_name="Kovacs",
        birth_date=_dt.date(1990, 1, 1),
        email="anna@example.org",
        locale="hu",
    )


BookFn = Callable[..., AppointmentBooked]


@pytest.fixture
def book(app: App, clock: FixedClock) -> BookFn:
    """Publish an AppointmentBooked in a unit of work, as the scheduling service would."""

    def _book(
        appointment_id: str,
        start: pendulum.DateTime,
        *,
        patient_id: str = "pat-de",
        site_id: str = "berlin",
        minutes: int = 30,
        appointment_type: str = "checkup",
    ) -> AppointmentBooked:
        event = AppointmentBooked(
            occurred_at=clock.now(),
            appointment_id=appointment_id,
            site_id=site_id,
            patient_id=patient_id,
            practitioner_id="dr-weber",
            appointment_type=appointment_type,
            start=start,
            end=start.add(minutes=minutes),
        )
        with app.uow_factory() as uow:
            app.bus.publish(uow, event)
            uow.commit()
        return event

    return _book


BERLIN = "Europe/Berlin"


def _publish(app: App, event: object) -> None:
    with app.uow_factory() as uow:
        app.bus.publish(uow, event)  # type: ignore[arg-type]
        uow.commit()


def _statuses(app: App, appointment_id: str) -> dict[str, OutboxStatus]:
    return {r.rule: r.status for r in app.reminders.reminders_for(appointment_id)}


def test_a_booking_stores_its_reminders_in_the_same_unit_of_work(app: App, book: BookFn) -> None:
    """REM-1, REM-7: the outbox rows are written with the booking, or not at all."""
    start = pendulum.datetime(2026, 10, 22, 14, tz=BERLIN)
    book("apt-1", start)
    assert set(_statuses(app, "apt-1")) == {"booked", "day_before", "hours_before", "after_visit"}
    event = attrs.evolve(book("apt-2", start), appointment_id="apt-3")
    with app.uow_factory() as uow:
        app.bus.publish(uow, event)  # no commit: the booking is rolled back ...
    assert app.reminders.reminders_for("apt-3") == []  # ... and so are its reminders


def test_replaying_a_booking_event_plans_nothing_twice(app: App, book: BookFn) -> None:
    event = book("apt-1", pendulum.datetime(2026, 10, 22, 14, tz=BERLIN))
    _publish(app, event)
    assert len(app.reminders.reminders_for("apt-1")) == 4


def test_the_relay_sends_each_reminder_once_at_its_time_in_the_patients_language(
    app: App,
    book: BookFn,
    clock: FixedClock,
    notifier: RecordingNotifier,
) -> None:
    """REM-6, REM-7: rendered in German, times in Berlin time, across the DST switch."""
    start = pendulum.datetime(2026, 10, 26, 11, 30, tz=BERLIN)  # Monday after the switch
    book("apt-1", start)
    assert app.reminders.dispatch_all().sent == 1  # the booking message
    assert notifier.sent[0].body.startswith("Hallo Jonas, Ihr Termin in der Praxis Mitte")
    assert "Montag, 26. Oktober 2026 um 11:30 Uhr" in notifier.sent[0].body
    clock.set(pendulum.datetime(2026, 10, 25, 11, 29, tz=BERLIN))
    assert app.reminders.dispatch_all().sent == 0
    clock.set(pendulum.datetime(2026, 10, 25, 11, 30, tz=BERLIN))  # 25 h before: a calendar day
    report = app.reminders.dispatch_all()
    assert report.sent == 1
    assert notifier.sent[-1].body.startswith("Erinnerung")
    clock.set(start.subtract(hours=3))
    assert app.reminders.dispatch_all().sent == 1  # 3 h before: 08:30
    clock.set(start.add(hours=3))
    assert app.reminders.dispatch_all().sent == 1  # after the visit
    assert [m.idempotency_key.split("/")[1] for m in notifier.sent] == [
        "booked",
        "day_before",
        "hours_before",
        "after_visit",
    ]
    assert len(notifier.attempts) == 4
    assert set(_statuses(app, "apt-1").values()) == {OutboxStatus.SENT}


def test_rescheduling_withdraws_and_replans(app: App, book: BookFn, clock: FixedClock) -> None:
    """REM-4: the old time's pending reminders go, the new time gets its own."""
    old = pendulum.datetime(2026, 10, 22, 14, tz=BERLIN)
    booked = book("apt-1", old)
    new = old.add(days=7)
    _publish(app, _rescheduled(booked, "apt-2", new))
    assert set(_statuses(app, "apt-1").values()) == {OutboxStatus.WITHDRAWN}
    assert {r.appointment_start for r in app.reminders.reminders_for("apt-2")} == {new}


def _rescheduled(
    booked: object, new_id: str, new_start: pendulum.DateTime
) -> AppointmentRescheduled:
    fields = attrs.asdict(booked, recurse=False)  # type: ignore[arg-type]
    for name in ("previous_appointment_id", "previous_start", "previous_end"):
        fields.pop(name, None)
    return AppointmentRescheduled(
        **{
            **fields,
            "appointment_id": new_id,
            "start": new_start,
            "end": new_start.add(minutes=30),
        },
        previous_appointment_id=fields["appointment_id"],
        previous_start=fields["start"],
        previous_end=fields["end"],
    )


def test_moving_an_appointment_in_place_and_back_revives_its_reminders(
    app: App, book: BookFn
) -> None:
    start = pendulum.datetime(2026, 10, 22, 14, tz=BERLIN)
    booked = book("apt-1", start)
    moved = _rescheduled(booked, "apt-1", start.add(days=1))
    _publish(app, moved)
    _publish(app, _rescheduled(moved, "apt-1", start))
    pending = [r for r in app.reminders.reminders_for("apt-1") if r.status is OutboxStatus.PENDING]
    assert {r.appointment_start for r in pending} == {start}


def test_cancelling_and_no_show_withdraw_pending_reminders(app: App, book: BookFn) -> None:
    """REM-4."""
    start = pendulum.datetime(2026, 10, 22, 14, tz=BERLIN)
    booked = book("apt-1", start)
    app.reminders.dispatch_all()
    fields = attrs.asdict(booked, recurse=False)
    _publish(app, AppointmentCancelled(**fields, cancelled_by=CancelledBy.PATIENT, late=False))
    statuses = _statuses(app, "apt-1")
    assert statuses.pop("booked") is OutboxStatus.SENT
    assert set(statuses.values()) == {OutboxStatus.WITHDRAWN}
    other = book("apt-2", start.add(days=1))
    _publish(app, AppointmentNoShow(**attrs.asdict(other, recurse=False)))
    assert OutboxStatus.PENDING not in set(_statuses(app, "apt-2").values())


def test_a_confirmation_drops_the_pending_confirmation_request(app: App, book: BookFn) -> None:
    booked = book("apt-1", pendulum.datetime(2026, 10, 22, 14, tz=BERLIN))
    _publish(app, AppointmentConfirmed(**attrs.asdict(booked, recurse=False)))
    assert _statuses(app, "apt-1")["day_before"] is OutboxStatus.SKIPPED


class _Scheduling:
    """Stands in for the scheduling service's confirm/cancel."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def confirm(self, appointment_id: str) -> None:
        self.calls.append(("confirm", appointment_id))

    def cancel(self, appointment_id: str, *, reason: str) -> None:
        self.calls.append(("cancel", appointment_id))


def _service_with(
    app: App, clock: FixedClock, notifier: RecordingNotifier, **kwargs: object
) -> ReminderService:
    service = ReminderService(app.uow_factory, clock, notifier, **kwargs)  # type: ignore[arg-type]
    app.bus = type(app.bus)()
    from clinicore.services.reminders import subscribe  # noqa: PLC0415

    subscribe(app.bus, service)
    return service


def test_a_reply_confirms_or_cancels_through_scheduling(
    app: App,
    book: BookFn,
    clock: FixedClock,
    notifier: RecordingNotifier,
) -> None:
    """REM-8: "ja"/"nei" in the patient's language; a bad reply is rejected with a reason."""
    scheduling = _Scheduling()
    service = _service_with(app, clock, notifier, appointments=scheduling)
    start = pendulum.datetime(2026, 10, 22, 14, tz="Europe/Oslo")
    book("apt-1", start, patient_id="pat-nb", site_id="oslo")
    key = next(r.id for r in service.reminders_for("apt-1") if r.rule == "day_before")
    assert service.handle_reply(key, "ja").reason == "no_pending_request"  # not sent yet
    clock.set(start.subtract(days=1))
    service.dispatch_all()
    assert service.handle_reply(key, "kanskje").reason == "unclear_reply"
    assert service.handle_reply("no-such-key", "ja").reason == "no_pending_request"
    assert service.handle_reply(key, "Ja takk!") == ReplyOutcome(True, ReplyIntent.CONFIRM)
    assert scheduling.calls == [("confirm", "apt-1")]
    assert service.handle_reply(key, "nei").reason == "already_answered"
    assert (
        next(r for r in service.reminders_for("apt-1") if r.id == key).reply is ReplyIntent.CONFIRM
    )


def test_a_reply_to_a_changed_or_started_appointment_is_rejected(
    app: App,
    book: BookFn,
    clock: FixedClock,
    notifier: RecordingNotifier,
) -> None:
    """REM-8: a reply to a moved appointment must not cancel the new one."""
    scheduling = _Scheduling()
    service = _service_with(app, clock, notifier, appointments=scheduling)
    start = pendulum.datetime(2026, 10, 22, 14, tz=BERLIN)
    booked = book("apt-1", start)
    key = next(r.id for r in service.reminders_for("apt-1") if r.rule == "day_before")
    clock.set(start.subtract(days=1))
    service.dispatch_all()
    _publish(app, _rescheduled(booked, "apt-1", start.add(days=2)))
    assert service.handle_reply(key, "nein").reason == "appointment_changed"
    other = book("apt-2", start.add(days=5))
    key2 = next(r.id for r in service.reminders_for("apt-2") if r.rule == "day_before")
    clock.set(other.start.subtract(days=1))
    service.dispatch_all()
    clock.set(other.start.add(minutes=1))
    assert service.handle_reply(key2, "nein").reason == "appointment_started"
    booking = next(r.id for r in service.reminders_for("apt-2") if r.rule == "booked")
    assert service.handle_reply(booking, "ja").reason == "not_a_confirmation_request"
    assert scheduling.calls == []


def test_consent_withdrawn_after_planning_stops_the_message(
    app: App,
    book: BookFn,
    clock: FixedClock,
    notifier: RecordingNotifier,
) -> None:
    """REM-3 (rules.md): an opt-out recorded after booking still stops the reminder."""
    start = pendulum.datetime(2026, 10, 22, 14, tz=BERLIN)
    book("apt-1", start)
    app.reminders.dispatch_all()
    app.directory.withdraw_consent("pat-de", ContactPurpose.CONFIRMATION_REQUEST)
    clock.set(start.subtract(days=1))
    report = app.reminders.dispatch_all()
    assert report.skipped == 1
    assert report.sent == 0
    day_before = next(r for r in app.reminders.reminders_for("apt-1") if r.rule == "day_before")
    assert (day_before.status, day_before.detail) == (OutboxStatus.SKIPPED, "no_consent")


def test_an_email_only_patient_gets_email(
    app: App, book: BookFn, notifier: RecordingNotifier
) -> None:
    """REM-2: no mobile number: the rules' e-mail fallback is used; Hungarian text."""
    book("apt-1", pendulum.datetime(2026, 10, 22, 14, tz=BERLIN), patient_id="pat-mail")
    app.reminders.dispatch_all()
    assert notifier.sent[0].channel is ContactChannel.EMAIL
    assert notifier.sent[0].body.startswith("Kedves Anna!")


def test_an_expired_reminder_is_skipped_not_sent_late(
    app: App,
    book: BookFn,
    clock: FixedClock,
    notifier: RecordingNotifier,
) -> None:
    """REM-3: a relay that was down until after the start sends nothing late."""
    start = pendulum.datetime(2026, 10, 22, 14, tz=BERLIN)
    book("apt-1", start)
    app.reminders.dispatch_all()
    clock.set(start.add(minutes=5))
    report = app.reminders.dispatch_all()
    assert report.skipped == 2  # day before and hours before
    assert [m.idempotency_key.split("/")[1] for m in notifier.sent] == ["booked"]


def test_transient_failures_retry_with_backoff_then_fail(
    app: App,
    book: BookFn,
    clock: FixedClock,
    notifier: RecordingNotifier,
) -> None:
    """REM-7: retries with exponential backoff, then a final failed state."""
    book("apt-1", pendulum.datetime(2026, 10, 29, 14, tz=BERLIN))
    notifier.fail_next(5)
    waits = []
    for _ in range(5):
        report = app.reminders.dispatch_all()
        booked = next(r for r in app.reminders.reminders_for("apt-1") if r.rule == "booked")
        waits.append(booked.ready_at - clock.now())
        clock.set(booked.ready_at)
    assert report.failed == 1
    assert booked.status is OutboxStatus.FAILED
    assert booked.attempts == 5
    assert waits[:4] == [_dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert notifier.sent == []


class _Refusing:
    def send(self, message: OutboundMessage) -> DeliveryReceipt:
        raise DeliveryError("number cannot receive SMS", transient=False)


class _FailedReceipt:
    def send(self, message: OutboundMessage) -> DeliveryReceipt:
        return DeliveryReceipt(message.idempotency_key, DeliveryStatus.FAILED, detail="bounced")


@pytest.mark.parametrize("gateway", [_Refusing(), _FailedReceipt()])
def test_a_permanent_failure_is_final(
    app: App, book: BookFn, clock: FixedClock, gateway: object
) -> None:
    service = _service_with(app, clock, gateway)  # type: ignore[arg-type]
    book("apt-1", pendulum.datetime(2026, 10, 29, 14, tz=BERLIN))
    assert service.dispatch_all().failed == 1
    booked = next(r for r in service.reminders_for("apt-1") if r.rule == "booked")
    assert booked.status is OutboxStatus.FAILED
    assert booked.attempts == 1


def test_call_tasks_fall_back_to_sms_when_the_desk_is_overloaded(
    app: App,
    book: BookFn,
    clock: FixedClock,
    notifier: RecordingNotifier,
) -> None:
    """REM-2 (seed 001): with 5 open call tasks, the desk's reminder call becomes an SMS."""
    call = ReminderRule.before("call", days=2, channel="phone", fallback_channel="sms")
    policy = ReminderPolicy(rules=(call,), call_fallback_threshold=5)
    load = {"berlin": 0}
    service = _service_with(
        app,
        clock,
        notifier,
        settings=ReminderSettings(policies=PolicyBook(policy)),
        open_call_tasks=lambda site: load[site],
    )
    start = pendulum.datetime(2026, 10, 29, 14, tz=BERLIN)
    book("apt-1", start)
    book("apt-2", start.add(hours=1))
    clock.set(start.subtract(days=2))
    service.dispatch(limit=1)
    load["berlin"] = 5
    clock.set(start.add(hours=1).subtract(days=2))
    service.dispatch_all()
    assert [(m.channel, m.to) for m in notifier.sent] == [
        (ContactChannel.PHONE, "desk:berlin"),
        (ContactChannel.SMS, "+4915123456701"),
    ]


def test_hygiene_recall_six_months_after_completion_needs_opt_in(
    app: App,
    book: BookFn,
    clock: FixedClock,
    notifier: RecordingNotifier,
) -> None:
    """REM-5 and rules.md (UWG): recall only with a recorded opt-in."""
    start = pendulum.datetime(2026, 10, 19, 9, tz=BERLIN)
    booked = book("apt-1", start, appointment_type="hygiene")
    _publish(
        app,
        AppointmentCompleted(
            **attrs.asdict(booked, recurse=False), started_at=start, ended_at=start.add(minutes=40)
        ),
    )
    clock.set(pendulum.datetime(2027, 4, 19, 9, tz=BERLIN))
    assert app.reminders.run_recalls().not_allowed == 1  # no opt-in yet: nothing queued
    app.directory.record_consent("pat-de", "sms", "recall", granted=True)
    clock.set(pendulum.datetime(2027, 5, 17, 9, tz=BERLIN))  # four weeks of spacing later
    assert app.reminders.run_recalls().recalls == 1
    assert app.reminders.run_recalls().recalls == 0  # once a day at most
    clock.set(pendulum.datetime(2027, 5, 17, 10, tz=BERLIN))
    app.reminders.dispatch_all()
    assert notifier.sent[-1].body.startswith("Hallo Jonas, es ist Zeit für Ihre nächste Kontrolle")


def test_a_future_appointment_suppresses_recall(app: App, book: BookFn, clock: FixedClock) -> None:
    app.directory.record_consent("pat-de", "sms", "recall", granted=True)
    start = pendulum.datetime(2026, 10, 19, 9, tz=BERLIN)
    booked = book("apt-1", start, appointment_type="hygiene")
    _publish(
        app,
        AppointmentCompleted(
            **attrs.asdict(booked, recurse=False), started_at=start, ended_at=start.add(minutes=40)
        ),
    )
    book("apt-2", pendulum.datetime(2027, 5, 3, 9, tz=BERLIN))
    clock.set(pendulum.datetime(2027, 4, 20, 9, tz=BERLIN))
    assert app.reminders.run_recalls().recalls == 0


def test_post_operative_care_call_the_next_day(
    app: App,
    clock: FixedClock,
    notifier: RecordingNotifier,
) -> None:
    """REM-5 (seed 001): a surgery (procedure done) makes a care call task the next day."""
    done = pendulum.datetime(2026, 10, 19, 15, tz=BERLIN)
    _publish(
        app,
        TreatmentItemDone(
            occurred_at=done,
            plan_id="plan-1",
            item_id="i-1",
            patient_id="pat-de",
            practitioner_id="dr-weber",
            site_id="berlin",
            procedure_code="extraction",
            site="36",
        ),
    )
    clock.set(pendulum.datetime(2026, 10, 20, 7, tz=BERLIN))
    assert app.reminders.run_recalls().recalls == 1
    clock.set(pendulum.datetime(2026, 10, 20, 10, tz=BERLIN))
    app.reminders.dispatch_all()
    assert (notifier.sent[-1].channel, notifier.sent[-1].to) == (
        ContactChannel.PHONE,
        "desk:berlin",
    )
    assert notifier.sent[-1].body.startswith("Nachsorge-Anruf")


def test_vip_birthday_greetings_need_opt_in(
    app: App,
    clock: FixedClock,
    notifier: RecordingNotifier,
) -> None:
    """REM-5: birthday greetings for VIP patients (pat-de is VIP, born 20 October)."""
    service = _service_with(
        app, clock, notifier, settings=ReminderSettings(greeting_site_id="berlin")
    )
    clock.set(pendulum.datetime(2026, 10, 20, 7, tz=BERLIN))
    assert service.run_recalls().greetings == 0
    app.directory.record_consent("pat-de", "sms", "greeting", granted=True)
    assert service.run_recalls().greetings == 1
    assert service.run_recalls().greetings == 0
    clock.set(pendulum.datetime(2026, 10, 20, 10, tz=BERLIN))
    service.dispatch_all()
    assert notifier.sent[-1].body == "Alles Gute zum Geburtstag, Jonas! Ihre Praxis Mitte"


def test_unknown_patients_and_sites_get_no_reminders_and_the_booking_stands(
    app: App, book: BookFn
) -> None:
    book("apt-1", pendulum.datetime(2026, 10, 22, 14, tz=BERLIN), patient_id="pat-unknown")
    book("apt-2", pendulum.datetime(2026, 10, 22, 14, tz=BERLIN), site_id="nowhere")
    assert app.reminders.reminders_for("apt-1") == app.reminders.reminders_for("apt-2") == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lease": _dt.timedelta(0)},
        {"lease": 300},
        {"batch_size": 0},
        {"batch_size": "10"},
        {"recall_types": ["hygiene"]},
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ReminderSettings(**kwargs)  # type: ignore[arg-type]
