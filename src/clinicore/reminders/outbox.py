r"""The outbox: each reminder to send, stored with its state until it is delivered (REM-7).

A [`ScheduledReminder`][clinicore.reminders.outbox.ScheduledReminder] is written in the same
unit of work as the change that caused it (a booking, a completed visit). A relay then
moves it through these states::

    pending --claim--> sending --delivered--> sent
       ^                  |  \--permanent failure or attempts used up--> failed
       |                  \--transient failure--> pending (later, with backoff)
       |                  \--relay runs in quiet hours--> pending (after them)
    pending/sending --expired, no consent, no address--> skipped
    pending --appointment cancelled or moved--> withdrawn

**Exactly once.** A relay *claims* a reminder (a conditional, versioned write committed
before anything is sent), sends it with the reminder's key as the notifier's idempotency
key, then records the receipt. Two relays cannot both claim it: the second write finds a
newer version. If a relay dies after the claim, the claim's lease runs out and another
relay claims it again; if it died after sending, the notifier recognises the key and
answers ``duplicate``, so the patient still gets one message.

``ready_at`` is when the reminder may next be taken: its due time, the end of a claim's
lease, or the next retry. Every due reminder, in any state, is found with one index on
``(status, ready_at, id)``.

Examples:
    >>> import pendulum
    >>> from clinicore.contact import ContactChannel, ContactPurpose
    >>> due = pendulum.datetime(2026, 10, 25, 8, tz="UTC")
    >>> reminder = ScheduledReminder.new(
    ...     key="apt-1/day_before/20261026T0800Z",
    ...     patient_id="pat-1",
    ...     site_id="berlin",
    ...     purpose=ContactPurpose.CONFIRMATION_REQUEST,
    ...     channel=ContactChannel.SMS,
    ...     template="confirmation_request",
    ...     due_at=due,
    ...     rule="day_before",
    ... )
    >>> claimed = reminder.claim("token-1", due, lease=pendulum.duration(minutes=5))
    >>> claimed.status, claimed.attempts, claimed.ready_at.isoformat()
    (<OutboxStatus.SENDING: 'sending'>, 1, '2026-10-25T08:05:00+00:00')

"""

from __future__ import annotations

import datetime as _dt
import enum
from typing import Any

import attrs
import pendulum

from clinicore._validate import strict_bool, to_enum, valid_id, version
from clinicore.contact import ContactChannel, ContactPurpose
from clinicore.errors import InvalidTransitionError, ValidationError
from clinicore.messages import DeliveryReceipt, DeliveryStatus
from clinicore.reminders.planning import PlannedReminder
from clinicore.reminders.replies import ReplyIntent
from clinicore.zones import to_utc

__all__ = ["OutboxStatus", "ScheduledReminder", "backoff"]


