"""Locale identifiers, checked against Babel's CLDR data.

Examples:
    >>> parse_locale("nb-NO")
    'nb_NO'
    >>> parse_locale("de")
    'de'

"""

from __future__ import annotations

from functools import lru_cache

from clinicore.errors import UnknownLocaleError

__all__ = ["parse_locale"]


def parse_locale(identifier: object, *, field: str = "locale") -> str:
    """Return the canonical form of a locale identifier (``"nb-NO"`` → ``"nb_NO"``).

    Raises:
        UnknownLocaleError: CLDR has no such locale.

    """
    if not isinstance(identifier, str) or not identifier.strip():
        raise UnknownLocaleError(identifier, field=field)
    return _parse(identifier.strip().replace("-", "_"), field)


@lru_cache(maxsize=256)
def _parse(identifier: str, field: str) -> str:
    import babel  # noqa: PLC0415 - Babel loads its CLDR index; keep ``import clinicore`` cheap

    try:
        return str(babel.Locale.parse(identifier))
    except (ValueError, babel.UnknownLocaleError):
        raise UnknownLocaleError(identifier, field=field) from None
