"""The clock port: domain code never reads the time, it is handed a clock.

[`SystemClock`][clinicore.clock.SystemClock] is the real one;
[`FixedClock`][clinicore.clock.FixedClock] stands still until told to move, which makes
tests and the demo reproducible.

Examples:
    >>> import pendulum
    >>> clock = FixedClock(pendulum.datetime(2026, 10, 24, 12, tz="Europe/Berlin"))
    >>> clock.advance(hours=24).now().isoformat()
    '2026-10-25T11:00:00+01:00'

"""

from __future__ import annotations

import threading
from typing import Protocol, runtime_checkable

import pendulum

from clinicore.errors import ValidationError
from clinicore.zones import aware

__all__ = ["Clock", "FixedClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """Tells the current instant. Implementations must return aware instants."""

    def now(self) -> pendulum.DateTime:
        """The current instant, aware."""
        ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> pendulum.DateTime:
        """The current instant in UTC."""
        return pendulum.now(pendulum.UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A clock that only moves when told to; safe to share between threads.

    Args:
        instant: the time it shows; must be aware.

    """

    def __init__(self, instant: pendulum.DateTime) -> None:
        self._instant = aware(instant, field="instant")
        self._lock = threading.Lock()

    def now(self) -> pendulum.DateTime:
        """The instant the clock is set to."""
        with self._lock:
            return self._instant

    def set(self, instant: pendulum.DateTime) -> FixedClock:
        """Move to ``instant`` (forwards or backwards) and return the clock."""
        checked = aware(instant, field="instant")
        with self._lock:
            self._instant = checked
        return self

    def advance(
        self, *, days: int = 0, hours: int = 0, minutes: int = 0, seconds: int = 0
    ) -> FixedClock:
        """Move forwards by an exact elapsed duration (not wall-clock) and return the clock.

        Raises:
            ValidationError: the duration is negative.

        """
        step = pendulum.duration(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if step.total_seconds() < 0:
            raise ValidationError(f"cannot advance a clock by {step}: negative", field="step")
        with self._lock:
            self._instant = self._instant.add(seconds=int(step.total_seconds()))
        return self

    def __repr__(self) -> str:
        return f"FixedClock({self._instant.isoformat()})"