class OutboxStatus(enum.StrEnum):
    """Where a reminder stands."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        """Whether a relay may still take it (pending, or sending with a lapsed lease)."""
        return self in (OutboxStatus.PENDING, OutboxStatus.SENDING)


def backoff(attempt: int, *, base: _dt.timedelta = _dt.timedelta(minutes=1)) -> _dt.timedelta:
    """How long to wait after failed attempt number ``attempt``: 1, 2, 4... minutes, at most 1 h.

    Examples:
        >>> [int(backoff(n).total_seconds() // 60) for n in (1, 2, 3, 10)]
        [1, 2, 4, 60]

    """
    wait: _dt.timedelta = base * (2 ** max(0, min(attempt, 20) - 1))
    return min(wait, _dt.timedelta(hours=1))


def _utc(value: object) -> pendulum.DateTime:
    return to_utc(value, field="instant")


def _optional_utc(value: object) -> pendulum.DateTime | None:
    return None if value is None else to_utc(value, field="instant")


def _status(value: object) -> OutboxStatus:
    return to_enum(OutboxStatus, value, "status")


def _channel(value: object) -> ContactChannel:
    return to_enum(ContactChannel, value, "channel")


def _purpose(value: object) -> ContactPurpose:
    return to_enum(ContactPurpose, value, "purpose")


def _optional_delivery(value: object) -> DeliveryStatus | None:
    return None if value is None else to_enum(DeliveryStatus, value, "delivery")


def _optional_reply(value: object) -> ReplyIntent | None:
    return None if value is None else to_enum(ReplyIntent, value, "reply")


def _key(instance: Any, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not 1 <= len(value) <= 200 or not value.isprintable():
        raise ValidationError(
            f"reminder key {value!r} must be 1-200 printable characters", field="id"
        )


def _optional_id(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        valid_id(instance, attribute, value)


def _count(instance: Any, attribute: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or value < 0:
        raise ValidationError(f"{attribute.name} {value!r} must be >= 0", field=attribute.name)


@attrs.frozen(kw_only=True)
class ScheduledReminder:
    """One message in the outbox (an aggregate; its id is the reminder key).

    Args:
        id: the stable reminder key, also the notifier's idempotency key.
        patient_id: the recipient.
        site_id: the sending site.
        rule: the policy rule or recall type that made it.
        purpose: the contact purpose (consent is checked again before sending).
        channel: the channel chosen at planning.
        template: the template name.
        due_at: when it should go out.
        expires_at: the last moment it may go out (``None``: no limit).
        appointment_id: the appointment it is about, if any.
        appointment_start: that appointment's start, for the message.
        practitioner_id: named in the message.
        status: see `OutboxStatus`.
        ready_at: when a relay may take it next.
        attempts: delivery attempts so far (claims).
        claim_token: the token of the relay holding the current claim.
        sent_at: when the notifier accepted it.
        delivery: the notifier's last status (``duplicate`` after a crash and resend).
        provider_reference: the gateway's id.
        detail: why it failed or was skipped (never the message text).
        appointment_changed: the appointment was cancelled or moved after planning.
        reply: the patient's answer to a confirmation request.
        version: the stored version.

    """

    id: str = attrs.field(validator=_key)
    patient_id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    rule: str = attrs.field(validator=valid_id)
    purpose: ContactPurpose = attrs.field(converter=_purpose)
    channel: ContactChannel = attrs.field(converter=_channel)
    template: str = attrs.field(validator=valid_id)
    due_at: pendulum.DateTime = attrs.field(converter=_utc)
    expires_at: pendulum.DateTime | None = attrs.field(default=None, converter=_optional_utc)
    appointment_id: str | None = attrs.field(default=None, validator=_optional_id)
    appointment_start: pendulum.DateTime | None = attrs.field(default=None, converter=_optional_utc)
    practitioner_id: str | None = attrs.field(default=None, validator=_optional_id)
    status: OutboxStatus = attrs.field(default=OutboxStatus.PENDING, converter=_status)
    ready_at: pendulum.DateTime = attrs.field(converter=_utc)
    attempts: int = attrs.field(default=0, validator=_count)
    claim_token: str | None = None
    sent_at: pendulum.DateTime | None = attrs.field(default=None, converter=_optional_utc)
    delivery: DeliveryStatus | None = attrs.field(default=None, converter=_optional_delivery)
    provider_reference: str | None = None
    detail: str | None = None
    appointment_changed: bool = attrs.field(default=False, validator=strict_bool)
    reply: ReplyIntent | None = attrs.field(default=None, converter=_optional_reply)
    version: int = attrs.field(default=0, validator=version)

    @ready_at.default
    def _ready_default(self) -> pendulum.DateTime:
        return self.due_at

    # -- making ---------------------------------------------------------------------------
    @classmethod
    def new(cls, *, key: str, **fields: Any) -> ScheduledReminder:
        """A pending reminder with id ``key``; ``ready_at`` defaults to ``due_at``."""
        return cls(id=key, **fields)

    @classmethod
    def from_plan(cls, planned: PlannedReminder) -> ScheduledReminder:
        """The outbox entry of a planned reminder."""
        return cls(
            id=planned.key,
            patient_id=planned.patient_id,
            site_id=planned.site_id,
            rule=planned.rule,
            purpose=planned.purpose,
            channel=planned.channel,
            template=planned.template,
            due_at=planned.due_at,
            expires_at=planned.expires_at,
            appointment_id=planned.appointment_id,
            appointment_start=planned.appointment_start,
            practitioner_id=planned.practitioner_id,
        )

    # -- questions ------------------------------------------------------------------------
    def is_due(self, now: _dt.datetime) -> bool:
        """Whether a relay may take it at ``now``."""
        return self.status.is_open and self.ready_at <= to_utc(now)

    def expired(self, now: _dt.datetime) -> bool:
        """Whether its last moment has passed (it is then skipped, not sent late)."""
        return self.expires_at is not None and to_utc(now) >= self.expires_at

    # -- transitions ----------------------------------------------------------------------
    def _require(self, action: str, *allowed: OutboxStatus) -> None:
        if self.status not in allowed:
            raise InvalidTransitionError(f"reminder {self.id!r}", self.status.value, action)

    def claim(self, token: str, now: _dt.datetime, *, lease: _dt.timedelta) -> ScheduledReminder:
        """Take it for sending until ``now + lease``.

        Raises:
            InvalidTransitionError: it is not due (closed, or another relay's lease runs).

        """
        if not self.is_due(now):
            raise InvalidTransitionError(f"reminder {self.id!r}", self.status.value, "claim")
        return attrs.evolve(
            self,
            status=OutboxStatus.SENDING,
            claim_token=token,
            attempts=self.attempts + 1,
            ready_at=to_utc(now) + lease,
        )

    def delivered(
        self, receipt: DeliveryReceipt, now: _dt.datetime, channel: ContactChannel | None = None
    ) -> ScheduledReminder:
        """Record the notifier's receipt (``duplicate`` means an earlier attempt got through)."""
        self._require("sent", OutboxStatus.SENDING)
        return attrs.evolve(
            self,
            status=OutboxStatus.SENT,
            channel=channel or self.channel,
            sent_at=to_utc(now),
            delivery=receipt.status,
            provider_reference=receipt.provider_reference,
            detail=receipt.detail,
            claim_token=None,
        )

    def failed_attempt(
        self, now: _dt.datetime, *, transient: bool, max_attempts: int, detail: str
    ) -> ScheduledReminder:
        """Record a failed attempt: retry later with backoff, or give up."""
        self._require("retry", OutboxStatus.SENDING)
        if transient and self.attempts < max_attempts:
            return attrs.evolve(
                self,
                status=OutboxStatus.PENDING,
                ready_at=to_utc(now) + backoff(self.attempts),
                claim_token=None,
                detail=detail,
            )
        return attrs.evolve(
            self,
            status=OutboxStatus.FAILED,
            delivery=DeliveryStatus.FAILED,
            claim_token=None,
            detail=detail,
        )

    def deferred(self, until: _dt.datetime) -> ScheduledReminder:
        """Give a claim back unsent until ``until`` (the relay ran in quiet hours).

        The claim does not count as a delivery attempt.
        """
        self._require("deferred", OutboxStatus.SENDING)
        return attrs.evolve(
            self,
            status=OutboxStatus.PENDING,
            ready_at=to_utc(until),
            claim_token=None,
            attempts=max(0, self.attempts - 1),
        )

    def skipped(self, reason: str) -> ScheduledReminder:
        """Close it without sending (expired, consent withdrawn, no address)."""
        self._require("skipped", OutboxStatus.PENDING, OutboxStatus.SENDING)
        return attrs.evolve(self, status=OutboxStatus.SKIPPED, claim_token=None, detail=reason)

    def withdrawn(self) -> ScheduledReminder:
        """The appointment was cancelled or moved: a pending reminder is withdrawn.

        One already sent (or in flight) stays as it is but is marked
        ``appointment_changed``, so a late reply to it is rejected.
        """
        status = OutboxStatus.WITHDRAWN if self.status is OutboxStatus.PENDING else self.status
        return attrs.evolve(self, status=status, appointment_changed=True)

    def answered(self, intent: ReplyIntent) -> ScheduledReminder:
        """Record the patient's reply to this (sent) confirmation request."""
        self._require("answered", OutboxStatus.SENT)
        return attrs.evolve(self, reply=intent)
