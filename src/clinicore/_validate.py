"""Shared attrs validators and converters that raise clinicore errors, never bare ones."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from clinicore.errors import ValidationError
from clinicore.ids import check_id

E = TypeVar("E", bound=enum.Enum)


def to_enum(enum_type: type[E], value: object, field: str) -> E:
    """``value`` as a member of ``enum_type``, or a `ValidationError` naming what is allowed.

    Modules wrap it in a small named converter function per field, because mypy's attrs
    plugin only understands named converters.
    """
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in enum_type)
        raise ValidationError(f"{field} {value!r} is not one of: {allowed}", field=field) from None


def instance_of(
    expected: type[Any] | tuple[type[Any], ...], *, optional: bool = False
) -> Callable[[Any, attrs.Attribute[Any], object], None]:
    """Validator like ``attrs.validators.instance_of`` that raises `ValidationError`.

    (attrs' own raises a bare ``TypeError``; clinicore promises its own errors.)
    """

    def check(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, expected):
            names = (
                expected.__name__
                if isinstance(expected, type)
                else "/".join(t.__name__ for t in expected)
            )
            raise ValidationError(
                f"{attribute.name} must be a {names}, got {type(value).__name__}",
                field=attribute.name,
            )

    return check


def non_empty_text(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a non-empty string. Says nothing about the text (it may be personal)."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{attribute.name} must be a non-empty string", field=attribute.name)


def short_text(max_length: int) -> Callable[[Any, attrs.Attribute[Any], object], None]:
    """Validator: a non-empty, printable, single-line string of at most ``max_length``.

    The message names the field and the problem, never the text: it may be a name.
    """

    def check(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
        non_empty_text(instance, attribute, value)
        text = str(value)
        if len(text) > max_length:
            raise ValidationError(
                f"{attribute.name} is {len(text)} characters long; at most {max_length}",
                field=attribute.name,
            )
        # Control characters and lone surrogates cannot be stored or printed safely.
        if any(unicodedata.category(char) in ("Cc", "Cs") for char in text):
            raise ValidationError(
                f"{attribute.name} contains control characters", field=attribute.name
            )

    return check


def valid_id(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: an id as [`check_id`][clinicore.ids.check_id] accepts it."""
    check_id(value, field=attribute.name)


def version(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: an optimistic-concurrency version, a non-negative int."""
    if type(value) is not int or value < 0:
        raise ValidationError(f"version must be a non-negative int, got {value!r}", field="version")


def strict_bool(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: exactly ``True`` or ``False`` (not 1, not "yes")."""
    if not isinstance(value, bool):
        raise ValidationError(
            f"{attribute.name} must be True or False, got {value!r}", field=attribute.name
        )


def string_set(value: object, field: str, *, label: str | None = None) -> frozenset[str]:
    """A collection of non-empty strings as a frozenset; a bare string is refused.

    (``frozenset("dentist")`` would silently become the letters d, e, n, t, i, s.)
    ``label`` names the value in the message when the field name alone is too vague.
    """
    name = label or field
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(
            f"{name} must be a collection of strings, got {type(value).__name__}", field=field
        )
    items = frozenset(value)
    for item in items:
        if not isinstance(item, str) or not item:
            raise ValidationError(f"{name} holds {item!r}, not a non-empty string", field=field)
    return items
