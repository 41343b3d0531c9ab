"""Cancellation fees and dunning per jurisdiction (BIL-1, BIL-7)."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import pendulum
import pytest
from moneyed import Money

from clinicore import jurisdictions
from clinicore.billing.cancellation import CancellationFeeRule
from clinicore.billing.dunning import (
    DunningLevel,
    DunningPolicy,
    DunningStep,
    default_interest,
    next_dunning_step,
)
from clinicore.errors import ValidationError

DUE = _dt.date(2026, 10, 1)


def test_norway_charges_cancellations_under_24_hours() -> None:
    """Norway: late cancellation (under 24 h) and no-show may be charged (rules.md)."""
    rule = jurisdictions.get("NO").cancellation_fee_rule()
    assert rule is not None
    start = pendulum.datetime(2026, 10, 26, 9, tz="Europe/Oslo")  # the day after the DST end
    assert rule.is_late(start, start.subtract(hours=23))
    assert not rule.is_late(start, pendulum.datetime(2026, 10, 25, 8, 30, tz="Europe/Oslo"))
    assert rule.no_show_fee == Money("400.00", "NOK")
    assert jurisdictions.get("DE").cancellation_fee_rule() is None


def test_a_bad_cancellation_rule_is_refused() -> None:
    with pytest.raises(ValidationError, match="negative"):
        CancellationFeeRule(window=_dt.timedelta(hours=-1))


def _step(policy: DunningPolicy, days: int, level: int, fees: int) -> DunningStep | None:
    return next_dunning_step(
        policy,
        balance=Money("500.00", "NOK"),
        due_on=DUE,
        today=DUE + _dt.timedelta(days=days),
        current_level=level,
        fees_charged=fees,
    )


def test_norwegian_reminder_fees_are_nok_35_after_14_days_at_most_twice() -> None:
    """Inkassoforskriften: purregebyr NOK 35, only 14 days after due, max two per claim."""
    policy = jurisdictions.get("NO").dunning_policy()
    assert policy is not None
    assert _step(policy, 13, 0, 0) is None
    first = _step(policy, 14, 0, 0)
    assert first is not None
    assert first.level == 1
    assert first.fee == Money("35.00", "NOK")
    second = _step(policy, 28, 1, 1)
    assert second is not None
    assert second.fee == Money("35.00", "NOK")
    capped = next_dunning_step(
        DunningPolicy(
            levels=(*policy.levels[:2], DunningLevel(3, 42, Money("35.00", "NOK"))), max_fees=2
        ),
        balance=Money("500.00", "NOK"),
        due_on=DUE,
        today=DUE + _dt.timedelta(days=50),
        current_level=2,
        fees_charged=2,
    )
    assert capped is not None
    assert capped.fee == Money("0.00", "NOK")


def test_the_collection_notice_gives_14_days_then_collection() -> None:
    """Inkassoloven § 9: the inkassovarsel's deadline is at least 14 days."""
    policy = jurisdictions.get("NO").dunning_policy()
    assert policy is not None
    sent = DUE + _dt.timedelta(days=42)
    kwargs = {
        "balance": Money("500.00", "NOK"),
        "due_on": DUE,
        "current_level": 3,
        "fees_charged": 2,
        "final_sent_on": sent,
    }
    assert next_dunning_step(policy, today=sent + _dt.timedelta(days=13), **kwargs) is None  # type: ignore[arg-type]
    step = next_dunning_step(policy, today=sent + _dt.timedelta(days=14), **kwargs)  # type: ignore[arg-type]
    assert step is not None
    assert step.to_collection


def test_dunning_stops_when_paid_and_pauses_when_disputed() -> None:
    policy = jurisdictions.get("NO").dunning_policy()
    assert policy is not None
    base = {
        "due_on": DUE,
        "today": DUE + _dt.timedelta(days=30),
        "current_level": 0,
        "fees_charged": 0,
    }
    assert next_dunning_step(policy, balance=Money("0.00", "NOK"), **base) is None  # type: ignore[arg-type]
    assert next_dunning_step(policy, balance=Money("1.00", "NOK"), disputed=True, **base) is None  # type: ignore[arg-type]


def test_german_first_reminder_is_free_and_interest_is_base_plus_5() -> None:
    """§ 286 BGB: the reminder creating default costs nothing; § 288 (1) BGB: base rate
    (1.27 % from 2025-07-01) + 5 points for consumers."""
    policy = jurisdictions.get("DE").dunning_policy()
    assert policy is not None
    first = next_dunning_step(
        policy,
        balance=Money("100.00", "EUR"),
        due_on=DUE,
        today=DUE + _dt.timedelta(days=14),
        current_level=0,
        fees_charged=0,
    )
    assert first is not None
    assert first.fee == Money("0.00", "EUR")
    assert policy.interest_rate_on(_dt.date(2026, 3, 1)) == Decimal("6.27")
    assert policy.interest_rate_on(_dt.date(2025, 1, 1)) is None
    assert default_interest(Money("1000.00", "EUR"), Decimal("6.27"), 365) == Money("62.70", "EUR")
    assert default_interest(Money("1000.00", "EUR"), Decimal("6.27"), 0) == Money("0.00", "EUR")


def test_dunning_levels_must_be_in_order() -> None:
    with pytest.raises(ValidationError, match="levels"):
        DunningPolicy(levels=(DunningLevel(2, 14),))
