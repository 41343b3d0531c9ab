"""The odontogram: a chart and a plan drawn as SVG, in pure Python (DEN-10).

[`render_odontogram`][clinicore.dental.odontogram.render_odontogram] draws both arches as
seen by the dentist facing the patient (the patient's right on the left), each tooth as the
usual five-surface box — occlusal/incisal in the middle, buccal/facial towards the lips,
lingual/palatal towards the tongue, mesial towards the midline — with conditions filled in
per surface, whole-tooth marks (missing, implant, crown, root canal, bridge, planned
extraction), the planned work of one variant outlined in its own colour, and a legend.
The result is a standalone SVG document that browsers show and PDF tools embed; no browser
is needed to make it.

Every tooth is a ``<g class="tooth" data-tooth="16">``; every surface a ``<polygon
class="surface" data-face="occlusal" data-surface="O">`` with the classes of what is on it
(``caries``, ``filling``, ``sealant``, ``planned``); every whole-tooth mark a ``<g
class="mark missing">`` (or ``implant``, ``crown``...), with ``planned`` added for planned
work; the legend is ``<g id="legend">``.

Examples:
    >>> import xml.etree.ElementTree as ET
    >>> import pendulum
    >>> from clinicore.dental.chart import Chart, ChartEntry
    >>> from clinicore.dental.teeth import Tooth
    >>> at = pendulum.datetime(2026, 3, 2, tz="UTC")
    >>> chart = Chart(id="p", patient_id="p").record(
    ...     ChartEntry.of(Tooth(16), "caries", at, "dr", surfaces="MO")
    ... )
    >>> svg = render_odontogram(chart.current())
    >>> root = ET.fromstring(svg)
    >>> len(root.findall(".//{http://www.w3.org/2000/svg}g[@class='tooth']"))
    32
    >>> [
    ...     p.get("data-surface")
    ...     for p in root.iter("{http://www.w3.org/2000/svg}polygon")
    ...     if "caries" in (p.get("class") or "")
    ... ]
    ['M', 'O']

"""

from __future__ import annotations

import enum
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable

from clinicore.dental.chart import ChartState, Condition, ToothState
from clinicore.dental.plans import PlanItem, Variant
from clinicore.dental.procedures import DEFAULT_CATALOG, ProcedureCatalog
from clinicore.dental.surfaces import Face, face_letter
from clinicore.dental.teeth import PERMANENT_TEETH, PRIMARY_TEETH, Notation, Tooth
from clinicore.errors import NotFoundError, ValidationError

__all__ = ["COLOURS", "SVG_NAMESPACE", "OdontogramDentition", "render_odontogram"]

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
"""The SVG namespace every element is in."""

COLOURS = {
    "sound": "#ffffff",
    "caries": "#d62728",
    "filling": "#1f77b4",
    "sealant": "#2ca02c",
    "planned": "#ff7f0e",
    "mark": "#333333",
    "outline": "#555555",
}
"""The colour of each kind of mark."""


class OdontogramDentition(enum.StrEnum):
    """Which teeth to draw."""

    PERMANENT = "permanent"
    """The 32 permanent teeth."""
    MIXED = "mixed"
    """The permanent teeth and, between the arches, the 20 primary teeth."""


_SIZE = 36  # one tooth box
_GAP = 6
_INSET = 11  # width of the surface trapezoids
_LEFT = 30
_TOP = 60
_ROW = 92
_SURFACE_CONDITIONS = ("caries", "filling", "sealant")
_WHOLE_TOOTH = {
    "extraction": "extraction-planned",
    "implant": "implant",
    "crown": "crown",
    "root_canal": "root-canal",
    "bridge": "bridge",
}


def _el(parent: ET.Element, tag: str, **attributes: object) -> ET.Element:
    return ET.SubElement(
        parent, tag, {key.rstrip("_").replace("_", "-"): str(v) for key, v in attributes.items()}
    )


