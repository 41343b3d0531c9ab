"""Germany."""

from __future__ import annotations

from clinicore.jurisdictions._base import Jurisdiction

__all__ = ["Germany"]


class Germany(Jurisdiction):
    """Germany (DE).

    Public holidays are set by each Land (Feiertagsgesetze der Länder); 3 October is
    national by the Einigungsvertrag, Art. 2 (2). Pass the Land as the site's subdivision
    (``"BY"``, ``"BE"``...) to include regional holidays. Holiday dates come from the
    ``holidays`` package.
    """

    code = "DE"
    name = "Germany"
    currency = "EUR"
    default_locale = "de_DE"
    default_timezone = "Europe/Berlin"
    sources = (
        "Feiertagsgesetze der Länder",
        "Einigungsvertrag Art. 2 (2) (Tag der Deutschen Einheit)",
    )
