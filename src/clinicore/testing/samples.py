"""Plain builders for valid example objects, with every field overridable.

Each call makes a fresh id unless one is given, so tests against a shared database never
collide. The names are obviously fictitious.

Examples:
    >>> a_site(id="oslo", jurisdiction="NO").currency
    'NOK'

"""

from __future__ import annotations

import datetime as _dt
import uuid
from typing import Any

from clinicore.contact import PhoneNumber
from clinicore.ids import PatientId, PractitionerId, SiteId
from clinicore.jurisdictions import get as jurisdiction
from clinicore.patients import Patient
from clinicore.practitioners import Employment, Practitioner
from clinicore.sites import Site

__all__ = [
    "a_charge",
    "a_patient",
    "a_payment",
    "a_practitioner",
    "a_price_list",
    "a_site",
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