def render_odontogram(
    chart: ChartState,
    variant: Variant | None = None,
    *,
    dentition: OdontogramDentition | str = OdontogramDentition.PERMANENT,
    notation: Notation = Notation.FDI,
    catalog: ProcedureCatalog = DEFAULT_CATALOG,
    title: str | None = None,
) -> str:
    """The chart (and the variant's planned work, if given) as a standalone SVG document.

    Planned work is every item of ``variant`` that is neither done nor withdrawn.
    ``title`` is drawn as given: leave names out of it.

    Raises:
        ValidationError: an unknown dentition or notation, or ``chart`` is no `ChartState`.

    """
    if not isinstance(chart, ChartState):
        raise ValidationError(f"chart must be a ChartState, got {type(chart).__name__}")
    try:
        mode = OdontogramDentition(dentition)
    except ValueError:
        raise ValidationError(
            f"dentition {dentition!r} must be 'permanent' or 'mixed'", field="dentition"
        ) from None
    the_notation = Notation.of(notation)
    planned = _planned(variant, catalog)
    rows = _rows(mode)
    width = _LEFT * 2 + 16 * (_SIZE + _GAP)
    legend_top = _TOP + len(rows) * _ROW + 10
    height = legend_top + 130
    ET.register_namespace("", SVG_NAMESPACE)
    svg = ET.Element(
        f"{{{SVG_NAMESPACE}}}svg",
        {
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "font-family": "sans-serif",
            "font-size": "10",
            "role": "img",
        },
    )
    _el(svg, "title").text = title or "Odontogram"
    _el(svg, "rect", x=0, y=0, width=width, height=height, fill="#ffffff")
    if title:
        _el(svg, "text", x=_LEFT, y=24, font_size=14, font_weight="bold").text = title
    _el(svg, "text", x=_LEFT, y=44, fill="#666666").text = "patient's right"
    _el(
        svg, "text", x=width - _LEFT, y=44, fill="#666666", text_anchor="end"
    ).text = "patient's left"
    midline = _LEFT + 8 * (_SIZE + _GAP) - _GAP / 2
    _el(
        svg,
        "line",
        x1=midline,
        y1=_TOP - 6,
        x2=midline,
        y2=legend_top - 14,
        stroke="#999999",
        stroke_dasharray="4 3",
    )
    for index, teeth in enumerate(rows):
        top = _TOP + index * _ROW
        offset = (16 - len(teeth)) // 2
        for position, tooth in enumerate(teeth):
            x = _LEFT + (offset + position) * (_SIZE + _GAP)
            _tooth(svg, tooth, chart.of(tooth), planned.get(tooth, {}), x, top, the_notation)
    _regions(svg, variant, legend_top - 4)
    _legend(svg, legend_top + 10)
    return ET.tostring(svg, encoding="unicode", xml_declaration=False)


def _rows(mode: OdontogramDentition) -> list[list[Tooth]]:
    """Rows as the dentist sees them: the patient's right on the left, in both arches."""
    upper = [t for t in PERMANENT_TEETH if t.quadrant <= 2]
    lower = [t for t in PERMANENT_TEETH if t.quadrant > 2][::-1]
    if mode is OdontogramDentition.PERMANENT:
        return [upper, lower]
    upper_primary = [t for t in PRIMARY_TEETH if t.quadrant <= 2]
    lower_primary = [t for t in PRIMARY_TEETH if t.quadrant > 2][::-1]
    return [upper, upper_primary, lower_primary, lower]


def _planned(
    variant: Variant | None, catalog: ProcedureCatalog
) -> dict[Tooth, dict[str, frozenset[Face] | bool]]:
    """Planned work per tooth: ``"faces"`` and whole-tooth mark names."""
    found: dict[Tooth, dict[str, frozenset[Face] | bool]] = defaultdict(dict)
    if variant is None:
        return found
    for item in _open_items(variant.items):
        faces = getattr(item.site, "faces", None)
        teeth = item.site.teeth() if _is_tooth_site(item) else ()
        for tooth in teeth:
            marks = found[tooth]
            if faces:
                previous = marks.get("faces", frozenset())
                assert isinstance(previous, frozenset)
                marks["faces"] = previous | faces
                continue
            try:
                category = catalog.get(item.procedure_code).category
            except NotFoundError:
                category = ""
            marks[_WHOLE_TOOTH.get(category, "treatment")] = True
    return found


def _open_items(items: Iterable[PlanItem]) -> list[PlanItem]:
    return [item for item in items if item.status.is_live and not item.status.is_final]


def _is_tooth_site(item: PlanItem) -> bool:
    return type(item.site).__name__ in ("ToothSite", "SurfacesSite", "TeethSite")


