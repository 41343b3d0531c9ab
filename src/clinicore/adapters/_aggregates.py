"""Checks every repository adapter makes the same way (shared by memory and SQL)."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

import attrs

from clinicore.errors import NotFoundError, ValidationError

T = TypeVar("T")


def identity(aggregate: object) -> tuple[str, int]:
    """The aggregate's ``(id, version)``; anything else is a `ValidationError`."""
    try:
        key, version = aggregate.id, aggregate.version  # type: ignore[attr-defined]
    except AttributeError:
        raise ValidationError(
            f"{type(aggregate).__name__} is not an aggregate (needs id and version)"
        ) from None
    return str(key), int(version)


def require_new(kind: str, key: str, version: int) -> None:
    """Only a never-stored aggregate (version 0) may be added."""
    if version != 0:
        raise ValidationError(
            f"{kind} {key!r} has version {version}; only version 0 can be added",
            field="version",
        )


def with_version(aggregate: T, version: int) -> T:
    """A copy of ``aggregate`` at ``version``."""
    evolved: Any = attrs.evolve(aggregate, version=version)  # type: ignore[misc]
    return evolved  # type: ignore[no-any-return]


def check_limit(limit: object) -> int:
    """A page size: a whole number of at least one."""
    if type(limit) is not int or limit < 1:
        raise ValidationError(f"limit {limit!r} must be a whole number >= 1", field="limit")
    return limit


class LookupByFind(Generic[T]):
    """``get`` in terms of ``find``: the same for every repository adapter."""

    kind: ClassVar[str] = "aggregate"

    def find(self, key: str) -> T | None:
        """The aggregate or ``None``; each adapter implements it."""
        raise NotImplementedError

    def get(self, key: str) -> T:
        """The aggregate or `NotFoundError`."""
        found = self.find(key)
        if found is None:
            raise NotFoundError(self.kind, key)
        return found
