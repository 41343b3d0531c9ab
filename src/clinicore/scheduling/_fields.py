"""Converters and validators shared by the scheduling value types (private)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Any

import pendulum

from clinicore.errors import ValidationError
from clinicore.ids import check_id
from clinicore.zones import to_utc

ZERO = _dt.timedelta()


def positive_duration(instance: Any, attribute: Any, value: Any) -> None:
    """Validator: a ``timedelta`` greater than zero."""
    if not isinstance(value, _dt.timedelta) or value <= ZERO:
        raise ValidationError(
            f"{attribute.name} {value!r} must be a positive timedelta", field=attribute.name
        )


def non_negative_duration(instance: Any, attribute: Any, value: Any) -> None:
    """Validator: a ``timedelta`` of zero or more."""
    if not isinstance(value, _dt.timedelta) or value < ZERO:
        raise ValidationError(
            f"{attribute.name} {value!r} must be a timedelta of zero or more",
            field=attribute.name,
        )


def optional_date(instance: Any, attribute: Any, value: Any) -> None:
    """Validator: ``None`` or a ``date`` (not a datetime)."""
    if value is None:
        return
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise ValidationError(
            f"{attribute.name} must be a date, got {type(value).__name__}", field=attribute.name
        )


def a_date(instance: Any, attribute: Any, value: Any) -> None:
    """Validator: a ``date`` (not a datetime)."""
    if value is None:
        raise ValidationError(f"{attribute.name} must be a date, got None", field=attribute.name)
    optional_date(instance, attribute, value)


def positive_int(instance: Any, attribute: Any, value: Any) -> None:
    """Validator: a whole number of at least one."""
    if type(value) is not int or value < 1:
        raise ValidationError(
            f"{attribute.name} {value!r} must be a whole number >= 1", field=attribute.name
        )


def optional_positive_int(instance: Any, attribute: Any, value: Any) -> None:
    """Validator: ``None`` or a whole number of at least one."""
    if value is not None:
        positive_int(instance, attribute, value)


def id_tuple(value: object, field: str) -> tuple[str, ...]:
    """A collection of ids as a sorted tuple without repeats; a bare string is refused."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(
            f"{field} must be a collection of ids, got {type(value).__name__}", field=field
        )
    return tuple(sorted({check_id(item, field=field) for item in value}))


def utc(value: object, field: str) -> pendulum.DateTime:
    """An aware instant in UTC."""
    return to_utc(value, field=field)


def optional_utc(value: object, field: str) -> pendulum.DateTime | None:
    """``None`` or an aware instant in UTC."""
    return None if value is None else to_utc(value, field=field)


def elapsed(start: _dt.datetime, end: _dt.datetime) -> _dt.timedelta:
    """Real elapsed time between two UTC instants (plain subtraction, no pendulum Interval)."""
    return _dt.datetime.__sub__(end, start)
