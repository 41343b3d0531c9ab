"""A site: one clinic location of a practice network, with its zone, country and currency.

Every wall-clock rule of a site (opening hours, quiet hours, the day a payment is booked
into) is meant in the site's IANA zone. The site's jurisdiction code selects the country
pack in [`clinicore.jurisdictions`][clinicore.jurisdictions] (holidays, fee schedules,
payroll and dunning rules); the domain never branches on the country itself.

Examples:
    >>> site = Site(
    ...     id=SiteId("oslo"),
    ...     name="Oslo sentrum",
    ...     timezone="Europe/Oslo",
    ...     jurisdiction="no",
    ...     currency="nok",
    ... )
    >>> site.jurisdiction, site.currency, site.zone.name
    ('NO', 'NOK', 'Europe/Oslo')

"""

from __future__ import annotations

import re

import attrs
import pendulum

from clinicore._validate import short_text, valid_id, version
from clinicore.errors import ValidationError
from clinicore.ids import SiteId
from clinicore.money import parse_currency
from clinicore.zones import parse_zone

__all__ = ["Site", "SiteId"]

_COUNTRY = re.compile(r"[A-Z]{2}")
_SUBDIVISION = re.compile(r"[A-Z0-9]{1,3}")


def _zone_name(value: object) -> str:
    return parse_zone(value, field="timezone").name


def _country(value: object) -> str:
    code = str(value).upper()
    if not _COUNTRY.fullmatch(code):
        raise ValidationError(
            f"jurisdiction {value!r} is not an ISO 3166 alpha-2 code", field="jurisdiction"
        )
    return code


def _currency(value: object) -> str:
    return parse_currency(value, field="currency").code


def _subdivision(value: object) -> str | None:
    if value is None:
        return None
    code = str(value).upper()
    if not _SUBDIVISION.fullmatch(code):
        raise ValidationError(
            f"subdivision {value!r} is not an ISO 3166-2 subdivision code (e.g. 'BY')",
            field="subdivision",
        )
    return code


@attrs.frozen
class Site:
    """A clinic location.

    Args:
        id: the site's id.
        name: a display name (a site's name is not personal data).
        timezone: the IANA zone its wall-clock rules are meant in.
        jurisdiction: ISO 3166 alpha-2 country code selecting the country pack.
        currency: ISO 4217 code of the money it takes.
        subdivision: ISO 3166-2 subdivision (German Land ``"BY"``) for regional holidays.
        version: the stored version this copy was read at; the repository manages it.

    """

    id: SiteId = attrs.field(validator=valid_id)
    name: str = attrs.field(validator=short_text(200))
    timezone: str = attrs.field(converter=_zone_name)
    jurisdiction: str = attrs.field(converter=_country)
    currency: str = attrs.field(converter=_currency)
    subdivision: str | None = attrs.field(default=None, converter=_subdivision)
    version: int = attrs.field(default=0, validator=version)

    @property
    def zone(self) -> pendulum.Timezone:
        """The site's zone as a pendulum ``Timezone``."""
        return parse_zone(self.timezone)
