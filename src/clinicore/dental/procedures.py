"""Procedures a plan can hold: their site, chair time and what must come first (DEN-4).

A [`ProcedureCatalog`][clinicore.dental.procedures.ProcedureCatalog] maps a fee-schedule
code to a [`Procedure`][clinicore.dental.procedures.Procedure]: the kind of site it is
performed on, its default phase, its predetermined chair time, whether it is for permanent
teeth only, and a category used by ordering rules ("an extraction comes before an implant on
the same tooth"). The codes are the fee schedule's: a practice billing under GOZ builds its
catalogue with GOZ codes, one using a plain price list with that list's codes.
[`DEFAULT_CATALOG`][clinicore.dental.procedures.DEFAULT_CATALOG] is a small generic one for
tests, the demo and the examples.

Examples:
    >>> from clinicore.dental.sites import parse_site
    >>> procedure = DEFAULT_CATALOG.check("IMPL", parse_site("36"))
    >>> procedure.phase, procedure.duration
    (<Phase.SURGICAL: 'surgical'>, datetime.timedelta(seconds=5400))
    >>> try:
    ...     DEFAULT_CATALOG.check("IMPL", parse_site("75"))
    ... except ValidationError as error:
    ...     print(error)
    procedure 'IMPL' (implant) is for permanent teeth only, not primary tooth 75

"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from clinicore._validate import non_empty_text, string_set, to_enum, valid_id
from clinicore.dental.chart import Condition
from clinicore.dental.sites import (
    ArchSite,
    MouthSite,
    QuadrantSite,
    SextantSite,
    SurfacesSite,
    TeethSite,
    ToothSite,
    WholeMouthSite,
)
from clinicore.errors import NotFoundError, ValidationError

__all__ = [
    "CHARTED_CATEGORIES",
    "DEFAULT_CATALOG",
    "DEFAULT_ORDER_RULES",
    "Phase",
    "Procedure",
    "ProcedureCatalog",
    "SiteKind",
    "site_kind",
]


class Phase(enum.StrEnum):
    """Treatment phases, in the order a plan usually runs them."""

    URGENT = "urgent"
    HYGIENE = "hygiene"
    PERIODONTAL = "periodontal"
    SURGICAL = "surgical"
    ENDODONTIC = "endodontic"
    RESTORATIVE = "restorative"
    PROSTHETIC = "prosthetic"
    ORTHODONTIC = "orthodontic"

    @property
    def rank(self) -> int:
        """Position in the usual order (0 for urgent)."""
        return _PHASE_RANK[self]


_PHASE_RANK = {phase: index for index, phase in enumerate(Phase)}


class SiteKind(enum.StrEnum):
    """The kind of site a procedure is performed on."""

    MOUTH = "mouth"
    ARCH = "arch"
    SEXTANT = "sextant"
    QUADRANT = "quadrant"
    TEETH = "teeth"
    TOOTH = "tooth"
    SURFACES = "surfaces"


_KIND_OF: dict[type, SiteKind] = {
    WholeMouthSite: SiteKind.MOUTH,
    ArchSite: SiteKind.ARCH,
    SextantSite: SiteKind.SEXTANT,
    QuadrantSite: SiteKind.QUADRANT,
    TeethSite: SiteKind.TEETH,
    ToothSite: SiteKind.TOOTH,
    SurfacesSite: SiteKind.SURFACES,
}


def site_kind(site: MouthSite) -> SiteKind:
    """The kind of ``site``.

    Raises:
        ValidationError: ``site`` is no site.

    """
    kind = _KIND_OF.get(type(site))
    if kind is None:
        raise ValidationError(f"{site!r} is not a site in the mouth", field="site")
    return kind


def _phase(value: object) -> Phase:
    return to_enum(Phase, value, "phase")


def _site_kinds(value: object) -> frozenset[SiteKind]:
    names = string_set(value, "site_kinds")
    if not names:
        raise ValidationError("a procedure needs at least one site kind", field="site_kinds")
    return frozenset(to_enum(SiteKind, name, "site kind") for name in names)


def _duration(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, _dt.timedelta) or value <= _dt.timedelta():
        raise ValidationError(f"duration {value!r} must be a positive timedelta", field="duration")


def _not_negative(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, _dt.timedelta) or value < _dt.timedelta():
        raise ValidationError(f"healing {value!r} must be a timedelta >= 0", field="healing")


@attrs.frozen
class Procedure:
    """One procedure a plan item can name.

    Args:
        code: the fee-schedule code.
        name: a short name (``"implant"``).
        phase: the phase an item of it goes to unless told otherwise.
        site_kinds: the kinds of site it is performed on.
        duration: predetermined chair time for one (per tooth, when ``per_tooth``).
        category: what ordering rules call it (``"extraction"``, ``"implant"``...).
        permanent_only: not for primary teeth (an implant, a bridge).
        per_tooth: priced and timed once per tooth of the site.
        appointment_type: the appointment type visits with it are booked as.
        healing: how long items that depend on it must wait after it (a socket heals
            before an implant; an implant integrates before its crown).

    """

    code: str = attrs.field(validator=valid_id)
    name: str = attrs.field(validator=non_empty_text)
    phase: Phase = attrs.field(converter=_phase)
    site_kinds: frozenset[SiteKind] = attrs.field(converter=_site_kinds)
    duration: _dt.timedelta = attrs.field(validator=_duration)
    category: str = attrs.field(validator=non_empty_text)
    permanent_only: bool = False
    per_tooth: bool = False
    appointment_type: str = attrs.field(default="treatment", validator=valid_id)
    healing: _dt.timedelta = attrs.field(default=_dt.timedelta(), validator=_not_negative)


DEFAULT_ORDER_RULES: frozenset[tuple[str, str]] = frozenset(
    {
        ("extraction", "implant"),
        ("extraction", "bridge"),
        ("extraction", "denture"),
        ("root_canal", "crown"),
        ("implant", "crown"),
        ("filling", "crown"),
    }
)
"""``(before, after)`` categories: on overlapping teeth, ``after`` depends on ``before``."""


CHARTED_CATEGORIES: Mapping[str, Condition] = {
    "filling": Condition.FILLING,
    "sealant": Condition.SEALANT,
    "extraction": Condition.MISSING,
    "implant": Condition.IMPLANT,
    "crown": Condition.CROWN,
    "root_canal": Condition.ROOT_CANAL,
}
"""What a done item of a category adds to the chart of its tooth."""


class ProcedureCatalog:
    """The procedures a practice offers, by code, with the ordering rules between them.

    Args:
        procedures: the procedures; codes must be unique.
        order_rules: ``(before, after)`` category pairs (see `DEFAULT_ORDER_RULES`).

    Raises:
        ValidationError: a code given twice.

    """

    def __init__(
        self,
        procedures: Iterable[Procedure],
        order_rules: Iterable[tuple[str, str]] = DEFAULT_ORDER_RULES,
    ) -> None:
        by_code: dict[str, Procedure] = {}
        for procedure in procedures:
            if procedure.code in by_code:
                raise ValidationError(f"procedure {procedure.code!r} listed twice", field="code")
            by_code[procedure.code] = procedure
        self._by_code: Mapping[str, Procedure] = by_code
        self.order_rules = frozenset(order_rules)

    def get(self, code: str) -> Procedure:
        """The procedure with ``code``.

        Raises:
            NotFoundError: no such procedure.

        """
        procedure = self._by_code.get(code)
        if procedure is None:
            raise NotFoundError("procedure", code)
        return procedure

    def codes(self) -> list[str]:
        """Every code, sorted."""
        return sorted(self._by_code)

    def check(self, code: str, site: MouthSite) -> Procedure:
        """The procedure ``code``, after checking that it can be performed on ``site``.

        Raises:
            NotFoundError: no such procedure.
            ValidationError: the wrong kind of site, or a primary tooth for a procedure
                for permanent teeth only.

        """
        procedure = self.get(code)
        kind = site_kind(site)
        if kind not in procedure.site_kinds:
            allowed = ", ".join(sorted(procedure.site_kinds))
            raise ValidationError(
                f"procedure {code!r} ({procedure.name}) is done on a {allowed} site, "
                f"not on {kind} {site.format()}",
                field="site",
            )
        if procedure.permanent_only and kind in (SiteKind.TOOTH, SiteKind.SURFACES, SiteKind.TEETH):
            for tooth in site.teeth():
                if tooth.is_primary:
                    raise ValidationError(
                        f"procedure {code!r} ({procedure.name}) is for permanent teeth only, "
                        f"not primary tooth {tooth}",
                        field="site",
                    )
        return procedure

    def must_precede(self, before: Procedure, after: Procedure) -> bool:
        """Whether an item of ``before`` must come before one of ``after`` on the same teeth."""
        return (before.category, after.category) in self.order_rules

    def __repr__(self) -> str:
        return f"ProcedureCatalog({len(self._by_code)} procedures)"


def _p(  # noqa: PLR0917 - a table row
    code: str,
    name: str,
    phase: Phase,
    kinds: set[str],
    minutes: int,
    category: str,
    *,
    permanent_only: bool = False,
    per_tooth: bool = False,
    appointment_type: str = "treatment",
    healing_days: int = 0,
) -> Procedure:
    return Procedure(
        code=code,
        name=name,
        phase=phase,
        site_kinds=frozenset(kinds),
        duration=_dt.timedelta(minutes=minutes),
        category=category,
        permanent_only=permanent_only,
        per_tooth=per_tooth,
        appointment_type=appointment_type,
        healing=_dt.timedelta(days=healing_days),
    )


DEFAULT_CATALOG = ProcedureCatalog(
    [
        _p("EXAM", "examination", Phase.URGENT, {"mouth"}, 20, "exam", appointment_type="checkup"),
        _p("PAIN", "pain relief", Phase.URGENT, {"tooth", "quadrant"}, 30, "urgent"),
        _p("XRAY", "radiograph", Phase.URGENT, {"tooth", "teeth", "mouth"}, 10, "diagnostic"),
        _p(
            "PCR",
            "professional cleaning",
            Phase.HYGIENE,
            {"mouth", "arch"},
            45,
            "cleaning",
            appointment_type="hygiene",
        ),
        _p(
            "SRP",
            "scaling and root planing",
            Phase.PERIODONTAL,
            {"quadrant", "sextant"},
            40,
            "periodontal",
            appointment_type="hygiene",
        ),
        _p(
            "SEAL",
            "fissure sealant",
            Phase.HYGIENE,
            {"tooth", "teeth"},
            10,
            "sealant",
            per_tooth=True,
            appointment_type="hygiene",
        ),
        _p("EXT", "extraction", Phase.SURGICAL, {"tooth"}, 30, "extraction", healing_days=56),
        _p(
            "IMPL",
            "implant",
            Phase.SURGICAL,
            {"tooth"},
            90,
            "implant",
            permanent_only=True,
            healing_days=90,
        ),
        _p("RCT", "root canal treatment", Phase.ENDODONTIC, {"tooth"}, 75, "root_canal"),
        _p("FILL", "composite filling", Phase.RESTORATIVE, {"surfaces"}, 30, "filling"),
        _p("CROWN", "crown", Phase.PROSTHETIC, {"tooth"}, 60, "crown", permanent_only=True),
        _p("BRIDGE", "bridge", Phase.PROSTHETIC, {"teeth"}, 90, "bridge", permanent_only=True),
        _p(
            "DENT",
            "partial denture",
            Phase.PROSTHETIC,
            {"arch"},
            60,
            "denture",
            permanent_only=True,
        ),
        _p(
            "ALIGN",
            "aligner therapy",
            Phase.ORTHODONTIC,
            {"arch", "mouth"},
            45,
            "orthodontic",
            permanent_only=True,
        ),
    ]
)
"""A small generic catalogue (codes of the demo's price list), for tests and examples."""
