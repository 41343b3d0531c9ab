"""Norway."""

from __future__ import annotations

from clinicore.jurisdictions._base import Jurisdiction

__all__ = ["Norway"]


class Norway(Jurisdiction):
    """Norway (NO).

    Public holidays: lov om helligdager og helligdagsfred (helligdagsloven) § 2 and lov om
    1. og 17. mai som høgtidsdager. Sundays are not listed as holidays here (they are
    weekly rest days, handled by working patterns). Holiday dates come from the ``holidays``
    package.
    """

    code = "NO"
    name = "Norway"
    currency = "NOK"
    default_locale = "nb_NO"
    default_timezone = "Europe/Oslo"
    sources = (
        "Lov om helligdager og helligdagsfred (helligdagsloven) § 2",
        "Lov om 1. og 17. mai som høgtidsdager",
    )
