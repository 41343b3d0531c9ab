"""Payments and refunds at checkout, and an invoice's balance (BIL-4).

A [`Payment`][clinicore.billing.payments.Payment] is money received for one invoice by
cash, card, terminal or online, booked into the business day of a site's cash register.
A refund is a negative payment linked to the payment it returns. Payments are never
changed or deleted. An invoice's balance is always the sum of its lines minus the sum of
its payments (and of the credit notes against it):
[`invoice_balance`][clinicore.billing.payments.invoice_balance].

Examples:
    >>> import datetime, pendulum
    >>> from moneyed import Money
    >>> paid = Payment(
    ...     id="pay-1",
    ...     invoice_id="inv-1",
    ...     site_id="oslo",
    ...     register_id="front-desk",
    ...     method=PaymentMethod.CASH,
    ...     amount=Money("300.00", "NOK"),
    ...     received_at=pendulum.datetime(2026, 10, 20, 9, tz="Europe/Oslo"),
    ...     business_day=datetime.date(2026, 10, 20),
    ... )
    >>> paid.is_refund
    False

"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Sequence

import attrs
import pendulum
from moneyed import Money

from clinicore._validate import instance_of, to_enum, valid_id
from clinicore.billing.invoices import Invoice
from clinicore.errors import ValidationError
from clinicore.money import check_currency, sum_money
from clinicore.zones import to_utc

__all__ = [
    "Payment",
    "PaymentMethod",
    "check_new_payment",
    "invoice_balance",
    "refundable",
]


class PaymentMethod(enum.StrEnum):
    """How money was received."""

    CASH = "cash"
    CARD = "card"
    TERMINAL = "terminal"
    ONLINE = "online"


def _method(value: object) -> PaymentMethod:
    return to_enum(PaymentMethod, value, "payment method")


def _instant(value: object) -> pendulum.DateTime:
    return to_utc(value, field="received_at")


@attrs.frozen
class Payment:
    """Money received for (or, negative, refunded from) one invoice.

    Args:
        id: the payment's id.
        invoice_id: the invoice paid.
        site_id: the site whose register took it.
        register_id: the cash register (or terminal, or web shop) it is booked into.
        method: cash, card, terminal or online.
        amount: positive for a payment, negative for a refund.
        received_at: when (aware; stored in UTC).
        business_day: the register's day it is booked into (site-local date).
        refund_of: for a refund, the payment it returns.
        reference: the terminal's or provider's reference.

    """

    id: str = attrs.field(validator=valid_id)
    invoice_id: str = attrs.field(validator=valid_id)
    site_id: str = attrs.field(validator=valid_id)
    register_id: str = attrs.field(validator=valid_id)
    method: PaymentMethod = attrs.field(converter=_method)
    amount: Money = attrs.field(validator=instance_of(Money))
    received_at: pendulum.DateTime = attrs.field(converter=_instant)
    business_day: _dt.date
    refund_of: str | None = None
    reference: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.amount.amount == 0:
            raise ValidationError(f"payment {self.id!r} of zero", field="amount")
        if self.amount.amount < 0 and not self.refund_of:
            raise ValidationError(
                f"payment {self.id!r} is negative: a refund must name the payment it returns",
                field="refund_of",
            )
        if self.amount.amount > 0 and self.refund_of:
            raise ValidationError(f"refund {self.id!r} must be negative", field="amount")

    @property
    def is_refund(self) -> bool:
        """Whether this returns money."""
        return self.amount.amount < 0


def invoice_balance(
    invoice: Invoice, payments: Iterable[Payment], credits: Iterable[Invoice] = ()
) -> Money:
    """What is still owed: lines - payments (refunds count negative) - credit notes."""
    paid = sum_money((payment.amount for payment in payments), invoice.currency)
    credited = sum_money((note.total for note in credits), invoice.currency)
    return invoice.total - paid - credited


def refundable(original: Payment, payments: Iterable[Payment]) -> Money:
    """How much of ``original`` can still be refunded (its amount minus earlier refunds)."""
    refunded = sum_money(
        (p.amount for p in payments if p.refund_of == original.id), original.amount.currency
    )
    return original.amount + refunded


def check_new_payment(
    invoice: Invoice,
    existing: Sequence[Payment],
    new: Payment,
    credits: Iterable[Invoice] = (),
) -> None:
    """Refuse a payment that does not fit the invoice; return quietly if it does.

    Raises:
        CurrencyMismatchError: another currency than the invoice's.
        ValidationError: another invoice, more than the balance, a refund of an unknown
            payment or larger than what is left of it.

    """
    check_currency(new.amount, invoice.currency, field="amount")
    if new.invoice_id != invoice.id:
        raise ValidationError(
            f"payment {new.id!r} is for {new.invoice_id!r}, not {invoice.id!r}",
            field="invoice_id",
        )
    if not new.is_refund:
        balance = invoice_balance(invoice, existing, credits)
        if new.amount > balance:
            raise ValidationError(
                f"payment {new.amount} exceeds the balance {balance} of {invoice.id!r}",
                field="amount",
            )
        return
    original = next((p for p in existing if p.id == new.refund_of), None)
    if original is None or original.is_refund:
        raise ValidationError(
            f"refund {new.id!r} names {new.refund_of!r}, not a payment of {invoice.id!r}",
            field="refund_of",
        )
    left = refundable(original, existing)
    if -new.amount > left:
        raise ValidationError(
            f"refund {-new.amount} is larger than the {left} left of payment {original.id!r}",
            field="amount",
        )
