"""Plain builders for valid example objects, with every field overridable.

Each call makes a fresh id unless one is given, so tests against a shared database never
collide. The names are obviously fictitious.

Examples:
    >>> a_site(id="oslo", jurisdiction="NO").currency
    'NOK'

"""

from __future__ import annotations

import datetime as _dt
import itertools
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs
import pendulum
from moneyed import Money

from clinicore.billing.price_list import PriceEntry, PriceList
from clinicore.contact import PhoneNumber
from clinicore.dental.chart import Chart, ChartEntry
from clinicore.dental.plans import PlanItem, TreatmentPlan, group_into_visits
from clinicore.dental.pricing import ItemPrice
from clinicore.dental.procedures import DEFAULT_CATALOG
from clinicore.dental.sites import parse_site
from clinicore.dental.teeth import Notation, Tooth
from clinicore.ids import PatientId, PractitionerId, SiteId
from clinicore.jurisdictions import get as jurisdiction
from clinicore.patients import Patient
from clinicore.payroll.contracts import Contract, Employee, EmployeeId
from clinicore.payroll.punches import Punch, PunchId, PunchKind
from clinicore.practitioners import Employment, Practitioner
from clinicore.sites import Site

__all__ = [
    "a_charge",
    "a_contract",
    "a_dental_chart",
    "a_dental_price_list",
    "a_patient",
    "a_payment",
    "a_plan_item",
    "a_practitioner",
    "a_price_list",
    "a_punch_log",
    "a_site",
    "a_treatment_plan",
    "an_employee",
    "an_invoice",
    "unique_id",
]


def unique_id(prefix: str) -> str:
    """``prefix`` plus a random suffix: unique across test runs sharing a database."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def a_site(**overrides: Any) -> Site:
    """A site in Germany (or in the ``jurisdiction`` given), with that country's defaults."""
    pack = jurisdiction(overrides.get("jurisdiction", "DE"))
    fields: dict[str, Any] = {
        "id": SiteId(unique_id("site")),
        "name": f"{pack.name} practice",
        "timezone": pack.default_timezone,
        "jurisdiction": pack.code,
        "currency": pack.currency,
    }
    fields.update(overrides)
    return Site(**fields)


def a_patient(**overrides: Any) -> Patient:
    """An adult private patient with a Norwegian mobile number."""
    fields: dict[str, Any] = {
        "id": PatientId(unique_id("pat")),
        "given_name": "Testa",
        "family_name": "Exempel",
        "birth_date": _dt.date(1984, 6, 30),
        "phone": PhoneNumber.parse("+4741234567"),
        "locale": "nb",
    }
    fields.update(overrides)
    return Patient(**fields)


def a_practitioner(**overrides: Any) -> Practitioner:
    """A self-employed dentist at one site (``site_ids`` overrides it)."""
    fields: dict[str, Any] = {
        "id": PractitionerId(unique_id("prac")),
        "display_name": "Dr. Example",
        "site_ids": frozenset({SiteId("site-1")}),
        "speciality": "dentistry",
        "employment": Employment.SELF_EMPLOYED,
    }
    fields.update(overrides)
    return Practitioner(**fields)


def a_plan_item(
    item_id: str, code: str = "FILL", site: str = "16 MOD", **overrides: Any
) -> PlanItem:
    """A proposed item of the default catalogue's ``code`` on ``site`` (FDI)."""
    mouth_site = parse_site(site, Notation.FDI)
    procedure = DEFAULT_CATALOG.check(code, mouth_site)
    fields: dict[str, Any] = {
        "id": item_id,
        "procedure_code": code,
        "site": mouth_site,
        "phase": procedure.phase,
        "duration": procedure.duration,
        "appointment_type": procedure.appointment_type,
        "healing": procedure.healing,
    }
    fields.update(overrides)
    return PlanItem(**fields)


