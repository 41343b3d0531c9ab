"""User story: a host's test suite uses clinicore's Hypothesis strategies.

Run: python examples/testing_with_strategies.py

The same functions work as pytest tests; here they are called directly, which makes
Hypothesis run each property over many generated examples.
"""

from __future__ import annotations

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st
from moneyed import Money

from clinicore.intervals import TimeRange
from clinicore.money import Weight, allocate, sum_money
from clinicore.patients import Patient
from clinicore.testing import strategies as cst


@settings(max_examples=200)
@given(cst.money(currencies=["EUR", "JPY", "KWD"]), cst.weights())
def test_split_shares_add_up(total: Money, weights: list[Weight]) -> None:
    assert sum_money(allocate(total, weights), total.currency) == total


@settings(max_examples=100)
@given(st.from_type(Patient))  # registered through clinicore's Hypothesis entry point
def test_patient_repr_never_shows_the_name(patient: Patient) -> None:
    assert f"given_name={patient.given_name!r}" not in repr(patient)


@settings(max_examples=200)
@given(cst.time_ranges(["Europe/Berlin", "America/New_York"]))
def test_ranges_near_dst_switches_keep_real_durations(item: TimeRange) -> None:
    start, end = item.in_zone("Europe/Berlin")
    assert (end - start).total_seconds() == item.duration.total_seconds()
    assert item.start.tzinfo is pendulum.UTC


def main() -> None:
    for test in (
        test_split_shares_add_up,
        test_patient_repr_never_shows_the_name,
        test_ranges_near_dst_switches_keep_real_durations,
    ):
        test()
        print(f"passed: {test.__name__}")


if __name__ == "__main__":
    main()
