"""Norway."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from clinicore.jurisdictions._base import Jurisdiction, _check_day
from clinicore.payroll.rules import (
    BreakRule,
    OvertimeCap,
    OvertimeRule,
    PayrollRules,
    WorkingTimeRules,
)

AML = "Lov om arbeidsmiljø, arbeidstid og stillingsvern (arbeidsmiljøloven) kap. 10"

__all__ = ["Norway"]


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
        AML,
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
