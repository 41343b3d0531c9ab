"""Billing: fee schedules, charges, invoices, payments and the revenue split.

So far: the plain [`PriceList`][clinicore.billing.PriceList] fee schedule.
"""

from clinicore.billing.price_list import PriceEntry, PriceList

__all__ = ["PriceEntry", "PriceList"]
