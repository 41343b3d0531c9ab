"""Planning reminders for an appointment: constraints, consent, channels, keys (REM-1..3)."""

from __future__ import annotations

import datetime as _dt

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicore.contact import ContactChannel, ContactConsents, ContactPurpose
from clinicore.errors import NaiveDatetimeError, ValidationError
from clinicore.reminders import (
    Anchor,
    AppointmentFacts,
    ContactProfile,
    Offset,
    ReminderPolicy,
    ReminderRule,
    SkipReason,
    choose_channel,
    combine_family,
    default_policy,
    may_contact,
    plan_reminders,
    reminder_key,
)
from clinicore.testing import strategies as cst
from clinicore.testing.samples import a_patient
from clinicore.zones import to_utc

BERLIN = "Europe/Berlin"
SMS_ONLY = ContactProfile(sms=True)


def _facts(
    start: pendulum.DateTime, booked: pendulum.DateTime, minutes: int = 30
) -> AppointmentFacts:
    return AppointmentFacts(
        appointment_id="apt-1",
        site_id="berlin",
        patient_id="pat-1",
        practitioner_id="dr-weber",
        zone=BERLIN,
        booked_at=booked,
        start=start,
        end=start.add(minutes=minutes),
    )


def _rules(plan: object) -> list[str]:
    return [item.rule for item in plan.reminders]  # type: ignore[attr-defined]


def test_a_booking_a_week_ahead_gets_all_four_messages() -> None:
    """REM-1 (seed 001): booking SMS, day before, 3 h before, after the visit."""
    start = pendulum.datetime(2026, 10, 22, 14, tz=BERLIN)
    booked = pendulum.datetime(2026, 10, 15, 10, tz=BERLIN)
    plan = plan_reminders(_facts(start, booked), default_policy(), SMS_ONLY, booked)
    assert _rules(plan) == ["booked", "day_before", "hours_before", "after_visit"]
    due = {
        item.rule: item.due_at.in_timezone(BERLIN).strftime("%d %H:%M") for item in plan.reminders
    }
    assert due == {
        "booked": "15 10:00",
        "day_before": "21 14:00",
        "hours_before": "22 11:00",
        "after_visit": "22 16:30",
    }
    assert all(item.channel is ContactChannel.SMS for item in plan.reminders)
    assert plan.skipped == ()


def test_a_booking_late_at_night_for_the_next_morning() -> None:
    """REM-3: the booking SMS waits for 08:00; no day-before; 06:00 is quiet, 08:00 too close."""
    start = pendulum.datetime(2026, 10, 22, 9, tz=BERLIN)
    booked = pendulum.datetime(2026, 10, 21, 23, tz=BERLIN)
    plan = plan_reminders(_facts(start, booked), default_policy(), SMS_ONLY, booked)
    assert _rules(plan) == ["booked", "after_visit"]
    assert plan.reminders[0].due_at.in_timezone(BERLIN).strftime("%H:%M") == "08:00"
    assert {(s.rule, s.reason) for s in plan.skipped} == {
        ("day_before", SkipReason.BOOKED_TOO_LATE),
        ("hours_before", SkipReason.AFTER_START),
    }


def test_an_early_appointment_loses_the_hours_before_message_to_quiet_hours() -> None:
    """REM-3: 3 h before 09:00 is 06:00 (quiet); 08:00 is closer than 2 h: dropped."""
    start = pendulum.datetime(2026, 10, 22, 9, tz=BERLIN)
    booked = start.subtract(days=5)
    plan = plan_reminders(_facts(start, booked), default_policy(), SMS_ONLY, booked)
    assert ("hours_before", SkipReason.AFTER_START) in {(s.rule, s.reason) for s in plan.skipped}


def test_a_late_appointment_gets_its_hours_before_message_when_quiet_hours_end() -> None:
    start = pendulum.datetime(2026, 10, 22, 10, 30, tz=BERLIN)
    booked = start.subtract(days=5)
    plan = plan_reminders(_facts(start, booked), default_policy(), SMS_ONLY, booked)
    soon = next(item for item in plan.reminders if item.rule == "hours_before")
    assert soon.due_at.in_timezone(BERLIN).strftime("%H:%M") == "08:00"


def test_a_moment_that_has_passed_is_skipped_not_sent_late() -> None:
    """REM-3: planned after the day-before moment, the day-before message is skipped."""
    start = pendulum.datetime(2026, 10, 22, 14, tz=BERLIN)
    booked = start.subtract(days=5)
    now = start.subtract(hours=20)
    plan = plan_reminders(_facts(start, booked), default_policy(), SMS_ONLY, now)
    reasons = {s.rule: s.reason for s in plan.skipped}
    assert reasons == {"booked": SkipReason.PASSED, "day_before": SkipReason.PASSED}


