"""What billing reports; receivables, reminders and the worklist subscribe.

Examples:
    >>> import pendulum
    >>> event = InvoiceIssued(
    ...     occurred_at=pendulum.datetime(2026, 10, 20, 12, tz="Europe/Berlin"),
    ...     invoice_id="inv-1",
    ...     patient_id="pat-1",
    ...     site_id="berlin",
    ...     kind="invoice",
    ... )
    >>> event.invoice_id
    'inv-1'

"""

from __future__ import annotations

import datetime as _dt

import attrs

from clinicore.events import DomainEvent

__all__ = ["ChargeRecorded", "DayClosed", "InvoiceIssued", "PaymentRecorded"]


@attrs.frozen(kw_only=True)
class ChargeRecorded(DomainEvent):
    """A charge was recorded for a patient.

    Args:
        charge_id: the charge.
        patient_id: who is charged.
        site_id: where.
        source_key: the event that caused it.

    """

    charge_id: str
    patient_id: str
    site_id: str
    source_key: str


@attrs.frozen(kw_only=True)
class InvoiceIssued(DomainEvent):
    """An invoice, claim or credit note was issued.

    Args:
        invoice_id: the document.
        patient_id: the patient.
        site_id: the issuing site.
        kind: ``"invoice"``, ``"claim"`` or ``"credit_note"``.

    """

    invoice_id: str
    patient_id: str
    site_id: str
    kind: str


@attrs.frozen(kw_only=True)
class PaymentRecorded(DomainEvent):
    """A payment or refund was booked.

    Args:
        payment_id: the payment.
        invoice_id: the invoice.
        site_id: the site.
        refund: whether it is a refund.

    """

    payment_id: str
    invoice_id: str
    site_id: str
    refund: bool


@attrs.frozen(kw_only=True)
class DayClosed(DomainEvent):
    """A register's business day was closed.

    Args:
        close_id: the day-close record.
        site_id: the site.
        register_id: the register.
        business_day: the day.

    """

    close_id: str
    site_id: str
    register_id: str
    business_day: _dt.date
