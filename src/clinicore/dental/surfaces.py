"""Tooth surfaces, validated per tooth and written in their usual order (DEN-2).

Every tooth has five faces ([`Face`][clinicore.dental.surfaces.Face]); their letters depend
on the tooth:

| face | posterior tooth | anterior tooth |
| --- | --- | --- |
| mesial | ``M`` | ``M`` |
| occlusal / incisal | ``O`` | ``I`` |
| distal | ``D`` | ``D`` |
| buccal / facial (labial) | ``B`` | ``F`` |
| lingual / palatal | ``L`` (lower), ``P`` (upper; ``L`` accepted) | same |

So ``O`` on an incisor, ``I`` on a molar, ``B`` on a canine or ``P`` on a lower tooth are
errors. Surfaces are normalised to the order M, O/I, D, B/F, L/P: ``"dom"`` becomes
``"MOD"``; a letter given twice counts once.

Examples:
    >>> from clinicore.dental.teeth import Notation, Tooth
    >>> molar, incisor = Tooth.parse("16", Notation.FDI), Tooth.parse("11", Notation.FDI)
    >>> format_surfaces(parse_surfaces("dom", molar), molar)
    'MOD'
    >>> format_surfaces(parse_surfaces("LIM", incisor), incisor)
    'MIP'
    >>> try:
    ...     parse_surfaces("O", incisor)
    ... except ValidationError as error:
    ...     print(error)
    surface 'O' (occlusal) is not on anterior tooth 11: use 'I' (incisal)

"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from clinicore.dental.teeth import Tooth
from clinicore.errors import ValidationError

__all__ = ["Face", "face_letter", "format_surfaces", "parse_surfaces"]


class Face(enum.IntEnum):
    """The five faces of a tooth, in the order they are written."""

    MESIAL = 0
    OCCLUSAL = 1
    """Occlusal on posterior teeth, incisal (the edge) on anterior ones."""
    DISTAL = 2
    BUCCAL = 3
    """Buccal on posterior teeth, facial (labial) on anterior ones."""
    LINGUAL = 4
    """Lingual on lower teeth, palatal on upper ones."""


_NAMES = {
    "M": "mesial",
    "D": "distal",
    "O": "occlusal",
    "I": "incisal",
    "B": "buccal",
    "F": "facial",
    "L": "lingual",
    "P": "palatal",
}


def face_letter(face: Face, tooth: Tooth) -> str:
    """The letter ``face`` is written with on ``tooth``."""
    if face is Face.OCCLUSAL:
        return "I" if tooth.is_anterior else "O"
    if face is Face.BUCCAL:
        return "F" if tooth.is_anterior else "B"
    if face is Face.LINGUAL:
        return "P" if tooth.quadrant <= 2 else "L"
    return "M" if face is Face.MESIAL else "D"


def _face_of(letter: str, tooth: Tooth) -> Face:
    anterior = tooth.is_anterior
    where = "anterior" if anterior else "posterior"
    if letter == "M":
        return Face.MESIAL
    if letter == "D":
        return Face.DISTAL
    if letter in ("O", "I"):
        wanted = "I" if anterior else "O"
        if letter != wanted:
            raise _wrong(letter, where, tooth, wanted)
        return Face.OCCLUSAL
    if letter in ("B", "F"):
        wanted = "F" if anterior else "B"
        if letter != wanted:
            raise _wrong(letter, where, tooth, wanted)
        return Face.BUCCAL
    if letter == "L":
        return Face.LINGUAL
    if letter == "P":
        if tooth.quadrant > 2:
            raise _wrong(letter, "lower", tooth, "L")
        return Face.LINGUAL
    raise ValidationError(
        f"{letter!r} is not a tooth surface; use M, O/I, D, B/F, L/P", field="surfaces"
    )


def _wrong(letter: str, where: str, tooth: Tooth, wanted: str) -> ValidationError:
    return ValidationError(
        f"surface {letter!r} ({_NAMES[letter]}) is not on {where} tooth {tooth}: "
        f"use {wanted!r} ({_NAMES[wanted]})",
        field="surfaces",
    )


def parse_surfaces(text: str, tooth: Tooth) -> frozenset[Face]:
    """The faces ``text`` (letters such as ``"MOD"``, any case and order) names on ``tooth``.

    Raises:
        ValidationError: empty text, an unknown letter or a surface ``tooth`` does not have.

    """
    if not isinstance(text, str):
        raise ValidationError(
            f"surfaces must be given as text, got {type(text).__name__}", field="surfaces"
        )
    letters = text.replace(" ", "").upper()
    if not letters:
        raise ValidationError(f"no surfaces given for tooth {tooth}", field="surfaces")
    return frozenset(_face_of(letter, tooth) for letter in letters)


def format_surfaces(faces: Iterable[Face], tooth: Tooth) -> str:
    """The faces as letters for ``tooth`` in the order M, O/I, D, B/F, L/P."""
    return "".join(face_letter(face, tooth) for face in sorted(set(faces)))