def test_a_send_late_rule_goes_out_now_instead() -> None:
    start = pendulum.datetime(2026, 10, 22, 14, tz=BERLIN)
    rule = ReminderRule.before("late_ok", days=1, send_late=True)
    now = start.subtract(hours=20)
    plan = plan_reminders(
        _facts(start, start.subtract(days=5)), ReminderPolicy(rules=(rule,)), SMS_ONLY, now
    )
    assert plan.reminders[0].due_at == to_utc(now)


def test_an_opt_out_stops_reminders_and_recall_needs_an_opt_in() -> None:
    """rules.md "Reminders and contact": reminders honour opt-out; recall needs opt-in."""
    at = pendulum.datetime(2026, 1, 1, tz=BERLIN)
    policy = default_policy()
    none = ContactConsents()
    assert may_contact(none, ContactChannel.SMS, ContactPurpose.APPOINTMENT_REMINDER, policy)
    assert not may_contact(none, ContactChannel.SMS, ContactPurpose.RECALL, policy)
    granted = none.record("sms", "recall", True, at)
    assert may_contact(granted, ContactChannel.SMS, ContactPurpose.RECALL, policy)
    withdrawn = granted.withdraw("recall", at.add(days=1))
    assert not may_contact(withdrawn, ContactChannel.SMS, ContactPurpose.RECALL, policy)
    out = none.record("sms", "appointment_reminder", False, at)
    assert not may_contact(out, ContactChannel.SMS, ContactPurpose.APPOINTMENT_REMINDER, policy)


def test_an_sms_opt_out_falls_back_to_email_or_is_skipped() -> None:
    start = pendulum.datetime(2026, 10, 22, 14, tz=BERLIN)
    booked = start.subtract(days=5)
    out = ContactConsents().record("sms", "appointment_reminder", False, booked.subtract(days=1))
    with_mail = ContactProfile(sms=True, email=True, consents=out)
    plan = plan_reminders(_facts(start, booked), default_policy(), with_mail, booked)
    channels = {item.rule: item.channel for item in plan.reminders}
    assert channels["booked"] is ContactChannel.EMAIL
    assert channels["hours_before"] is ContactChannel.EMAIL
    no_mail = ContactProfile(sms=True, consents=out)
    plan = plan_reminders(_facts(start, booked), default_policy(), no_mail, booked)
    assert {s.rule: s.reason for s in plan.skipped}["booked"] is SkipReason.NO_CONSENT
    nothing = plan_reminders(_facts(start, booked), default_policy(), ContactProfile(), booked)
    assert {s.reason for s in nothing.skipped} == {SkipReason.NO_ADDRESS}


def test_call_tasks_fall_back_to_sms_when_the_desk_is_overloaded() -> None:
    """REM-2 (seed 001): open call tasks above the threshold become SMS."""
    rule = ReminderRule.before("call", days=1, channel="phone", fallback_channel="sms")
    policy = ReminderPolicy(rules=(rule,), call_fallback_threshold=10)
    assert choose_channel(rule, SMS_ONLY, policy, open_call_tasks=3) is ContactChannel.PHONE
    assert choose_channel(rule, SMS_ONLY, policy, open_call_tasks=10) is ContactChannel.SMS
    no_threshold = attrs.evolve(policy, call_fallback_threshold=None)
    assert choose_channel(rule, SMS_ONLY, no_threshold, open_call_tasks=99) is ContactChannel.PHONE


def test_two_messages_of_one_purpose_close_together_are_one_too_many() -> None:
    """REM-3: never two messages of the same purpose for one appointment at once."""
    first = ReminderRule(
        "now", Anchor.BOOKED, Offset(), "sms", "appointment_booked", "appointment_reminder"
    )
    second = ReminderRule.before("soon", hours=3)
    start = pendulum.datetime(2026, 10, 22, 11, tz=BERLIN)
    booked = pendulum.datetime(2026, 10, 21, 23, tz=BERLIN)  # both land at 08:00
    plan = plan_reminders(
        _facts(start, booked), ReminderPolicy(rules=(first, second)), SMS_ONLY, booked
    )
    assert _rules(plan) == ["now"]
    assert plan.skipped[0].reason is SkipReason.DUPLICATE
    assert plan.skipped[0].detail == "now"


def test_keys_are_stable_and_change_with_the_start() -> None:
    start = pendulum.datetime(2026, 10, 22, 14, tz=BERLIN)
    booked = start.subtract(days=5)
    once = plan_reminders(_facts(start, booked), default_policy(), SMS_ONLY, booked)
    again = plan_reminders(_facts(start, booked), default_policy(), SMS_ONLY, booked)
    moved = plan_reminders(_facts(start.add(days=1), booked), default_policy(), SMS_ONLY, booked)
    assert [r.key for r in once.reminders] == [r.key for r in again.reminders]
    assert not {r.key for r in once.reminders} & {r.key for r in moved.reminders}
    assert once.reminders[1].key == reminder_key("apt-1", "day_before", start)


