"""Planning: from an appointment, a policy and the clock, the reminders to send (REM-1, REM-3).

[`plan_reminders`][clinicore.reminders.planning.plan_reminders] is a pure function. For each
rule of the policy it computes the due instant (see
[`clinicore.reminders.policies`][clinicore.reminders.policies] for how offsets read across
DST), then applies the constraints in this order, recording why a rule was skipped:

1. ``booked_too_late``: the appointment was booked less than ``skip_if_booked_within``
   before its start.
2. quiet hours: a moment inside them moves to their end, the next allowed local time.
3. ``after_start``: a message meant for before the visit that would now land at or after
   the start, or closer to it than ``not_within``, is dropped.
4. ``passed``: a moment already past (beyond the policy's grace) is skipped, not sent late,
   unless the rule says ``send_late``.
5. channel and consent: the rule's channel, else its fallback, must have an address and
   consent for the purpose (opt-in purposes need a recorded grant; the others stop at an
   opt-out): ``no_consent`` / ``no_address``.
6. ``duplicate``: a second message of the same purpose for the appointment within the
   policy's ``duplicate_window`` of the first is dropped.

Every planned reminder carries a stable key ``<appointment>/<rule>/<start in UTC>``, so
planning the same appointment twice gives the same keys, and a rescheduled start new ones.

Examples:
    >>> import pendulum
    >>> from clinicore.contact import ContactConsents
    >>> from clinicore.reminders.policies import default_policy
    >>> booked = pendulum.datetime(2026, 10, 20, 10, tz="Europe/Berlin")
    >>> facts = AppointmentFacts(
    ...     appointment_id="apt-1",
    ...     site_id="berlin",
    ...     patient_id="pat-1",
    ...     practitioner_id="dr-weber",
    ...     zone="Europe/Berlin",
    ...     booked_at=booked,
    ...     start=pendulum.datetime(2026, 10, 26, 9, tz="Europe/Berlin"),
    ...     end=pendulum.datetime(2026, 10, 26, 9, 30, tz="Europe/Berlin"),
    ... )
    >>> plan = plan_reminders(facts, default_policy(), ContactProfile(sms=True), booked)
    >>> [
    ...     (r.rule, r.due_at.in_timezone("Europe/Berlin").strftime("%a %H:%M"))
    ...     for r in plan.reminders
    ... ]
    [('booked', 'Tue 10:00'), ('day_before', 'Sun 09:00'), ('after_visit', 'Mon 11:30')]
    >>> [(s.rule, s.reason.value) for s in plan.skipped]
    [('hours_before', 'after_start')]

"""

from __future__ import annotations

import datetime as _dt
import enum
from zoneinfo import ZoneInfo

import attrs
import pendulum

from clinicore._validate import instance_of, strict_bool, valid_id
from clinicore.contact import ConsentStatus, ContactChannel, ContactConsents, ContactPurpose
from clinicore.errors import ValidationError
from clinicore.patients import Patient
from clinicore.reminders import _fast
from clinicore.reminders.policies import Anchor, ReminderPolicy, ReminderRule
from clinicore.zones import parse_zone, to_utc

__all__ = [
    "AppointmentFacts",
    "ContactProfile",
    "PlannedReminder",
    "ReminderPlan",
    "SkipReason",
    "SkippedRule",
    "choose_channel",
    "may_contact",
    "plan_reminders",
    "reminder_key",
]


def _utc(value: object) -> pendulum.DateTime:
    return to_utc(value, field="instant")


def _zone(value: object) -> str:
    return parse_zone(value, field="zone").name


@attrs.frozen(kw_only=True)
class AppointmentFacts:
    """What planning needs to know about an appointment (from the scheduling events).

    Args:
        appointment_id: the appointment.
        site_id: where; its zone is ``zone``.
        patient_id: who gets the messages.
        practitioner_id: who treats (named in templates).
        zone: the site's IANA zone; every wall-clock rule is meant in it.
        booked_at: when it was booked (or rescheduled).
        start: planned start.
        end: planned end.

    """

    appointment_id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    patient_id: str = attrs.field(validator=valid_id)
    practitioner_id: str = attrs.field(validator=valid_id)
    zone: str = attrs.field(converter=_zone)
    booked_at: pendulum.DateTime = attrs.field(converter=_utc)
    start: pendulum.DateTime = attrs.field(converter=_utc)
    end: pendulum.DateTime = attrs.field(converter=_utc)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise ValidationError(
                f"appointment {self.appointment_id!r} ends before it starts", field="end"
            )


