"""Use cases: load through the ports, ask the domain, store through the ports.

Services are plain classes given a unit-of-work factory and the other ports they need;
[`clinicore.bootstrap`][clinicore.bootstrap] wires them. They never create engines, read
the clock or send messages except through those ports.

Services log through the ``clinicore`` logger (e.g. a charge billing could not price); it
has a `logging.NullHandler`, so nothing is printed until the host configures logging.
"""

import logging

from clinicore.services.bus import EventBus
from clinicore.services.directory import DirectoryService

__all__ = ["DirectoryService", "EventBus"]

logging.getLogger("clinicore").addHandler(logging.NullHandler())