def test_a_profile_is_built_from_a_patient() -> None:
    profile = ContactProfile.of(a_patient())
    assert profile.sms
    assert not profile.email


def test_bad_appointment_facts_are_refused() -> None:
    start = pendulum.datetime(2026, 10, 22, 14, tz=BERLIN)
    with pytest.raises(ValidationError):
        _facts(start, start, minutes=0)
    with pytest.raises(ValidationError):
        attrs.evolve(_facts(start, start), zone="Mars/Olympus")
    with pytest.raises(NaiveDatetimeError):
        plan_reminders(_facts(start, start), default_policy(), SMS_ONLY, _dt.datetime(2026, 1, 1))  # noqa: DTZ001


# -- properties --------------------------------------------------------------------------------
profiles = st.builds(
    ContactProfile, sms=st.booleans(), email=st.booleans(), consents=cst.consents()
)


@settings(max_examples=150)
@given(cst.appointment_facts(), cst.reminder_policies(), profiles, st.integers(0, 30 * 24 * 60))
def test_property_plans_respect_every_constraint(
    facts: AppointmentFacts, policy: ReminderPolicy, profile: ContactProfile, minutes: int
) -> None:
    """REM-3 properties: nothing before the visit is due at or after its start; nothing is
    due in quiet hours or in the past; no reminder without consent and an address; keys
    are unique; no two messages of one purpose closer than the duplicate window."""
    now = facts.booked_at.add(minutes=minutes)
    plan = plan_reminders(facts, policy, profile, now)
    keys = [item.key for item in plan.reminders]
    assert len(keys) == len(set(keys))
    assert len(plan.reminders) + len(plan.skipped) == len(policy.rules)
    for item in plan.reminders:
        rule = policy.rule(item.rule)
        assert item.due_at >= to_utc(now)
        if rule.anchor is not Anchor.AFTER_END:
            assert item.due_at < facts.start
            assert item.expires_at == facts.start
        if policy.quiet_hours is not None:
            assert not policy.quiet_hours.contains(item.due_at, facts.zone)
        assert profile.has_address(item.channel)
        assert may_contact(profile.consents, item.channel, item.purpose, policy)
        for other in plan.reminders:
            if other is not item and other.purpose is item.purpose:
                assert abs(other.due_at.timestamp() - item.due_at.timestamp()) >= (
                    policy.duplicate_window.total_seconds()
                )


@settings(max_examples=100)
@given(cst.appointment_facts(), profiles)
def test_property_a_withdrawn_consent_gets_no_reminder(
    facts: AppointmentFacts, profile: ContactProfile
) -> None:
    """REM-3: after withdrawing a purpose on every channel, no reminder of it is planned."""
    latest = [record.recorded_at for record in profile.consents.records]
    at = max([facts.booked_at.subtract(days=1), *latest]).add(seconds=1)
    consents = profile.consents
    for purpose in ContactPurpose:
        consents = consents.withdraw(purpose, at)
    silenced = attrs.evolve(profile, consents=consents)
    plan = plan_reminders(facts, default_policy(), silenced, facts.booked_at)
    assert plan.reminders == ()


@settings(max_examples=60)
@given(
    st.lists(cst.appointment_facts(["Europe/Berlin"]), min_size=1, max_size=6),
    st.lists(st.sampled_from(["h1", "h2", None]), min_size=6, max_size=6),
)
def test_property_family_combining_loses_and_duplicates_nothing(
    appointments: list[AppointmentFacts], homes: list[str | None]
) -> None:
    """REM-3: every planned reminder ends up in exactly one message; groups share a day."""
    planned = [
        item
        for facts in appointments
        for item in plan_reminders(facts, default_policy(), SMS_ONLY, facts.booked_at).reminders
    ]
    households = {
        facts.patient_id: home
        for facts, home in zip(appointments, homes, strict=False)
        if home is not None
    }
    combined, single = combine_family(planned, households, BERLIN)
    keys = [m.key for group in combined for m in group.members] + [s.key for s in single]
    assert sorted(keys) == sorted(item.key for item in planned)
    for group in combined:
        assert len(group.patient_ids) >= 2
        assert {m.appointment_start.in_timezone(BERLIN).date() for m in group.members} == {
            group.day
        }
        assert group.due_at == min(m.due_at for m in group.members)
    again, _ = combine_family(reversed(planned), households, BERLIN)
    assert [g.key for g in again] == [g.key for g in combined]
