"""Where in the mouth a finding or a treatment is: a tooth, its surfaces, teeth, a region (DEN-2).

| site | text (FDI) |
| --- | --- |
| [`ToothSite`][clinicore.dental.sites.ToothSite] | ``16`` |
| [`SurfacesSite`][clinicore.dental.sites.SurfacesSite] | ``16 MOD`` |
| [`TeethSite`][clinicore.dental.sites.TeethSite] (a bridge, a splint) | ``14-16`` |
| [`QuadrantSite`][clinicore.dental.sites.QuadrantSite] | ``Q1`` - ``Q4`` |
| [`SextantSite`][clinicore.dental.sites.SextantSite] | ``S1`` - ``S6`` |
| [`ArchSite`][clinicore.dental.sites.ArchSite] | ``UJ``, ``LJ`` |
| [`WholeMouthSite`][clinicore.dental.sites.WholeMouthSite] | ``mouth`` |

Tooth parts are written in the notation asked for; region names are the same in all.

Examples:
    >>> from clinicore.dental.teeth import Notation
    >>> site = parse_site("16 dom", Notation.FDI)
    >>> site.format(Notation.FDI), site.format(Notation.PALMER)
    ('16 MOD', 'UR6 MOD')
    >>> parse_site("q2", Notation.FDI).format(Notation.UNIVERSAL)
    'Q2'
    >>> [str(tooth) for tooth in parse_site("S2", Notation.FDI).teeth()]
    ['13', '12', '11', '21', '22', '23']

"""

from __future__ import annotations

import re
from typing import Any, TypeAlias

import attrs

from clinicore.dental.surfaces import Face, format_surfaces, parse_surfaces
from clinicore.dental.teeth import (
    PERMANENT_TEETH,
    PRIMARY_TEETH,
    Arch,
    Notation,
    Tooth,
    format_teeth,
    parse_teeth,
)
from clinicore.errors import ValidationError

__all__ = [
    "ArchSite",
    "MouthSite",
    "QuadrantSite",
    "SextantSite",
    "SurfacesSite",
    "TeethSite",
    "ToothSite",
    "WholeMouthSite",
    "parse_site",
]


def _teeth_of(dentition_primary: bool) -> tuple[Tooth, ...]:
    return PRIMARY_TEETH if dentition_primary else PERMANENT_TEETH


def _is_tooth(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Tooth):
        raise ValidationError(
            f"{attribute.name} must be a Tooth, got {type(value).__name__}", field="site"
        )


@attrs.frozen
class ToothSite:
    """A whole tooth."""

    tooth: Tooth = attrs.field(validator=_is_tooth)

    def teeth(self, *, primary: bool = False) -> tuple[Tooth, ...]:
        """The teeth the site covers."""
        return (self.tooth,)

    def format(self, notation: Notation = Notation.FDI) -> str:
        """The site as text."""
        return self.tooth.format(notation)


def _faces(value: object) -> frozenset[Face]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise ValidationError(f"faces must be a collection of Face, got {value!r}", field="site")
    faces = frozenset(value)
    if not faces or not all(isinstance(face, Face) for face in faces):
        raise ValidationError("faces must be a non-empty collection of Face", field="site")
    return faces


@attrs.frozen
class SurfacesSite:
    """Some surfaces of one tooth (build it with `parse_site` or `SurfacesSite.of`)."""

    tooth: Tooth = attrs.field(validator=_is_tooth)
    faces: frozenset[Face] = attrs.field(converter=_faces)

    @classmethod
    def of(cls, tooth: Tooth, surfaces: str) -> SurfacesSite:
        """The surfaces written as letters (``"MOD"``) on ``tooth``.

        Raises:
            ValidationError: a surface that ``tooth`` does not have.

        """
        return cls(tooth, parse_surfaces(surfaces, tooth))

    @property
    def surfaces(self) -> str:
        """The surfaces' letters, normalised (``"MOD"``)."""
        return format_surfaces(self.faces, self.tooth)

    def teeth(self, *, primary: bool = False) -> tuple[Tooth, ...]:
        """The tooth the surfaces are on."""
        return (self.tooth,)

    def format(self, notation: Notation = Notation.FDI) -> str:
        """The site as text."""
        return f"{self.tooth.format(notation)} {self.surfaces}"


def _teeth_set(value: object) -> frozenset[Tooth]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise ValidationError(f"teeth must be a collection of Tooth, got {value!r}", field="site")
    teeth = frozenset(value)
    if len(teeth) < 2 or not all(isinstance(tooth, Tooth) for tooth in teeth):
        raise ValidationError("a TeethSite needs at least two teeth", field="site")
    return teeth


