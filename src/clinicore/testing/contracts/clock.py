"""The contract of [`Clock`][clinicore.ports.Clock]: aware instants that never go back."""

from __future__ import annotations

import itertools

import pytest

from clinicore.ports import Clock
from clinicore.zones import is_aware

__all__ = ["ClockContract"]


class ClockContract:
    """Checks for a clock. Provide the fixture ``clock``."""

    @pytest.fixture
    def clock(self) -> Clock:
        raise NotImplementedError("the contract needs a 'clock' fixture")

    def test_now_is_aware(self, clock: Clock) -> None:
        assert is_aware(clock.now())

    def test_now_never_goes_backwards_between_calls(self, clock: Clock) -> None:
        readings = [clock.now() for _ in range(100)]
        assert all(a <= b for a, b in itertools.pairwise(readings))
