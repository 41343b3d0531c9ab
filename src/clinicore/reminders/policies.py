"""Reminder policies as data: rules relative to an appointment, per site (REM-1, REM-2).

A [`ReminderRule`][clinicore.reminders.policies.ReminderRule] says when a message goes out
relative to an *anchor* (the booking, the planned start, the end of the visit), on which
channel, with which template and for which purpose. A
[`ReminderPolicy`][clinicore.reminders.policies.ReminderPolicy] is a set of rules with the
site's quiet hours, the purposes that need an opt-in, and the call-task fallback. A
[`PolicyBook`][clinicore.reminders.policies.PolicyBook] holds the network default and the
sites that override it.

How an offset is read (exact across DST):

* ``days`` are **calendar days in the site's zone**: "1 day before" a visit at 09:00 on
  Monday 26 October 2026 in Berlin is 09:00 on Sunday 25 October, the day the clocks go
  back, although 25 hours pass in between. With ``at`` set, it is that wall-clock time on
  that calendar day ("the day before at 18:00").
* ``hours`` and ``minutes`` are **elapsed time**: "3 hours before" a visit at 09:00 is
  06:00 on the wall clock except across a DST switch, where it is exactly three real hours.
* Calendar days are applied first, then elapsed time.

Examples:
    >>> policy = default_policy()
    >>> [rule.name for rule in policy.rules]
    ['booked', 'day_before', 'hours_before', 'after_visit']
    >>> ReminderRule.before("late", hours=-2)
    Traceback (most recent call last):
    ...
    clinicore.errors.ValidationError: offset hours -2 must be between 0 and 336

"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from typing import Any

import attrs
import pendulum

from clinicore._validate import instance_of, strict_bool, to_enum, valid_id
from clinicore.contact import ContactChannel, ContactPurpose
from clinicore.errors import ValidationError
from clinicore.ids import check_id
from clinicore.reminders.quiet_hours import QuietHours, local_instant
from clinicore.zones import parse_zone, to_utc

__all__ = [
    "SENDABLE_CHANNELS",
    "Anchor",
    "Offset",
    "PolicyBook",
    "ReminderPolicy",
    "ReminderRule",
    "default_policy",
]

SENDABLE_CHANNELS = frozenset({ContactChannel.SMS, ContactChannel.EMAIL, ContactChannel.PHONE})
"""Channels a reminder can use; ``PHONE`` is a call task for the front desk."""

_LIMITS = {"days": 366, "hours": 14 * 24, "minutes": 24 * 60}


class Anchor(enum.StrEnum):
    """What a rule's offset is measured from."""

    BOOKED = "booked"
    """The moment the appointment was booked (the offset is added)."""
    BEFORE_START = "before_start"
    """The planned start (the offset is subtracted)."""
    AFTER_END = "after_end"
    """The planned end of the visit (the offset is added)."""


def _anchor(value: object) -> Anchor:
    return to_enum(Anchor, value, "anchor")


def _channel(value: object) -> ContactChannel:
    channel = to_enum(ContactChannel, value, "channel")
    if channel not in SENDABLE_CHANNELS:
        raise ValidationError(
            f"channel {channel.value!r} cannot carry reminders (use sms, email or phone)",
            field="channel",
        )
    return channel


def _optional_channel(value: object) -> ContactChannel | None:
    return None if value is None else _channel(value)


def _purpose(value: object) -> ContactPurpose:
    return to_enum(ContactPurpose, value, "purpose")


def _bounded(instance: Any, attribute: attrs.Attribute[int], value: object) -> None:
    limit = _LIMITS[attribute.name]
    if type(value) is not int or not 0 <= value <= limit:
        raise ValidationError(
            f"offset {attribute.name} {value!r} must be between 0 and {limit}",
            field=attribute.name,
        )


def _optional_time(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, _dt.time) or value.tzinfo is not None):
        raise ValidationError(
            f"{attribute.name} must be a local datetime.time without a zone, got {value!r}",
            field=attribute.name,
        )


def _optional_span(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, _dt.timedelta) or not (
        _dt.timedelta(0) <= value <= _dt.timedelta(days=60)
    ):
        raise ValidationError(
            f"{attribute.name} {value!r} must be a timedelta between 0 and 60 days",
            field=attribute.name,
        )


