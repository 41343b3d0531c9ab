"""Charts and plans as plain data (JSON-ready dicts) and back, for storage and export.

Teeth and sites are written in FDI notation (``"16"``, ``"16 MOD"``, ``"Q1"``), durations
in seconds, money as ``{"amount", "currency"}``; reading data back runs every validator, so
stored data is checked like data typed in.

Examples:
    >>> import pendulum
    >>> from clinicore.dental.chart import Chart, ChartEntry
    >>> from clinicore.dental.teeth import Tooth
    >>> at = pendulum.datetime(2026, 3, 2, 9, tz="UTC")
    >>> entry = ChartEntry.of(Tooth(16), "caries", at, "dr-a", surfaces="MO")
    >>> data = entry_to_data(entry)
    >>> data["tooth"], data["faces"]
    ('16', [0, 1])
    >>> entry_from_data(data) == entry
    True

"""

from __future__ import annotations

import datetime as _dt
from typing import Any, TypeVar

import cattrs

from clinicore.codec import make_converter
from clinicore.dental.chart import ChartEntry
from clinicore.dental.plans import AuditEntry, TreatmentPlan
from clinicore.dental.sites import (
    ArchSite,
    QuadrantSite,
    SextantSite,
    SurfacesSite,
    TeethSite,
    ToothSite,
    WholeMouthSite,
    parse_site,
)
from clinicore.dental.teeth import Notation, Tooth
from clinicore.errors import ValidationError

__all__ = [
    "audit_from_data",
    "audit_to_data",
    "converter",
    "entry_from_data",
    "entry_to_data",
    "plan_from_data",
    "plan_to_data",
]

T = TypeVar("T")
_SITES = (ToothSite, SurfacesSite, TeethSite, QuadrantSite, SextantSite, ArchSite, WholeMouthSite)


def _make() -> cattrs.Converter:
    conv = make_converter()
    conv.register_unstructure_hook(Tooth, lambda tooth: tooth.format(Notation.FDI))
    conv.register_structure_hook(Tooth, lambda value, _: Tooth.parse(str(value), Notation.FDI))
    for site_type in _SITES:
        conv.register_unstructure_hook(site_type, lambda site: site.format(Notation.FDI))
    conv.register_structure_hook_func(_is_site_union, lambda value, _: parse_site(str(value)))
    conv.register_unstructure_hook(_dt.timedelta, lambda value: value.total_seconds())
    conv.register_structure_hook(_dt.timedelta, _structure_timedelta)
    return conv


def _is_site_union(type_: Any) -> bool:
    args = getattr(type_, "__args__", None)
    return isinstance(args, tuple) and set(args) == set(_SITES)


def _structure_timedelta(value: Any, _: object) -> _dt.timedelta:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{value!r} is not a duration in seconds", field="duration")
    return _dt.timedelta(seconds=value)


converter = _make()
"""The converter for dental aggregates (the shared one plus teeth, sites and durations)."""


def entry_to_data(entry: ChartEntry) -> dict[str, Any]:
    """A chart entry as plain data."""
    data: dict[str, Any] = converter.unstructure(entry)
    return data


def entry_from_data(data: dict[str, Any]) -> ChartEntry:
    """A chart entry read back from plain data (validated).

    Raises:
        ValidationError: the data is not a valid entry.

    """
    return _structure(data, ChartEntry)


def audit_to_data(entry: AuditEntry) -> dict[str, Any]:
    """An audit entry as plain data."""
    data: dict[str, Any] = converter.unstructure(entry)
    return data


def audit_from_data(data: dict[str, Any]) -> AuditEntry:
    """An audit entry read back from plain data."""
    return _structure(data, AuditEntry)


def plan_to_data(plan: TreatmentPlan, *, audit: bool = True) -> dict[str, Any]:
    """A plan as plain data (without its audit trail when ``audit`` is false)."""
    data: dict[str, Any] = converter.unstructure(plan)
    if not audit:
        del data["audit"]
    return data


def plan_from_data(data: dict[str, Any]) -> TreatmentPlan:
    """A plan read back from plain data (validated).

    Raises:
        ValidationError: the data is not a valid plan.

    """
    return _structure(data, TreatmentPlan)


def _structure(data: dict[str, Any], type_: type[T]) -> T:
    try:
        structured: T = converter.structure(data, type_)
        return structured
    except ValidationError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ValidationError(
            f"stored {type_.__name__} is unreadable: {type(error).__name__}", field="data"
        ) from None
