"""Billing use cases: charges from events, bills, checkout, day end, split and dunning.

[`BillingService`][clinicore.services.billing.BillingService] turns the scheduling and
dental events into charges (``subscribe`` wires it to the bus; the same event twice never
charges twice, enforced by the store), routes charges to patient invoices and insurer
claims, takes payments and refunds, closes a register's day and hands unpaid bills to an
[`InvoicingProvider`][clinicore.ports.InvoicingProvider], splits every payment between the
centre and its doctors, and runs dunning. Country rules come from the site's jurisdiction
pack; the service never tests the country itself.

Every method validates before it writes; a refused request changes nothing.
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Mapping
from typing import Any

import attrs
import pendulum
from moneyed import Money

from clinicore import jurisdictions
from clinicore.billing.cancellation import (
    LATE_CANCELLATION_CODE,
    NO_SHOW_CODE,
    CancellationFeeRule,
)
from clinicore.billing.charges import Charge, ChargeKind
from clinicore.billing.copayment import CoPaymentPolicy, apply_copayment, ceiling_excess
from clinicore.billing.dunning import (
    DunningPolicy,
    DunningStep,
    default_interest,
    next_dunning_step,
)
from clinicore.billing.events import (
    ChargeNotPriced,
    ChargeRecorded,
    DayClosed,
    InvoiceIssued,
    PaymentRecorded,
)
from clinicore.billing.invoices import (
    ClaimStatus,
    DocumentKind,
    HandoverStatus,
    Invoice,
    Payer,
    route_charges,
)
from clinicore.billing.ledger import EntryKind, LedgerEntry, account_of
from clinicore.billing.payments import (
    Payment,
    PaymentMethod,
    check_new_payment,
    invoice_balance,
)
from clinicore.billing.settlement import DayClose, close_day
from clinicore.billing.split import Due, SplitKeyBook, Statement, monthly_statement, split_amount
from clinicore.clock import Clock
from clinicore.dental.events import TreatmentItemDone
from clinicore.errors import ConflictError, NotFoundError, PolicyViolation, ValidationError
from clinicore.events import DomainEvent
from clinicore.fees import FeeQuery, PricingSubject
from clinicore.ids import IdSource, PatientId, SiteId
from clinicore.money import allocate, check_currency, to_minor_units, zero
from clinicore.ports import InvoicingProvider, UnitOfWork, UnitOfWorkFactory
from clinicore.scheduling.events import (
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentNoShow,
    CancelledBy,
)
from clinicore.services.bus import EventBus
from clinicore.sites import Site

__all__ = [
    "BillingService",
    "BillingSettings",
    "CeilingStatus",
    "DaySettlement",
    "subscribe",
]

_SITE_RULES = "site-rules"
_log = logging.getLogger(__name__)


@attrs.frozen
class BillingSettings:
    """How a practice bills; everything is optional.

    Args:
        split_keys: every self-employed doctor's split keys.
        visit_schedules: per site, the schedule id visits (appointments) are priced with;
            default: the pack's ``"medical"`` schedule.
        dental_schedules: per site, the schedule id treatment items are priced with;
            default: the pack's ``"dental"`` schedule.
        code_map: a clinical code (a dental procedure, a visit's service code) to the
            fee-schedule code it is billed as; codes not in it are billed as they are.
        service_groups: service code to revenue-split group (default ``"treatment"``).
        lab_costs: service code to the laboratory cost included in its fee.
        cancellation_rules: per site, late-cancellation and no-show fees; default: the
            pack's rule.
        copayment_policies: per country code, co-payment rules replacing the pack's (e.g.
            a confirmed ceiling).
        patient_exemptions: per patient id, exemption codes held (``"pregnancy"``).
        payment_terms_days: days from issue to due date.

    """

    split_keys: SplitKeyBook = attrs.field(factory=SplitKeyBook)
    visit_schedules: Mapping[str, str] = attrs.field(factory=dict)
    dental_schedules: Mapping[str, str] = attrs.field(factory=dict)
    code_map: Mapping[str, str] = attrs.field(factory=dict)
    service_groups: Mapping[str, str] = attrs.field(factory=dict)
    lab_costs: Mapping[str, Money] = attrs.field(factory=dict)
    cancellation_rules: Mapping[str, CancellationFeeRule] = attrs.field(factory=dict)
    copayment_policies: Mapping[str, CoPaymentPolicy] = attrs.field(factory=dict)
    patient_exemptions: Mapping[str, frozenset[str]] = attrs.field(factory=dict)
    payment_terms_days: int = 14


@attrs.frozen
class DaySettlement:
    """The result of closing a register's day.

    Attributes:
        close: the stored day close.
        handed_over: ``(invoice id, provider reference)`` of bills handed over.

    """

    close: DayClose
    handed_over: tuple[tuple[str, str], ...] = ()


@attrs.frozen
class CeilingStatus:
    """A patient's co-payments against the year's ceiling.

    Attributes:
        counted: co-payments counted towards the ceiling.
        ceiling: the ceiling, or ``None`` when the year has none.
        excess: what was paid above it (to be refunded).

    """

    counted: Money
    ceiling: Money | None
    excess: Money


class BillingService:
    """Billing use cases (BIL-1 ... BIL-9).

    Args:
        uow_factory: opens units of work.
        clock: tells the time of payments and closes.
        ids: makes ids.
        bus: where billing publishes its events.
        settings: split keys, schedule choices and site rules.
        invoicing: the invoicing provider unpaid bills go to at day end, if any.

    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        ids: IdSource,
        bus: EventBus,
        *,
        settings: BillingSettings | None = None,
        invoicing: InvoicingProvider | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._ids = ids
        self._bus = bus
        self.settings = settings or BillingSettings()
        self.invoicing = invoicing

    def configure(
        self,
        settings: BillingSettings | None = None,
        *,
        invoicing: InvoicingProvider | None = None,
    ) -> None:
        """Replace the settings and/or the invoicing provider."""
        if settings is not None:
            self.settings = settings
        if invoicing is not None:
            self.invoicing = invoicing

    # -- charges ----------------------------------------------------------------------------
    def record_service(
        self,
        *,
        source_key: str,
        patient_id: str,
        practitioner_id: str,
        site_id: str,
        service_code: str,
        service_date: _dt.date,
        field: str = "dental",
        tooth: str | None = None,
        factor: object = None,
        justification: str | None = None,
        quantity: int = 1,
        agreement_above_maximum: bool = False,
        uow: UnitOfWork | None = None,
    ) -> Charge:
        """Price a service and store its charge, once per ``source_key``.

        A repeat of ``source_key`` returns the stored charge and charges nothing.

        Raises:
            NotFoundError: unknown site, patient or service code (code and schedule named).
            ValidationError: a factor out of range, or above the threshold without reason.

        """
        if uow is None:
            with self._uow_factory() as own:
                charge = self.record_service(
                    source_key=source_key,
                    patient_id=patient_id,
                    practitioner_id=practitioner_id,
                    site_id=site_id,
                    service_code=service_code,
                    service_date=service_date,
                    field=field,
                    tooth=tooth,
                    factor=factor,
                    justification=justification,
                    quantity=quantity,
                    agreement_above_maximum=agreement_above_maximum,
                    uow=own,
                )
                own.commit()
            return charge
        existing = uow.charges.find_by_source(source_key)
        if existing is not None:
            return existing
        site = uow.sites.get(SiteId(site_id))
        patient = uow.patients.get(PatientId(patient_id))
        pack = jurisdictions.get(site.jurisdiction)
        chosen = (
            self.settings.dental_schedules if field == "dental" else self.settings.visit_schedules
        )
        schedule = pack.fee_schedule(chosen.get(site_id), field=field)
        subject = PricingSubject(
            age=patient.age_on(service_date),
            coverage=patient.coverage.kind,
            exemptions=self.settings.patient_exemptions.get(patient_id, frozenset()),
        )
        quote = schedule.quote(
            FeeQuery(
                service_code,
                service_date,
                factor=factor,
                quantity=quantity,
                subject=subject,
                justification=justification,
                agreement_above_maximum=agreement_above_maximum,
            )
        )
        policy = self.settings.copayment_policies.get(site.jurisdiction) or pack.copayment_policy()
        decision = apply_copayment(
            policy,
            patient_share=quote.patient_share,
            insurer_share=quote.insurer_share,
            counts_towards_ceiling=quote.counts_towards_ceiling,
            year=service_date.year,
            counted_so_far=uow.charges.counted_total(
                patient_id, service_date.year, quote.amount.currency.code
            ),
            subject=subject,
        )
        lab = self.settings.lab_costs.get(quote.service_code)
        charge = Charge(
            id=self._ids.new_id(),
            source_key=source_key,
            kind=ChargeKind.MATERIAL
            if lab is not None and lab == quote.amount
            else ChargeKind.SERVICE,
            patient_id=patient_id,
            practitioner_id=practitioner_id,
            site_id=site_id,
            service_date=service_date,
            schedule_id=quote.schedule_id,
            service_code=quote.service_code,
            description=quote.description,
            amount=quote.amount,
            patient_share=decision.patient_share,
            insurer_share=decision.insurer_share,
            counted_towards_ceiling=decision.counted if decision.counted.amount else None,
            tooth=tooth,
            factor=quote.factor,
            points=quote.points,
            justification=justification if quote.needs_justification else None,
            quantity=quantity,
            service_group=self.settings.service_groups.get(quote.service_code, "treatment"),
            lab_cost=None if lab is None else Money(lab.amount * quantity, lab.currency),
            insurer_id=patient.coverage.insurer_id if decision.insurer_share.amount else None,
            copayment=quote.counts_towards_ceiling,
        )
        return self._store_charge(uow, charge)

    def record_fee(
        self,
        *,
        source_key: str,
        patient_id: str,
        practitioner_id: str,
        site_id: str,
        code: str,
        description: str,
        amount: Money,
        service_date: _dt.date,
        uow: UnitOfWork,
    ) -> Charge:
        """Store a fee charge (no-show, late cancellation) the patient pays in full, once."""
        existing = uow.charges.find_by_source(source_key)
        if existing is not None:
            return existing
        site = uow.sites.get(SiteId(site_id))
        check_currency(amount, site.currency, field="fee")
        charge = Charge(
            id=self._ids.new_id(),
            source_key=source_key,
            kind=ChargeKind.FEE,
            patient_id=patient_id,
            practitioner_id=practitioner_id,
            site_id=site_id,
            service_date=service_date,
            schedule_id=_SITE_RULES,
            service_code=code,
            description=description,
            amount=amount,
            patient_share=amount,
            insurer_share=zero(amount.currency),
            service_group="fee",
        )
        return self._store_charge(uow, charge)

    def _store_charge(self, uow: UnitOfWork, charge: Charge) -> Charge:
        uow.charges.add(charge)
        self._bus.publish(
            uow,
            ChargeRecorded(
                occurred_at=self._clock.now(),
                charge_id=charge.id,
                patient_id=charge.patient_id,
                site_id=charge.site_id,
                source_key=charge.source_key,
            ),
        )
        return charge

    # -- event handlers -------------------------------------------------------------------
    def on_treatment_item_done(self, event: TreatmentItemDone, uow: UnitOfWork) -> None:
        """A dental item was done: charge it (DEN-7) from the site's dental schedule."""
        site = uow.sites.get(SiteId(event.site_id))
        self._charge_from_event(
            uow,
            event,
            source_key=f"dental:{event.plan_id}:{event.item_id}",
            patient_id=event.patient_id,
            practitioner_id=event.practitioner_id,
            site_id=event.site_id,
            service_code=event.procedure_code,
            service_date=_local_day(event.occurred_at, site),
            field="dental",
            tooth=event.site,
            factor=event.factor,
            justification=event.justification,
        )

    def on_appointment_completed(self, event: AppointmentCompleted, uow: UnitOfWork) -> None:
        """A visit ended: charge each service code from the site's visit schedule."""
        site = uow.sites.get(SiteId(event.site_id))
        day = _local_day(event.ended_at, site)
        for index, code in enumerate(event.service_codes):
            self._charge_from_event(
                uow,
                event,
                source_key=f"visit:{event.appointment_id}:{index}:{code}",
                patient_id=event.patient_id,
                practitioner_id=event.practitioner_id,
                site_id=event.site_id,
                service_code=code,
                service_date=day,
                field="medical",
            )

    def _charge_from_event(
        self,
        uow: UnitOfWork,
        event: DomainEvent,
        *,
        source_key: str,
        service_code: str,
        **fields: Any,
    ) -> None:
        # The clinical fact is recorded whatever billing makes of it: a code the schedule
        # does not know, or a factor it refuses, becomes a ChargeNotPriced for the worklist
        # instead of rolling back the treatment that published the event.
        billed_as = self.settings.code_map.get(service_code, service_code)
        try:
            self.record_service(source_key=source_key, service_code=billed_as, uow=uow, **fields)
        except (NotFoundError, ValidationError) as error:
            _log.warning("charge %s not priced: %s", source_key, error)
            self._bus.publish(
                uow,
                ChargeNotPriced(
                    occurred_at=event.occurred_at,
                    source_key=source_key,
                    site_id=fields["site_id"],
                    service_code=service_code,
                    reason=str(error),
                ),
            )

    def on_no_show(self, event: AppointmentNoShow, uow: UnitOfWork) -> None:
        """The patient did not come: charge the site's no-show fee, if it has one."""
        site = uow.sites.get(SiteId(event.site_id))
        rule = self._cancellation_rule(site)
        if rule is None or rule.no_show_fee is None:
            return
        self.record_fee(
            source_key=f"no-show:{event.appointment_id}",
            patient_id=event.patient_id,
            practitioner_id=event.practitioner_id,
            site_id=event.site_id,
            code=NO_SHOW_CODE,
            description="No-show fee",
            amount=rule.no_show_fee,
            service_date=_local_day(event.start, site),
            uow=uow,
        )

    def on_cancelled(self, event: AppointmentCancelled, uow: UnitOfWork) -> None:
        """A patient cancelled inside the site's window: charge the late-cancellation fee."""
        if event.cancelled_by is not CancelledBy.PATIENT:
            return
        site = uow.sites.get(SiteId(event.site_id))
        rule = self._cancellation_rule(site)
        fee = (
            None if rule is None else rule.late_cancellation_fee_for(event.start, event.occurred_at)
        )
        if fee is None:
            return
        self.record_fee(
            source_key=f"late-cancel:{event.appointment_id}",
            patient_id=event.patient_id,
            practitioner_id=event.practitioner_id,
            site_id=event.site_id,
            code=LATE_CANCELLATION_CODE,
            description="Late cancellation fee",
            amount=fee,
            service_date=_local_day(event.start, site),
            uow=uow,
        )

    def _cancellation_rule(self, site: Site) -> CancellationFeeRule | None:
        configured = self.settings.cancellation_rules.get(site.id)
        return configured or jurisdictions.get(site.jurisdiction).cancellation_fee_rule()

    # -- bills ----------------------------------------------------------------------------
    def issue_bills(self, patient_id: str, site_id: str) -> list[Invoice]:
        """Bill a patient's unbilled charges at a site: an invoice and claims (BIL-2).

        Shares of doctors whose key is due when billed are booked now.
        """
        with self._uow_factory() as uow:
            site = uow.sites.get(SiteId(site_id))
            today = self._today(site)
            charges = [
                c
                for c in uow.charges.list_for_patient(patient_id, unbilled_only=True)
                if c.site_id == site_id
            ]
            issued: list[Invoice] = []
            for bill in route_charges(charges):
                invoice = Invoice(
                    id=self._ids.new_id(),
                    kind=bill.kind,
                    payer=bill.payer,
                    site_id=site_id,
                    patient_id=patient_id,
                    currency=site.currency,
                    issued_on=today,
                    due_on=today + _dt.timedelta(days=self.settings.payment_terms_days),
                    lines=bill.lines,
                    insurer_id=bill.insurer_id,
                    claim_status=ClaimStatus.PREPARED if bill.payer is Payer.INSURER else None,
                )
                stored = uow.invoices.add(invoice)
                self._book(uow, stored, EntryKind.INVOICED, stored.total)
                self._split_when_billed(uow, stored, today)
                self._bus.publish(uow, self._issued_event(stored))
                issued.append(stored)
            uow.commit()
        return issued

    def _split_when_billed(self, uow: UnitOfWork, invoice: Invoice, today: _dt.date) -> None:
        book = self.settings.split_keys
        lines = [
            line
            for line in invoice.lines
            if (key := book.key_for(line.practitioner_id, line.service_date)) is not None
            and key.due is Due.BILLED
        ]
        total = sum(to_minor_units(line.amount) for line in lines)
        if total:
            amount = Money(sum(line.amount.amount for line in lines), invoice.currency)
            uow.revenue_shares.add_all(
                split_amount(amount, lines, book, source_id=invoice.id, booked_on=today)
            )

    def move_claim(
        self, claim_id: str, status: ClaimStatus | str, reason: str | None = None
    ) -> Invoice:
        """Move an insurer claim along its lifecycle (BIL-9)."""
        with self._uow_factory() as uow:
            claim = uow.invoices.get(claim_id)
            stored = uow.invoices.update(claim.move_claim(status, reason=reason))
            uow.commit()
        return stored

    def credit(self, invoice_id: str, amount: Money, reason: str) -> Invoice:
        """Issue a credit note reducing ``invoice_id`` by ``amount`` (spread over its lines).

        Raises:
            CurrencyMismatchError: another currency.
            ValidationError: not positive, or more than the invoice's balance.

        """
        if not reason.strip():
            raise ValidationError("a credit note needs a reason", field="reason")
        with self._uow_factory() as uow:
            invoice = uow.invoices.get(invoice_id)
            check_currency(amount, invoice.currency)
            balance = self._balance(uow, invoice)
            if amount.amount <= 0 or amount > balance:
                raise ValidationError(
                    f"credit {amount.amount} must be positive and at most the balance "
                    f"{balance.amount} of {invoice_id!r}",
                    field="amount",
                )
            parts = allocate(amount, [to_minor_units(line.amount) for line in invoice.lines])
            lines = [
                attrs.evolve(line, amount=part, lab_cost=None)
                for line, part in zip(invoice.lines, parts, strict=True)
                if part.amount
            ]
            site = uow.sites.get(SiteId(invoice.site_id))
            today = self._today(site)
            note = Invoice(
                id=self._ids.new_id(),
                kind=DocumentKind.CREDIT_NOTE,
                payer=invoice.payer,
                site_id=invoice.site_id,
                patient_id=invoice.patient_id,
                currency=invoice.currency,
                issued_on=today,
                due_on=today,
                lines=lines,
                insurer_id=invoice.insurer_id,
                credits_invoice_id=invoice.id,
                note=reason,
            )
            stored = uow.invoices.add(note)
            self._book(uow, stored, EntryKind.CREDITED, -amount, document=invoice)
            self._bus.publish(uow, self._issued_event(stored))
            uow.commit()
        return stored

    # -- checkout -------------------------------------------------------------------------
    def take_payment(
        self,
        invoice_id: str,
        amount: Money,
        method: PaymentMethod | str,
        *,
        register_id: str = "front-desk",
        reference: str | None = None,
        refund_of: str | None = None,
    ) -> Payment:
        """Book a payment (or, negative with ``refund_of``, a refund) and split it (BIL-4, BIL-5).

        Raises:
            CurrencyMismatchError: another currency than the invoice's.
            ValidationError: more than the balance; a refund larger than what is left.
            PolicyViolation: the register's business day is closed (``"day_closed"``).

        """
        with self._uow_factory() as uow:
            invoice = uow.invoices.get(invoice_id)
            if invoice.kind is DocumentKind.CREDIT_NOTE:
                raise ValidationError(
                    f"{invoice_id!r} is a credit note; pay or refund the invoice it credits",
                    field="invoice_id",
                )
            check_currency(amount, invoice.currency)
            site = uow.sites.get(SiteId(invoice.site_id))
            now = self._clock.now()
            day = _local_day(now, site)
            payment = Payment(
                id=self._ids.new_id(),
                invoice_id=invoice_id,
                site_id=invoice.site_id,
                register_id=register_id,
                method=method,
                amount=amount,
                received_at=now,
                business_day=day,
                refund_of=refund_of,
                reference=reference,
            )
            existing = uow.payments.list_for_invoice(invoice_id)
            check_new_payment(invoice, existing, payment, uow.invoices.credit_notes_for(invoice_id))
            if uow.day_closes.lock_day(site.id, register_id, day) is not None:
                raise PolicyViolation(
                    f"register {register_id!r} of {site.id!r} is closed for {day}",
                    reasons=("day_closed",),
                )
            uow.payments.add(payment)
            kind = EntryKind.REFUNDED if payment.is_refund else EntryKind.PAID
            self._book(uow, invoice, kind, -amount, payment_id=payment.id)
            uow.revenue_shares.add_all(
                split_amount(
                    amount,
                    invoice.lines,
                    self.settings.split_keys,
                    source_id=payment.id,
                    booked_on=day,
                    settled_when_billed=True,
                )
            )
            self._bus.publish(
                uow,
                PaymentRecorded(
                    occurred_at=now,
                    payment_id=payment.id,
                    invoice_id=invoice_id,
                    site_id=site.id,
                    refund=payment.is_refund,
                ),
            )
            uow.commit()
        return payment

    def refund(
        self,
        payment_id: str,
        amount: Money,
        *,
        method: PaymentMethod | str | None = None,
        register_id: str | None = None,
    ) -> Payment:
        """Refund part or all of a payment: a negative payment linked to it."""
        with self._uow_factory() as uow:
            original = uow.payments.get(payment_id)
        if amount.amount <= 0:
            raise ValidationError(f"refund {amount.amount} must be positive", field="amount")
        return self.take_payment(
            original.invoice_id,
            -amount,
            method or original.method,
            register_id=register_id or original.register_id,
            refund_of=payment_id,
        )

    def balance(self, invoice_id: str) -> Money:
        """An invoice's balance: lines - payments - credit notes."""
        with self._uow_factory() as uow:
            return self._balance(uow, uow.invoices.get(invoice_id))

    def account_balance(self, payer: str, key: str, currency: str) -> Money:
        """A payer account's ledger balance (``payer`` is ``"patient"`` or ``"insurer"``)."""
        with self._uow_factory() as uow:
            return uow.ledger.balance(account_of(payer, key), currency)

    # -- day end --------------------------------------------------------------------------
    def close_day(
        self,
        site_id: str,
        register_id: str,
        day: _dt.date,
        counted_cash: Money,
        *,
        opening_float: Money | None = None,
    ) -> DaySettlement:
        """Settle and close a register's day; hand unpaid bills to the provider (BIL-4, BIL-6).

        Raises:
            ConflictError: the day is closed already (a closed day is immutable).

        """
        with self._uow_factory() as uow:
            site = uow.sites.get(SiteId(site_id))
            if uow.day_closes.lock_day(site_id, register_id, day) is not None:
                raise ConflictError(
                    f"register {register_id!r} of {site_id!r} is closed for {day} already; "
                    "a closed day is never changed"
                )
            close = close_day(
                self._ids.new_id(),
                site_id,
                register_id,
                day,
                uow.payments.list_for_day(site_id, register_id, day),
                counted_cash=counted_cash,
                closed_at=self._clock.now(),
                currency=site.currency,
                opening_float=opening_float,
            )
            uow.day_closes.add(close)
            handed = self._hand_over_unpaid(uow, site_id, day)
            self._bus.publish(
                uow,
                DayClosed(
                    occurred_at=close.closed_at,
                    close_id=close.id,
                    site_id=site_id,
                    register_id=register_id,
                    business_day=day,
                ),
            )
            uow.commit()
        return DaySettlement(close, tuple(handed))

    def _hand_over_unpaid(
        self, uow: UnitOfWork, site_id: str, day: _dt.date
    ) -> list[tuple[str, str]]:
        if self.invoicing is None:
            return []
        handed: list[tuple[str, str]] = []
        waiting = uow.invoices.list_for_site(
            site_id, handover_status=HandoverStatus.NOT_HANDED_OVER
        )
        for invoice in waiting:
            if invoice.kind is not DocumentKind.INVOICE or invoice.issued_on > day:
                continue
            balance = self._balance(uow, invoice)
            if balance.amount <= 0:
                continue
            reference = self.invoicing.hand_over(invoice, balance)
            uow.invoices.update(invoice.handed_over(HandoverStatus.HANDED_OVER, reference))
            handed.append((invoice.id, reference))
        return handed

    def refresh_handover(self, invoice_id: str) -> Invoice:
        """Ask the invoicing provider for a handed-over bill's status and store it."""
        if self.invoicing is None:
            raise NotFoundError("invoicing provider", None)
        with self._uow_factory() as uow:
            invoice = uow.invoices.get(invoice_id)
            if invoice.handover_reference is None:
                raise ValidationError(f"{invoice_id!r} was not handed over", field="invoice_id")
            status = self.invoicing.status(invoice.handover_reference)
            stored = uow.invoices.update(invoice.handed_over(status))
            uow.commit()
        return stored

    # -- revenue split and co-payments ----------------------------------------------------
    def statement(self, practitioner_id: str, month: _dt.date, currency: str) -> Statement:
        """A doctor's split statement for ``month`` (BIL-5)."""
        with self._uow_factory() as uow:
            shares = uow.revenue_shares.list_for_practitioner(practitioner_id, month)
        return monthly_statement(practitioner_id, month, shares, self.settings.split_keys, currency)

    def ceiling_status(self, patient_id: str, site_id: str, year: int) -> CeilingStatus:
        """A patient's counted co-payments, the year's ceiling and any excess (BIL-3)."""
        with self._uow_factory() as uow:
            site = uow.sites.get(SiteId(site_id))
            counted = uow.charges.counted_total(patient_id, year, site.currency)
        pack = jurisdictions.get(site.jurisdiction)
        policy = self.settings.copayment_policies.get(site.jurisdiction) or pack.copayment_policy()
        return CeilingStatus(counted, policy.ceiling(year), ceiling_excess(policy, year, counted))

    # -- dunning ----------------------------------------------------------------------------
    def run_dunning(self, site_id: str, today: _dt.date) -> list[tuple[str, DunningStep]]:
        """Send due reminders for a site's unpaid patient invoices (BIL-7).

        Books each reminder's fee and, where the pack sets a default-interest rate, the
        interest accrued since the first reminder put the patient in default (§ 286 BGB),
        as ledger entries. Stops when paid; a disputed invoice is left alone.
        """
        with self._uow_factory() as uow:
            site = uow.sites.get(SiteId(site_id))
            policy = jurisdictions.get(site.jurisdiction).dunning_policy()
            if policy is None:
                return []
            done: list[tuple[str, DunningStep]] = []
            for invoice in uow.invoices.list_for_site(site_id):
                if invoice.kind is DocumentKind.INVOICE:
                    step = self._dun(uow, invoice, policy, today)
                    if step is not None:
                        done.append((invoice.id, step))
            uow.commit()
        return done

    def set_disputed(self, invoice_id: str, disputed: bool = True) -> Invoice:
        """Mark an invoice disputed (dunning and interest pause) or settle the dispute."""
        with self._uow_factory() as uow:
            invoice = uow.invoices.get(invoice_id)
            stored = uow.invoices.update(attrs.evolve(invoice, disputed=disputed))
            uow.commit()
        return stored

    def _dun(
        self, uow: UnitOfWork, invoice: Invoice, policy: DunningPolicy, today: _dt.date
    ) -> DunningStep | None:
        account = account_of("patient", invoice.patient_id)
        fees = sum(
            1
            for entry in uow.ledger.list_for_account(account)
            if entry.kind is EntryKind.FEE and entry.document_id == invoice.id
        )
        balance = self._balance(uow, invoice)
        step = next_dunning_step(
            policy,
            balance=balance,
            due_on=invoice.due_on,
            today=today,
            current_level=invoice.dunning_level,
            fees_charged=fees,
            disputed=invoice.disputed,
            final_sent_on=invoice.last_reminder_on,
        )
        changes: dict[str, Any] = {}
        rate = policy.interest_rate_on(today)
        since = invoice.interest_until
        if since is not None and rate is not None and not invoice.disputed and since < today:
            interest = default_interest(balance, rate, (today - since).days)
            if interest.amount:
                self._book(uow, invoice, EntryKind.INTEREST, interest)
            changes["interest_until"] = today
        if step is not None and step.level is not None:
            if step.fee.amount:
                self._book(uow, invoice, EntryKind.FEE, step.fee)
            changes.update(dunning_level=step.level, last_reminder_on=today)
            if since is None and rate is not None:
                changes["interest_until"] = today
        if changes:
            uow.invoices.update(attrs.evolve(invoice, **changes))
        return step

    # -- helpers --------------------------------------------------------------------------
    def _balance(self, uow: UnitOfWork, invoice: Invoice) -> Money:
        return invoice_balance(
            invoice,
            uow.payments.list_for_invoice(invoice.id),
            uow.invoices.credit_notes_for(invoice.id),
        )

    def _book(
        self,
        uow: UnitOfWork,
        invoice: Invoice,
        kind: EntryKind,
        amount: Money,
        *,
        payment_id: str | None = None,
        document: Invoice | None = None,
    ) -> None:
        payer_key = invoice.insurer_id if invoice.payer is Payer.INSURER else invoice.patient_id
        target = document or invoice
        uow.ledger.add(
            LedgerEntry(
                id=self._ids.new_id(),
                account=account_of(invoice.payer.value, str(payer_key)),
                kind=kind,
                amount=amount,
                document_id=target.id,
                booked_at=self._clock.now(),
                payment_id=payment_id,
            )
        )

    def _issued_event(self, invoice: Invoice) -> InvoiceIssued:
        return InvoiceIssued(
            occurred_at=self._clock.now(),
            invoice_id=invoice.id,
            patient_id=invoice.patient_id,
            site_id=invoice.site_id,
            kind=invoice.kind.value,
        )

    def _today(self, site: Site) -> _dt.date:
        return _local_day(self._clock.now(), site)


def _local_day(instant: pendulum.DateTime, site: Site) -> _dt.date:
    return instant.in_timezone(site.zone).date()


def subscribe(bus: EventBus, service: BillingService) -> None:
    """Wire billing to the scheduling and dental events (charges, fees)."""
    bus.subscribe(TreatmentItemDone, service.on_treatment_item_done)
    bus.subscribe(AppointmentCompleted, service.on_appointment_completed)
    bus.subscribe(AppointmentNoShow, service.on_no_show)
    bus.subscribe(AppointmentCancelled, service.on_cancelled)
