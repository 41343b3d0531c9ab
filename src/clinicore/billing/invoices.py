"""Invoices, insurer claims and credit notes, and routing charges to payers (BIL-2, BIL-9).

[`route_charges`][clinicore.billing.invoices.route_charges] decides who gets a bill:
the patient share of every charge goes on an invoice to the patient (a private patient's
whole fee, a statutory patient's co-payment and self-pay items); the insurer share goes on
a claim to the insurer. An [`Invoice`][clinicore.billing.invoices.Invoice] lists every
line's code, tooth, points, factor, amount and justification, as GOÄ/GOZ require.

A claim moves through ``prepared → submitted → accepted`` or ``denied`` (with a reason)
``→ corrected → resubmitted → accepted/denied``. A credit note is a document of its own
that refers to the invoice it reduces; invoices are never edited to change money.
Receivables and dunning attach to an invoice by its id and ``due_on``.

Examples:
    >>> ClaimStatus.PREPARED.can_become(ClaimStatus.SUBMITTED)
    True
    >>> ClaimStatus.ACCEPTED.can_become(ClaimStatus.DENIED)
    False

"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs
from moneyed import Money

from clinicore._validate import to_enum, valid_id, version
from clinicore.billing.charges import Charge
from clinicore.errors import InvalidTransitionError, ValidationError
from clinicore.money import check_currency, parse_currency, sum_money

__all__ = [
    "ClaimStatus",
    "DocumentKind",
    "HandoverStatus",
    "Invoice",
    "InvoiceLine",
    "Payer",
    "RoutedBill",
    "route_charges",
]


class DocumentKind(enum.StrEnum):
    """What a billing document is."""

    INVOICE = "invoice"
    """A bill to the patient."""
    CLAIM = "claim"
    """A claim to an insurer."""
    CREDIT_NOTE = "credit_note"
    """Reduces an earlier invoice; its total is what is credited."""


class Payer(enum.StrEnum):
    """Who a document is addressed to."""

    PATIENT = "patient"
    INSURER = "insurer"


class ClaimStatus(enum.StrEnum):
    """Where an insurer claim stands (BIL-9)."""

    PREPARED = "prepared"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DENIED = "denied"
    CORRECTED = "corrected"
    RESUBMITTED = "resubmitted"

    def can_become(self, target: ClaimStatus) -> bool:
        """Whether a claim may move from this status to ``target``."""
        return target in _CLAIM_MOVES[self]


_CLAIM_MOVES: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    ClaimStatus.PREPARED: frozenset({ClaimStatus.SUBMITTED}),
    ClaimStatus.SUBMITTED: frozenset({ClaimStatus.ACCEPTED, ClaimStatus.DENIED}),
    ClaimStatus.DENIED: frozenset({ClaimStatus.CORRECTED}),
    ClaimStatus.CORRECTED: frozenset({ClaimStatus.RESUBMITTED}),
    ClaimStatus.RESUBMITTED: frozenset({ClaimStatus.ACCEPTED, ClaimStatus.DENIED}),
    ClaimStatus.ACCEPTED: frozenset(),
}


class HandoverStatus(enum.StrEnum):
    """Where an invoice handed to an invoicing provider stands (BIL-6)."""

    NOT_HANDED_OVER = "not_handed_over"
    HANDED_OVER = "handed_over"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SETTLED = "settled"


def _kind(value: object) -> DocumentKind:
    return to_enum(DocumentKind, value, "document kind")


def _payer(value: object) -> Payer:
    return to_enum(Payer, value, "payer")


def _claim_status(value: object) -> ClaimStatus | None:
    return None if value is None else to_enum(ClaimStatus, value, "claim status")


def _handover(value: object) -> HandoverStatus:
    return to_enum(HandoverStatus, value, "handover status")


@attrs.frozen
class InvoiceLine:
    """One line of a bill: a charge's share addressed to this payer.

    Args:
        charge_id: the charge it bills.
        service_code: the fee code.
        description: the schedule's wording.
        practitioner_id: who treated.
        service_date: the day of service.
        amount: what this payer owes for the line.
        quantity: how many services.
        tooth: where in the mouth, if anywhere.
        points: points of one service (GOÄ/GOZ).
        factor: the factor (GOÄ/GOZ).
        justification: the reason for a factor above the threshold.
        service_group: the revenue-split group.
        copayment: the line is a statutory co-payment.
        lab_cost: laboratory cost inside ``amount``, deducted before the split.

    """

    charge_id: str
    service_code: str
    description: str
    practitioner_id: str
    service_date: _dt.date
    amount: Money
    quantity: int = 1
    tooth: str | None = None
    points: Decimal | None = None
    factor: Decimal | None = None
    justification: str | None = None
    service_group: str = "treatment"
    copayment: bool = False
    lab_cost: Money | None = None


def _lines(value: object) -> tuple[InvoiceLine, ...]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise ValidationError("lines must be a sequence of invoice lines", field="lines")
    lines = tuple(value)
    for line in lines:
        if not isinstance(line, InvoiceLine):
            raise ValidationError(f"line {line!r} is not an InvoiceLine", field="lines")
    return lines


@attrs.frozen
class Invoice:
    """A bill: an invoice to the patient, a claim to an insurer, or a credit note.

    Args:
        id: the document's id (its number).
        kind: invoice, claim or credit note.
        payer: patient or insurer.
        site_id: the issuing site.
        patient_id: the patient treated.
        currency: every line's currency.
        issued_on: the day it was issued.
        due_on: the day payment is due (dunning attaches here).
        lines: the lines (at least one).
        insurer_id: the insurer of a claim.
        credits_invoice_id: the invoice a credit note reduces.
        claim_status: a claim's status.
        denial_reason: why a claim was denied last.
        handover_status: where a handed-over bill stands at the invoicing provider.
        handover_reference: the provider's reference.
        dunning_level: the last reminder level sent (0: none).
        last_reminder_on: the day the last reminder was sent.
        disputed: the patient disputes the bill; dunning pauses.
        interest_until: default interest is booked up to this day (``None``: not in default).
        note: free text on the document, e.g. a credit note's reason (no clinical details).
        version: optimistic-concurrency version.

    """

    id: str = attrs.field(validator=valid_id)
    kind: DocumentKind = attrs.field(converter=_kind)
    payer: Payer = attrs.field(converter=_payer)
    site_id: str = attrs.field(validator=valid_id)
    patient_id: str = attrs.field(validator=valid_id)
    currency: str
    issued_on: _dt.date
    due_on: _dt.date
    lines: tuple[InvoiceLine, ...] = attrs.field(converter=_lines)
    insurer_id: str | None = None
    credits_invoice_id: str | None = None
    claim_status: ClaimStatus | None = attrs.field(default=None, converter=_claim_status)
    denial_reason: str | None = None
    handover_status: HandoverStatus = attrs.field(
        default=HandoverStatus.NOT_HANDED_OVER, converter=_handover
    )
    handover_reference: str | None = None
    dunning_level: int = 0
    last_reminder_on: _dt.date | None = None
    disputed: bool = False
    interest_until: _dt.date | None = None
    note: str | None = None
    version: int = attrs.field(default=0, validator=version)

    def __attrs_post_init__(self) -> None:
        parse_currency(self.currency)
        if not self.lines:
            raise ValidationError(f"document {self.id!r} has no lines", field="lines")
        for line in self.lines:
            check_currency(line.amount, self.currency, field=f"line {line.charge_id!r}")
            if line.amount.amount < 0:
                raise ValidationError(
                    f"line {line.charge_id!r} of {self.id!r} is negative", field="lines"
                )
        if self.due_on < self.issued_on:
            raise ValidationError(f"{self.id!r} is due before it is issued", field="due_on")
        if self.kind is DocumentKind.CLAIM and (
            self.payer is not Payer.INSURER or not self.insurer_id
        ):
            raise ValidationError(f"claim {self.id!r} needs an insurer payer", field="insurer_id")
        if self.kind is DocumentKind.CLAIM and self.claim_status is None:
            raise ValidationError(f"claim {self.id!r} needs a status", field="claim_status")
        if self.kind is DocumentKind.CREDIT_NOTE and not self.credits_invoice_id:
            raise ValidationError(
                f"credit note {self.id!r} must name the invoice it credits",
                field="credits_invoice_id",
            )

    @property
    def total(self) -> Money:
        """The sum of the lines."""
        return sum_money((line.amount for line in self.lines), self.currency)

    @property
    def charge_ids(self) -> tuple[str, ...]:
        """The charges billed on this document."""
        return tuple(line.charge_id for line in self.lines)

    def move_claim(self, target: ClaimStatus | str, *, reason: str | None = None) -> Invoice:
        """The claim at ``target`` status; a denial needs a reason.

        Raises:
            InvalidTransitionError: not a claim, or the move is not allowed.
            ValidationError: a denial without a reason.

        """
        status = to_enum(ClaimStatus, target, "claim status")
        if self.claim_status is None or not self.claim_status.can_become(status):
            raise InvalidTransitionError(f"claim {self.id!r}", self.claim_status, status)
        if status is ClaimStatus.DENIED and not (reason or "").strip():
            raise ValidationError(f"denying claim {self.id!r} needs a reason", field="reason")
        denial = reason if status is ClaimStatus.DENIED else self.denial_reason
        return attrs.evolve(self, claim_status=status, denial_reason=denial)

    def handed_over(self, status: HandoverStatus | str, reference: str | None = None) -> Invoice:
        """The invoice with its invoicing-provider status (and reference) updated."""
        state = to_enum(HandoverStatus, status, "handover status")
        return attrs.evolve(
            self, handover_status=state, handover_reference=reference or self.handover_reference
        )


@attrs.frozen
class RoutedBill:
    """Lines for one payer, before they become a numbered document.

    Attributes:
        payer: patient or insurer.
        insurer_id: the insurer of a claim.
        lines: the lines.

    """

    payer: Payer
    insurer_id: str | None
    lines: tuple[InvoiceLine, ...]

    @property
    def kind(self) -> DocumentKind:
        """An invoice to the patient or a claim to the insurer."""
        return DocumentKind.INVOICE if self.payer is Payer.PATIENT else DocumentKind.CLAIM


def _line(charge: Charge, amount: Money, *, copayment: bool) -> InvoiceLine:
    return InvoiceLine(
        charge_id=charge.id,
        service_code=charge.service_code,
        description=charge.description,
        practitioner_id=charge.practitioner_id,
        service_date=charge.service_date,
        amount=amount,
        quantity=charge.quantity,
        tooth=charge.tooth,
        points=charge.points,
        factor=charge.factor,
        justification=charge.justification,
        service_group=charge.service_group,
        copayment=copayment,
        lab_cost=charge.lab_cost if amount == charge.amount else None,
    )


def route_charges(charges: Iterable[Charge]) -> list[RoutedBill]:
    """Group charges into bills per payer (BIL-2).

    The patient shares go on one invoice to the patient; the insurer shares go on one
    claim per insurer. Zero shares make no line. The order is: the patient's invoice
    first, then claims by insurer id; lines keep the charges' order.

    Raises:
        ValidationError: charges of different patients or currencies.

    """
    items: Sequence[Charge] = list(charges)
    if len({charge.patient_id for charge in items}) > 1:
        raise ValidationError("charges of different patients cannot share a bill")
    if len({charge.amount.currency.code for charge in items}) > 1:
        raise ValidationError("charges in different currencies cannot share a bill")
    patient_lines: list[InvoiceLine] = []
    claims: dict[str, list[InvoiceLine]] = {}
    for charge in items:
        if charge.patient_share.amount > 0:
            patient_lines.append(_line(charge, charge.patient_share, copayment=charge.copayment))
        if charge.insurer_share.amount > 0 and charge.insurer_id:
            line = _line(charge, charge.insurer_share, copayment=False)
            claims.setdefault(charge.insurer_id, []).append(line)
    bills: list[RoutedBill] = []
    if patient_lines:
        bills.append(RoutedBill(Payer.PATIENT, None, tuple(patient_lines)))
    for insurer in sorted(claims):
        bills.append(RoutedBill(Payer.INSURER, insurer, tuple(claims[insurer])))
    return bills
