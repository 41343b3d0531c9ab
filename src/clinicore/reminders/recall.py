"""Recall: inviting patients back after an interval (REM-5).

A [`RecallType`][clinicore.reminders.recall.RecallType] says which procedures (or
appointment types) start the clock, how long it runs (years, months, weeks, days), how the
patient is contacted and how often at most. A [`Recall`][clinicore.reminders.recall.Recall]
is one patient's state for one type: when the trigger was last done, a manual override of
the due date, a suppression (a future appointment exists, or "not before" a date) and the
messages sent so far.

Month arithmetic follows the calendar: six months after 31 August is 28 (or 29) February.

Examples:
    >>> import datetime
    >>> hygiene = default_recall_types()["hygiene"]
    >>> recall = Recall.start("pat-1", "berlin", hygiene).completed(datetime.date(2026, 8, 31))
    >>> recall.due_on(hygiene)
    datetime.date(2027, 2, 28)
    >>> recall.next_message_on(hygiene, datetime.date(2027, 3, 1))
    datetime.date(2027, 3, 1)

"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs
import pendulum

from clinicore._validate import instance_of, strict_bool, string_set, to_enum, valid_id, version
from clinicore.contact import ContactChannel, ContactPurpose
from clinicore.errors import ValidationError
from clinicore.reminders.policies import SENDABLE_CHANNELS
from clinicore.zones import to_utc

__all__ = [
    "Recall",
    "RecallInterval",
    "RecallType",
    "birthday_on",
    "default_recall_types",
    "recall_id",
]


def _part(instance: Any, attribute: attrs.Attribute[int], value: object) -> None:
    limit = {"years": 10, "months": 120, "weeks": 520, "days": 3660}[attribute.name]
    if type(value) is not int or not 0 <= value <= limit:
        raise ValidationError(
            f"interval {attribute.name} {value!r} must be between 0 and {limit}",
            field=attribute.name,
        )


@attrs.frozen
class RecallInterval:
    """A calendar interval: years, months, weeks and days (applied in that order).

    Raises:
        ValidationError: a negative or absurd part, or all parts zero.

    """

    years: int = attrs.field(default=0, validator=_part)
    months: int = attrs.field(default=0, validator=_part)
    weeks: int = attrs.field(default=0, validator=_part)
    days: int = attrs.field(default=0, validator=_part)

    def __attrs_post_init__(self) -> None:
        if not (self.years or self.months or self.weeks or self.days):
            raise ValidationError("a recall interval cannot be zero", field="interval")

    def after(self, day: _dt.date) -> _dt.date:
        """The date this interval after ``day`` (end of month clamps: 31 Aug + 6 months)."""
        moved = pendulum.date(day.year, day.month, day.day).add(
            years=self.years, months=self.months, weeks=self.weeks, days=self.days
        )
        return _dt.date(moved.year, moved.month, moved.day)


def _channel(value: object) -> ContactChannel:
    channel = to_enum(ContactChannel, value, "channel")
    if channel not in SENDABLE_CHANNELS:
        raise ValidationError(f"channel {channel.value!r} cannot carry recalls", field="channel")
    return channel


def _purpose(value: object) -> ContactPurpose:
    return to_enum(ContactPurpose, value, "purpose")


def _codes(value: object) -> frozenset[str]:
    return string_set(value, "trigger_codes")


def _positive(instance: Any, attribute: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or not 1 <= value <= 20:
        raise ValidationError(
            f"{attribute.name} {value!r} must be between 1 and 20", field=attribute.name
        )


def _wall(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, _dt.time) or value.tzinfo is not None:
        raise ValidationError(
            f"send_at must be a local datetime.time, got {value!r}", field="send_at"
        )


@attrs.frozen
class RecallType:
    """A kind of recall.

    Args:
        code: the type's id (``"hygiene"``).
        interval: how long after the trigger the patient is due.
        trigger_codes: procedure codes or appointment types that start the clock.
        channel: how the patient is contacted (``phone`` is a call task for the desk).
        template: the message template.
        purpose: ``recall`` (needs opt-in), ``care_follow_up`` or ``greeting``.
        max_messages: how many messages at most until the trigger is done again.
        spacing: the least time between two messages.
        send_at: the local wall-clock time messages go out.
        vip_only: only for VIP patients (birthday greetings).

    """

    code: str = attrs.field(validator=valid_id)
    interval: RecallInterval = attrs.field(validator=instance_of(RecallInterval))
    trigger_codes: frozenset[str] = attrs.field(converter=_codes)
    channel: ContactChannel = attrs.field(default=ContactChannel.SMS, converter=_channel)
    template: str = attrs.field(default="recall", validator=valid_id)
    purpose: ContactPurpose = attrs.field(default=ContactPurpose.RECALL, converter=_purpose)
    max_messages: int = attrs.field(default=3, validator=_positive)
    spacing: RecallInterval = attrs.field(
        factory=lambda: RecallInterval(weeks=4), validator=instance_of(RecallInterval)
    )
    send_at: _dt.time = attrs.field(default=_dt.time(10), validator=_wall)
    vip_only: bool = attrs.field(default=False, validator=strict_bool)

    def triggered_by(self, codes: frozenset[str] | set[str] | tuple[str, ...]) -> bool:
        """Whether any of ``codes`` starts this recall."""
        return not self.trigger_codes.isdisjoint(codes)


def default_recall_types() -> dict[str, RecallType]:
    """The recalls of the seeds: hygiene every six months, a care call the day after surgery.

    Trigger codes are examples (the appointment types ``hygiene`` and ``surgery``); a
    practice lists its own procedure codes.
    """
    return {
        "hygiene": RecallType("hygiene", RecallInterval(months=6), {"hygiene"}),
        "post_op": RecallType(
            "post_op",
            RecallInterval(days=1),
            {"surgery", "extraction", "implant"},
            channel=ContactChannel.PHONE,
            template="care_call",
            purpose=ContactPurpose.CARE_FOLLOW_UP,
            max_messages=1,
        ),
    }


def recall_id(patient_id: str, code: str) -> str:
    """The id of a patient's recall of one type.

    Examples:
        >>> recall_id("pat-1", "hygiene")
        'pat-1:hygiene'

    """
    return f"{patient_id}:{code}"


def _optional_date(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (isinstance(value, _dt.datetime) or not isinstance(value, _dt.date)):
        raise ValidationError(
            f"{attribute.name} must be a date, got {value!r}", field=attribute.name
        )


def _optional_instant(value: object) -> pendulum.DateTime | None:
    return None if value is None else to_utc(value, field="next_appointment_at")


def _count(instance: Any, attribute: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or value < 0:
        raise ValidationError(f"{attribute.name} {value!r} must be >= 0", field=attribute.name)


@attrs.frozen(kw_only=True)
class Recall:
    """One patient's recall of one type (an aggregate).

    Args:
        id: ``<patient>:<type>`` (see `recall_id`).
        patient_id: the patient.
        site_id: the site that recalls (where the trigger was done).
        recall_type: the type's code.
        last_done_on: the local date the trigger was last done.
        manual_due_on: a due date set by hand; wins over the computed one.
        suppressed_until: no message before this date.
        next_appointment_at: a booked future appointment; no message while it exists.
        messages_sent: messages since the trigger was last done.
        last_message_on: the date of the last message.
        version: the stored version.

    """

    id: str = attrs.field()
    patient_id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    recall_type: str = attrs.field(validator=valid_id)
    last_done_on: _dt.date | None = attrs.field(default=None, validator=_optional_date)
    manual_due_on: _dt.date | None = attrs.field(default=None, validator=_optional_date)
    suppressed_until: _dt.date | None = attrs.field(default=None, validator=_optional_date)
    next_appointment_at: pendulum.DateTime | None = attrs.field(
        default=None, converter=_optional_instant
    )
    messages_sent: int = attrs.field(default=0, validator=_count)
    last_message_on: _dt.date | None = attrs.field(default=None, validator=_optional_date)
    version: int = attrs.field(default=0, validator=version)

    def __attrs_post_init__(self) -> None:
        if self.id != recall_id(self.patient_id, self.recall_type):
            raise ValidationError(
                f"recall id {self.id!r} must be {recall_id(self.patient_id, self.recall_type)!r}",
                field="id",
            )

    @classmethod
    def start(cls, patient_id: str, site_id: str, recall_type: RecallType) -> Recall:
        """A new, never triggered recall."""
        return cls(
            id=recall_id(patient_id, recall_type.code),
            patient_id=patient_id,
            site_id=site_id,
            recall_type=recall_type.code,
        )

    def completed(self, on: _dt.date, site_id: str | None = None) -> Recall:
        """The trigger was done on ``on``: the clock restarts, the override and count reset.

        An older date than the last one recorded changes nothing.
        """
        if self.last_done_on is not None and on < self.last_done_on:
            return self
        return attrs.evolve(
            self,
            last_done_on=on,
            site_id=site_id or self.site_id,
            manual_due_on=None,
            messages_sent=0,
            last_message_on=None,
        )

    def override_due(self, on: _dt.date | None) -> Recall:
        """Set (or clear, with ``None``) the manual due date."""
        return attrs.evolve(self, manual_due_on=on)

    def suppress_until(self, on: _dt.date | None) -> Recall:
        """No message before ``on`` (``None`` lifts it)."""
        return attrs.evolve(self, suppressed_until=on)

    def with_next_appointment(self, at: _dt.datetime | None) -> Recall:
        """Record a booked future appointment (``None``: there is none any more)."""
        return attrs.evolve(self, next_appointment_at=at)

    def message_sent(self, on: _dt.date) -> Recall:
        """Count a message sent on ``on``."""
        return attrs.evolve(self, messages_sent=self.messages_sent + 1, last_message_on=on)

    def due_on(self, recall_type: RecallType) -> _dt.date | None:
        """The due date: the manual one, else last done + interval; ``None`` if never done."""
        if self.manual_due_on is not None:
            return self.manual_due_on
        if self.last_done_on is None:
            return None
        return recall_type.interval.after(self.last_done_on)

    def next_message_on(
        self, recall_type: RecallType, today: _dt.date, *, now: _dt.datetime | None = None
    ) -> _dt.date | None:
        """The first date from ``today`` on which a message may go out, or ``None``.

        ``None`` when nothing is due, the maximum of messages is reached, or a future
        appointment exists (after ``now``, if given, else after ``today``).
        """
        due = self.due_on(recall_type)
        if due is None or self.messages_sent >= recall_type.max_messages:
            return None
        if self.next_appointment_at is not None:
            future = (
                self.next_appointment_at > to_utc(now)
                if now is not None
                else self.next_appointment_at.date() >= today
            )
            if future:
                return None
        candidates = [due, today]
        if self.suppressed_until is not None:
            candidates.append(self.suppressed_until)
        if self.last_message_on is not None:
            candidates.append(recall_type.spacing.after(self.last_message_on))
        return max(candidates)


def birthday_on(birth_date: _dt.date, year: int) -> _dt.date:
    """The birthday in ``year``; 29 February counts on 1 March in common years.

    Examples:
        >>> import datetime
        >>> birthday_on(datetime.date(1980, 2, 29), 2027)
        datetime.date(2027, 3, 1)

    """
    try:
        return birth_date.replace(year=year)
    except ValueError:
        return _dt.date(year, 3, 1)
