"""Germany."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from moneyed import Money

from clinicore.billing.dunning import DunningLevel, DunningPolicy
from clinicore.billing.factor_fees import FactorRange, FactorSchedule
from clinicore.jurisdictions._base import Jurisdiction
from clinicore.jurisdictions._data import data_text

if TYPE_CHECKING:
    from clinicore.ports import FeeSchedule

__all__ = ["GOAE_POINT_VALUE", "GOAE_RANGES", "GOZ_POINT_VALUE", "GOZ_RANGES", "Germany"]

GOZ_POINT_VALUE = Decimal("0.0562421")
"""EUR per point, § 5 (1) GOZ."""
GOAE_POINT_VALUE = Decimal("0.0582873")
"""EUR per point, § 5 (1) GOÄ."""

GOZ_RANGES: Mapping[str, FactorRange] = {
    "personal": FactorRange(Decimal("1.0"), Decimal("2.3"), Decimal("3.5")),
}
"""GOZ factor range (§ 5 (2) GOZ): 1.0 to 3.5, threshold 2.3."""

GOAE_RANGES: Mapping[str, FactorRange] = {
    "personal": FactorRange(Decimal("1.0"), Decimal("2.3"), Decimal("3.5")),
    "technical": FactorRange(Decimal("1.0"), Decimal("1.8"), Decimal("2.5"), reduced=True),
    # Laboratory (section M): threshold 1.15, maximum 1.3 -- marked unconfirmed in rules.md.
    "laboratory": FactorRange(Decimal("1.0"), Decimal("1.15"), Decimal("1.3"), reduced=True),
}
"""GOÄ factor ranges (§ 5 (2)-(4) GOÄ): personal, technical (sections A, E, O), laboratory (M)."""


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
        "GOZ (Gebührenordnung für Zahnärzte) §§ 2, 5, 10",
        "GOÄ (Gebührenordnung für Ärzte) §§ 2, 5, 12",
        "BGB §§ 286, 288 (Verzug, Verzugszinsen)",
    )
    default_fee_schedule_ids: ClassVar[Mapping[str, str]] = {
        "dental": "de-goz",
        "medical": "de-goae",
    }

    @functools.cached_property
    def _schedules(self) -> dict[str, FeeSchedule]:
        goz = FactorSchedule.from_csv(
            "de-goz", "EUR", GOZ_POINT_VALUE, GOZ_RANGES, data_text("de_goz.csv")
        )
        goae = FactorSchedule.from_csv(
            "de-goae", "EUR", GOAE_POINT_VALUE, GOAE_RANGES, data_text("de_goae.csv")
        )
        return {goz.schedule_id: goz, goae.schedule_id: goae}

    def _fee_schedules(self) -> Mapping[str, FeeSchedule]:
        """GOZ (dentists) and GOÄ (physicians), loaded from the shipped CSV data."""
        return self._schedules

    def dunning_policy(self) -> DunningPolicy:
        """Reminder levels, fee and default interest under the BGB.

        § 286 BGB: the first reminder puts a consumer in default and costs nothing; later
        reminders only at actual cost (courts cap it around EUR 2.50); default
        interest is the base rate + 5 points for consumers (§ 288 (1) BGB); base rate
        1.27 % from 2025-07-01, unchanged 2026-01-01.
        """
        fee = Money("2.50", "EUR")
        return DunningPolicy(
            levels=(
                DunningLevel(1, 14),
                DunningLevel(2, 28, fee),
                DunningLevel(3, 42, fee, final=True),
            ),
            interest_margin=Decimal("5"),
            base_rates={
                _dt.date(2025, 7, 1): Decimal("1.27"),
                _dt.date(2026, 1, 1): Decimal("1.27"),
            },
            collection_after_days=14,
            source="BGB §§ 286, 288",
        )
