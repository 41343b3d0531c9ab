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
from clinicore.jurisdictions._base import Jurisdiction, _check_day
from clinicore.jurisdictions._data import data_text
from clinicore.payroll.rules import (
    BreakRule,
    OvertimeRule,
    PayrollRules,
    SupplementRule,
    WorkingTimeRules,
)

if TYPE_CHECKING:
    from clinicore.ports import FeeSchedule

ESTG_3B = "§ 3b EStG (steuerfreie Zuschläge für Sonntags-, Feiertags- oder Nachtarbeit)"
ARBZG = "ArbZG §§ 3-5 (Arbeitszeitgesetz)"

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

    Payroll (``payroll_rules``): working time per the Arbeitszeitgesetz (§ 3: 8 h a day,
    up to 10 h; § 4: breaks of 30 min above 6 h and 45 min above 9 h of work; § 5: 11 h
    rest between duties); supplements as the tax-free windows and rates of § 3b EStG
    (night 20:00-06:00 25 %, 00:00-04:00 40 % when the work began before midnight,
    Sunday 50 %, public holidays and 31 December from 14:00 125 %, 24 December from
    14:00, 25-26 December and 1 May 150 %; night adds to Sunday/holiday, the day
    supplements do not add to each other; the hourly base is capped at 50 EUR). German
    law sets no overtime threshold or supplement: those come from the contract.
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
        ARBZG,
        ESTG_3B,
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

    def payroll_rules(self, on: _dt.date) -> PayrollRules:
        """ArbZG limits and § 3b EStG supplement windows (unchanged since 2004)."""
        _check_day(on, "on")
        whole_day = (_dt.time(0), _dt.time(0))
        none: frozenset[int] = frozenset()
        return PayrollRules(
            overtime=OvertimeRule(source="contract (ArbZG sets no overtime supplement)"),
            working_time=WorkingTimeRules(
                max_daily=_dt.timedelta(hours=10),
                breaks=(
                    BreakRule(
                        after_work=_dt.timedelta(hours=6), minimum_break=_dt.timedelta(minutes=30)
                    ),
                    BreakRule(
                        after_work=_dt.timedelta(hours=9), minimum_break=_dt.timedelta(minutes=45)
                    ),
                ),
                min_rest=_dt.timedelta(hours=11),
                source=ARBZG,
            ),
            supplements=(
                SupplementRule(
                    kind="night",
                    group="night",
                    start=_dt.time(20),
                    end=_dt.time(6),
                    percent=Decimal(25),
                    source=ESTG_3B + " (1) Nr. 1",
                ),
                SupplementRule(
                    kind="night_0_4",
                    group="night",
                    start=_dt.time(0),
                    end=_dt.time(4),
                    percent=Decimal(40),
                    requires_start_before_day=True,
                    source=ESTG_3B + " (3) Nr. 1",
                ),
                SupplementRule(
                    kind="sunday",
                    group="day",
                    start=whole_day[0],
                    end=whole_day[1],
                    percent=Decimal(50),
                    weekdays=frozenset({6}),
                    source=ESTG_3B + " (1) Nr. 2",
                ),
                SupplementRule(
                    kind="public_holiday",
                    group="day",
                    start=whole_day[0],
                    end=whole_day[1],
                    percent=Decimal(125),
                    weekdays=none,
                    on_public_holidays=True,
                    source=ESTG_3B + " (1) Nr. 3",
                ),
                SupplementRule(
                    kind="new_years_eve",
                    group="day",
                    start=_dt.time(14),
                    end=_dt.time(0),
                    percent=Decimal(125),
                    weekdays=none,
                    dates=frozenset({(12, 31)}),
                    source=ESTG_3B + " (1) Nr. 3",
                ),
                SupplementRule(
                    kind="christmas_eve",
                    group="day",
                    start=_dt.time(14),
                    end=_dt.time(0),
                    percent=Decimal(150),
                    weekdays=none,
                    dates=frozenset({(12, 24)}),
                    source=ESTG_3B + " (1) Nr. 4",
                ),
                SupplementRule(
                    kind="christmas_and_may_day",
                    group="day",
                    start=whole_day[0],
                    end=whole_day[1],
                    percent=Decimal(150),
                    weekdays=none,
                    dates=frozenset({(12, 25), (12, 26), (5, 1)}),
                    source=ESTG_3B + " (1) Nr. 4",
                ),
            ),
            base_cap_per_hour=Money(50, "EUR"),
            sources=(ARBZG, ESTG_3B),
        )
