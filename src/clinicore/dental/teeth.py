"""Teeth and their three notations: FDI (ISO 3950), Universal and Palmer (DEN-1).

A [`Tooth`][clinicore.dental.teeth.Tooth] is one of the 32 permanent or 20 primary teeth,
or a supernumerary tooth named after the regular tooth it stands next to. It parses from
and formats to each [`Notation`][clinicore.dental.teeth.Notation]:

| | FDI (ISO 3950) | Universal | Palmer |
| --- | --- | --- | --- |
| upper right third molar | ``18`` | ``1`` | ``UR8`` |
| lower left central incisor | ``31`` | ``24`` | ``LL1`` |
| upper right primary second molar | ``55`` | ``A`` | ``URE`` |
| lower right primary second molar | ``85`` | ``T`` | ``LRE`` |
| supernumerary next to ``18`` | ``18S`` | ``51`` | ``UR8S`` |

FDI: the first digit is the quadrant (1-4 permanent, 5-8 primary: upper right, upper left,
lower left, lower right), the second the tooth counted from the midline (1-8, primary 1-5).
Universal numbers the permanent teeth 1-32 starting at the upper right third molar, round
the upper arch and back along the lower one; primary teeth are ``A``-``T`` the same way.
Palmer writes the quadrant (``UR``, ``UL``, ``LL``, ``LR``) and the tooth (1-8 or A-E).
Supernumerary teeth follow the ADA convention in Universal (the neighbour's number plus 50,
or its letter followed by ``S``) and append ``S`` in FDI and Palmer.

Ranges and lists (``"11-14,21"``, ``"2-5,8"``) parse to a set of teeth with
[`parse_teeth`][clinicore.dental.teeth.parse_teeth] and format back with
[`format_teeth`][clinicore.dental.teeth.format_teeth]. A range runs along one arch, from
patient's right to left, and never across the arch's end (``"18-38"`` is an error) nor
between permanent and primary teeth.

Examples:
    >>> tooth = Tooth.parse("16", Notation.FDI)
    >>> tooth.format(Notation.UNIVERSAL), tooth.format(Notation.PALMER)
    ('3', 'UR6')
    >>> tooth.kind, tooth.sextant, tooth.is_posterior
    (<ToothKind.MOLAR: 'molar'>, 1, True)
    >>> Tooth.parse("K", Notation.UNIVERSAL)
    Tooth('75')
    >>> format_teeth(parse_teeth("14,11,12,13,22", Notation.FDI), Notation.FDI)
    '11-14,22'
    >>> format_teeth(parse_teeth("11-14,22", Notation.FDI), Notation.UNIVERSAL)
    '5-8,10'
    >>> try:
    ...     parse_teeth("18-38", Notation.FDI)
    ... except ValidationError as error:
    ...     print(error)
    tooth range '18-38' crosses the end of the arch: 18 is upper, 38 is lower

"""

from __future__ import annotations

import enum
import itertools
import re
from collections.abc import Iterable
from typing import Any

import attrs

from clinicore.errors import ValidationError

__all__ = [
    "ALL_TEETH",
    "PERMANENT_TEETH",
    "PRIMARY_TEETH",
    "Arch",
    "Dentition",
    "Notation",
    "Tooth",
    "ToothKind",
    "format_teeth",
    "parse_teeth",
]


class Notation(enum.Enum):
    """How teeth are written."""

    FDI = "fdi"
    """ISO 3950 two-digit notation (``11``-``48``, primary ``51``-``85``)."""
    UNIVERSAL = "universal"
    """American Dental Association numbering (``1``-``32``, primary ``A``-``T``)."""
    PALMER = "palmer"
    """Zsigmondy-Palmer quadrant notation (``UR1``-``LL8``, primary ``URA``-``LLE``)."""

    _slot: int
    _parse: dict[str, Tooth]

    @classmethod
    def of(cls, value: object) -> Notation:
        """``value`` (a member or its value, e.g. ``"fdi"``) as a `Notation`.

        Raises:
            ValidationError: an unknown notation, named in the message.

        """
        if isinstance(value, Notation):
            return value
        if isinstance(value, str):
            try:
                return cls(value.strip().lower())
            except ValueError:
                pass
        allowed = ", ".join(member.value for member in cls)
        raise ValidationError(
            f"unknown notation {value!r}; use one of: {allowed}", field="notation"
        )


for _index, _member in enumerate(Notation):
    _member._slot = _index  # a plain attribute: indexing by it is faster than hashing an enum


