"""Co-payment exemptions and the yearly ceiling (BIL-3)."""

from __future__ import annotations

import datetime as _dt

from hypothesis import given
from hypothesis import strategies as st
from moneyed import Money

from clinicore import jurisdictions
from clinicore.billing.copayment import (
    CoPaymentPolicy,
    apply_copayment,
    ceiling_excess,
)
from clinicore.fees import PricingSubject
from clinicore.money import from_minor_units, sum_money

NOK = "NOK"
ADULT = PricingSubject(age=40, coverage="statutory")


def _norway() -> CoPaymentPolicy:
    return jurisdictions.get("NO").copayment_policy()


def test_the_2026_egenandelstak_is_3278_nok() -> None:
    """Norway: egenandelstak 2024 NOK 3,165; 2026 NOK 3,278; 2025 unconfirmed (rules.md)."""
    policy = _norway()
    assert policy.ceiling(2024) == Money("3165.00", NOK)
    assert policy.ceiling(2026) == Money("3278.00", NOK)
    assert policy.ceiling(2025) is None
    confirmed = policy.with_ceiling(2025, Money("3278.00", NOK))
    assert confirmed.ceiling(2025) == Money("3278.00", NOK)


def test_past_the_ceiling_nothing_more_is_charged() -> None:
    """Norway: above the egenandelstak the patient pays nothing more (rules.md)."""
    decision = apply_copayment(
        _norway(),
        patient_share=Money("1250.00", NOK),
        insurer_share=Money("1000.00", NOK),
        counts_towards_ceiling=True,
        year=2026,
        counted_so_far=Money("2500.00", NOK),
        subject=ADULT,
    )
    assert decision.patient_share == Money("778.00", NOK)
    assert decision.insurer_share == Money("1472.00", NOK)
    assert decision.reason == "ceiling"
    after = apply_copayment(
        _norway(),
        patient_share=Money("180.00", NOK),
        insurer_share=Money("214.00", NOK),
        counts_towards_ceiling=True,
        year=2026,
        counted_so_far=Money("3278.00", NOK),
        subject=ADULT,
    )
    assert after.patient_share == Money("0.00", NOK)


def test_children_under_16_and_pregnant_patients_are_exempt() -> None:
    """Norway: no egenandel for children under 16 or in pregnancy (folketrygdloven § 5-3)."""
    for subject in (
        PricingSubject(age=15, coverage="statutory"),
        PricingSubject(age=30, coverage="statutory", exemptions={"pregnancy"}),
    ):
        decision = apply_copayment(
            _norway(),
            patient_share=Money("180.00", NOK),
            insurer_share=Money("214.00", NOK),
            counts_towards_ceiling=True,
            year=2026,
            counted_so_far=Money("0.00", NOK),
            subject=subject,
        )
        assert decision.patient_share == Money("0.00", NOK)
        assert decision.insurer_share == Money("394.00", NOK)
        assert decision.reason is not None
        assert decision.reason.startswith("exempt:")
    assert _norway().exemption_for(PricingSubject(age=16)) is None


def test_material_charges_do_not_count() -> None:
    decision = apply_copayment(
        _norway(),
        patient_share=Money("250.00", NOK),
        insurer_share=Money("0.00", NOK),
        counts_towards_ceiling=False,
        year=2026,
        counted_so_far=Money("3278.00", NOK),
        subject=ADULT,
    )
    assert decision.patient_share == Money("250.00", NOK)
    assert decision.counted == Money("0.00", NOK)


def test_the_excess_over_the_ceiling_is_reported_for_refund() -> None:
    assert ceiling_excess(_norway(), 2026, Money("3400.00", NOK)) == Money("122.00", NOK)
    assert ceiling_excess(_norway(), 2026, Money("100.00", NOK)) == Money("0.00", NOK)
    assert ceiling_excess(_norway(), 2025, Money("9999.00", NOK)) == Money("0.00", NOK)


@given(
    shares=st.lists(
        st.tuples(st.integers(0, 200_000), st.integers(0, 200_000), st.booleans()), max_size=30
    )
)
def test_the_ceiling_is_never_exceeded_and_shares_still_add_up(
    shares: list[tuple[int, int, bool]],
) -> None:
    """BIL-3 property: whatever the charges, counted co-payments stay <= the ceiling."""
    policy = _norway()
    ceiling = policy.ceiling(2026)
    assert ceiling is not None
    counted = Money("0.00", NOK)
    for patient_units, insurer_units, counts in shares:
        patient = from_minor_units(patient_units, NOK)
        insurer = from_minor_units(insurer_units, NOK)
        decision = apply_copayment(
            policy,
            patient_share=patient,
            insurer_share=insurer,
            counts_towards_ceiling=counts,
            year=2026,
            counted_so_far=counted,
            subject=ADULT,
        )
        assert sum_money([decision.patient_share, decision.insurer_share]) == patient + insurer
        assert decision.patient_share <= patient
        counted += decision.counted
        assert counted <= ceiling


def test_a_year_without_a_ceiling_charges_as_quoted() -> None:
    decision = apply_copayment(
        CoPaymentPolicy(),
        patient_share=Money("10.00", "EUR"),
        insurer_share=Money("0.00", "EUR"),
        counts_towards_ceiling=True,
        year=_dt.date(2026, 1, 1).year,
        counted_so_far=Money("0.00", "EUR"),
    )
    assert decision.patient_share == Money("10.00", "EUR")