def a_treatment_plan(**overrides: Any) -> TreatmentPlan:
    """A presented plan in EUR with two priced variants of two and three items.

    ``v1``: extraction of 36 then an implant on it; ``v2``: root canal, then a crown on
    36, and a filling on 16. Every item costs EUR 100.00, paid by the patient.
    """
    at = overrides.pop("at", pendulum.datetime(2026, 3, 2, 9, tz="Europe/Berlin"))
    plan_id = overrides.pop("id", unique_id("plan"))
    plan = TreatmentPlan.start(
        id=plan_id,
        patient_id=overrides.pop("patient_id", unique_id("pat")),
        site_id=overrides.pop("site_id", "site-1"),
        practitioner_id=overrides.pop("practitioner_id", "dr-a"),
        currency="EUR",
        at=at,
        actor_id="dr-a",
        title="Lower left molar",
    )
    plan = plan.add_variant("v1", "Option 1: implant", at, "dr-a")
    plan = plan.add_variant("v2", "Option 2: keep the tooth", at, "dr-a")
    items = {
        "v1": [
            a_plan_item(f"{plan_id}-1", "EXT", "36"),
            a_plan_item(f"{plan_id}-2", "IMPL", "36", depends_on={f"{plan_id}-1"}),
        ],
        "v2": [
            a_plan_item(f"{plan_id}-3", "RCT", "36"),
            a_plan_item(f"{plan_id}-4", "CROWN", "36", depends_on={f"{plan_id}-3"}),
            a_plan_item(f"{plan_id}-5", "FILL", "16 MOD"),
        ],
    }
    for variant_id, listed in items.items():
        for item in listed:
            plan = plan.add_item(variant_id, item, at, "dr-a")
    price = ItemPrice(
        "sample", Money("100.00", "EUR"), Money("100.00", "EUR"), Money("0.00", "EUR")
    )
    plan = plan.set_prices({i.id: price for v in items.values() for i in v}, at, "dr-a")
    for variant in plan.variants:
        plan = plan.set_visits(variant.id, group_into_visits(variant), at, "dr-a")
    plan = plan.present(at, "dr-a")
    return attrs.evolve(plan, **overrides) if overrides else plan


def a_dental_chart(patient_id: str | None = None) -> Chart:
    """A chart with caries on 16 MO, a crown on 26 and 36 missing."""
    at = pendulum.datetime(2026, 3, 2, 9, tz="Europe/Berlin")
    pid = patient_id or unique_id("pat")
    return Chart(id=pid, patient_id=pid).record(
        ChartEntry.of(Tooth(16), "caries", at, "dr-a", surfaces="MO"),
        ChartEntry.of(Tooth(26), "crown", at, "dr-a"),
        ChartEntry.of(Tooth(36), "missing", at, "dr-a", note="extracted elsewhere"),
    )


_SAMPLE_PRICES = {
    "EXAM": "45.00",
    "PAIN": "60.00",
    "XRAY": "25.00",
    "PCR": "95.00",
    "SRP": "80.00",
    "SEAL": "30.00",
    "EXT": "120.00",
    "IMPL": "1450.00",
    "RCT": "480.00",
    "FILL": "110.00",
    "CROWN": "780.00",
    "BRIDGE": "1900.00",
    "DENT": "1200.00",
    "ALIGN": "2400.00",
}


def a_dental_price_list(currency: str = "EUR", schedule_id: str = "sample-dental") -> PriceList:
    """A plain price list for every code of the default procedure catalogue.

    Prices are given in EUR; another currency multiplies them by ten (NOK, roughly).
    """
    factor = 1 if currency == "EUR" else 10
    return PriceList(
        schedule_id,
        currency,
        [
            PriceEntry(
                code=code,
                description=DEFAULT_CATALOG.get(code).name,
                price=Money(Decimal(price) * factor, currency),
                valid_from=_dt.date(2020, 1, 1),
            )
            for code, price in _SAMPLE_PRICES.items()
        ],
    )


def a_contract(**overrides: Any) -> Contract:
    """An hourly contract from 2026-01-01: EUR 20.00 an hour, 40 h a week."""
    fields: dict[str, Any] = {
        "valid_from": _dt.date(2026, 1, 1),
        "hourly_rate": Money("20.00", "EUR"),
        "weekly_hours": Decimal(40),
        "cost_centre": "front-desk",
    }
    fields.update(overrides)
    return Contract(**fields)


def an_employee(**overrides: Any) -> Employee:
    """A front-desk employee of ``site-1`` with an hourly 40-hour contract."""
    fields: dict[str, Any] = {
        "id": EmployeeId(unique_id("emp")),
        "site_id": SiteId("site-1"),
        "role": "front_desk",
        "contracts": (a_contract(),),
    }
    fields.update(overrides)
    return Employee(**fields)