@attrs.frozen
class Offset:
    """How far from the anchor: calendar ``days`` (local), then elapsed ``hours``/``minutes``.

    Args:
        days: calendar days in the site's zone, 0 to 366.
        hours: elapsed hours, 0 to 336.
        minutes: elapsed minutes, 0 to 1440.
        at: a local wall-clock time on the resulting calendar day (replaces the anchor's
            time of day; then ``hours``/``minutes`` must be zero).

    """

    days: int = attrs.field(default=0, validator=_bounded)
    hours: int = attrs.field(default=0, validator=_bounded)
    minutes: int = attrs.field(default=0, validator=_bounded)
    at: _dt.time | None = attrs.field(default=None, validator=_optional_time)

    def __attrs_post_init__(self) -> None:
        if self.at is not None and (self.hours or self.minutes):
            raise ValidationError(
                "an offset with a wall-clock time 'at' takes whole days only", field="at"
            )

    @property
    def elapsed(self) -> _dt.timedelta:
        """The elapsed part (hours and minutes)."""
        return _dt.timedelta(hours=self.hours, minutes=self.minutes)

    def apply(
        self, anchor: _dt.datetime, zone: str | pendulum.Timezone, *, sign: int
    ) -> pendulum.DateTime:
        """The instant ``sign`` (+1 or -1) times this offset away from ``anchor`` (UTC)."""
        tz = parse_zone(zone)
        local = to_utc(anchor).in_timezone(tz)
        day = local.date() + _dt.timedelta(days=sign * self.days)
        wall = self.at if self.at is not None else local.time().replace(tzinfo=None)
        moved = local_instant(day, wall, tz) if (self.days or self.at is not None) else local
        return to_utc(moved) + sign * self.elapsed


@attrs.frozen
class ReminderRule:
    """One message of a policy.

    Args:
        name: the rule's id; part of each reminder's stable key, unique in a policy.
        anchor: booking, start or end of the visit.
        offset: the distance from the anchor.
        channel: SMS, e-mail or phone (a call task for the desk).
        template: the name of the message template.
        purpose: what the message is for; consent is checked per purpose.
        fallback_channel: used when the channel cannot be used (no address, no consent,
            the desk is overloaded with call tasks).
        send_late: send a reminder whose moment has passed (as long as the visit has not
            started); by default it is skipped.
        skip_if_booked_within: do not plan this message when the appointment is booked
            less than this before its start (the booking message is enough).
        not_within: for messages before the visit, drop the message if quiet hours push
            it closer than this to the start.

    """

    name: str = attrs.field(validator=valid_id)
    anchor: Anchor = attrs.field(converter=_anchor)
    offset: Offset = attrs.field(validator=instance_of(Offset))
    channel: ContactChannel = attrs.field(converter=_channel)
    template: str = attrs.field(validator=valid_id)
    purpose: ContactPurpose = attrs.field(converter=_purpose)
    fallback_channel: ContactChannel | None = attrs.field(default=None, converter=_optional_channel)
    send_late: bool = attrs.field(default=False, validator=strict_bool)
    skip_if_booked_within: _dt.timedelta | None = attrs.field(
        default=None, validator=_optional_span
    )
    not_within: _dt.timedelta | None = attrs.field(default=None, validator=_optional_span)

    @classmethod
    def before(
        cls,
        name: str,
        *,
        days: int = 0,
        hours: int = 0,
        minutes: int = 0,
        at: _dt.time | None = None,
        channel: ContactChannel | str = ContactChannel.SMS,
        template: str = "appointment_soon",
        purpose: ContactPurpose | str = ContactPurpose.APPOINTMENT_REMINDER,
        **options: Any,
    ) -> ReminderRule:
        """A rule ``days``/``hours``/``minutes`` before the start (see the module notes)."""
        offset = Offset(days=days, hours=hours, minutes=minutes, at=at)
        return cls(name, Anchor.BEFORE_START, offset, channel, template, purpose, **options)

    def due(
        self,
        *,
        booked_at: _dt.datetime,
        start: _dt.datetime,
        end: _dt.datetime,
        zone: str | pendulum.Timezone,
    ) -> pendulum.DateTime:
        """The moment this rule asks for, before quiet hours or consent are considered (UTC)."""
        if self.anchor is Anchor.BOOKED:
            return self.offset.apply(booked_at, zone, sign=1)
        if self.anchor is Anchor.BEFORE_START:
            return self.offset.apply(start, zone, sign=-1)
        return self.offset.apply(end, zone, sign=1)


def _rules(value: object) -> tuple[ReminderRule, ...]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise ValidationError("rules must be a collection of ReminderRule", field="rules")
    rules = tuple(value)
    seen: set[str] = set()
    for rule in rules:
        if not isinstance(rule, ReminderRule):
            raise ValidationError(
                f"rules holds a {type(rule).__name__}, not a ReminderRule", field="rules"
            )
        if rule.name in seen:
            raise ValidationError(f"rule name {rule.name!r} appears twice", field="rules")
        seen.add(rule.name)
    return rules


def _purposes(value: object) -> frozenset[ContactPurpose]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise ValidationError("opt_in_purposes must be a collection", field="opt_in_purposes")
    return frozenset(_purpose(item) for item in value)


