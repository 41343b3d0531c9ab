"""Surfaces per tooth and sites in the mouth (DEN-2).

Source: rules.md "Teeth" — occlusal and buccal on posterior teeth, incisal and facial
(labial) on anterior teeth; mesial, distal, lingual/palatal on all.
"""

from __future__ import annotations

import pytest
from hypothesis import given

from clinicore.dental.sites import (
    ArchSite,
    QuadrantSite,
    SextantSite,
    SurfacesSite,
    TeethSite,
    ToothSite,
    WholeMouthSite,
    parse_site,
)
from clinicore.dental.surfaces import Face, format_surfaces, parse_surfaces
from clinicore.dental.teeth import Arch, Notation, Tooth
from clinicore.errors import ValidationError
from clinicore.testing import strategies as cst

MOLAR, PREMOLAR, INCISOR, CANINE = Tooth(16), Tooth(45), Tooth(11), Tooth(33)


@pytest.mark.parametrize(
    ("text", "tooth", "normalised"),
    [
        ("MOD", MOLAR, "MOD"),
        ("dom", MOLAR, "MOD"),
        ("BOLDM", PREMOLAR, "MODBL"),
        ("I", INCISOR, "I"),
        ("fmi", INCISOR, "MIF"),
        ("L", INCISOR, "P"),
        ("P", MOLAR, "P"),
        ("L", CANINE, "L"),
        ("MM", MOLAR, "M"),
        ("M O", MOLAR, "MO"),
    ],
)
def test_den2_surfaces_are_validated_and_normalised(
    text: str, tooth: Tooth, normalised: str
) -> None:
    assert format_surfaces(parse_surfaces(text, tooth), tooth) == normalised


@pytest.mark.parametrize(
    ("text", "tooth", "message"),
    [
        ("O", INCISOR, "'O' \\(occlusal\\) is not on anterior tooth 11"),
        ("I", MOLAR, "'I' \\(incisal\\) is not on posterior tooth 16"),
        ("B", CANINE, "'B' \\(buccal\\) is not on anterior tooth 33"),
        ("F", PREMOLAR, "'F' \\(facial\\) is not on posterior tooth 45"),
        ("P", PREMOLAR, "'P' \\(palatal\\) is not on lower tooth 45"),
        ("X", MOLAR, "'X' is not a tooth surface"),
        ("", MOLAR, "no surfaces"),
    ],
)
def test_den2_invalid_surfaces_are_errors(text: str, tooth: Tooth, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_surfaces(text, tooth)


def test_den2_surfaces_must_be_text() -> None:
    with pytest.raises(ValidationError, match="as text"):
        parse_surfaces(["M"], MOLAR)  # type: ignore[arg-type]


@given(cst.surfaces_sites(), cst.notations())
def test_den2_surface_sites_round_trip(site: SurfacesSite, notation: Notation) -> None:
    text = site.format(notation)
    assert parse_site(text, notation) == site
    assert parse_surfaces(site.surfaces, site.tooth) == site.faces


@pytest.mark.parametrize(
    ("text", "site"),
    [
        ("16", ToothSite(Tooth(16))),
        ("16 MOD", SurfacesSite(Tooth(16), {Face.MESIAL, Face.OCCLUSAL, Face.DISTAL})),
        ("14-16", TeethSite({Tooth(14), Tooth(15), Tooth(16)})),
        ("14-14", ToothSite(Tooth(14))),
        ("Q3", QuadrantSite(3)),
        ("s5", SextantSite(5)),
        ("UJ", ArchSite(Arch.UPPER)),
        ("lj", ArchSite(Arch.LOWER)),
        ("mouth", WholeMouthSite()),
    ],
)
def test_den2_sites_parse_and_format(text: str, site: object) -> None:
    assert parse_site(text, Notation.FDI) == site
    assert parse_site(site.format(Notation.FDI), Notation.FDI) == site


def test_den2_sites_know_their_teeth() -> None:
    assert [t.fdi for t in QuadrantSite(2).teeth()] == list(range(21, 29))
    assert [t.fdi for t in QuadrantSite(2).teeth(primary=True)] == list(range(61, 66))
    assert [t.fdi for t in SextantSite(6).teeth()] == [44, 45, 46, 47, 48]
    assert len(ArchSite(Arch.LOWER).teeth()) == 16
    assert len(WholeMouthSite().teeth()) == 32
    assert len(WholeMouthSite().teeth(primary=True)) == 20
    assert [t.fdi for t in TeethSite({Tooth(16), Tooth(14)}).teeth()] == [16, 14]
    assert SurfacesSite.of(Tooth(26), "dm").format(Notation.UNIVERSAL) == "14 MD"


@pytest.mark.parametrize(
    "text", ["Q5", "S7", "Q0", "16 MX", "11 O", "teeth", "19", "18-38", "UJ MOD", ""]
)
def test_den2_bad_sites_are_errors(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_site(text, Notation.FDI)


def test_den2_site_values_are_checked() -> None:
    with pytest.raises(ValidationError):
        ToothSite("16")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        SurfacesSite(Tooth(16), frozenset())
    with pytest.raises(ValidationError):
        TeethSite({Tooth(16)})
    with pytest.raises(ValidationError):
        ArchSite("middle")
    with pytest.raises(ValidationError):
        parse_site(16)  # type: ignore[arg-type]
