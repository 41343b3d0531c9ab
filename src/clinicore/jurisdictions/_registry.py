"""Finding jurisdiction packs by country code: built-ins, entry points, run-time registrations."""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable
from importlib.metadata import entry_points

from clinicore.errors import ConfigurationError, UnknownJurisdictionError
from clinicore.jurisdictions._base import Jurisdiction

__all__ = ["ENTRY_POINT_GROUP", "available", "get", "register"]

ENTRY_POINT_GROUP = "clinicore.jurisdictions"
"""The entry-point group vendors register packs in (name: country code, value: class)."""

_BUILT_IN: dict[str, str] = {
    "DE": "clinicore.jurisdictions.de:Germany",
    "HU": "clinicore.jurisdictions.hu:Hungary",
    "NO": "clinicore.jurisdictions.no:Norway",
}

Factory = Callable[[], Jurisdiction]
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")

_lock = threading.RLock()
_factories: dict[str, Factory | str] = dict(_BUILT_IN)
_instances: dict[str, Jurisdiction] = {}
_entry_points_loaded = False


def register(code: str, factory: Factory | type[Jurisdiction], *, replace: bool = False) -> None:
    """Register a pack at run time (tests, hosts that do not package their pack).

    Raises:
        ConfigurationError: ``code`` is taken and ``replace`` is not set.

    """
    key = _normalise(code)
    if not _COUNTRY_CODE.fullmatch(key):
        raise ConfigurationError(
            f"jurisdiction code {code!r} is not an ISO 3166 alpha-2 country code"
        )
    with _lock:
        _load_entry_points()
        if key in _factories and not replace:
            raise ConfigurationError(
                f"jurisdiction {key!r} is already registered; pass replace=True to override"
            )
        _factories[key] = factory
        _instances.pop(key, None)


def get(code: str) -> Jurisdiction:
    """The pack for ``code`` (``"de"`` or ``"DE"``), loaded on first use.

    Raises:
        UnknownJurisdictionError: no pack for that code; the message lists the known ones.

    """
    key = _normalise(code)
    with _lock:
        found = _instances.get(key)
        if found is not None:
            return found
        if key not in _factories:
            _load_entry_points()
        factory = _factories.get(key)
        if factory is None:
            raise UnknownJurisdictionError(code, _factories)
        pack = _instantiate(key, factory)
        _instances[key] = pack
        return pack


def available() -> list[str]:
    """Every registered country code, sorted (loads the entry points, not the packs)."""
    with _lock:
        _load_entry_points()
        return sorted(_factories)


def _normalise(code: object) -> str:
    if not isinstance(code, str):
        raise UnknownJurisdictionError(code, _factories)
    return code.strip().upper()


def _instantiate(key: str, factory: Factory | str) -> Jurisdiction:
    if isinstance(factory, str):
        module_name, _, attribute = factory.partition(":")
        try:
            loaded: Factory = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError) as error:
            raise ConfigurationError(
                f"jurisdiction {key!r} cannot be loaded from {factory!r}: {error}"
            ) from None
    else:
        loaded = factory
    pack = loaded()
    if not isinstance(pack, Jurisdiction):
        raise ConfigurationError(
            f"jurisdiction {key!r} must be a Jurisdiction, got {type(pack).__name__}"
        )
    if pack.code != key:
        raise ConfigurationError(
            f"jurisdiction registered as {key!r} says its code is {pack.code!r}"
        )
    return pack


def _load_entry_points() -> None:
    global _entry_points_loaded  # noqa: PLW0603 - a once-only lazy load guarded by _lock
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        key = entry.name.upper()
        # A built-in may be overridden by a vendor only explicitly, through register().
        _factories.setdefault(key, entry.value)
