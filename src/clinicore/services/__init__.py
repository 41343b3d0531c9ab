"""Use cases: load through the ports, ask the domain, store through the ports.

Services are plain classes given a unit-of-work factory and the other ports they need;
[`clinicore.bootstrap`][clinicore.bootstrap] wires them. They never create engines, read
the clock or send messages except through those ports.
"""

from clinicore.services.bus import EventBus
from clinicore.services.directory import DirectoryService

__all__ = ["DirectoryService", "EventBus"]
