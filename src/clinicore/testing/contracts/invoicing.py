"""The contract of [`InvoicingProvider`][clinicore.ports.InvoicingProvider] (BIL-6)."""

from __future__ import annotations

import pytest

from clinicore.billing.invoices import HandoverStatus
from clinicore.ports import InvoicingProvider
from clinicore.testing.samples import an_invoice

__all__ = ["InvoicingProviderContract"]


class InvoicingProviderContract:
    """Checks for an invoicing provider. Provide the fixture ``invoicing_provider``."""

    @pytest.fixture
    def invoicing_provider(self) -> InvoicingProvider:
        raise NotImplementedError("the contract needs an 'invoicing_provider' fixture")

    def test_a_handed_over_bill_gets_a_reference_and_a_status(
        self, invoicing_provider: InvoicingProvider
    ) -> None:
        invoice = an_invoice()
        reference = invoicing_provider.hand_over(invoice, invoice.total)
        assert reference
        assert isinstance(invoicing_provider.status(reference), HandoverStatus)

    def test_handing_over_again_is_idempotent(self, invoicing_provider: InvoicingProvider) -> None:
        """A unit of work retried after a failed commit hands the same bill over again."""
        invoice = an_invoice()
        first = invoicing_provider.hand_over(invoice, invoice.total)
        assert invoicing_provider.hand_over(invoice, invoice.total) == first

    def test_different_bills_get_different_references(
        self, invoicing_provider: InvoicingProvider
    ) -> None:
        one, two = an_invoice(), an_invoice()
        assert invoicing_provider.hand_over(one, one.total) != invoicing_provider.hand_over(
            two, two.total
        )
