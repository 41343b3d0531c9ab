"""The outbox entry's states: claim, deliver, retry with backoff, skip, withdraw (REM-4, REM-7)."""

from __future__ import annotations

import datetime as _dt

import attrs
import pendulum
import pytest

from clinicore.contact import ContactChannel, ContactPurpose
from clinicore.errors import InvalidTransitionError, ValidationError
from clinicore.messages import DeliveryReceipt, DeliveryStatus
from clinicore.reminders import (
    AppointmentFacts,
    ContactProfile,
    OutboxStatus,
    ReplyIntent,
    ScheduledReminder,
    backoff,
    default_policy,
    plan_reminders,
)

DUE = pendulum.datetime(2026, 10, 25, 8, tz="UTC")
LEASE = _dt.timedelta(minutes=5)


def _reminder(**overrides: object) -> ScheduledReminder:
    fields: dict[str, object] = {
        "key": "apt-1/day_before/20261026T0800Z",
        "patient_id": "pat-1",
        "site_id": "berlin",
        "rule": "day_before",
        "purpose": ContactPurpose.CONFIRMATION_REQUEST,
        "channel": ContactChannel.SMS,
        "template": "confirmation_request",
        "due_at": DUE,
        "expires_at": DUE.add(days=1),
        "appointment_id": "apt-1",
    }
    fields.update(overrides)
    return ScheduledReminder.new(**fields)  # type: ignore[arg-type]


def test_a_new_reminder_is_pending_and_ready_when_due() -> None:
    reminder = _reminder()
    assert reminder.status is OutboxStatus.PENDING
    assert reminder.ready_at == DUE
    assert not reminder.is_due(DUE.subtract(seconds=1))
    assert reminder.is_due(DUE)


def test_claim_then_delivered() -> None:
    claimed = _reminder().claim("t1", DUE, lease=LEASE)
    assert (claimed.status, claimed.claim_token, claimed.attempts) == (
        OutboxStatus.SENDING,
        "t1",
        1,
    )
    assert not claimed.is_due(DUE.add(minutes=4))  # another relay must wait for the lease
    receipt = DeliveryReceipt(claimed.id, DeliveryStatus.DELIVERED, "gw-1")
    sent = claimed.delivered(receipt, DUE.add(seconds=2))
    assert (sent.status, sent.delivery, sent.provider_reference) == (
        OutboxStatus.SENT,
        DeliveryStatus.DELIVERED,
        "gw-1",
    )
    assert sent.claim_token is None
    assert not sent.is_due(DUE.add(days=9))


def test_a_lapsed_claim_can_be_taken_again() -> None:
    """REM-7: a relay that died after claiming does not block the reminder forever."""
    claimed = _reminder().claim("t1", DUE, lease=LEASE)
    again = claimed.claim("t2", DUE.add(minutes=5), lease=LEASE)
    assert (again.claim_token, again.attempts) == ("t2", 2)
    with pytest.raises(InvalidTransitionError):
        claimed.claim("t3", DUE.add(minutes=1), lease=LEASE)


def test_transient_failures_back_off_then_give_up() -> None:
    reminder = _reminder()
    now = DUE
    for attempt in range(1, 3):
        reminder = reminder.claim(f"t{attempt}", now, lease=LEASE)
        reminder = reminder.failed_attempt(now, transient=True, max_attempts=3, detail="timeout")
        assert reminder.status is OutboxStatus.PENDING
        assert reminder.ready_at == now + backoff(attempt)
        now = reminder.ready_at
    reminder = reminder.claim("t3", now, lease=LEASE)
    final = reminder.failed_attempt(now, transient=True, max_attempts=3, detail="timeout")
    assert (final.status, final.delivery) == (OutboxStatus.FAILED, DeliveryStatus.FAILED)


def test_a_permanent_failure_is_final_at_once() -> None:
    claimed = _reminder().claim("t1", DUE, lease=LEASE)
    final = claimed.failed_attempt(DUE, transient=False, max_attempts=5, detail="not a mobile")
    assert final.status is OutboxStatus.FAILED
    assert final.detail == "not a mobile"


def test_withdrawal_closes_pending_and_marks_sent_ones() -> None:
    """REM-4: cancelling withdraws what is pending; a sent request is marked changed."""
    assert _reminder().withdrawn().status is OutboxStatus.WITHDRAWN
    sent = (
        _reminder().claim("t", DUE, lease=LEASE).delivered(DeliveryReceipt("k", "delivered"), DUE)
    )
    marked = sent.withdrawn()
    assert marked.status is OutboxStatus.SENT
    assert marked.appointment_changed


def test_skip_answer_and_wrong_transitions() -> None:
    assert _reminder().skipped("expired").status is OutboxStatus.SKIPPED
    sent = (
        _reminder().claim("t", DUE, lease=LEASE).delivered(DeliveryReceipt("k", "delivered"), DUE)
    )
    assert sent.answered(ReplyIntent.CONFIRM).reply is ReplyIntent.CONFIRM
    with pytest.raises(InvalidTransitionError):
        _reminder().answered(ReplyIntent.CONFIRM)
    with pytest.raises(InvalidTransitionError):
        sent.skipped("late")
    with pytest.raises(InvalidTransitionError):
        _reminder().delivered(DeliveryReceipt("k", "delivered"), DUE)


def test_expiry() -> None:
    reminder = _reminder()
    assert not reminder.expired(DUE)
    assert reminder.expired(DUE.add(days=1))
    assert not _reminder(expires_at=None).expired(DUE.add(years=1))


@pytest.mark.parametrize(
    "overrides",
    [
        {"key": ""},
        {"key": "x" * 201},
        {"patient_id": "no spaces"},
        {"status": "lost"},
        {"channel": "fax"},
        {"due_at": _dt.datetime(2026, 1, 1)},  # noqa: DTZ001
    ],
)
def test_bad_reminders_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _reminder(**overrides)


def test_from_a_plan() -> None:
    start = pendulum.datetime(2026, 10, 26, 9, tz="Europe/Berlin")
    facts = AppointmentFacts(
        appointment_id="apt-1",
        site_id="berlin",
        patient_id="pat-1",
        practitioner_id="dr-1",
        zone="Europe/Berlin",
        booked_at=start.subtract(days=7),
        start=start,
        end=start.add(hours=1),
    )
    plan = plan_reminders(facts, default_policy(), ContactProfile(sms=True), facts.booked_at)
    stored = [ScheduledReminder.from_plan(item) for item in plan.reminders]
    assert [s.id for s in stored] == [p.key for p in plan.reminders]
    assert all(s.status is OutboxStatus.PENDING and s.appointment_start == start for s in stored)
    assert attrs.evolve(stored[0], version=3).version == 3
