"""Reference invoicing providers (BIL-6): where unpaid bills go at day end.

[`RecordingInvoicingProvider`][clinicore.adapters.invoicing.RecordingInvoicingProvider]
keeps what it was handed in memory and lets a test or the demo move a bill's status
(accepted, rejected, settled), as a real provider's callback would. A host implements
[`InvoicingProvider`][clinicore.ports.InvoicingProvider] for its own service and checks it
with the same expectations: a reference per bill, and the same reference for a bill handed
over again (providers must be idempotent on the invoice id, because a unit of work that
fails after the handover is retried).

Examples:
    >>> from clinicore.testing.samples import an_invoice
    >>> provider = RecordingInvoicingProvider()
    >>> invoice = an_invoice()
    >>> reference = provider.hand_over(invoice, invoice.total)
    >>> provider.status(reference).value
    'handed_over'
    >>> provider.hand_over(invoice, invoice.total) == reference
    True

"""

from __future__ import annotations

import threading

from moneyed import Money

from clinicore.billing.invoices import HandoverStatus, Invoice
from clinicore.errors import NotFoundError

__all__ = ["RecordingInvoicingProvider"]


class RecordingInvoicingProvider:
    """An in-memory invoicing provider for tests and the demo."""

    def __init__(self, prefix: str = "prov") -> None:
        self._prefix = prefix
        self._lock = threading.Lock()
        self._by_invoice: dict[str, str] = {}
        self.handed: dict[str, tuple[Invoice, Money, HandoverStatus]] = {}

    def hand_over(self, invoice: Invoice, balance: Money) -> str:
        """Take a bill; a bill handed over again gets its first reference back."""
        with self._lock:
            known = self._by_invoice.get(invoice.id)
            if known is not None:
                return known
            reference = f"{self._prefix}-{len(self._by_invoice) + 1:06d}"
            self._by_invoice[invoice.id] = reference
            self.handed[reference] = (invoice, balance, HandoverStatus.HANDED_OVER)
            return reference

    def status(self, reference: str) -> HandoverStatus:
        """The bill's status; an unknown reference is a `NotFoundError`."""
        found = self.handed.get(reference)
        if found is None:
            raise NotFoundError("invoicing reference", reference)
        return found[2]

    def set_status(self, reference: str, status: HandoverStatus) -> None:
        """Move a bill's status (what the provider's callback would report)."""
        invoice, balance, _ = self.handed[reference]
        self.handed[reference] = (invoice, balance, status)

    def __repr__(self) -> str:
        return f"RecordingInvoicingProvider({len(self.handed)} bills)"
