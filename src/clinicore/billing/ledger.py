"""The receivables ledger: append-only entries per payer account (BIL-4, BIL-7).

Every money event is one [`LedgerEntry`][clinicore.billing.ledger.LedgerEntry] on the
payer's account (``"patient:pat-1"``, ``"insurer:HELFO"``): an invoice or claim issued
adds what is owed, a payment subtracts it, a refund adds it back, a credit note subtracts,
a dunning fee or interest adds. Entries are never changed or deleted; a mistake is
corrected by a [`reversal`][clinicore.billing.ledger.reversal] entry. So an account's
balance is always invoices + fees - credit notes - payments.

Examples:
    >>> import pendulum
    >>> from moneyed import Money
    >>> at = pendulum.datetime(2026, 10, 20, 9, tz="Europe/Oslo")
    >>> issued = LedgerEntry(
    ...     id="le-1",
    ...     account="patient:pat-4",
    ...     kind=EntryKind.INVOICED,
    ...     amount=Money("500.00", "NOK"),
    ...     document_id="inv-1",
    ...     booked_at=at,
    ... )
    >>> paid = LedgerEntry(
    ...     id="le-2",
    ...     account="patient:pat-4",
    ...     kind=EntryKind.PAID,
    ...     amount=Money("-200.00", "NOK"),
    ...     document_id="inv-1",
    ...     booked_at=at,
    ... )
    >>> ledger_balance([issued, paid], "NOK")
    Money('300.00', 'NOK')
    >>> ledger_balance([issued, paid, reversal(paid, "le-3", at)], "NOK")
    Money('500.00', 'NOK')

"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs
import pendulum
from moneyed import Money

from clinicore._validate import instance_of, non_empty_text, to_enum, valid_id
from clinicore.errors import ValidationError
from clinicore.money import sum_money
from clinicore.zones import to_utc

__all__ = ["EntryKind", "LedgerEntry", "account_of", "ledger_balance", "reversal"]


class EntryKind(enum.StrEnum):
    """What a ledger entry records, and the sign its amount must have."""

    INVOICED = "invoiced"
    """An invoice or claim issued (positive)."""
    CREDITED = "credited"
    """A credit note (negative)."""
    PAID = "paid"
    """A payment received (negative)."""
    REFUNDED = "refunded"
    """A refund paid out (positive)."""
    FEE = "fee"
    """A dunning fee (positive)."""
    INTEREST = "interest"
    """Default interest (positive)."""
    REVERSAL = "reversal"
    """Cancels an earlier entry (the opposite sign of it)."""


_POSITIVE = {EntryKind.INVOICED, EntryKind.REFUNDED, EntryKind.FEE, EntryKind.INTEREST}
_NEGATIVE = {EntryKind.CREDITED, EntryKind.PAID}


def _kind(value: object) -> EntryKind:
    return to_enum(EntryKind, value, "entry kind")


def _instant(value: object) -> pendulum.DateTime:
    return to_utc(value, field="booked_at")


def account_of(payer: str, key: str) -> str:
    """The account name of a payer: ``account_of("patient", "pat-1") == "patient:pat-1"``."""
    return f"{payer}:{key}"


@attrs.frozen
class LedgerEntry:
    """One append-only line of the receivables ledger.

    Args:
        id: the entry's id.
        account: whose account (``"patient:<id>"`` or ``"insurer:<id>"``).
        kind: what it records.
        amount: signed: positive raises what is owed, negative lowers it.
        document_id: the invoice, claim or credit note it concerns.
        booked_at: when (aware; stored in UTC).
        payment_id: the payment it records, if any.
        reverses: for a reversal, the entry it cancels.

    """

    id: str = attrs.field(validator=valid_id)
    account: str = attrs.field(validator=non_empty_text)
    kind: EntryKind = attrs.field(converter=_kind)
    amount: Money = attrs.field(validator=instance_of(Money))
    document_id: str = attrs.field(validator=valid_id)
    booked_at: pendulum.DateTime = attrs.field(converter=_instant)
    payment_id: str | None = None
    reverses: str | None = None

    def __attrs_post_init__(self) -> None:
        sign = self.amount.amount
        if (self.kind in _POSITIVE and sign < 0) or (self.kind in _NEGATIVE and sign > 0):
            raise ValidationError(
                f"a {self.kind.value} entry cannot be {self.amount}", field="amount"
            )
        if (self.kind is EntryKind.REVERSAL) != (self.reverses is not None):
            raise ValidationError(
                "a reversal, and only a reversal, names the entry it reverses", field="reverses"
            )


def reversal(entry: LedgerEntry, entry_id: str, booked_at: pendulum.DateTime) -> LedgerEntry:
    """The entry that cancels ``entry`` (a correction never edits the original).

    Raises:
        ValidationError: ``entry`` is itself a reversal.

    """
    if entry.kind is EntryKind.REVERSAL:
        raise ValidationError(f"entry {entry.id!r} is a reversal; book the original again")
    return LedgerEntry(
        id=entry_id,
        account=entry.account,
        kind=EntryKind.REVERSAL,
        amount=-entry.amount,
        document_id=entry.document_id,
        booked_at=booked_at,
        payment_id=entry.payment_id,
        reverses=entry.id,
    )


def ledger_balance(entries: Iterable[LedgerEntry], currency: str) -> Money:
    """The sum of the entries: what the account owes (negative: a credit)."""
    return sum_money((entry.amount for entry in entries), currency)
