"""Domain events: facts the domain reports, for other modules to act on.

A service that changes an aggregate publishes what happened (an appointment was booked, a
treatment item was done) on the [`EventBus`][clinicore.services.bus.EventBus]. Other
modules subscribe: billing turns a completed treatment into charges, stock books the
materials it used, reminders plan the messages for a booking. Handlers run in the same unit
of work as the change, so a booking and its reminders are stored together or not at all.

Events are immutable attrs classes deriving from [`DomainEvent`][clinicore.events.DomainEvent];
instants in them are UTC. They carry ids, never personal data.
"""

from __future__ import annotations

import attrs
import pendulum

from clinicore.zones import to_utc

__all__ = ["DomainEvent"]


def _utc(value: object) -> pendulum.DateTime:
    return to_utc(value, field="occurred_at")


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Base of every domain event.

    Args:
        occurred_at: when it happened (aware; stored in UTC).

    """

    occurred_at: pendulum.DateTime = attrs.field(converter=_utc)
