"""The Norwegian jurisdiction pack (SCH-3, PLT-3)."""

from __future__ import annotations

import datetime as _dt

from clinicore import jurisdictions
from clinicore.jurisdictions.no import Norway
from clinicore.testing.contracts import JurisdictionContract


class TestNorway(JurisdictionContract):
    """Norway: national public holidays only.

    Sources: lov om 1. og 17. mai som høgtidsdager (17 May, Constitution Day);
    lov om helligdager og helligdagsfred (helligdagsloven) § 2 (Easter Monday,
    2026-04-06, and Christmas Day). 18 May 2026 is an ordinary Monday.
    """

    code = "NO"
    known_holidays = (
        _dt.date(2026, 5, 17),
        _dt.date(2026, 4, 6),
        _dt.date(2026, 12, 25),
    )
    known_working_days = (
        _dt.date(2026, 5, 18),
        _dt.date(2026, 4, 7),
    )
    regional = None


def test_constitution_day_has_its_english_name() -> None:
    """Lov om 1. og 17. mai som høgtidsdager."""
    assert jurisdictions.get("NO").holiday_name(_dt.date(2026, 5, 17)) == "Constitution Day"


def test_ordinary_sundays_are_not_listed() -> None:
    """The pack's docstring: weekly Sundays are rest days for working patterns, not holidays."""
    norway = jurisdictions.get("NO")
    assert not norway.is_public_holiday(_dt.date(2026, 3, 1))
    assert not norway.is_public_holiday(_dt.date(2026, 10, 25))


def test_the_pack_states_norways_facts() -> None:
    norway = jurisdictions.get("no")
    assert isinstance(norway, Norway)
    assert (norway.currency, norway.default_locale, norway.default_timezone) == (
        "NOK",
        "nb_NO",
        "Europe/Oslo",
    )
    assert any("helligdagsloven" in source for source in norway.sources)