class Dentition(enum.StrEnum):
    """Permanent (adult) or primary (deciduous, milk) teeth."""

    PERMANENT = "permanent"
    PRIMARY = "primary"


class Arch(enum.StrEnum):
    """Upper (maxilla) or lower (mandible) arch."""

    UPPER = "upper"
    LOWER = "lower"


class ToothKind(enum.StrEnum):
    """The anatomical kind of a tooth."""

    INCISOR = "incisor"
    CANINE = "canine"
    PREMOLAR = "premolar"
    MOLAR = "molar"


_PALMER_QUADRANTS = ("UR", "UL", "LL", "LR")
_PRIMARY_LETTERS = "ABCDE"


def _fdi_problem(fdi: object) -> str | None:
    if type(fdi) is not int:
        return f"tooth number {fdi!r} must be an int such as 16"
    quadrant, position = divmod(fdi, 10)
    if 1 <= quadrant <= 4 and 1 <= position <= 8:
        return None
    if 5 <= quadrant <= 8 and 1 <= position <= 5:
        return None
    return f"{fdi!r} is not an FDI tooth number (11-48 permanent, 51-85 primary)"


def _check_fdi(instance: Any, attribute: attrs.Attribute[int], value: object) -> None:
    problem = _fdi_problem(value)
    if problem:
        raise ValidationError(problem, field="tooth")


