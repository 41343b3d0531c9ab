"""Teeth and notations (DEN-1): every tooth in FDI, Universal and Palmer; ranges and lists.

Source of the numbering rules: rules.md "Teeth" — FDI (ISO 3950), Universal (ADA), Palmer.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinicore.dental.teeth import (
    ALL_TEETH,
    PERMANENT_TEETH,
    PRIMARY_TEETH,
    Arch,
    Dentition,
    Notation,
    Tooth,
    ToothKind,
    format_teeth,
    parse_teeth,
)
from clinicore.errors import ValidationError
from clinicore.testing import strategies as cst

FDI, UNI, PAL = Notation.FDI, Notation.UNIVERSAL, Notation.PALMER

# (FDI, Universal, Palmer) for every regular tooth: the exhaustive example table.
TABLE = [
    *[(f"1{p}", str(9 - p), f"UR{p}") for p in range(1, 9)],
    *[(f"2{p}", str(8 + p), f"UL{p}") for p in range(1, 9)],
    *[(f"3{p}", str(25 - p), f"LL{p}") for p in range(1, 9)],
    *[(f"4{p}", str(24 + p), f"LR{p}") for p in range(1, 9)],
    *[(f"5{p}", "EDCBA"[p - 1], f"UR{'ABCDE'[p - 1]}") for p in range(1, 6)],
    *[(f"6{p}", "FGHIJ"[p - 1], f"UL{'ABCDE'[p - 1]}") for p in range(1, 6)],
    *[(f"7{p}", "ONMLK"[p - 1], f"LL{'ABCDE'[p - 1]}") for p in range(1, 6)],
    *[(f"8{p}", "PQRST"[p - 1], f"LR{'ABCDE'[p - 1]}") for p in range(1, 6)],
]


def test_den1_there_are_32_permanent_and_20_primary_teeth() -> None:
    assert len(PERMANENT_TEETH) == 32
    assert len(PRIMARY_TEETH) == 20
    assert len(set(ALL_TEETH)) == 52
    assert len(TABLE) == 52


@pytest.mark.parametrize(("fdi", "universal", "palmer"), TABLE)
def test_den1_every_tooth_in_every_notation(fdi: str, universal: str, palmer: str) -> None:
    """rules.md Teeth: Universal 1-32 from the upper right third molar, A-T primary."""
    tooth = Tooth.parse(fdi, FDI)
    assert tooth.fdi == int(fdi)
    assert Tooth.parse(universal, UNI) is tooth
    assert Tooth.parse(palmer, PAL) is tooth
    assert (tooth.format(FDI), tooth.format(UNI), tooth.format(PAL)) == (fdi, universal, palmer)


@pytest.mark.parametrize(
    ("text", "notation", "fdi"),
    [
        (" 16 ", FDI, 16),
        ("ur6", PAL, 16),
        ("k", UNI, 75),
        ("03", UNI, 16),
        ("LrE", PAL, 85),
    ],
)
def test_den1_parsing_ignores_case_and_blanks(text: str, notation: Notation, fdi: int) -> None:
    assert Tooth.parse(text, notation) == Tooth(fdi)


@pytest.mark.parametrize(
    ("text", "notation"),
    [
        ("19", FDI),
        ("10", FDI),
        ("56", FDI),
        ("91", FDI),
        ("0", UNI),
        ("33", UNI),
        ("U", UNI),
        ("UR9", PAL),
        ("URF", PAL),
        ("XR1", PAL),
        ("", FDI),
        ("1 6", FDI),
        ("16", PAL),
        ("UR1", FDI),
        ("٣", UNI),
    ],
)
def test_den1_every_other_string_is_an_error_naming_it(text: str, notation: Notation) -> None:
    with pytest.raises(ValidationError, match=repr(text).replace("\\", "\\\\")) as error:
        Tooth.parse(text, notation)
    assert notation.value in str(error.value)


def test_den1_unknown_notation_and_non_text_are_clear_errors() -> None:
    with pytest.raises(ValidationError, match="unknown notation 'roman'"):
        Tooth.parse("16", "roman")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="as text"):
        Tooth.parse(16, FDI)  # type: ignore[arg-type]
    assert Notation.of("FDI") is FDI
    with pytest.raises(ValidationError, match="unknown notation"):
        Tooth(16).format("x")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="not an FDI tooth number"):
        Tooth(19)
    with pytest.raises(ValidationError, match="must be an int"):
        Tooth("16")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fdi", "kind", "quadrant", "arch", "sextant", "anterior"),
    [
        (11, ToothKind.INCISOR, 1, Arch.UPPER, 2, True),
        (13, ToothKind.CANINE, 1, Arch.UPPER, 2, True),
        (14, ToothKind.PREMOLAR, 1, Arch.UPPER, 1, False),
        (18, ToothKind.MOLAR, 1, Arch.UPPER, 1, False),
        (24, ToothKind.PREMOLAR, 2, Arch.UPPER, 3, False),
        (23, ToothKind.CANINE, 2, Arch.UPPER, 2, True),
        (36, ToothKind.MOLAR, 3, Arch.LOWER, 4, False),
        (33, ToothKind.CANINE, 3, Arch.LOWER, 5, True),
        (42, ToothKind.INCISOR, 4, Arch.LOWER, 5, True),
        (45, ToothKind.PREMOLAR, 4, Arch.LOWER, 6, False),
        (54, ToothKind.MOLAR, 1, Arch.UPPER, 1, False),
        (63, ToothKind.CANINE, 2, Arch.UPPER, 2, True),
        (75, ToothKind.MOLAR, 3, Arch.LOWER, 4, False),
        (81, ToothKind.INCISOR, 4, Arch.LOWER, 5, True),
    ],
)
def test_den1_properties(
    fdi: int, kind: ToothKind, quadrant: int, arch: Arch, sextant: int, anterior: bool
) -> None:
    tooth = Tooth(fdi)
    assert tooth.kind is kind
    assert tooth.quadrant == quadrant
    assert tooth.arch is arch
    assert tooth.sextant == sextant
    assert tooth.is_anterior is anterior
    assert tooth.is_posterior is not anterior
    assert tooth.dentition is (Dentition.PERMANENT if fdi < 50 else Dentition.PRIMARY)
    assert tooth.is_permanent is (fdi < 50)
    assert tooth.is_primary is (fdi > 50)


def test_den1_supernumerary_teeth_are_marked_and_named_after_their_neighbour() -> None:
    extra = Tooth.parse("18s", FDI)
    assert extra.supernumerary
    assert extra.regular == Tooth(18)
    assert extra != Tooth(18)
    assert (extra.format(FDI), extra.format(UNI), extra.format(PAL)) == ("18S", "51", "UR8S")
    assert Tooth.parse("82", UNI) == Tooth(48, True)
    assert Tooth.parse("AS", UNI) == Tooth(55, True)
    assert Tooth(11).regular == Tooth.parse("11", FDI)
    assert repr(extra) == "Tooth('18S')"


@given(cst.teeth(), cst.notations())
def test_den1_every_tooth_round_trips_through_every_notation(
    tooth: Tooth, notation: Notation
) -> None:
    text = tooth.format(notation)
    assert Tooth.parse(text, notation) == tooth
    assert Tooth.parse(text.lower(), notation) == tooth
    for other in Notation:
        assert Tooth.parse(Tooth.parse(text, notation).format(other), other) == tooth


@pytest.mark.parametrize(
    ("text", "notation", "expected"),
    [
        ("11-14,21", FDI, {11, 12, 13, 14, 21}),
        ("14-11", FDI, {11, 12, 13, 14}),
        ("13-23", FDI, {13, 12, 11, 21, 22, 23}),
        ("2-5,8", UNI, {17, 16, 15, 14, 11}),
        ("A-C", UNI, {55, 54, 53}),
        ("UR3 - UL3", PAL, {13, 12, 11, 21, 22, 23}),
        ("38-48", FDI, {*range(31, 39), *range(41, 49)}),
        ("16, 16", FDI, {16}),
        ("K-T", UNI, {*range(71, 76), *range(81, 86)}),
    ],
)
def test_den1_ranges_and_lists(text: str, notation: Notation, expected: set[int]) -> None:
    assert parse_teeth(text, notation) == {Tooth(fdi) for fdi in expected}


@pytest.mark.parametrize(
    ("text", "notation", "message"),
    [
        ("18-38", FDI, "crosses the end of the arch"),
        ("15-18", UNI, "crosses the end of the arch"),
        ("J-K", UNI, "crosses the end of the arch"),
        ("UL8-LL8", PAL, "crosses the end of the arch"),
        ("55-14", FDI, "mixes permanent and primary"),
        ("11-14,", FDI, "empty item"),
        ("11-12-13", FDI, "not a tooth or a range"),
        ("11-19", FDI, "'19' is not a tooth"),
        ("18S-16", FDI, "supernumerary"),
    ],
)
def test_den1_bad_ranges_are_errors(text: str, notation: Notation, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_teeth(text, notation)


def test_den1_formatting_teeth() -> None:
    assert format_teeth({Tooth(11), Tooth(12), Tooth(13), Tooth(14), Tooth(22)}, FDI) == (
        "11-14,22"
    )
    assert format_teeth({Tooth(14), Tooth(13), Tooth(12), Tooth(11), Tooth(21)}, FDI) == "14-21"
    assert format_teeth(parse_teeth("2-5,8", UNI), UNI) == "2-5,8"
    assert format_teeth(parse_teeth("13-23", FDI), PAL) == "UR3-UL3"
    assert format_teeth({Tooth(11), Tooth(21)}, FDI) == "11,21"
    with pytest.raises(ValidationError, match="no teeth"):
        format_teeth([], FDI)
    with pytest.raises(ValidationError, match="not a Tooth"):
        format_teeth(["11"], FDI)  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="as text"):
        parse_teeth(11, FDI)  # type: ignore[arg-type]


@given(cst.tooth_sets(), cst.notations())
def test_den1_every_set_formats_and_parses_back(
    teeth: frozenset[Tooth], notation: Notation
) -> None:
    assert parse_teeth(format_teeth(teeth, notation), notation) == teeth


@given(st.sampled_from(ALL_TEETH), st.sampled_from(ALL_TEETH), cst.notations())
def test_den1_a_range_never_leaves_its_arch(first: Tooth, last: Tooth, notation: Notation) -> None:
    text = f"{first.format(notation)}-{last.format(notation)}"
    if first.arch is not last.arch or first.dentition is not last.dentition:
        with pytest.raises(ValidationError):
            parse_teeth(text, notation)
        return
    teeth = parse_teeth(text, notation)
    assert {tooth.arch for tooth in teeth} == {first.arch}
    assert first in teeth
    assert last in teeth
    assert len(teeth) == abs(first.arch_order - last.arch_order) + 1


@given(st.from_type(Tooth))
def test_den1_from_type_tooth_is_registered(tooth: Tooth) -> None:
    assert Tooth.parse(tooth.format(FDI), FDI) == tooth