@attrs.frozen
class ContactProfile:
    """What the reminder planner may know about a patient: reachability and consent.

    Args:
        sms: the patient has a number that can receive SMS.
        email: the patient has an e-mail address.
        consents: the consent history.

    """

    sms: bool = attrs.field(default=False, validator=strict_bool)
    email: bool = attrs.field(default=False, validator=strict_bool)
    consents: ContactConsents = attrs.field(
        factory=ContactConsents, validator=instance_of(ContactConsents)
    )

    @classmethod
    def of(cls, patient: Patient) -> ContactProfile:
        """The profile of ``patient``."""
        return cls(
            sms=patient.phone is not None and patient.phone.can_receive_sms,
            email=patient.email is not None,
            consents=patient.consents,
        )

    def has_address(self, channel: ContactChannel) -> bool:
        """Whether ``channel`` can reach the patient (call tasks always can: the desk calls)."""
        if channel is ContactChannel.SMS:
            return self.sms
        if channel is ContactChannel.EMAIL:
            return self.email
        return channel is ContactChannel.PHONE


class SkipReason(enum.StrEnum):
    """Why a rule produced no reminder."""

    BOOKED_TOO_LATE = "booked_too_late"
    AFTER_START = "after_start"
    PASSED = "passed"
    NO_CONSENT = "no_consent"
    NO_ADDRESS = "no_address"
    DUPLICATE = "duplicate"


@attrs.frozen
class SkippedRule:
    """A rule that produced no reminder, and why."""

    rule: str
    reason: SkipReason
    detail: str | None = None


@attrs.frozen(kw_only=True)
class PlannedReminder:
    """A reminder to send.

    Args:
        key: stable key ``<appointment>/<rule>/<start>``; the notifier's idempotency key.
        appointment_id: the appointment.
        patient_id: the recipient.
        site_id: the sending site.
        practitioner_id: named in the message.
        rule: the rule's name.
        purpose: the contact purpose.
        channel: the chosen channel (the rule's or its fallback).
        template: the template name.
        due_at: when to send (UTC), outside quiet hours.
        expires_at: the last moment it may still go out (the start, for messages before
            the visit), or ``None``.
        appointment_start: the start it refers to (UTC).

    """

    key: str
    appointment_id: str
    patient_id: str
    site_id: str
    practitioner_id: str
    rule: str
    purpose: ContactPurpose
    channel: ContactChannel
    template: str
    due_at: pendulum.DateTime
    expires_at: pendulum.DateTime | None
    appointment_start: pendulum.DateTime


@attrs.frozen
class ReminderPlan:
    """What planning produced: reminders in due order, and the skipped rules with reasons."""

    reminders: tuple[PlannedReminder, ...] = ()
    skipped: tuple[SkippedRule, ...] = ()


def reminder_key(appointment_id: str, rule: str, start: _dt.datetime) -> str:
    """The stable key of a rule's reminder for an appointment starting at ``start``.

    Examples:
        >>> import pendulum
        >>> reminder_key("apt-1", "day_before", pendulum.datetime(2026, 10, 26, 8))
        'apt-1/day_before/20261026T0800Z'

    """
    return f"{appointment_id}/{rule}/{to_utc(start):%Y%m%dT%H%MZ}"


def may_contact(
    consents: ContactConsents,
    channel: ContactChannel,
    purpose: ContactPurpose,
    policy: ReminderPolicy,
    *,
    at: _dt.datetime | None = None,
) -> bool:
    """Whether consent allows ``purpose`` on ``channel`` (rules.md "Reminders and contact").

    Opt-in purposes (recall, greetings by default) need a recorded grant; every other
    purpose is allowed unless the patient opted out.
    """
    status = consents.status(channel, purpose, at=None if at is None else to_utc(at))
    if policy.needs_opt_in(purpose):
        return status is ConsentStatus.GRANTED
    return status is not ConsentStatus.WITHDRAWN


def choose_channel(
    rule: ReminderRule,
    profile: ContactProfile,
    policy: ReminderPolicy,
    *,
    open_call_tasks: int = 0,
    at: _dt.datetime | None = None,
) -> ContactChannel | SkipReason:
    """The channel to use for ``rule`` (its own or its fallback), or why there is none.

    A ``phone`` rule (a call task) moves to its fallback when the desk has
    ``call_fallback_threshold`` or more open call tasks (REM-2).
    """
    candidates = [rule.channel]
    overloaded = (
        rule.channel is ContactChannel.PHONE
        and policy.call_fallback_threshold is not None
        and open_call_tasks >= policy.call_fallback_threshold
    )
    if rule.fallback_channel is not None:
        candidates = (
            [rule.fallback_channel] if overloaded else [rule.channel, rule.fallback_channel]
        )
    reason = SkipReason.NO_ADDRESS
    for channel in candidates:
        if not profile.has_address(channel):
            continue
        if may_contact(profile.consents, channel, rule.purpose, policy, at=at):
            return channel
        reason = SkipReason.NO_CONSENT
    return reason


