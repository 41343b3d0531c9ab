"""A fee schedule's entries by service code, each code's periods sorted and disjoint.

Price lists, tariffs and factor schedules all date their entries (``valid_from`` to an
inclusive ``valid_to``, or open-ended) and look one up by code and day; this is that part.

Examples:
    >>> import datetime as dt
    >>> from moneyed import Money
    >>> from clinicore.billing.price_list import PriceEntry
    >>> entries = EntriesByCode(
    ...     "demo",
    ...     [
    ...         PriceEntry(
    ...             "X1", "Check", Money("10", "EUR"), dt.date(2026, 1, 1), dt.date(2026, 6, 30)
    ...         ),
    ...         PriceEntry("X1", "Check", Money("12", "EUR"), dt.date(2026, 7, 1)),
    ...     ],
    ... )
    >>> entries.entry("X1", dt.date(2026, 8, 1)).price
    Money('12', 'EUR')
    >>> entries.codes_on(dt.date(2025, 1, 1))
    []

"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from typing import Generic, Protocol, TypeVar

from clinicore.errors import NotFoundError, ValidationError

__all__ = ["DatedEntry", "EntriesByCode"]


class DatedEntry(Protocol):
    """An entry of a schedule: a code, valid for a period of days."""

    @property
    def code(self) -> str:
        """The service code."""
        ...

    @property
    def valid_from(self) -> _dt.date:
        """The first day it applies."""
        ...

    @property
    def valid_to(self) -> _dt.date | None:
        """The last day it applies (inclusive), or ``None`` for open-ended."""
        ...

    def applies_on(self, day: _dt.date) -> bool:
        """Whether it applies on ``day``."""
        ...


E = TypeVar("E", bound=DatedEntry)


class EntriesByCode(Generic[E]):
    """Entries grouped by code, each code's periods sorted by start.

    Args:
        schedule_id: the schedule they belong to (named in errors).
        entries: the entries; the periods of one code must not overlap.

    Raises:
        ValidationError: two periods of one code overlap.

    """

    def __init__(self, schedule_id: str, entries: Iterable[E]) -> None:
        self.schedule_id = schedule_id
        by_code: defaultdict[str, list[E]] = defaultdict(list)
        for entry in entries:
            by_code[entry.code].append(entry)
        for code, periods in by_code.items():
            periods.sort(key=lambda entry: entry.valid_from)
            for earlier, later in itertools.pairwise(periods):
                if earlier.valid_to is None or later.valid_from <= earlier.valid_to:
                    raise ValidationError(
                        f"periods of {code!r} overlap in {schedule_id!r}: "
                        f"{earlier.valid_from}.. and {later.valid_from}..",
                        field="valid_from",
                    )
        self._by_code: dict[str, list[E]] = dict(by_code)

    def entry(self, code: str, on: _dt.date) -> E:
        """The entry of ``code`` that applies on ``on``.

        Raises:
            NotFoundError: the code has no entry on that day.

        """
        for entry in self._by_code.get(code, ()):
            if entry.applies_on(on):
                return entry
        raise NotFoundError(f"service code in schedule {self.schedule_id!r} on {on}", code)

    def codes_on(self, on: _dt.date) -> list[str]:
        """The codes with an entry on ``on``, sorted."""
        return sorted(
            code
            for code, periods in self._by_code.items()
            if any(period.applies_on(on) for period in periods)
        )

    def __len__(self) -> int:
        return len(self._by_code)
