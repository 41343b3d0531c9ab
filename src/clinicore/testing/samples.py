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

from moneyed import Money

from clinicore.contact import PhoneNumber
from clinicore.ids import PatientId, PractitionerId, SiteId
from clinicore.jurisdictions import get as jurisdiction
from clinicore.patients import Patient
from clinicore.payroll.contracts import Contract, Employee, EmployeeId
from clinicore.payroll.punches import Punch, PunchId, PunchKind
from clinicore.practitioners import Employment, Practitioner
from clinicore.sites import Site

__all__ = [
    "a_contract",
    "a_patient",
    "a_practitioner",
    "a_punch_log",
    "a_site",
    "an_employee",
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
