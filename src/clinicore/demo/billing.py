"""The billing part of the demo: a week of charges, bills, checkout, day ends and splits.

The week's treatments arrive as the events the scheduling and dental modules publish
(``TreatmentItemDone``, ``AppointmentCompleted``, ``AppointmentNoShow``); billing charges
them through its bus subscription. Berlin bills a private patient under GOZ, with one line
above the threshold factor and its justification; Oslo's statutory patient reaches the
yearly co-payment ceiling (egenandelstak) and HELFO gets the rest as a claim; a no-show
is charged the site's fee and, unpaid at day end, handed to the invoicing provider. Each
day closes with a cash count (one with a difference), and each self-employed doctor gets
a split statement. Running the demo again on the same database bills nothing twice and
prints the same report: everything printed is read back from the store.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pendulum
from moneyed import Money
from rich.console import Console
from rich.table import Table

from clinicore.adapters.invoicing import RecordingInvoicingProvider
from clinicore.billing.invoices import DocumentKind, HandoverStatus, Invoice
from clinicore.billing.split import SplitKey, SplitKeyBook
from clinicore.bootstrap import App
from clinicore.clock import FixedClock
from clinicore.dental.events import TreatmentItemDone
from clinicore.money import sum_money
from clinicore.scheduling.events import AppointmentCompleted, AppointmentNoShow
from clinicore.services.billing import BillingSettings

if TYPE_CHECKING:
    from clinicore.demo.run import DemoWindow

__all__ = ["billing_section", "demo_settings"]

REGISTER = "front-desk"
BERLIN_GOZ = (
    ("0010", None, None, None),
    ("2100", "16 MOD", Decimal("3.0"), "Tief kariöse Kavität, erschwerte Trockenlegung"),
    ("2197", "16", None, None),
)
"""The private patient's GOZ items: code, tooth, factor (threshold if None), justification."""
OSLO_VISITS = (("T501",), ("T501", "MAT"), ("T501",), ("2ad",))
"""The statutory patient's visits, one a day: the third passes the ceiling."""
_HANDOVER = {
    HandoverStatus.NOT_HANDED_OVER: "",
    HandoverStatus.HANDED_OVER: "handed over",
    HandoverStatus.ACCEPTED: "accepted",
    HandoverStatus.REJECTED: "rejected",
    HandoverStatus.SETTLED: "settled",
}
COUNTED = {"berlin": "0.00", "oslo": "-50.00"}
"""The cash difference each site counts at day end (Oslo's drawer is NOK 50 short once)."""


def demo_settings(start: _dt.date) -> BillingSettings:
    """The demo clinic's split keys and schedule choices."""
    first = start.replace(day=1)
    keys = SplitKeyBook(
        [
            SplitKey(
                "dr-weber",
                first,
                default_percent=Decimal("60"),
                doctor_percent={"prophylaxis": Decimal("40")},
                fixed_fees={"2197": Money("5.00", "EUR")},
                monthly_rent=Money("1200.00", "EUR"),
            ),
            SplitKey(
                "dr-lind",
                first,
                default_percent=Decimal("70"),
                monthly_rent=Money("5000.00", "NOK"),
            ),
        ]
    )
    return BillingSettings(
        split_keys=keys,
        visit_schedules={"berlin": "de-goz"},
        lab_costs={"MAT": Money("250.00", "NOK")},
    )


def billing_section(app: App, window: DemoWindow, console: Console) -> None:
    """Bill the demo week, close the days and print bills, ceiling, closes and splits."""
    app.billing.configure(demo_settings(window.start), invoicing=RecordingInvoicingProvider())
    days = [window.start + _dt.timedelta(days=n) for n in range(min(window.days, 4))]
    with app.uow_factory() as uow:
        done = {close.business_day for close in uow.day_closes.list_for_site("oslo")}
    if days and days[-1] not in done:
        for number, day in enumerate(days):
            _simulate_day(app, day, number)
    console.rule("[bold]Billing[/] - BIL-1 ... BIL-7")
    with app.uow_factory() as uow:
        berlin = [i for i in uow.invoices.list_for_patient("pat-001") if i.site_id == "berlin"]
        oslo = uow.invoices.list_for_site("oslo")
        closes = uow.day_closes.list_for_site("berlin") + uow.day_closes.list_for_site("oslo")
    for invoice in berlin[:1]:
        console.print(_invoice_table(invoice))
    console.print(_oslo_table(app, oslo, window.start.year))
    console.print(_closes_table(closes, oslo))
    console.print(_statements_table(app, window.start))


def _set_clock(app: App, instant: pendulum.DateTime) -> None:
    if isinstance(app.clock, FixedClock):
        app.clock.set(instant)


def _publish(app: App, *events: object) -> None:
    with app.uow_factory() as uow:
        app.bus.publish(uow, *events)  # type: ignore[arg-type]
        uow.commit()


