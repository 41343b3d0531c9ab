"""The German jurisdiction pack (SCH-3, PLT-3)."""

from __future__ import annotations

import datetime as _dt

from clinicore import jurisdictions
from clinicore.jurisdictions.de import Germany
from clinicore.testing.contracts import JurisdictionContract


class TestGermany(JurisdictionContract):
    """Germany: public holidays per Land.

    Sources: Einigungsvertrag Art. 2 (2) makes 3 October (Tag der Deutschen Einheit) a
    national holiday; 25 and 26 December are holidays under every Land's
    Feiertagsgesetz; 6 January (Heilige Drei Könige) is a holiday in Bavaria
    (Bayerisches Feiertagsgesetz Art. 1 (1)) but not in Berlin (Berliner
    Feiertagsgesetz § 1).
    """

    code = "DE"
    known_holidays = (
        _dt.date(2026, 10, 3),
        _dt.date(2026, 12, 25),
        _dt.date(2026, 12, 26),
    )
    known_working_days = (
        _dt.date(2026, 10, 5),
        _dt.date(2026, 12, 23),
        _dt.date(2026, 1, 7),
    )
    regional = ("BY", _dt.date(2026, 1, 6))


def test_epiphany_is_not_a_holiday_in_berlin() -> None:
    """Berliner Feiertagsgesetz § 1 does not list 6 January; Bavaria's Art. 1 (1) does."""
    germany = jurisdictions.get("DE")
    assert not germany.is_public_holiday(_dt.date(2026, 1, 6), "BE")
    assert germany.is_public_holiday(_dt.date(2026, 1, 6), "BY")


def test_national_holidays_hold_in_every_land() -> None:
    """Einigungsvertrag Art. 2 (2): 3 October is national, whatever the Land."""
    germany = jurisdictions.get("DE")
    for land in ("BE", "BY", "HH", "SN"):
        assert germany.is_public_holiday(_dt.date(2026, 10, 3), land), land


def test_german_unity_day_has_its_english_name() -> None:
    assert jurisdictions.get("DE").holiday_name(_dt.date(2026, 10, 3)) == "German Unity Day"


def test_the_pack_states_germanys_facts() -> None:
    germany = jurisdictions.get("de")
    assert isinstance(germany, Germany)
    assert (germany.currency, germany.default_locale, germany.default_timezone) == (
        "EUR",
        "de_DE",
        "Europe/Berlin",
    )
    assert {"BE", "BY"} <= germany.subdivisions
    assert any("Einigungsvertrag" in source for source in germany.sources)
