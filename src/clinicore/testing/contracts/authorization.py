"""The contract of [`AuthorizationPolicy`][clinicore.ports.AuthorizationPolicy]."""

from __future__ import annotations

import pytest

from clinicore.actors import Actor
from clinicore.ports import AuthorizationPolicy

__all__ = ["AuthorizationPolicyContract"]


class AuthorizationPolicyContract:
    """Checks for an authorisation policy.

    Provide the fixtures ``policy``, ``allowed`` and ``denied`` (each an
    ``(actor, action)`` pair the policy must allow or deny).
    """

    @pytest.fixture
    def policy(self) -> AuthorizationPolicy:
        raise NotImplementedError("the contract needs a 'policy' fixture")

    @pytest.fixture
    def allowed(self) -> tuple[Actor, str]:
        raise NotImplementedError("the contract needs an 'allowed' fixture")

    @pytest.fixture
    def denied(self) -> tuple[Actor, str]:
        raise NotImplementedError("the contract needs a 'denied' fixture")

    def test_the_allowed_case_is_allowed(
        self, policy: AuthorizationPolicy, allowed: tuple[Actor, str]
    ) -> None:
        assert policy.is_allowed(*allowed) is True

    def test_the_denied_case_is_denied(
        self, policy: AuthorizationPolicy, denied: tuple[Actor, str]
    ) -> None:
        assert policy.is_allowed(*denied) is False

    def test_an_actor_without_roles_is_denied_what_was_denied(
        self, policy: AuthorizationPolicy, denied: tuple[Actor, str]
    ) -> None:
        actor, action = denied
        assert policy.is_allowed(Actor(actor.id), action) is False

    def test_decisions_are_stable(
        self, policy: AuthorizationPolicy, allowed: tuple[Actor, str], denied: tuple[Actor, str]
    ) -> None:
        assert [policy.is_allowed(*allowed) for _ in range(5)] == [True] * 5
        assert [policy.is_allowed(*denied) for _ in range(5)] == [False] * 5
