"""Turning clinicore's attrs objects into plain data and back (JSON, SQL rows, exports).

One [cattrs](https://catt.rs) converter knows how to (un)structure the core value types:
aware instants as ISO 8601 strings in UTC, dates as ISO dates, ``Decimal`` as strings,
``Money`` as ``{"amount": "12.50", "currency": "EUR"}``, phone numbers as E.164 strings,
e-mail addresses as strings, frozensets as sorted lists. Structuring runs each class's
validators, so data read back is checked like data typed in.

Examples:
    >>> import pendulum
    >>> from clinicore.intervals import TimeRange
    >>> start = pendulum.datetime(2026, 3, 29, 1, 30, tz="Europe/Oslo")
    >>> data = converter.unstructure(TimeRange(start, start.add(hours=1)))
    >>> data
    {'start': '2026-03-29T00:30:00+00:00', 'end': '2026-03-29T01:30:00+00:00'}
    >>> converter.structure(data, TimeRange).duration
    datetime.timedelta(seconds=3600)

"""

from __future__ import annotations

import datetime as _dt
import typing
from decimal import Decimal
from typing import Any

import cattrs
import pendulum
import pendulum.parsing.exceptions
from moneyed import Money

from clinicore.contact import EmailAddress, PhoneNumber
from clinicore.errors import ValidationError
from clinicore.money import money
from clinicore.zones import to_utc

__all__ = ["converter", "make_converter"]


def make_converter() -> cattrs.Converter:
    """A new converter with clinicore's hooks; extend it for your own types."""
    # Without detailed validation cattrs lets each class's own clinicore error through,
    # instead of wrapping it in an exception group no caller expects.
    conv = cattrs.Converter(detailed_validation=False)
    conv.register_unstructure_hook(pendulum.DateTime, lambda value: to_utc(value).isoformat())
    conv.register_structure_hook(pendulum.DateTime, _structure_instant)
    conv.register_unstructure_hook(_dt.date, lambda value: value.isoformat())
    conv.register_structure_hook(_dt.date, _structure_date)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(
        Money, lambda value: {"amount": str(value.amount), "currency": value.currency.code}
    )
    conv.register_structure_hook(Money, _structure_money)
    conv.register_unstructure_hook(PhoneNumber, lambda value: value.e164)
    conv.register_structure_hook(PhoneNumber, lambda value, _: PhoneNumber(value))
    conv.register_unstructure_hook(EmailAddress, lambda value: value.address)
    conv.register_structure_hook(EmailAddress, lambda value, _: EmailAddress(value))
    conv.register_unstructure_hook_func(
        _is_frozenset,
        lambda value: sorted(conv.unstructure(item) for item in value),
    )
    return conv


def _is_frozenset(type_: Any) -> bool:
    return type_ is frozenset or typing.get_origin(type_) is frozenset


def _structure_instant(value: Any, _: object) -> pendulum.DateTime:
    if isinstance(value, _dt.datetime):
        return to_utc(value)
    try:
        parsed = pendulum.parse(str(value), tz=None)  # no offset means naive: refused below
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        parsed = None
    if not isinstance(parsed, pendulum.DateTime):
        raise ValidationError(f"{value!r} is not an ISO 8601 instant", field="instant")
    return to_utc(parsed)


def _structure_date(value: Any, _: object) -> _dt.date:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{value!r} is not an ISO 8601 date", field="date") from None


def _structure_decimal(value: Any, _: object) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(f"{value!r} is not a decimal number", field="decimal") from None
    if not number.is_finite():
        raise ValidationError(f"{value!r} is not a finite decimal number", field="decimal")
    return number


def _structure_money(value: Any, _: object) -> Money:
    if isinstance(value, Money):
        return value
    if not isinstance(value, dict) or not {"amount", "currency"} <= value.keys():
        raise ValidationError(f"money needs 'amount' and 'currency', got {value!r}", field="money")
    return money(str(value["amount"]), str(value["currency"]))


converter = make_converter()
"""The shared converter; treat it as read-only (call `make_converter` to customise)."""