def _surface_points(face: Face, tooth: Tooth, x: float, y: float) -> str:
    s, i = _SIZE, _INSET
    outer = {"tl": (x, y), "tr": (x + s, y), "br": (x + s, y + s), "bl": (x, y + s)}
    inner = {
        "tl": (x + i, y + i),
        "tr": (x + s - i, y + i),
        "br": (x + s - i, y + s - i),
        "bl": (x + i, y + s - i),
    }
    upper = tooth.quadrant <= 2
    right_side = tooth.is_right  # drawn on the viewer's left: mesial is on the box's right
    sides = {
        "top": ("tl", "tr"),
        "bottom": ("bl", "br"),
        "left": ("tl", "bl"),
        "right": ("tr", "br"),
    }
    placement = {
        Face.BUCCAL: "top" if upper else "bottom",
        Face.LINGUAL: "bottom" if upper else "top",
        Face.MESIAL: "right" if right_side else "left",
        Face.DISTAL: "left" if right_side else "right",
    }
    if face is Face.OCCLUSAL:
        corners = [inner[c] for c in ("tl", "tr", "br", "bl")]
    else:
        a, b = sides[placement[face]]
        corners = [outer[a], outer[b], inner[b], inner[a]]
    return " ".join(f"{px:g},{py:g}" for px, py in corners)


def _tooth(  # noqa: PLR0917 - where and what to draw
    svg: ET.Element,
    tooth: Tooth,
    state: ToothState,
    planned: dict[str, frozenset[Face] | bool],
    x: float,
    top: float,
    notation: Notation,
) -> None:
    upper = tooth.quadrant <= 2
    label_y = top + 10 if upper else top + _SIZE + 28
    box_y = top + 16 if upper else top + 8
    group = _el(
        svg,
        "g",
        class_="tooth",
        id=f"tooth-{tooth.fdi}",
        data_tooth=tooth.format(Notation.FDI),
        data_state=state.describe(tooth),
    )
    _el(group, "text", x=x + _SIZE / 2, y=label_y, text_anchor="middle").text = tooth.format(
        notation
    )
    planned_faces = planned.get("faces", frozenset())
    assert isinstance(planned_faces, frozenset)
    for face in Face:
        classes = ["surface"]
        fill = COLOURS["sound"]
        for condition in _SURFACE_CONDITIONS:
            if face in getattr(state, condition):
                classes.append(condition)
                fill = COLOURS[condition]
        stroke, width = COLOURS["outline"], 1.0
        if face in planned_faces:
            classes.append("planned")
            stroke, width = COLOURS["planned"], 2.5
        _el(
            group,
            "polygon",
            class_=" ".join(classes),
            data_face=face.name.lower(),
            data_surface=face_letter(face, tooth),
            points=_surface_points(face, tooth, x, box_y),
            fill=fill,
            stroke=stroke,
            stroke_width=width,
        )
    _marks(group, state, planned, x, box_y)


def _marks(
    group: ET.Element,
    state: ToothState,
    planned: dict[str, frozenset[Face] | bool],
    x: float,
    y: float,
) -> None:
    s = _SIZE
    present: list[tuple[str, bool]] = []
    for condition, _ in state.conditions():
        name = {
            Condition.MISSING: "missing",
            Condition.IMPLANT: "implant",
            Condition.CROWN: "crown",
            Condition.ROOT_CANAL: "root-canal",
            Condition.BRIDGE_ABUTMENT: "bridge",
            Condition.BRIDGE_PONTIC: "bridge",
            Condition.EXTRACTION_PLANNED: "extraction-planned",
            Condition.FRACTURE: "fracture",
        }.get(condition)
        if name:
            present.append((name, False))
    present.extend((name, True) for name, on in planned.items() if name != "faces" and on)
    for name, is_planned in present:
        colour = COLOURS["planned"] if is_planned else COLOURS["mark"]
        mark = _el(group, "g", class_=f"mark {name}" + (" planned" if is_planned else ""))
        if name == "missing":
            _el(mark, "line", x1=x, y1=y, x2=x + s, y2=y + s, stroke=colour, stroke_width=3)
            _el(mark, "line", x1=x + s, y1=y, x2=x, y2=y + s, stroke=colour, stroke_width=3)
        elif name == "crown":
            _el(
                mark,
                "circle",
                cx=x + s / 2,
                cy=y + s / 2,
                r=s / 2 + 3,
                fill="none",
                stroke=colour,
                stroke_width=2,
            )
        elif name == "implant":
            _el(mark, "rect", x=x + s / 2 - 3, y=y - 4, width=6, height=s + 8, fill=colour)
        elif name == "root-canal":
            _el(
                mark,
                "line",
                x1=x + s / 2,
                y1=y - 6,
                x2=x + s / 2,
                y2=y + s + 6,
                stroke=colour,
                stroke_width=2,
            )
        elif name == "bridge":
            _el(
                mark,
                "line",
                x1=x - _GAP / 2,
                y1=y + s / 2,
                x2=x + s + _GAP / 2,
                y2=y + s / 2,
                stroke=colour,
                stroke_width=4,
            )
        elif name == "extraction-planned":
            _el(
                mark,
                "line",
                x1=x - 2,
                y1=y + s / 2 - 3,
                x2=x + s + 2,
                y2=y + s / 2 - 3,
                stroke=colour,
                stroke_width=2,
            )
            _el(
                mark,
                "line",
                x1=x - 2,
                y1=y + s / 2 + 3,
                x2=x + s + 2,
                y2=y + s / 2 + 3,
                stroke=colour,
                stroke_width=2,
            )
        elif name == "fracture":
            corners = [
                (x + 4, y + 6),
                (x + s / 2, y + s / 2),
                (x + 8, y + s / 2),
                (x + s - 4, y + s - 6),
            ]
            points = " ".join(f"{px:g},{py:g}" for px, py in corners)
            _el(mark, "polyline", points=points, fill="none", stroke=colour, stroke_width=2)
        else:  # other planned work on the whole tooth
            _el(
                mark,
                "rect",
                x=x - 2,
                y=y - 2,
                width=s + 4,
                height=s + 4,
                fill="none",
                stroke=colour,
                stroke_width=2,
                stroke_dasharray="3 2",
            )


