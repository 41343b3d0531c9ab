"""The billing repository contract on memory, SQLite and PostgreSQL (BIL-4, BIL-5, PLT-2)."""

from __future__ import annotations

import threading

import attrs
import pendulum
import pytest
from moneyed import Money

from clinicore.adapters.invoicing import RecordingInvoicingProvider
from clinicore.adapters.memory import MemoryStore, MemoryUnitOfWork
from clinicore.adapters.sql import SqlUnitOfWorkFactory
from clinicore.billing.charges import Charge
from clinicore.billing.settlement import close_day
from clinicore.errors import ConflictError
from clinicore.ports import InvoicingProvider
from clinicore.testing.contracts import BillingRepositoriesContract, InvoicingProviderContract
from clinicore.testing.samples import a_charge, a_payment, an_invoice, unique_id


class TestBillingRepositories(BillingRepositoriesContract):
    pass


def test_memory_interleaved_units_never_charge_one_event_twice() -> None:
    """Exactly once in memory: the second of two interleaved units fails at commit."""
    store = MemoryStore()
    charge = a_charge()
    first, second = MemoryUnitOfWork(store), MemoryUnitOfWork(store)
    with first, second:
        first.charges.add(charge)
        second.charges.add(charge)
        first.commit()
        with pytest.raises(ConflictError):
            second.commit()


def test_memory_a_payment_and_the_close_of_its_day_conflict() -> None:
    """A payment and a day close of the same register day cannot both commit."""
    store = MemoryStore()
    invoice = an_invoice()
    payer, closer = MemoryUnitOfWork(store), MemoryUnitOfWork(store)
    with payer, closer:
        assert payer.day_closes.lock_day(invoice.site_id, "desk", invoice.issued_on) is None
        payer.payments.add(a_payment(invoice))
        closer.day_closes.lock_day(invoice.site_id, "desk", invoice.issued_on)
        closer.commit()
        with pytest.raises(ConflictError):
            payer.commit()


@pytest.mark.postgresql
def test_postgresql_concurrent_deliveries_of_one_event_charge_once(
    postgres_uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """Exactly once enforced by the database: 8 threads add the same event's charge."""
    charge = a_charge(patient_id=unique_id("pat"))
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def deliver() -> None:
        barrier.wait()
        try:
            with postgres_uow_factory() as uow:
                uow.charges.add(attrs_evolve_id(charge))
                uow.commit()
            outcomes.append("stored")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 7 + ["stored"]
    with postgres_uow_factory() as uow:
        assert len(uow.charges.list_for_patient(charge.patient_id)) == 1
        assert uow.charges.counted_total(charge.patient_id, 2026, "EUR") == Money("0.00", "EUR")


def attrs_evolve_id(charge: Charge) -> Charge:
    """The same event's charge under a fresh id (a second delivery makes a new id)."""
    return attrs.evolve(charge, id=unique_id("chg"))


class TestRecordingInvoicingProvider(InvoicingProviderContract):
    @pytest.fixture
    def invoicing_provider(self) -> InvoicingProvider:
        return RecordingInvoicingProvider()


@pytest.mark.postgresql
def test_postgresql_a_payment_never_slips_into_a_day_being_closed(
    postgres_uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """Payments and the close of their day race; every stored payment is in the close."""
    invoice = an_invoice()
    site, day = invoice.site_id, invoice.issued_on
    barrier = threading.Barrier(5)
    stored: list[str] = []

    def pay(index: int) -> None:
        payment = a_payment(invoice, Money("0.01", "EUR"), id=f"pay-{index}-{unique_id('p')}")
        barrier.wait()
        with postgres_uow_factory() as uow:
            if uow.day_closes.lock_day(site, "desk", day) is None:
                uow.payments.add(payment)
                uow.commit()
                stored.append(payment.id)

    def close() -> None:
        barrier.wait()
        with postgres_uow_factory() as uow:
            uow.day_closes.lock_day(site, "desk", day)
            payments = uow.payments.list_for_day(site, "desk", day)
            uow.day_closes.add(
                close_day(
                    unique_id("close"),
                    site,
                    "desk",
                    day,
                    payments,
                    counted_cash=Money("0.00", "EUR"),
                    closed_at=pendulum.now("UTC"),
                    currency="EUR",
                )
            )
            uow.commit()

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(4)]
    threads.append(threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with postgres_uow_factory() as uow:
        closed = uow.day_closes.lock_day(site, "desk", day)
        in_day = uow.payments.list_for_day(site, "desk", day)
    assert closed is not None
    assert closed.payment_count == len(in_day) == len(stored)
