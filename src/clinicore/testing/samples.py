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

__all__ = ["a_patient", "a_practitioner", "a_site", "unique_id"]


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
