"""Billing: fee schedules, charges, invoices, payments, co-payments and the revenue split.

The pure domain of BIL-1 … BIL-7 and BIL-9; storage and use cases live in
[`clinicore.services.billing`][clinicore.services.billing] and the adapters.

* fee schedules behind the [`FeeSchedule`][clinicore.ports.FeeSchedule] port: a plain
  [`PriceList`][clinicore.billing.PriceList], point-and-factor schedules
  ([`FactorSchedule`][clinicore.billing.FactorSchedule], German GOÄ/GOZ) and tariffs with
  refund and co-payment ([`TariffSchedule`][clinicore.billing.TariffSchedule], Norway);
  the countries' data ship with the jurisdiction packs;
* [`charges`][clinicore.billing.charges], [`invoices`][clinicore.billing.invoices]
  (payer routing, claims, credit notes), [`payments`][clinicore.billing.payments],
  the append-only [`ledger`][clinicore.billing.ledger];
* [`copayment`][clinicore.billing.copayment] exemptions and yearly ceilings,
  [`cancellation`][clinicore.billing.cancellation] fees, [`dunning`][clinicore.billing.dunning];
* [`settlement`][clinicore.billing.settlement] of a register's day and the revenue
  [`split`][clinicore.billing.split] with monthly statements.
"""

from clinicore.billing.factor_fees import FactorEntry, FactorRange, FactorSchedule
from clinicore.billing.price_list import PriceEntry, PriceList
from clinicore.billing.tariff import TariffEntry, TariffSchedule

__all__ = [
    "FactorEntry",
    "FactorRange",
    "FactorSchedule",
    "PriceEntry",
    "PriceList",
    "TariffEntry",
    "TariffSchedule",
]
