"""Norway."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from moneyed import Money

from clinicore.billing.cancellation import CancellationFeeRule
from clinicore.billing.copayment import CoPaymentPolicy, Exemption
from clinicore.billing.dunning import DunningLevel, DunningPolicy
from clinicore.billing.tariff import TariffSchedule
from clinicore.jurisdictions._base import Jurisdiction, _check_day
from clinicore.jurisdictions._data import data_text
from clinicore.payroll.rules import (
    BreakRule,
    OvertimeCap,
    OvertimeRule,
    PayrollRules,
    WorkingTimeRules,
)

if TYPE_CHECKING:
    from clinicore.ports import FeeSchedule

AML = "Lov om arbeidsmiljø, arbeidstid og stillingsvern (arbeidsmiljøloven) kap. 10"

__all__ = ["EGENANDELSTAK", "Norway"]

EGENANDELSTAK: Mapping[int, Money] = {
    2024: Money("3165.00", "NOK"),
    2026: Money("3278.00", "NOK"),
}
"""The yearly co-payment ceiling (egenandelstak) per year; 2025 is unconfirmed and left out
(configure it with ``CoPaymentPolicy.with_ceiling``)."""


class Norway(Jurisdiction):
    """Norway (NO).

    Public holidays: lov om helligdager og helligdagsfred (helligdagsloven) § 2 and lov om
    1. og 17. mai som høgtidsdager. Sundays are not listed as holidays here (they are
    weekly rest days, handled by working patterns). Holiday dates come from the ``holidays``
    package.

    Payroll (``payroll_rules``), arbeidsmiljøloven: normal working time at most 9 h per
    24 h and 40 h per 7 days (§ 10-4 (1)); work beyond is overtime with at least 40 %
    supplement (§ 10-6 (11)); hours between a shorter contractual week and those limits
    are "merarbeid", paid plain; overtime at most 10 h per 7 days, 25 h per 4 weeks and
    200 h per 52 weeks (§ 10-6 (4)); total work at most 13 h per 24 h (§ 10-6 (8)); 11 h
    daily rest (§ 10-8 (1)); breaks of at least 30 min when the day's work is at least
    8 h (§ 10-9 (1); the figure is not in the project's rules.md: unconfirmed).
    Norwegian law sets no night or Sunday supplement: collective agreements do, and a
    contract can add them. Night work is 21:00-06:00 (§ 10-11 (1)).
    """

    code = "NO"
    name = "Norway"
    currency = "NOK"
    default_locale = "nb_NO"
    default_timezone = "Europe/Oslo"
    sources = (
        "Lov om helligdager og helligdagsfred (helligdagsloven) § 2",
        "Lov om 1. og 17. mai som høgtidsdager",
        "Forskrift om egenandelstak (egenandelstak 2024 NOK 3,165; 2026 NOK 3,278)",
        "Inkassoloven § 9; inkassoforskriften (purregebyr)",
        AML,
    )

    default_fee_schedule_ids: ClassVar[Mapping[str, str]] = {
        "dental": "no-takster",
        "medical": "no-takster",
    }

    @functools.cached_property
    def _schedules(self) -> dict[str, FeeSchedule]:
        tariff = TariffSchedule.from_csv("no-takster", "NOK", data_text("no_takster.csv"))
        return {tariff.schedule_id: tariff}

    def _fee_schedules(self) -> Mapping[str, FeeSchedule]:
        """A tariff list with HELFO refund and egenandel per service (sample figures)."""
        return self._schedules

    def copayment_policy(self) -> CoPaymentPolicy:
        """Exemptions and the yearly ceiling (egenandelstak).

        Children under 16 and pregnant patients pay no egenandel; the ceiling is dated
        per calendar year.
        """
        return CoPaymentPolicy(
            exemptions=(
                Exemption("child", below_age=16, source="folketrygdloven § 5-3 (under 16)"),
                Exemption("pregnancy", source="folketrygdloven § 5-3 (svangerskap)"),
            ),
            ceilings=EGENANDELSTAK,
        )

    def cancellation_fee_rule(self) -> CancellationFeeRule:
        """Late cancellation (under 24 h) and no-show may be charged.

        The amounts are the site's own; these defaults are examples.
        """
        return CancellationFeeRule(
            window=_dt.timedelta(hours=24),
            late_cancellation_fee=Money("300.00", "NOK"),
            no_show_fee=Money("400.00", "NOK"),
            source="Norwegian practice: late cancellation under 24 h and no-show may be charged",
        )

    def dunning_policy(self) -> DunningPolicy:
        """Reminder fees and the collection notice.

        Purregebyr NOK 35 (since 2020-10-01), only 14 days after the due date, at most
        two per claim; the inkassovarsel (inkassoloven § 9) gives at least 14 days.
        """
        fee = Money("35.00", "NOK")
        return DunningPolicy(
            levels=(
                DunningLevel(1, 14, fee),
                DunningLevel(2, 28, fee),
                DunningLevel(3, 42, None, final=True),
            ),
            max_fees=2,
            collection_after_days=14,
            source="inkassoloven § 9; inkassoforskriften § 1-2",
        )

    def payroll_rules(self, on: _dt.date) -> PayrollRules:
        """Arbeidsmiljøloven's normal-time limits, overtime supplement and caps."""
        _check_day(on, "on")
        return PayrollRules(
            overtime=OvertimeRule(
                daily_after=_dt.timedelta(hours=9),
                weekly_after=_dt.timedelta(hours=40),
                percent=Decimal(40),
                source=AML + " § 10-4 (1), § 10-6 (11)",
            ),
            working_time=WorkingTimeRules(
                max_daily=_dt.timedelta(hours=13),
                breaks=(
                    BreakRule(
                        after_work=_dt.timedelta(hours=8) - _dt.timedelta(seconds=1),
                        minimum_break=_dt.timedelta(minutes=30),
                    ),
                ),
                min_rest=_dt.timedelta(hours=11),
                overtime_caps=(
                    OvertimeCap(days=7, limit=_dt.timedelta(hours=10)),
                    OvertimeCap(days=28, limit=_dt.timedelta(hours=25)),
                    OvertimeCap(days=364, limit=_dt.timedelta(hours=200)),
                ),
                source=AML + " §§ 10-6, 10-8, 10-9",
            ),
            sources=(AML,),
        )
