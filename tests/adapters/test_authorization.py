"""The reference authorisation policies: allow-all and role-based (PLT-1, PLT-2, DEN-6).

`RoleBasedPolicy` runs the shipped `AuthorizationPolicyContract`. `AllowAll` cannot pass
the contract's "denied" checks by design (it denies nothing), so it is tested directly.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinicore.actors import Actor
from clinicore.adapters.authorization import AllowAll, RoleBasedPolicy
from clinicore.errors import ValidationError
from clinicore.ports import AuthorizationPolicy
from clinicore.testing import strategies as cst
from clinicore.testing.contracts import AuthorizationPolicyContract

GRANTS = {
    "dentist": {"dental.plan.*", "scheduling.book"},
    "front_desk": {"scheduling.book", "scheduling.cancel"},
    "manager": {"worklist.*", "billing.invoice.send"},
}


def actor(actor_id: str, *roles: str) -> Actor:
    """An actor holding ``roles``.

    The ignore works around a typing bug in `Actor`: ``converter=frozenset`` makes mypy's
    attrs plugin type ``roles`` as ``Iterable[_T_co]``, so no argument type-checks. Once a
    named converter fixes it, mypy reports this ignore as unused.
    """
    return Actor(actor_id, frozenset(roles))


DENTIST = actor("u-dentist", "dentist")
FRONT_DESK = actor("u-desk", "front_desk")
MANAGER = actor("u-manager", "manager")


class TestRoleBasedPolicy(AuthorizationPolicyContract):
    @pytest.fixture
    def policy(self) -> AuthorizationPolicy:
        return RoleBasedPolicy(GRANTS)

    @pytest.fixture
    def allowed(self) -> tuple[Actor, str]:
        return DENTIST, "dental.plan.remove_item"

    @pytest.fixture
    def denied(self) -> tuple[Actor, str]:
        return FRONT_DESK, "dental.plan.remove_item"


# -- AllowAll --------------------------------------------------------------------------------------
def test_allow_all_satisfies_the_port() -> None:
    assert isinstance(AllowAll(), AuthorizationPolicy)


@given(actor=cst.actors(), action=st.text(min_size=1, max_size=40), target=st.none() | st.text())
def test_allow_all_allows_everything(actor: Actor, action: str, target: str | None) -> None:
    """For single-user tools and tests: every actor may do every action on every target."""
    assert AllowAll().is_allowed(actor, action, target) is True


def test_allow_all_allows_an_actor_without_roles() -> None:
    assert AllowAll().is_allowed(Actor("u-nobody"), "dental.plan.remove_item") is True


# -- RoleBasedPolicy: what it grants ---------------------------------------------------------------
def test_the_role_based_policy_satisfies_the_port() -> None:
    assert isinstance(RoleBasedPolicy(GRANTS), AuthorizationPolicy)


@pytest.mark.parametrize(
    "action",
    ["dental.plan.remove_item", "dental.plan.accept_variant", "dental.plan.item.decline"],
)
def test_a_prefix_pattern_grants_every_action_under_it(action: str) -> None:
    assert RoleBasedPolicy(GRANTS).is_allowed(DENTIST, action) is True


@pytest.mark.parametrize(
    "action",
    [
        "dental.plan",  # the prefix itself is not an action under it
        "dental.planning.create",  # a longer word sharing the letters is not under it
        "dental.chart.update",
        "xdental.plan.remove_item",
    ],
)
def test_a_prefix_pattern_grants_nothing_outside_its_prefix(action: str) -> None:
    assert RoleBasedPolicy(GRANTS).is_allowed(DENTIST, action) is False


def test_an_exact_action_grants_only_that_action() -> None:
    policy = RoleBasedPolicy(GRANTS)
    assert policy.is_allowed(FRONT_DESK, "scheduling.book") is True
    assert policy.is_allowed(FRONT_DESK, "scheduling.cancel") is True
    assert policy.is_allowed(FRONT_DESK, "scheduling.book.override") is False
    assert policy.is_allowed(FRONT_DESK, "scheduling") is False
    assert policy.is_allowed(MANAGER, "billing.invoice.send") is True
    assert policy.is_allowed(MANAGER, "billing.invoice.cancel") is False


def test_any_of_the_actors_roles_may_grant() -> None:
    both = actor("u-both", "front_desk", "manager")
    policy = RoleBasedPolicy(GRANTS)
    assert policy.is_allowed(both, "scheduling.cancel") is True
    assert policy.is_allowed(both, "worklist.task.postpone") is True
    assert policy.is_allowed(both, "dental.plan.remove_item") is False


def test_unknown_roles_and_no_roles_grant_nothing() -> None:
    policy = RoleBasedPolicy(GRANTS)
    assert policy.is_allowed(actor("u-x", "janitor"), "scheduling.book") is False
    assert policy.is_allowed(Actor("u-y"), "scheduling.book") is False


def test_a_role_with_no_actions_grants_nothing() -> None:
    policy = RoleBasedPolicy({"trainee": set()})
    assert policy.is_allowed(actor("u-t", "trainee"), "scheduling.book") is False


def test_the_target_does_not_change_a_role_decision() -> None:
    policy = RoleBasedPolicy(GRANTS)
    assert policy.is_allowed(DENTIST, "dental.plan.remove_item", "plan-1") is True
    assert policy.is_allowed(FRONT_DESK, "dental.plan.remove_item", "plan-1") is False


def test_the_policy_keeps_no_reference_to_the_callers_grants() -> None:
    grants: dict[str, set[str]] = {"front_desk": {"scheduling.book"}}
    policy = RoleBasedPolicy(grants)
    grants["front_desk"].add("dental.plan.*")
    assert policy.is_allowed(FRONT_DESK, "dental.plan.remove_item") is False


@given(
    actor=cst.actors(), suffix=st.from_regex(r"[a-z_]{1,12}(\.[a-z_]{1,12}){0,2}", fullmatch=True)
)
def test_a_prefix_grant_covers_any_suffix(actor: Actor, suffix: str) -> None:
    policy = RoleBasedPolicy({role: {"worklist.*"} for role in actor.roles})
    assert policy.is_allowed(actor, f"worklist.{suffix}") is bool(actor.roles)
    assert policy.is_allowed(actor, f"payroll.{suffix}") is False


# -- RoleBasedPolicy: bad grants -------------------------------------------------------------------
@pytest.mark.parametrize(
    "pattern", ["", "*", "dental.*.item", "dental*", "dental.plan.**", "*.plan"]
)
def test_a_bad_pattern_is_a_validation_error_naming_it(pattern: str) -> None:
    with pytest.raises(ValidationError) as raised:
        RoleBasedPolicy({"dentist": {"scheduling.book", pattern}})
    assert repr(pattern) in str(raised.value)
    assert "dentist" in str(raised.value)
    assert raised.value.field == "grants"


def test_a_star_may_only_end_the_pattern() -> None:
    """``prefix.*`` is the only wildcard form; a star inside the prefix is a typo."""
    with pytest.raises(ValidationError, match=r"dental\*\.\*"):
        RoleBasedPolicy({"dentist": {"dental*.*"}})


def test_a_single_string_of_actions_is_refused() -> None:
    """A role's actions are a collection; one string would be split into letters.

    ``{"front_desk": "scheduling.book"}`` must not silently grant the actions
    ``"s"``, ``"c"``, ``"h"``... and deny ``"scheduling.book"``.
    """
    with pytest.raises(ValidationError, match="front_desk"):
        RoleBasedPolicy({"front_desk": "scheduling.book"})


def test_a_pattern_that_is_not_a_string_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="42"):
        RoleBasedPolicy({"front_desk": ["scheduling.book", 42]})  # type: ignore[list-item]
