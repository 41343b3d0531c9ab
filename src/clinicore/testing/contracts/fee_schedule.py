"""The contract of [`FeeSchedule`][clinicore.ports.FeeSchedule]."""

from __future__ import annotations

import datetime as _dt

import pytest
from moneyed import Money

from clinicore.errors import NotFoundError
from clinicore.fees import FeeQuery
from clinicore.money import sum_money
from clinicore.ports import FeeSchedule

__all__ = ["FeeScheduleContract"]


class FeeScheduleContract:
    """Checks for a fee schedule.

    Provide the fixtures ``fee_schedule`` and ``priced_service`` (a ``(code, day)`` the
    schedule prices at its default factor).
    """

    @pytest.fixture
    def fee_schedule(self) -> FeeSchedule:
        raise NotImplementedError("the contract needs a 'fee_schedule' fixture")

    @pytest.fixture
    def priced_service(self) -> tuple[str, _dt.date]:
        raise NotImplementedError("the contract needs a 'priced_service' fixture")

    def test_a_quote_is_in_the_schedule_currency_and_its_shares_add_up(
        self, fee_schedule: FeeSchedule, priced_service: tuple[str, _dt.date]
    ) -> None:
        code, day = priced_service
        quote = fee_schedule.quote(FeeQuery(code, day))
        assert quote.amount.currency.code == fee_schedule.currency
        assert quote.amount.amount >= 0
        assert sum_money([quote.patient_share, quote.insurer_share]) == quote.amount
        assert (quote.schedule_id, quote.service_code) == (fee_schedule.schedule_id, code)

    def test_quoting_is_deterministic(
        self, fee_schedule: FeeSchedule, priced_service: tuple[str, _dt.date]
    ) -> None:
        code, day = priced_service
        assert fee_schedule.quote(FeeQuery(code, day)) == fee_schedule.quote(FeeQuery(code, day))

    def test_more_services_never_cost_less(
        self, fee_schedule: FeeSchedule, priced_service: tuple[str, _dt.date]
    ) -> None:
        code, day = priced_service
        one: Money = fee_schedule.quote(FeeQuery(code, day)).amount
        three: Money = fee_schedule.quote(FeeQuery(code, day, quantity=3)).amount
        assert three >= one

    def test_an_unknown_code_is_not_found_and_named(
        self, fee_schedule: FeeSchedule, priced_service: tuple[str, _dt.date]
    ) -> None:
        _, day = priced_service
        with pytest.raises(NotFoundError, match="NO-SUCH-CODE"):
            fee_schedule.quote(FeeQuery("NO-SUCH-CODE", day))

    def test_the_priced_code_is_listed_in_order(
        self, fee_schedule: FeeSchedule, priced_service: tuple[str, _dt.date]
    ) -> None:
        code, day = priced_service
        codes = list(fee_schedule.service_codes(day))
        assert code in codes
        assert codes == sorted(codes)
