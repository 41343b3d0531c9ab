"""The shared test base every jurisdiction pack must pass (built-in or a vendor's)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import ClassVar

import pytest

from clinicore import jurisdictions
from clinicore.errors import ValidationError
from clinicore.jurisdictions import Jurisdiction
from clinicore.locales import parse_locale
from clinicore.money import parse_currency
from clinicore.zones import parse_zone

__all__ = ["JurisdictionContract"]


class JurisdictionContract:
    """Checks for a country pack. Set the class attributes; no fixture is needed.

    Attributes:
        code: the country code the pack is registered under.
        known_holidays: dates that must be public holidays nationwide (name your source in
            the subclass docstring).
        known_working_days: weekdays that must not be holidays.
        regional: a ``(subdivision, date)`` that is a holiday only in that subdivision,
            or ``None`` when the country has no regional holidays.

    """

    code: ClassVar[str]
    known_holidays: ClassVar[Sequence[_dt.date]]
    known_working_days: ClassVar[Sequence[_dt.date]]
    regional: ClassVar[tuple[str, _dt.date] | None] = None

    @pytest.fixture
    def pack(self) -> Jurisdiction:
        return jurisdictions.get(self.code)

    def test_it_is_registered_under_its_code(self, pack: Jurisdiction) -> None:
        assert pack.code == self.code
        assert self.code in jurisdictions.available()
        assert jurisdictions.get(self.code.lower()) is pack

    def test_its_facts_are_valid(self, pack: Jurisdiction) -> None:
        assert parse_currency(pack.currency).code == pack.currency
        assert parse_locale(pack.default_locale) == pack.default_locale
        assert parse_zone(pack.default_timezone).name == pack.default_timezone
        assert pack.name
        assert pack.sources, "a pack names the legal sources of its rules"
        assert pack.__doc__, "a pack's docstring explains it"

    def test_known_holidays_are_holidays(self, pack: Jurisdiction) -> None:
        for day in self.known_holidays:
            assert pack.is_public_holiday(day), day
            assert pack.holiday_name(day)

    def test_known_working_days_are_not(self, pack: Jurisdiction) -> None:
        for day in self.known_working_days:
            assert not pack.is_public_holiday(day), day

    def test_a_range_agrees_with_single_days(self, pack: Jurisdiction) -> None:
        days = sorted([*self.known_holidays, *self.known_working_days])
        listed = pack.public_holidays(days[0], days[-1])
        for day in days:
            assert (day in listed) == pack.is_public_holiday(day)
        assert list(listed) == sorted(listed)

    def test_regional_holidays_need_their_subdivision(self, pack: Jurisdiction) -> None:
        if self.regional is None:
            pytest.skip("the country has no regional holidays")
        subdivision, day = self.regional
        assert subdivision in pack.subdivisions
        assert pack.is_public_holiday(day, subdivision)
        assert not pack.is_public_holiday(day)

    def test_an_unknown_subdivision_is_a_clear_error(self, pack: Jurisdiction) -> None:
        with pytest.raises(ValidationError, match="XX"):
            pack.is_public_holiday(_dt.date(2026, 1, 1), "XX")

    def test_an_inverted_range_is_a_clear_error(self, pack: Jurisdiction) -> None:
        with pytest.raises(ValidationError, match="before"):
            pack.public_holidays(_dt.date(2026, 2, 1), _dt.date(2026, 1, 1))

    def test_holidays_are_pure_data(self, pack: Jurisdiction) -> None:
        listed: Mapping[_dt.date, str] = pack.public_holidays(
            _dt.date(2026, 1, 1), _dt.date(2026, 12, 31)
        )
        assert all(listed.values())
