"""Typed identifiers and the id-source port.

Ids are plain strings at run time and distinct types for the type checker, so a
``PatientId`` cannot be passed where a ``SiteId`` is wanted. New ids come from an
[`IdSource`][clinicore.ids.IdSource]: random UUIDs in production,
[`SequentialIdSource`][clinicore.ids.SequentialIdSource] in tests and the demo.

Examples:
    >>> ids = SequentialIdSource(prefix="pat")
    >>> PatientId(ids.new_id()), PatientId(ids.new_id())
    ('pat-000001', 'pat-000002')

"""

from __future__ import annotations

import itertools
import re
import threading
import uuid
from typing import NewType, Protocol, runtime_checkable

from clinicore.errors import ValidationError

__all__ = [
    "IdSource",
    "PatientId",
    "PractitionerId",
    "SequentialIdSource",
    "SiteId",
    "UuidIdSource",
    "check_id",
]

SiteId = NewType("SiteId", str)
"""Identifies a [`Site`][clinicore.sites.Site]."""
PatientId = NewType("PatientId", str)
"""Identifies a [`Patient`][clinicore.patients.Patient]."""
PractitionerId = NewType("PractitionerId", str)
"""Identifies a [`Practitioner`][clinicore.practitioners.Practitioner]."""

_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}")


def check_id(value: object, *, field: str = "id") -> str:
    """Return ``value`` if it is a usable id: 1 to 64 letters, digits, ``. _ : -``.

    Raises:
        ValidationError: ``value`` is not a string of that form.

    """
    if not isinstance(value, str) or not _ID_PATTERN.fullmatch(value):
        raise ValidationError(
            f"{field} {value!r} is not a valid id (1-64 of A-Z a-z 0-9 . _ : -)", field=field
        )
    return value


@runtime_checkable
class IdSource(Protocol):
    """Hands out new, never repeated ids."""

    def new_id(self) -> str:
        """A fresh id, unique for the lifetime of the store it is used with."""
        ...


class UuidIdSource:
    """Random UUID4 ids: unique across processes and machines without coordination."""

    def new_id(self) -> str:
        """A fresh random UUID in its canonical text form."""
        return str(uuid.uuid4())

    def __repr__(self) -> str:
        return "UuidIdSource()"


class SequentialIdSource:
    """Ids ``prefix-000001``, ``prefix-000002``… for reproducible tests and demos.

    Unique within one source object (thread-safe), not across processes.
    """

    def __init__(self, prefix: str = "id", *, start: int = 1, width: int = 6) -> None:
        check_id(prefix, field="prefix")
        self._prefix = prefix
        self._width = width
        self._counter = itertools.count(start)
        self._lock = threading.Lock()

    def new_id(self) -> str:
        """The next id in sequence."""
        with self._lock:
            number = next(self._counter)
        return f"{self._prefix}-{number:0{self._width}d}"

    def __repr__(self) -> str:
        return f"SequentialIdSource(prefix={self._prefix!r})"
