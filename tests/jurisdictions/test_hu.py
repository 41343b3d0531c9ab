"""The Hungarian jurisdiction pack (SCH-3, PLT-3)."""

from __future__ import annotations

import datetime as _dt

from clinicore import jurisdictions
from clinicore.jurisdictions.hu import Hungary
from clinicore.testing.contracts import JurisdictionContract


class TestHungary(JurisdictionContract):
    """Hungary: national public holidays and the yearly moved rest days.

    Sources: 2012. évi I. törvény a munka törvénykönyvéről (Mt.) 102. § (1) lists
    15 March (nemzeti ünnep) and 20 August (államalapítás ünnepe) as public holidays.
    16 March 2026 is an ordinary Monday.
    """

    code = "HU"
    known_holidays = (
        _dt.date(2026, 3, 15),
        _dt.date(2026, 8, 20),
        _dt.date(2026, 10, 23),
    )
    known_working_days = (
        _dt.date(2026, 3, 16),
        _dt.date(2026, 8, 19),
    )
    regional = None


def test_the_national_days_have_their_english_names() -> None:
    """Mt. 102. § (1)."""
    hungary = jurisdictions.get("HU")
    assert hungary.holiday_name(_dt.date(2026, 3, 15)) == "National Day"
    assert hungary.holiday_name(_dt.date(2026, 8, 20)) == "State Foundation Day"


def test_a_moved_rest_day_is_a_day_off() -> None:
    """The 2026 decree on moved working days: Friday 21 August is off (worked 8 August)."""
    hungary = jurisdictions.get("HU")
    assert hungary.is_public_holiday(_dt.date(2026, 8, 21))
    assert not hungary.is_public_holiday(_dt.date(2026, 8, 8))


def test_hungary_has_no_subdivisions() -> None:
    assert jurisdictions.get("HU").subdivisions == frozenset()


def test_the_pack_states_hungarys_facts() -> None:
    hungary = jurisdictions.get("hu")
    assert isinstance(hungary, Hungary)
    assert (hungary.currency, hungary.default_locale, hungary.default_timezone) == (
        "HUF",
        "hu_HU",
        "Europe/Budapest",
    )
    assert any("102. §" in source for source in hungary.sources)
