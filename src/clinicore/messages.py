"""Messages to patients and staff, and what the notifier reports back.

An [`OutboundMessage`][clinicore.messages.OutboundMessage] is what a
[`Notifier`][clinicore.ports.Notifier] delivers; its ``idempotency_key`` lets the notifier
(and the gateway behind it) drop a repeat, so a crash between sending and recording the
receipt never sends twice. Message bodies are personal data: ``repr()`` hides them.

Examples:
    >>> message = OutboundMessage(
    ...     idempotency_key="rem-42-day-before",
    ...     channel=ContactChannel.SMS,
    ...     to="+4741234567",
    ...     body="Reminder: dentist tomorrow 09:00",
    ... )
    >>> "dentist" in repr(message), "+47" in repr(message)
    (False, False)

"""

from __future__ import annotations

import enum

import attrs

from clinicore._validate import non_empty_text, to_enum
from clinicore.contact import ContactChannel
from clinicore.privacy import mask_text

__all__ = ["DeliveryReceipt", "DeliveryStatus", "OutboundMessage"]


def _contact_channel(value: object) -> ContactChannel:
    return to_enum(ContactChannel, value, "channel")


@attrs.frozen
class OutboundMessage:
    """One message to send.

    Args:
        idempotency_key: stable key of the message; sending it twice must deliver once.
        channel: SMS, e-mail, phone (a call task) or letter.
        to: the address in the channel's form (E.164 number, e-mail address, task queue).
        body: the rendered text.
        subject: subject line for e-mail and letters.
        locale: the language it is written in.

    """

    idempotency_key: str = attrs.field(validator=non_empty_text)
    channel: ContactChannel = attrs.field(converter=_contact_channel)
    to: str = attrs.field(validator=non_empty_text, repr=mask_text)
    body: str = attrs.field(validator=non_empty_text, repr=mask_text)
    subject: str | None = attrs.field(default=None, repr=mask_text)
    locale: str = "en"


class DeliveryStatus(enum.StrEnum):
    """Where a message stands with the gateway."""

    ACCEPTED = "accepted"
    """Handed to the gateway; delivery not yet confirmed."""
    DELIVERED = "delivered"
    FAILED = "failed"
    DUPLICATE = "duplicate"
    """The key was seen before; the earlier delivery stands and nothing was sent."""


def _delivery_status(value: object) -> DeliveryStatus:
    return to_enum(DeliveryStatus, value, "status")


@attrs.frozen
class DeliveryReceipt:
    """What the notifier reports for one message.

    Args:
        idempotency_key: the key of the message it answers.
        status: accepted, delivered, failed or duplicate.
        provider_reference: the gateway's own id for the message, if any.
        detail: a short reason for a failure (never the message text).

    """

    idempotency_key: str
    status: DeliveryStatus = attrs.field(converter=_delivery_status)
    provider_reference: str | None = None
    detail: str | None = None