def _threshold(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise ValidationError(
            f"{attribute.name} {value!r} must be a whole number >= 0", field=attribute.name
        )


def _attempts(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or not 1 <= value <= 50:
        raise ValidationError(
            f"max_attempts {value!r} must be between 1 and 50", field="max_attempts"
        )


@attrs.frozen
class ReminderPolicy:
    """The reminder rules of a site (or the network default).

    Args:
        rules: the messages per appointment, in priority order.
        quiet_hours: the local window in which nothing is sent (``None``: none).
        opt_in_purposes: purposes that need a recorded opt-in; all others are sent unless
            the patient opted out (rules.md: recall needs opt-in, reminders honour opt-out).
        call_fallback_threshold: with this many open call tasks or more, a ``phone`` rule
            that has a fallback channel uses it instead (``None``: never).
        duplicate_window: two messages of the same purpose for one appointment that land
            closer than this are one too many: the later rule is dropped.
        late_grace: a message whose moment passed less than this ago is still sent.
        max_attempts: delivery attempts before a message is given up as failed.

    """

    rules: tuple[ReminderRule, ...] = attrs.field(converter=_rules)
    quiet_hours: QuietHours | None = attrs.field(
        factory=lambda: QuietHours(_dt.time(21), _dt.time(8)),
        validator=instance_of(QuietHours, optional=True),
    )
    opt_in_purposes: frozenset[ContactPurpose] = attrs.field(
        default=frozenset({ContactPurpose.RECALL, ContactPurpose.GREETING}),
        converter=_purposes,
    )
    call_fallback_threshold: int | None = attrs.field(default=None, validator=_threshold)
    duplicate_window: _dt.timedelta = attrs.field(
        default=_dt.timedelta(hours=2), validator=_optional_span
    )
    late_grace: _dt.timedelta = attrs.field(
        default=_dt.timedelta(minutes=15), validator=_optional_span
    )
    max_attempts: int = attrs.field(default=5, validator=_attempts)

    def rule(self, name: str) -> ReminderRule:
        """The rule called ``name``.

        Raises:
            ValidationError: there is none.

        """
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise ValidationError(f"policy has no rule {name!r}", field="rule")

    def needs_opt_in(self, purpose: ContactPurpose) -> bool:
        """Whether ``purpose`` needs a recorded opt-in (otherwise an opt-out stops it)."""
        return purpose in self.opt_in_purposes


def default_policy() -> ReminderPolicy:
    """The four-message policy of the seeds (REM-1).

    1. ``booked``: at booking, the date and time (SMS).
    2. ``day_before``: one calendar day before, same wall-clock time, asking to confirm
       (SMS, reply yes/no); not when booked less than a day ahead.
    3. ``hours_before``: three hours before, dropped if quiet hours push it closer than
       two hours to the start, so it arrives two to three hours before; not when booked
       less than three hours ahead.
    4. ``after_visit``: two hours after the planned end, asking how the patient is.

    Quiet hours 21:00-08:00 local.
    """
    return ReminderPolicy(
        rules=(
            ReminderRule(
                "booked",
                Anchor.BOOKED,
                Offset(),
                ContactChannel.SMS,
                "appointment_booked",
                ContactPurpose.APPOINTMENT_REMINDER,
                fallback_channel=ContactChannel.EMAIL,
            ),
            ReminderRule.before(
                "day_before",
                days=1,
                template="confirmation_request",
                purpose=ContactPurpose.CONFIRMATION_REQUEST,
                fallback_channel=ContactChannel.EMAIL,
                skip_if_booked_within=_dt.timedelta(days=1),
            ),
            ReminderRule.before(
                "hours_before",
                hours=3,
                template="appointment_soon",
                fallback_channel=ContactChannel.EMAIL,
                skip_if_booked_within=_dt.timedelta(hours=3),
                not_within=_dt.timedelta(hours=2),
            ),
            ReminderRule(
                "after_visit",
                Anchor.AFTER_END,
                Offset(hours=2),
                ContactChannel.SMS,
                "after_visit",
                ContactPurpose.CARE_FOLLOW_UP,
            ),
        )
    )


def _site_policies(value: object) -> dict[str, ReminderPolicy]:
    if not isinstance(value, Mapping):
        raise ValidationError("sites must be a mapping of site id to policy", field="sites")
    checked: dict[str, ReminderPolicy] = {}
    for site, policy in value.items():
        check_id(site, field="sites")
        if not isinstance(policy, ReminderPolicy):
            raise ValidationError(
                f"policy for site {site!r} is a {type(policy).__name__}", field="sites"
            )
        checked[site] = policy
    return checked


@attrs.frozen
class PolicyBook:
    """The network's default policy and the sites that override it.

    Examples:
        >>> book = PolicyBook(default_policy(), {"oslo": ReminderPolicy(rules=())})
        >>> len(book.for_site("berlin").rules), len(book.for_site("oslo").rules)
        (4, 0)

    """

    default: ReminderPolicy = attrs.field(
        factory=default_policy, validator=instance_of(ReminderPolicy)
    )
    sites: Mapping[str, ReminderPolicy] = attrs.field(factory=dict, converter=_site_policies)

    def for_site(self, site_id: str) -> ReminderPolicy:
        """The policy in force at ``site_id``."""
        return self.sites.get(site_id, self.default)