@attrs.frozen
class TeethSite:
    """Several teeth treated together (a bridge, a splint)."""

    members: frozenset[Tooth] = attrs.field(converter=_teeth_set)

    def teeth(self, *, primary: bool = False) -> tuple[Tooth, ...]:
        """The teeth, in arch order."""
        return tuple(sorted(self.members, key=Tooth.sort_key))

    def format(self, notation: Notation = Notation.FDI) -> str:
        """The teeth as a list with ranges."""
        return format_teeth(self.members, notation)


def _range(low: int, high: int, what: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[int], value: object) -> None:
        if type(value) is not int or not low <= value <= high:
            raise ValidationError(f"{what} {value!r} must be {low}-{high}", field="site")

    return check


@attrs.frozen
class QuadrantSite:
    """A quadrant: 1 upper right, 2 upper left, 3 lower left, 4 lower right."""

    quadrant: int = attrs.field(validator=_range(1, 4, "quadrant"))

    def teeth(self, *, primary: bool = False) -> tuple[Tooth, ...]:
        """The quadrant's teeth (primary ones when ``primary``)."""
        return tuple(t for t in _teeth_of(primary) if t.quadrant == self.quadrant)

    def format(self, notation: Notation = Notation.FDI) -> str:
        """``Q1``-``Q4``."""
        return f"Q{self.quadrant}"


@attrs.frozen
class SextantSite:
    """A sextant.

    1-3 upper (right posterior, anterior, left posterior), 4-6 lower (left posterior,
    anterior, right posterior).
    """

    sextant: int = attrs.field(validator=_range(1, 6, "sextant"))

    def teeth(self, *, primary: bool = False) -> tuple[Tooth, ...]:
        """The sextant's teeth (primary ones when ``primary``)."""
        return tuple(t for t in _teeth_of(primary) if t.sextant == self.sextant)

    def format(self, notation: Notation = Notation.FDI) -> str:
        """``S1``-``S6``."""
        return f"S{self.sextant}"


def _arch(value: object) -> Arch:
    try:
        return Arch(str(value))
    except ValueError:
        raise ValidationError(f"arch {value!r} must be 'upper' or 'lower'", field="site") from None


@attrs.frozen
class ArchSite:
    """The upper or the lower jaw."""

    arch: Arch = attrs.field(converter=_arch)

    def teeth(self, *, primary: bool = False) -> tuple[Tooth, ...]:
        """The arch's teeth (primary ones when ``primary``)."""
        return tuple(t for t in _teeth_of(primary) if t.arch is self.arch)

    def format(self, notation: Notation = Notation.FDI) -> str:
        """``UJ`` or ``LJ``."""
        return "UJ" if self.arch is Arch.UPPER else "LJ"


@attrs.frozen
class WholeMouthSite:
    """The whole mouth (a check-up, a cleaning)."""

    def teeth(self, *, primary: bool = False) -> tuple[Tooth, ...]:
        """Every tooth of the dentition."""
        return _teeth_of(primary)

    def format(self, notation: Notation = Notation.FDI) -> str:
        """``mouth``."""
        return "mouth"


MouthSite: TypeAlias = (
    ToothSite | SurfacesSite | TeethSite | QuadrantSite | SextantSite | ArchSite | WholeMouthSite
)
"""Any place in the mouth a finding or treatment can refer to."""

_REGION = re.compile(r"([QS])([0-9])")
_SURFACES = re.compile(r"(\S+)\s+([A-Za-z]+)")


def parse_site(text: str, notation: Notation = Notation.FDI) -> MouthSite:  # noqa: PLR0911
    """The site ``text`` names (see the table in the module docstring).

    Raises:
        ValidationError: text that is no site, naming it.

    """
    if not isinstance(text, str):
        raise ValidationError(f"a site must be text, got {type(text).__name__}", field="site")
    cleaned = text.strip()
    upper = cleaned.upper()
    if upper == "MOUTH":
        return WholeMouthSite()
    if upper in ("UJ", "LJ"):
        return ArchSite(Arch.UPPER if upper == "UJ" else Arch.LOWER)
    region = _REGION.fullmatch(upper)
    if region:
        number = int(region.group(2))
        if region.group(1) == "Q":
            return QuadrantSite(number)
        return SextantSite(number)
    surfaces = _SURFACES.fullmatch(cleaned)
    if surfaces:
        tooth = Tooth.parse(surfaces.group(1), notation)
        return SurfacesSite(tooth, parse_surfaces(surfaces.group(2), tooth))
    if "," in cleaned or "-" in cleaned:
        teeth = parse_teeth(cleaned, notation)
        return ToothSite(next(iter(teeth))) if len(teeth) == 1 else TeethSite(teeth)
    return ToothSite(Tooth.parse(cleaned, notation))