def _check_flag(instance: Any, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise ValidationError(f"supernumerary must be True or False, got {value!r}", field="tooth")


@attrs.frozen(cache_hash=True, repr=False)
class Tooth:
    """One tooth, identified by its FDI number.

    Args:
        fdi: the FDI (ISO 3950) number, ``11``-``48`` or ``51``-``85``.
        supernumerary: an extra tooth next to the tooth ``fdi`` names.

    Raises:
        ValidationError: ``fdi`` is not a tooth.

    """

    fdi: int = attrs.field(validator=_check_fdi)
    supernumerary: bool = attrs.field(default=False, validator=_check_flag)
    _names: tuple[str, str, str] = attrs.field(init=False, eq=False, repr=False)
    _order: int = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_order", _arch_order(self.fdi))
        object.__setattr__(self, "_names", _names_of(self.fdi, self.supernumerary, self._order))

    # -- parsing and formatting -----------------------------------------------------------
    @classmethod
    def parse(cls, text: str, notation: Notation) -> Tooth:
        """The tooth ``text`` names in ``notation`` (case and surrounding blanks ignored).

        Raises:
            ValidationError: an unknown notation, or a string that is no tooth in it (named
                in the message).

        """
        try:
            return notation._parse[text]
        except (AttributeError, KeyError, TypeError):
            return _parse_slow(text, notation)

    def format(self, notation: Notation) -> str:
        """The tooth written in ``notation``.

        Raises:
            ValidationError: an unknown notation.

        """
        try:
            return self._names[notation._slot]
        except AttributeError:
            return self._names[Notation.of(notation)._slot]

    # -- properties -----------------------------------------------------------------------
    @property
    def dentition(self) -> Dentition:
        """Permanent or primary."""
        return Dentition.PERMANENT if self.fdi < 50 else Dentition.PRIMARY

    @property
    def is_permanent(self) -> bool:
        """A permanent (adult) tooth."""
        return self.fdi < 50

    @property
    def is_primary(self) -> bool:
        """A primary (deciduous) tooth."""
        return self.fdi > 50

    @property
    def quadrant(self) -> int:
        """The quadrant, numbered as in the permanent dentition (also for primary teeth).

        1 upper right, 2 upper left, 3 lower left, 4 lower right.
        """
        return (self.fdi // 10 - 1) % 4 + 1

    @property
    def position(self) -> int:
        """The tooth's place counted from the midline: 1-8, primary 1-5."""
        return self.fdi % 10

    @property
    def arch(self) -> Arch:
        """Upper or lower arch."""
        return Arch.UPPER if self.quadrant <= 2 else Arch.LOWER

    @property
    def is_right(self) -> bool:
        """On the patient's right side."""
        return self.quadrant in (1, 4)

    @property
    def kind(self) -> ToothKind:
        """Incisor, canine, premolar or molar (primary 4 and 5 are molars)."""
        position = self.position
        if position <= 2:
            return ToothKind.INCISOR
        if position == 3:
            return ToothKind.CANINE
        if position <= 5 and self.is_permanent:
            return ToothKind.PREMOLAR
        return ToothKind.MOLAR

    @property
    def is_anterior(self) -> bool:
        """Incisor or canine."""
        return self.position <= 3

    @property
    def is_posterior(self) -> bool:
        """Premolar or molar."""
        return self.position > 3

    @property
    def sextant(self) -> int:
        """The sextant, 1-6.

        1 upper right posterior, 2 upper anterior, 3 upper left posterior, 4 lower left
        posterior, 5 lower anterior, 6 lower right posterior.
        """
        quadrant = self.quadrant
        if self.is_anterior:
            return 2 if quadrant <= 2 else 5
        return {1: 1, 2: 3, 3: 4, 4: 6}[quadrant]

    @property
    def arch_order(self) -> int:
        """Place along the arch from the patient's right (0) to left (15, primary 9)."""
        return self._order

    @property
    def regular(self) -> Tooth:
        """The regular tooth a supernumerary one is named after (itself if regular)."""
        return _BY_KEY[self.fdi] if self.supernumerary else self

    def sort_key(self) -> tuple[int, int, int, int]:
        """Order for listing: upper before lower, permanent before primary, right to left."""
        return (self.quadrant > 2, self.fdi > 50, self._order, self.supernumerary)

    def __repr__(self) -> str:
        return f"Tooth({self._names[0]!r})"

    def __str__(self) -> str:
        return self._names[0]


def _arch_order(fdi: int) -> int:
    quadrant, position = divmod(fdi, 10)
    size = 8 if quadrant <= 4 else 5
    if quadrant % 4 in (1, 3):  # upper right and lower left: counted towards the midline
        return size - position
    return size - 1 + position


def _names_of(fdi: int, supernumerary: bool, order: int) -> tuple[str, str, str]:
    quadrant, position = divmod(fdi, 10)
    lower = (quadrant - 1) % 4 >= 2
    if quadrant <= 4:
        universal_number = order + 1 + (16 if lower else 0)
        universal = str(universal_number + 50) if supernumerary else str(universal_number)
        palmer = f"{_PALMER_QUADRANTS[quadrant - 1]}{position}"
    else:
        letter = chr(ord("A") + order + (10 if lower else 0))
        universal = letter + "S" if supernumerary else letter
        palmer = f"{_PALMER_QUADRANTS[quadrant - 5]}{_PRIMARY_LETTERS[position - 1]}"
    suffix = "S" if supernumerary else ""
    return (f"{fdi}{suffix}", universal, f"{palmer}{suffix}")


_REGULAR_FDI = tuple(q * 10 + p for q in range(1, 9) for p in range(1, 9 if q <= 4 else 6))
_BY_KEY: dict[int, Tooth] = {fdi: Tooth(fdi) for fdi in _REGULAR_FDI}
_SUPERNUMERARY: dict[int, Tooth] = {fdi: Tooth(fdi, True) for fdi in _REGULAR_FDI}

PERMANENT_TEETH: tuple[Tooth, ...] = tuple(
    sorted((t for t in _BY_KEY.values() if t.is_permanent), key=Tooth.sort_key)
)
"""The 32 permanent teeth, upper arch right to left, then lower arch right to left."""
PRIMARY_TEETH: tuple[Tooth, ...] = tuple(
    sorted((t for t in _BY_KEY.values() if t.is_primary), key=Tooth.sort_key)
)
"""The 20 primary teeth in the same order."""
ALL_TEETH: tuple[Tooth, ...] = PERMANENT_TEETH + PRIMARY_TEETH
"""Every regular tooth: 32 permanent, then 20 primary."""

# One exact-match table per notation (the fast path), upper-case canonical spellings.
_PARSE: tuple[dict[str, Tooth], dict[str, Tooth], dict[str, Tooth]] = ({}, {}, {})
for _tooth in itertools.chain(_BY_KEY.values(), _SUPERNUMERARY.values()):
    for _slot_index, _name in enumerate(_tooth._names):
        _PARSE[_slot_index][_name] = _tooth

for _notation in Notation:
    _notation._parse = _PARSE[_notation._slot]

_HINTS = {
    Notation.FDI: "FDI teeth are 11-48 or 51-85 (quadrant digit, then tooth)",
    Notation.UNIVERSAL: "Universal teeth are 1-32 or A-T",
    Notation.PALMER: "Palmer teeth are UR1-LL8 or URA-LLE",
}


def _parse_slow(text: object, notation: object) -> Tooth:
    the_notation = Notation.of(notation)
    if not isinstance(text, str):
        raise ValidationError(
            f"a tooth must be given as text, got {type(text).__name__}", field="tooth"
        )
    cleaned = text.strip().upper()
    found = _PARSE[the_notation._slot].get(cleaned)
    if found is None and the_notation is Notation.UNIVERSAL and cleaned.isdigit():
        found = _PARSE[the_notation._slot].get(cleaned.lstrip("0"))  # "03" for 3
    if found is None:
        raise ValidationError(
            f"{text!r} is not a tooth in {the_notation.value} notation; {_HINTS[the_notation]}",
            field="tooth",
        )
    return found


# -- ranges and lists -----------------------------------------------------------------------
_SPLIT = re.compile(r"\s*,\s*")
_RANGE = re.compile(r"\s*-\s*")


def parse_teeth(text: str, notation: Notation) -> frozenset[Tooth]:
    """The teeth named by a comma-separated list of teeth and ranges (``"11-14,21"``).

    A range ``a-b`` holds every tooth along the arch between ``a`` and ``b`` (in either
    order); both ends must be regular teeth of one arch and one dentition.

    Raises:
        ValidationError: an unknown notation, an empty item, a tooth that does not exist, or
            a range across the arch's end or between permanent and primary teeth.

    """
    the_notation = Notation.of(notation)
    if not isinstance(text, str):
        raise ValidationError(
            f"teeth must be given as text, got {type(text).__name__}", field="teeth"
        )
    found: set[Tooth] = set()
    for item in _SPLIT.split(text.strip()):
        if not item:
            raise ValidationError(f"tooth list {text!r} has an empty item", field="teeth")
        ends = _RANGE.split(item)
        if len(ends) == 1:
            found.add(Tooth.parse(item, the_notation))
        elif len(ends) == 2:
            found.update(_tooth_range(item, ends[0], ends[1], the_notation))
        else:
            raise ValidationError(f"{item!r} is not a tooth or a range a-b", field="teeth")
    return frozenset(found)


def _tooth_range(item: str, first_text: str, last_text: str, notation: Notation) -> list[Tooth]:
    first = Tooth.parse(first_text, notation)
    last = Tooth.parse(last_text, notation)
    if first.supernumerary or last.supernumerary:
        raise ValidationError(
            f"tooth range {item!r} has a supernumerary end; list such teeth singly",
            field="teeth",
        )
    if first.arch is not last.arch:
        raise ValidationError(
            f"tooth range {item!r} crosses the end of the arch: "
            f"{first_text.strip()} is {first.arch}, {last_text.strip()} is {last.arch}",
            field="teeth",
        )
    if first.dentition is not last.dentition:
        raise ValidationError(
            f"tooth range {item!r} mixes permanent and primary teeth", field="teeth"
        )
    low, high = sorted((first.arch_order, last.arch_order))
    return [
        tooth
        for tooth in (PERMANENT_TEETH if first.is_permanent else PRIMARY_TEETH)
        if tooth.arch is first.arch and low <= tooth.arch_order <= high
    ]


def format_teeth(teeth: Iterable[Tooth], notation: Notation) -> str:
    """A set of teeth as a list with ranges for runs of three or more along one arch.

    The result parses back to the same set with
    [`parse_teeth`][clinicore.dental.teeth.parse_teeth].

    Raises:
        ValidationError: an unknown notation, an empty set or something that is no `Tooth`.

    """
    the_notation = Notation.of(notation)
    unique = set(teeth)
    if not unique:
        raise ValidationError("no teeth to format", field="teeth")
    for tooth in unique:
        if not isinstance(tooth, Tooth):
            raise ValidationError(f"{tooth!r} is not a Tooth", field="teeth")
    ordered = sorted(unique, key=Tooth.sort_key)
    parts: list[str] = []
    run: list[Tooth] = []
    for tooth in ordered:
        if run and _continues(run[-1], tooth):
            run.append(tooth)
            continue
        parts.extend(_format_run(run, the_notation))
        run = [tooth]
    parts.extend(_format_run(run, the_notation))
    return ",".join(parts)


def _continues(previous: Tooth, tooth: Tooth) -> bool:
    return (
        not previous.supernumerary
        and not tooth.supernumerary
        and previous.arch is tooth.arch
        and previous.is_permanent == tooth.is_permanent
        and tooth.arch_order == previous.arch_order + 1
    )


def _format_run(run: list[Tooth], notation: Notation) -> list[str]:
    if len(run) < 3:
        return [tooth.format(notation) for tooth in run]
    first, last = run[0], run[-1]
    if notation is not Notation.UNIVERSAL and first.quadrant == last.quadrant:
        first, last = sorted((first, last), key=lambda tooth: tooth.position)
    return [f"{first.format(notation)}-{last.format(notation)}"]
