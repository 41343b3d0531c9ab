"""The in-process event bus: domain events handled inside the unit of work that caused them.

Example:
    >>> import pendulum
    >>> from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
    >>> from clinicore.events import DomainEvent
    >>> seen = []
    >>> bus = EventBus()
    >>> bus.subscribe(DomainEvent, lambda event, uow: seen.append(type(event).__name__))
    >>> with MemoryUnitOfWork(MemoryStore()) as uow:
    ...     bus.publish(uow, DomainEvent(occurred_at=pendulum.datetime(2026, 1, 5)))
    >>> seen
    ['DomainEvent']

"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from clinicore.errors import ClinicoreError
from clinicore.events import DomainEvent
from clinicore.ports import UnitOfWork

__all__ = ["EventBus", "Handler"]

E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[Any, UnitOfWork], None]
"""``handler(event, uow)``: reacts to an event inside the publisher's unit of work."""

_MAX_DEPTH = 16


class EventBus:
    """Routes events to the handlers subscribed to their class or a base class.

    Handlers run synchronously, in subscription order, in the unit of work passed to
    ``publish``: what they write commits or rolls back with the change that caused the
    event. A handler that raises aborts the whole unit of work. A handler may publish
    further events; a chain deeper than 16 is refused as a loop.
    """

    def __init__(self) -> None:
        self._handlers: defaultdict[type[DomainEvent], list[Handler]] = defaultdict(list)
        self._local = threading.local()  # nesting depth, per thread: the bus is shared

    def subscribe(self, event_type: type[E], handler: Callable[[E, UnitOfWork], None]) -> None:
        """Call ``handler(event, uow)`` for every published ``event_type`` (or subclass)."""
        self._handlers[event_type].append(handler)

    def publish(self, uow: UnitOfWork, *events: DomainEvent) -> None:
        """Hand each event to its handlers, in order, inside ``uow``.

        Raises:
            ClinicoreError: handlers published events in a loop.

        """
        depth = getattr(self._local, "depth", 0)
        if depth >= _MAX_DEPTH:
            raise ClinicoreError(f"event handlers publish in a loop: {type(events[0]).__name__}")
        self._local.depth = depth + 1
        try:
            for event in events:
                for event_type in type(event).__mro__:
                    for handler in self._handlers.get(event_type, ()):
                        handler(event, uow)
        finally:
            self._local.depth = depth