_punch_counter = itertools.count(1)


def a_punch_log(
    employee_id: str,
    spans: Iterable[tuple[_dt.datetime, _dt.datetime]],
    *,
    source: str = "front_desk",
) -> list[Punch]:
    """A clock-in and a clock-out for each ``(start, end)``, with fresh ids."""
    log: list[Punch] = []
    run = uuid.uuid4().hex[:8]
    for start, end in spans:
        for kind, at in ((PunchKind.IN, start), (PunchKind.OUT, end)):
            log.append(
                Punch(
                    id=PunchId(f"punch-{run}-{next(_punch_counter)}"),
                    employee_id=EmployeeId(employee_id),
                    kind=kind,
                    at=at,
                    recorded_at=at,
                    source=source,
                )
            )
    return log


# -- billing (BIL-1 ... BIL-9) ---------------------------------------------------------------
def a_charge(**overrides: Any) -> Any:
    """A private patient's GOZ 0010 charge in Berlin (EUR 12.94), every field overridable."""
    from moneyed import Money  # noqa: PLC0415 - billing on demand

    from clinicore.billing.charges import Charge, ChargeKind  # noqa: PLC0415

    charge_id = overrides.pop("id", unique_id("chg"))
    fields: dict[str, Any] = {
        "id": charge_id,
        "source_key": f"test:{charge_id}",
        "kind": ChargeKind.SERVICE,
        "patient_id": "pat-1",
        "practitioner_id": "dr-weber",
        "site_id": "berlin",
        "service_date": _dt.date(2026, 10, 20),
        "schedule_id": "de-goz",
        "service_code": "0010",
        "description": "Eingehende Untersuchung",
        "amount": Money("12.94", "EUR"),
        "patient_share": Money("12.94", "EUR"),
        "insurer_share": Money("0.00", "EUR"),
    }
    fields.update(overrides)
    return Charge(**fields)


def an_invoice(*charges: Any, **overrides: Any) -> Any:
    """An invoice to the patient for ``charges`` (one fresh charge if none), due in 14 days."""
    from clinicore.billing.invoices import (  # noqa: PLC0415
        DocumentKind,
        Invoice,
        Payer,
        route_charges,
    )

    items = charges or (a_charge(),)
    lines = route_charges(items)[0].lines
    first = items[0]
    fields: dict[str, Any] = {
        "id": unique_id("inv"),
        "kind": DocumentKind.INVOICE,
        "payer": Payer.PATIENT,
        "site_id": first.site_id,
        "patient_id": first.patient_id,
        "currency": first.amount.currency.code,
        "issued_on": first.service_date,
        "due_on": first.service_date + _dt.timedelta(days=14),
        "lines": lines,
    }
    fields.update(overrides)
    return Invoice(**fields)


def a_payment(invoice: Any, amount: Any = None, **overrides: Any) -> Any:
    """A cash payment of ``invoice`` (its total unless ``amount``) at the front desk."""
    import pendulum  # noqa: PLC0415

    from clinicore.billing.payments import Payment, PaymentMethod  # noqa: PLC0415

    fields: dict[str, Any] = {
        "id": unique_id("pay"),
        "invoice_id": invoice.id,
        "site_id": invoice.site_id,
        "register_id": "desk",
        "method": PaymentMethod.CASH,
        "amount": invoice.total if amount is None else amount,
        "received_at": pendulum.datetime(
            invoice.issued_on.year, invoice.issued_on.month, invoice.issued_on.day, 12, tz="UTC"
        ),
        "business_day": invoice.issued_on,
    }
    fields.update(overrides)
    return Payment(**fields)


def a_price_list(schedule_id: str = "sample-prices", currency: str = "HUF") -> Any:
    """A two-service price list (``CHECK``, ``CLEAN``): a fee-schedule plugin for tests."""
    from clinicore.billing.price_list import PriceEntry, PriceList  # noqa: PLC0415
    from clinicore.money import money  # noqa: PLC0415

    start = _dt.date(2020, 1, 1)
    return PriceList(
        schedule_id,
        currency,
        [
            PriceEntry("CHECK", "Check-up", money("12000", currency), start),
            PriceEntry("CLEAN", "Cleaning", money("18000", currency), start),
        ],
    )