def _regions(svg: ET.Element, variant: Variant | None, y: float) -> None:
    if variant is None:
        return
    regional = [i for i in _open_items(variant.items) if not _is_tooth_site(i)]
    if regional:
        text = "Planned for regions: " + "; ".join(
            f"{item.procedure_code} ({item.site.format()})" for item in regional
        )
        _el(svg, "text", class_="regions", x=_LEFT, y=y, fill=COLOURS["planned"]).text = text


def _legend(svg: ET.Element, y: float) -> None:
    legend = _el(svg, "g", id="legend")
    entries = [
        ("caries", "Caries", COLOURS["caries"], "fill"),
        ("filling", "Filling", COLOURS["filling"], "fill"),
        ("sealant", "Sealant", COLOURS["sealant"], "fill"),
        ("planned", "Planned work", COLOURS["planned"], "outline"),
        ("missing", "Missing (X)", COLOURS["mark"], "cross"),
        ("crown", "Crown (circle)", COLOURS["mark"], "outline"),
        ("implant", "Implant (post)", COLOURS["mark"], "fill"),
        ("root-canal", "Root canal (line)", COLOURS["mark"], "line"),
        ("bridge", "Bridge (bar)", COLOURS["mark"], "line"),
        ("extraction-planned", "Extraction planned (=)", COLOURS["planned"], "line"),
        ("fracture", "Fracture (zigzag)", COLOURS["mark"], "zigzag"),
    ]
    for index, (key, label, colour, style) in enumerate(entries):
        column, row = divmod(index, 4)
        ex, ey = _LEFT + column * 220, y + row * 22
        entry = _el(legend, "g", class_="legend-entry", data_key=key)
        if style == "fill":
            _el(entry, "rect", x=ex, y=ey, width=14, height=14, fill=colour, stroke="#555555")
        elif style == "outline":
            _el(
                entry,
                "rect",
                x=ex,
                y=ey,
                width=14,
                height=14,
                fill="none",
                stroke=colour,
                stroke_width=2.5,
            )
        elif style == "zigzag":
            _el(
                entry,
                "polyline",
                points=f"{ex},{ey + 2} {ex + 9},{ey + 7} {ex + 5},{ey + 7} {ex + 14},{ey + 12}",
                fill="none",
                stroke=colour,
                stroke_width=2,
            )
        elif style == "cross":
            _el(entry, "line", x1=ex, y1=ey, x2=ex + 14, y2=ey + 14, stroke=colour, stroke_width=2)
            _el(entry, "line", x1=ex + 14, y1=ey, x2=ex, y2=ey + 14, stroke=colour, stroke_width=2)
        else:
            _el(
                entry,
                "line",
                x1=ex,
                y1=ey + 7,
                x2=ex + 14,
                y2=ey + 7,
                stroke=colour,
                stroke_width=3,
            )
        _el(entry, "text", x=ex + 20, y=ey + 11).text = label