@attrs.frozen
class _Times:
    """The appointment's instants as plain UTC datetimes (see ``_fast``)."""

    booked_at: _dt.datetime
    start: _dt.datetime
    end: _dt.datetime
    now: _dt.datetime
    zone: ZoneInfo


def _constrained_due(
    rule: ReminderRule, times: _Times, policy: ReminderPolicy
) -> _dt.datetime | SkipReason:
    """The due instant after the time constraints (steps 1 to 4), or why there is none."""
    lead = times.start - times.booked_at
    if rule.skip_if_booked_within is not None and lead < rule.skip_if_booked_within:
        return SkipReason.BOOKED_TOO_LATE
    if rule.anchor is Anchor.BOOKED:
        due = _fast.apply_offset(rule.offset, times.booked_at, times.zone, 1)
    elif rule.anchor is Anchor.BEFORE_START:
        due = _fast.apply_offset(rule.offset, times.start, times.zone, -1)
    else:
        due = _fast.apply_offset(rule.offset, times.end, times.zone, 1)
    if due < times.now:
        if not rule.send_late and times.now - due > policy.late_grace:
            return SkipReason.PASSED
        due = times.now
    if policy.quiet_hours is not None:
        due = _fast.next_allowed(policy.quiet_hours, due, times.zone)
    if rule.anchor is not Anchor.AFTER_END:
        margin = rule.not_within or _dt.timedelta(0)
        if due >= times.start - margin or due >= times.start:
            return SkipReason.AFTER_START
    return due


def plan_reminders(
    facts: AppointmentFacts,
    policy: ReminderPolicy,
    profile: ContactProfile,
    now: _dt.datetime,
    *,
    open_call_tasks: int = 0,
) -> ReminderPlan:
    """The reminders ``policy`` asks for ``facts``, as of ``now`` (see the module notes).

    Raises:
        NaiveDatetimeError: ``now`` has no zone.

    """
    times = _Times(
        _fast.plain(facts.booked_at),
        _fast.plain(facts.start),
        _fast.plain(facts.end),
        _fast.plain(to_utc(now, field="now")),
        _fast.zone_info(facts.zone),
    )
    planned: list[PlannedReminder] = []
    skipped: list[SkippedRule] = []
    for rule in policy.rules:
        due = _constrained_due(rule, times, policy)
        if isinstance(due, SkipReason):
            skipped.append(SkippedRule(rule.name, due))
            continue
        channel = choose_channel(rule, profile, policy, open_call_tasks=open_call_tasks)
        if isinstance(channel, SkipReason):
            skipped.append(SkippedRule(rule.name, channel))
            continue
        twin = _duplicate_of(planned, rule.purpose, due, policy.duplicate_window)
        if twin is not None:
            skipped.append(SkippedRule(rule.name, SkipReason.DUPLICATE, twin.rule))
            continue
        planned.append(_planned(facts, rule, channel, due, times.start))
    planned.sort(key=lambda item: (item.due_at, item.key))
    return ReminderPlan(tuple(planned), tuple(skipped))


def _duplicate_of(
    planned: list[PlannedReminder],
    purpose: ContactPurpose,
    due: _dt.datetime,
    window: _dt.timedelta,
) -> PlannedReminder | None:
    for other in planned:
        if other.purpose is purpose and abs(other.due_at.timestamp() - due.timestamp()) < (
            window.total_seconds()
        ):
            return other
    return None


def _planned(
    facts: AppointmentFacts,
    rule: ReminderRule,
    channel: ContactChannel,
    due: _dt.datetime,
    start: _dt.datetime,
) -> PlannedReminder:
    before = rule.anchor is not Anchor.AFTER_END
    return PlannedReminder(
        key=f"{facts.appointment_id}/{rule.name}/{start:%Y%m%dT%H%MZ}",
        appointment_id=facts.appointment_id,
        patient_id=facts.patient_id,
        site_id=facts.site_id,
        practitioner_id=facts.practitioner_id,
        rule=rule.name,
        purpose=rule.purpose,
        channel=channel,
        template=rule.template,
        due_at=_fast.to_pendulum(due),
        expires_at=facts.start if before else None,
        appointment_start=facts.start,
    )
