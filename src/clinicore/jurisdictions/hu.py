"""Hungary."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from clinicore.billing.price_list import PriceList
from clinicore.jurisdictions._base import Jurisdiction
from clinicore.jurisdictions._data import data_text

if TYPE_CHECKING:
    from clinicore.ports import FeeSchedule

__all__ = ["Hungary"]


class Hungary(Jurisdiction):
    """Hungary (HU).

    Public holidays: a munka törvénykönyvéről szóló 2012. évi I. törvény (Mt.) 102. § (1);
    the bridge days the government moves each year (áthelyezett munkanapok, by decree of
    the minister) are included as days off. Holiday dates come from the ``holidays``
    package.
    """

    code = "HU"
    name = "Hungary"
    currency = "HUF"
    default_locale = "hu_HU"
    default_timezone = "Europe/Budapest"
    sources = (
        "2012. évi I. törvény a munka törvénykönyvéről, 102. § (1)",
        "NGM/PM rendelet a munkaszüneti napok körüli munkarendről (yearly)",
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
