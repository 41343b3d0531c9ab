"""A practitioner: a doctor, dentist, hygienist or therapist who treats patients.

Practitioners work at one or more sites. Whether they are employed by the centre or
self-employed matters to billing (the revenue split) and payroll; what they may do is
added by the scheduling module (appointment types) and the authorisation port.

Examples:
    >>> dr = Practitioner(
    ...     id=PractitionerId("dr-lind"),
    ...     display_name="Dr. Lind",
    ...     site_ids=frozenset({SiteId("oslo")}),
    ...     speciality="dentistry",
    ...     employment=Employment.SELF_EMPLOYED,
    ... )
    >>> repr(dr)[:49]
    "Practitioner(id='dr-lind', display_name=•••, site"

"""

from __future__ import annotations

import enum

import attrs

from clinicore._validate import short_text, strict_bool, to_enum, valid_id, version
from clinicore.errors import ValidationError
from clinicore.ids import PractitionerId, SiteId, check_id
from clinicore.privacy import mask_text

__all__ = ["Employment", "Practitioner", "PractitionerId"]


class Employment(enum.StrEnum):
    """How a practitioner works for the centre."""

    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"


def _employment(value: object) -> Employment:
    return to_enum(Employment, value, "employment")


def _site_ids(value: object) -> frozenset[SiteId]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise ValidationError(
            f"site_ids must be a collection of site ids, got {type(value).__name__}",
            field="site_ids",
        )
    ids = frozenset(SiteId(check_id(item, field="site id")) for item in value)
    if not ids:
        raise ValidationError("a practitioner needs at least one site", field="site_ids")
    return ids


@attrs.frozen
class Practitioner:
    """Someone who treats patients at one or more sites.

    Args:
        id: the practitioner's id.
        display_name: name shown in calendars; masked in ``repr()``.
        site_ids: the sites they work at (at least one).
        speciality: free text code such as ``"dentistry"`` or ``"physiotherapy"``.
        employment: employed by the centre or self-employed (revenue split).
        active: whether they still take appointments.
        version: the stored version this copy was read at; the repository manages it.

    """

    id: PractitionerId = attrs.field(validator=valid_id)
    display_name: str = attrs.field(validator=short_text(200), repr=mask_text)
    site_ids: frozenset[SiteId] = attrs.field(converter=_site_ids)
    speciality: str = attrs.field(validator=short_text(100))
    employment: Employment = attrs.field(
        default=Employment.EMPLOYED,
        converter=_employment,
    )
    active: bool = attrs.field(default=True, validator=strict_bool)
    version: int = attrs.field(default=0, validator=version)