def _simulate_day(app: App, day: _dt.date, number: int) -> None:
    berlin = pendulum.datetime(day.year, day.month, day.day, 10, tz="Europe/Berlin")
    oslo = pendulum.datetime(day.year, day.month, day.day, 11, tz="Europe/Oslo")
    if number == 0:
        _set_clock(app, berlin.add(hours=1))
        _publish(
            app,
            *(
                TreatmentItemDone(
                    occurred_at=berlin,
                    plan_id="demo-plan-001",
                    item_id=f"item-{index}",
                    patient_id="pat-001",
                    practitioner_id="dr-weber",
                    site_id="berlin",
                    procedure_code=code,
                    site=tooth or "whole mouth",
                    factor=factor,
                    justification=reason,
                )
                for index, (code, tooth, factor, reason) in enumerate(BERLIN_GOZ)
            ),
        )
        for invoice in app.billing.issue_bills("pat-001", "berlin"):
            app.billing.take_payment(invoice.id, invoice.total, "card", register_id=REGISTER)
    _set_clock(app, oslo.add(minutes=45))
    codes = OSLO_VISITS[number % len(OSLO_VISITS)]
    _publish(app, _visit(f"demo-apt-{day.isoformat()}", oslo, codes))
    if number == 2:
        _publish(app, _no_show(f"demo-apt-ns-{day.isoformat()}", oslo.add(hours=2)))
    for invoice in app.billing.issue_bills("pat-004", "oslo"):
        if invoice.kind is DocumentKind.INVOICE:
            app.billing.take_payment(invoice.id, invoice.total, "cash", register_id=REGISTER)
    app.billing.issue_bills("pat-005", "oslo")
    for site, zone, currency in (
        ("berlin", "Europe/Berlin", "EUR"),
        ("oslo", "Europe/Oslo", "NOK"),
    ):
        _set_clock(app, pendulum.datetime(day.year, day.month, day.day, 18, tz=zone))
        with app.uow_factory() as uow:
            payments = uow.payments.list_for_day(site, REGISTER, day)
        cash = sum_money((p.amount for p in payments if p.method.value == "cash"), currency)
        short = Money(COUNTED[site] if number == 1 else "0.00", currency)
        app.billing.close_day(site, REGISTER, day, cash + short)


def _visit(
    appointment: str, start: pendulum.DateTime, codes: tuple[str, ...]
) -> AppointmentCompleted:
    return AppointmentCompleted(
        occurred_at=start.add(minutes=45),
        appointment_id=appointment,
        site_id="oslo",
        patient_id="pat-004",
        practitioner_id="dr-lind",
        appointment_type="treatment",
        start=start,
        end=start.add(minutes=45),
        started_at=start,
        ended_at=start.add(minutes=45),
        service_codes=codes,
    )


def _no_show(appointment: str, start: pendulum.DateTime) -> AppointmentNoShow:
    return AppointmentNoShow(
        occurred_at=start.add(minutes=15),
        appointment_id=appointment,
        site_id="oslo",
        patient_id="pat-005",
        practitioner_id="dr-lind",
        appointment_type="checkup",
        start=start,
        end=start.add(minutes=30),
    )


def _invoice_table(invoice: Invoice) -> Table:
    table = Table(
        title=f"GOZ invoice {invoice.id} to private patient {invoice.patient_id} (EUR)",
        title_justify="left",
    )
    for column in ("code", "tooth", "points", "factor", "amount", "justification"):
        table.add_column(column)
    for line in invoice.lines:
        table.add_row(
            line.service_code,
            line.tooth or "",
            str(line.points or ""),
            str(line.factor or ""),
            str(line.amount.amount),
            line.justification or "",
        )
    table.add_row("", "", "", "total", str(invoice.total.amount), "")
    return table


def _oslo_table(app: App, documents: list[Invoice], year: int) -> Table:
    status = app.billing.ceiling_status("pat-004", "oslo", year)
    ceiling = "none configured" if status.ceiling is None else str(status.ceiling.amount)
    table = Table(
        title=(
            f"Oslo bills (NOK); pat-004's co-payments counted in {year}: "
            f"{status.counted.amount} of ceiling {ceiling}"
        ),
        title_justify="left",
    )
    for column in ("document", "patient", "to", "codes", "total", "balance", "handover"):
        table.add_column(column, no_wrap=column in ("document", "codes"))
    for document in documents:
        table.add_row(
            document.id,
            document.patient_id,
            document.insurer_id or "patient",
            " ".join(line.service_code for line in document.lines),
            str(document.total.amount),
            str(app.billing.balance(document.id).amount),
            _HANDOVER[document.handover_status],
        )
    return table


def _closes_table(closes: list, documents: list[Invoice]) -> Table:  # type: ignore[type-arg]
    handed = [d.id for d in documents if d.handover_status is not HandoverStatus.NOT_HANDED_OVER]
    table = Table(
        title=f"Day ends (register {REGISTER}); handed to the invoicing provider: "
        + (", ".join(handed) or "none"),
        title_justify="left",
    )
    for column in ("site", "day", "payments", "expected cash", "counted", "difference"):
        table.add_column(column)
    for close in sorted(closes, key=lambda c: (c.business_day, c.site_id)):
        table.add_row(
            close.site_id,
            close.business_day.isoformat(),
            str(close.payment_count),
            str(close.expected_cash.amount),
            str(close.counted_cash.amount),
            str(close.difference.amount),
        )
    return table


def _statements_table(app: App, month: _dt.date) -> Table:
    table = Table(title=f"Split statements for {month:%B %Y}", title_justify="left")
    for column in ("doctor", "rule", "amount"):
        table.add_column(column)
    for doctor, currency in (("dr-weber", "EUR"), ("dr-lind", "NOK")):
        statement = app.billing.statement(doctor, month, currency)
        for rule, amount in statement.lines:
            table.add_row(doctor, rule, str(amount.amount))
        table.add_row(
            doctor, "kept by the centre from these lines", str(statement.centre_from_lines.amount)
        )
        table.add_row(doctor, "monthly rent to the centre", str(-statement.rent.amount))
        table.add_row(doctor, "[bold]payable to the doctor[/]", str(statement.payable.amount))
    return table
