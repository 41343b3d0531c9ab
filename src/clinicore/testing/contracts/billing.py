"""The contract of the billing repositories (BIL-1 ... BIL-9).

Provide the fixture ``uow_factory``. The checks cover storage and queries and, above all,
what must hold under concurrency and retries: one charge per source event, one bill per
charge and payer, one close per register day, one split per payment, append-only
payments, shares and ledger entries, and nothing left behind by a refused write.
"""

from __future__ import annotations

import datetime as _dt

import attrs
import pendulum
import pytest
from moneyed import Money

from clinicore.billing.invoices import DocumentKind, HandoverStatus, Payer
from clinicore.billing.ledger import EntryKind, LedgerEntry, reversal
from clinicore.billing.settlement import DayClose, close_day
from clinicore.billing.split import CENTRE, Share
from clinicore.errors import ConflictError, NotFoundError, StaleVersionError
from clinicore.ports import UnitOfWorkFactory
from clinicore.testing.samples import a_charge, a_payment, an_invoice, unique_id

__all__ = ["BillingRepositoriesContract"]

DAY = _dt.date(2026, 10, 20)
AT = pendulum.datetime(2026, 10, 20, 10, tz="Europe/Berlin")


class BillingRepositoriesContract:
    """Checks for charges, invoices, payments, shares, ledger and day closes."""

    # -- charges --------------------------------------------------------------------------
    def test_a_charge_is_stored_and_found_by_its_source(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        charge = a_charge(patient_id=unique_id("pat"))
        with uow_factory() as uow:
            uow.charges.add(charge)
            uow.commit()
        with uow_factory() as uow:
            assert uow.charges.get(charge.id) == charge
            assert uow.charges.find_by_source(charge.source_key) == charge
            assert uow.charges.list_for_patient(charge.patient_id) == [charge]
            with pytest.raises(NotFoundError):
                uow.charges.get("no-such-charge")

    def test_the_same_source_never_charges_twice(self, uow_factory: UnitOfWorkFactory) -> None:
        """Idempotency: a second charge for one event is refused, even from another unit."""
        charge = a_charge()
        twin = attrs.evolve(charge, id=unique_id("chg"))
        with uow_factory() as uow:
            uow.charges.add(charge)
            with pytest.raises(ConflictError):
                uow.charges.add(twin)
            uow.commit()
        with uow_factory() as uow, pytest.raises(ConflictError):
            uow.charges.add(twin)
            uow.commit()
        with uow_factory() as uow:
            assert uow.charges.find_by_source(charge.source_key) == charge
            assert uow.charges.list_for_patient(charge.patient_id).count(twin) == 0

    def test_co_payments_counted_per_year(self, uow_factory: UnitOfWorkFactory) -> None:
        patient = unique_id("pat")
        nok = {"amount": Money("394.00", "NOK"), "insurer_id": "HELFO"}
        counted = [
            a_charge(
                patient_id=patient,
                patient_share=Money("180.00", "NOK"),
                insurer_share=Money("214.00", "NOK"),
                counted_towards_ceiling=Money("180.00", "NOK"),
                service_date=day,
                **nok,
            )
            for day in (DAY, DAY, _dt.date(2025, 12, 31))
        ]
        with uow_factory() as uow:
            for charge in counted:
                uow.charges.add(charge)
            uow.commit()
        with uow_factory() as uow:
            assert uow.charges.counted_total(patient, 2026, "NOK") == Money("360.00", "NOK")
            assert uow.charges.counted_total(patient, 2024, "NOK") == Money("0.00", "NOK")

    # -- invoices -------------------------------------------------------------------------
    def test_a_billed_charge_is_not_unbilled_and_cannot_be_billed_again(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        patient = unique_id("pat")
        first, second = a_charge(patient_id=patient), a_charge(patient_id=patient)
        invoice = an_invoice(first)
        with uow_factory() as uow:
            uow.charges.add(first)
            uow.charges.add(second)
            stored = uow.invoices.add(invoice)
            uow.commit()
        assert stored.version == 1
        with uow_factory() as uow:
            assert uow.charges.list_for_patient(patient, unbilled_only=True) == [second]
            with pytest.raises(ConflictError):
                uow.invoices.add(an_invoice(first))
            # The refused bill left nothing behind: the other charge can still be billed.
            uow.invoices.add(an_invoice(second))
            uow.commit()
        with uow_factory() as uow:
            assert uow.charges.list_for_patient(patient, unbilled_only=True) == []
            assert len(uow.invoices.list_for_patient(patient)) == 2

    def test_a_charge_may_be_on_one_invoice_and_one_claim(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        charge = a_charge(
            patient_share=Money("2.94", "EUR"),
            insurer_share=Money("10.00", "EUR"),
            insurer_id="IK-1",
        )
        invoice = an_invoice(charge)
        claim = an_invoice(
            charge,
            kind=DocumentKind.CLAIM,
            payer=Payer.INSURER,
            insurer_id="IK-1",
            claim_status="prepared",
        )
        with uow_factory() as uow:
            uow.charges.add(charge)
            uow.invoices.add(invoice)
            uow.invoices.add(claim)
            uow.commit()
        with uow_factory() as uow:
            assert uow.invoices.get(claim.id).kind is DocumentKind.CLAIM

    def test_invoices_are_versioned_and_listed(self, uow_factory: UnitOfWorkFactory) -> None:
        site = unique_id("site")
        invoice = an_invoice(a_charge(site_id=site))
        note = an_invoice(
            a_charge(site_id=site),
            kind=DocumentKind.CREDIT_NOTE,
            credits_invoice_id=invoice.id,
            patient_id=invoice.patient_id,
        )
        with uow_factory() as uow:
            stored = uow.invoices.add(invoice)
            uow.invoices.add(note)
            uow.commit()
        with uow_factory() as uow:
            handed = uow.invoices.update(stored.handed_over(HandoverStatus.HANDED_OVER, "ref-1"))
            uow.commit()
        assert handed.version == 2
        with uow_factory() as uow:
            with pytest.raises(StaleVersionError):
                uow.invoices.update(stored)
            listed = uow.invoices.list_for_site(site, handover_status=HandoverStatus.HANDED_OVER)
            assert [i.id for i in listed] == [invoice.id]
            assert uow.invoices.get(invoice.id).handover_reference == "ref-1"
            assert [n.id for n in uow.invoices.credit_notes_for(invoice.id)] == [note.id]

    # -- payments -------------------------------------------------------------------------
    def test_payments_are_listed_per_invoice_and_day(self, uow_factory: UnitOfWorkFactory) -> None:
        site = unique_id("site")
        invoice = an_invoice(a_charge(site_id=site))
        first = a_payment(invoice, Money("10.00", "EUR"))
        refund = a_payment(
            invoice,
            Money("-4.00", "EUR"),
            refund_of=first.id,
            received_at=first.received_at.add(hours=1),
            method="card",
        )
        with uow_factory() as uow:
            uow.payments.add(first)
            uow.payments.add(refund)
            with pytest.raises(ConflictError):
                uow.payments.add(first)
            uow.commit()
        with uow_factory() as uow:
            assert uow.payments.list_for_invoice(invoice.id) == [first, refund]
            assert uow.payments.list_for_day(site, "desk", DAY) == [first, refund]
            assert uow.payments.list_for_day(site, "desk", DAY + _dt.timedelta(1)) == []
            assert uow.payments.get(first.id) == first
            assert not hasattr(uow.payments, "update")
            assert not hasattr(uow.payments, "delete")

    # -- shares ---------------------------------------------------------------------------
    def test_a_payment_is_split_once(self, uow_factory: UnitOfWorkFactory) -> None:
        doctor = unique_id("dr")
        source = unique_id("pay")

        def share(seq: int, party: str, amount: str, day: _dt.date = DAY) -> Share:
            return Share(source, seq, party, doctor, "chg-1", Money(amount, "EUR"), "rule", day)

        shares = [share(0, doctor, "6.00"), share(1, CENTRE, "4.00")]
        with uow_factory() as uow:
            uow.revenue_shares.add_all(shares)
            uow.commit()
        with uow_factory() as uow:
            with pytest.raises(ConflictError):
                uow.revenue_shares.add_all(shares)
            uow.revenue_shares.add_all(
                [
                    Share(unique_id("pay"), 0, doctor, doctor, "c", Money("1.00", "EUR"), "r", DAY),
                    Share(
                        unique_id("pay"),
                        0,
                        doctor,
                        doctor,
                        "c",
                        Money("1.00", "EUR"),
                        "r",
                        _dt.date(2026, 11, 1),
                    ),
                ]
            )
            uow.commit()
        with uow_factory() as uow:
            assert uow.revenue_shares.list_for_source(source) == shares
            october = uow.revenue_shares.list_for_practitioner(doctor, _dt.date(2026, 10, 31))
            assert len(october) == 3
            assert not hasattr(uow.revenue_shares, "delete")

    # -- ledger ---------------------------------------------------------------------------
    def test_the_ledger_is_append_only_and_sums_up(self, uow_factory: UnitOfWorkFactory) -> None:
        account = f"patient:{unique_id('pat')}"
        issued = LedgerEntry(
            unique_id("le"), account, EntryKind.INVOICED, Money("50.00", "EUR"), "inv-1", AT
        )
        paid = LedgerEntry(
            unique_id("le"),
            account,
            EntryKind.PAID,
            Money("-20.00", "EUR"),
            "inv-1",
            AT.add(minutes=1),
        )
        with uow_factory() as uow:
            uow.ledger.add(issued)
            uow.ledger.add(paid)
            uow.ledger.add(reversal(paid, unique_id("le"), AT.add(minutes=2)))
            with pytest.raises(ConflictError):
                uow.ledger.add(issued)
            uow.commit()
        with uow_factory() as uow:
            assert uow.ledger.balance(account, "EUR") == Money("50.00", "EUR")
            assert [e.kind for e in uow.ledger.list_for_account(account)] == [
                EntryKind.INVOICED,
                EntryKind.PAID,
                EntryKind.REVERSAL,
            ]
            assert not hasattr(uow.ledger, "update")
            assert not hasattr(uow.ledger, "delete")

    # -- day closes -----------------------------------------------------------------------
    def test_a_register_day_is_closed_once(self, uow_factory: UnitOfWorkFactory) -> None:
        site = unique_id("site")

        def closed(day: _dt.date) -> DayClose:
            return close_day(
                unique_id("close"),
                site,
                "desk",
                day,
                [],
                counted_cash=Money("0.00", "EUR"),
                closed_at=AT,
                currency="EUR",
            )

        close = closed(DAY)
        with uow_factory() as uow:
            assert uow.day_closes.lock_day(site, "desk", DAY) is None
            uow.day_closes.add(close)
            uow.commit()
        with uow_factory() as uow:
            assert uow.day_closes.lock_day(site, "desk", DAY) == close
            again = closed(DAY)
            with pytest.raises(ConflictError):
                uow.day_closes.add(again)
            other = closed(DAY + _dt.timedelta(1))
            uow.day_closes.add(other)
            uow.commit()
        with uow_factory() as uow:
            assert [c.id for c in uow.day_closes.list_for_site(site)] == [close.id, other.id]

    def test_a_rolled_back_unit_stores_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        charge = a_charge()
        with uow_factory() as uow:
            uow.charges.add(charge)
            uow.invoices.add(an_invoice(charge))
            uow.rollback()
        with uow_factory() as uow:
            assert uow.charges.find_by_source(charge.source_key) is None
