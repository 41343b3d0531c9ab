"""Hungary."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from clinicore.billing.price_list import PriceList
from clinicore.jurisdictions._base import Jurisdiction, _check_day
from clinicore.jurisdictions._data import data_text
from clinicore.payroll.rules import (
    BreakRule,
    OvertimeCap,
    OvertimeRule,
    PayrollRules,
    SupplementRule,
    WorkingTimeRules,
)

if TYPE_CHECKING:
    from clinicore.ports import FeeSchedule

MT = "2012. évi I. törvény a munka törvénykönyvéről (Mt.)"

__all__ = ["Hungary"]


class Hungary(Jurisdiction):
    """Hungary (HU).

    Public holidays: a munka törvénykönyvéről szóló 2012. évi I. törvény (Mt.) 102. § (1);
    the bridge days the government moves each year (áthelyezett munkanapok, by decree of
    the minister) are included as days off. Holiday dates come from the ``holidays``
    package.

    Payroll (``payroll_rules``), from the Mt.; these figures are not in the project's
    rules.md and are *unconfirmed*: general working time 8 h a day and 40 h a week
    (92. §), beyond it overtime with a 50 % supplement (143. § (2)); at most 12 h a day
    (99. §); breaks of 20 min above 6 h and 45 min in total above 9 h (103. §); 11 h daily
    rest (104. §); at most 250 h overtime a year (109. §); night work 22:00-06:00 with a
    15 % supplement (141. §); public holidays 100 % (140. § (2)). Sunday work (50 %, 140.
    § (1)) depends on the work schedule and is left to the contract.
    """

    code = "HU"
    name = "Hungary"
    currency = "HUF"
    default_locale = "hu_HU"
    default_timezone = "Europe/Budapest"
    sources = (
        "2012. évi I. törvény a munka törvénykönyvéről, 102. § (1)",
        "NGM/PM rendelet a munkaszüneti napok körüli munkarendről (yearly)",
        MT,
    )

    default_fee_schedule_ids: ClassVar[Mapping[str, str]] = {
        "dental": "hu-arlista",
        "medical": "hu-arlista",
    }

    @functools.cached_property
    def _schedules(self) -> dict[str, FeeSchedule]:
        prices = PriceList.from_csv("hu-arlista", "HUF", data_text("hu_arlista.csv"))
        return {prices.schedule_id: prices}

    def _fee_schedules(self) -> Mapping[str, FeeSchedule]:
        """A private practice's price list (árlista) in HUF, paid in full by the patient."""
        return self._schedules

    def payroll_rules(self, on: _dt.date) -> PayrollRules:
        """The Mt.'s working-time limits and supplements (unconfirmed figures)."""
        _check_day(on, "on")
        return PayrollRules(
            overtime=OvertimeRule(
                daily_after=_dt.timedelta(hours=8),
                weekly_after=_dt.timedelta(hours=40),
                percent=Decimal(50),
                source=MT + " 92. §, 143. § (2)",
            ),
            working_time=WorkingTimeRules(
                max_daily=_dt.timedelta(hours=12),
                breaks=(
                    BreakRule(
                        after_work=_dt.timedelta(hours=6), minimum_break=_dt.timedelta(minutes=20)
                    ),
                    BreakRule(
                        after_work=_dt.timedelta(hours=9), minimum_break=_dt.timedelta(minutes=45)
                    ),
                ),
                min_rest=_dt.timedelta(hours=11),
                overtime_caps=(OvertimeCap(days=365, limit=_dt.timedelta(hours=250)),),
                source=MT + " 99., 103., 104., 109. §",
            ),
            supplements=(
                SupplementRule(
                    kind="night",
                    group="night",
                    start=_dt.time(22),
                    end=_dt.time(6),
                    percent=Decimal(15),
                    source=MT + " 141. §",
                ),
                SupplementRule(
                    kind="public_holiday",
                    group="day",
                    start=_dt.time(0),
                    end=_dt.time(0),
                    percent=Decimal(100),
                    weekdays=frozenset(),
                    on_public_holidays=True,
                    source=MT + " 140. § (2)",
                ),
            ),
            sources=(MT,),
        )
