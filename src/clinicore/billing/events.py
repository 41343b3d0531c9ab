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

__all__ = ["ChargeNotPriced", "ChargeRecorded", "DayClosed", "InvoiceIssued", "PaymentRecorded"]


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
class ChargeNotPriced(DomainEvent):
    """A clinical event could not be priced, so no charge was recorded for it yet.

    The clinical record stands (a treatment is never refused because billing cannot price
    it); the service waits here for someone to price it: call
    ``BillingService.record_service`` with the same ``source_key`` once the code is mapped
    (``BillingSettings.code_map``) or the schedule knows it. A worklist subscribes to this.

    Args:
        source_key: the event that should have been charged (``dental:<plan>:<item>``...).
        site_id: where.
        service_code: the code as the clinical module named it.
        reason: why it could not be priced (the schedule's error message).

    """

    source_key: str
    site_id: str
    service_code: str
    reason: str


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
