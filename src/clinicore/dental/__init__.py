"""Dental charts and treatment plans (DEN-1 to DEN-10).

- [`teeth`][clinicore.dental.teeth]: teeth in FDI, Universal and Palmer notation, ranges.
- [`surfaces`][clinicore.dental.surfaces]: surfaces valid per tooth, normalised.
- [`sites`][clinicore.dental.sites]: a tooth, surfaces, teeth, quadrant, sextant, arch, mouth.
- [`chart`][clinicore.dental.chart]: findings per tooth with a dated history.
- [`events`][clinicore.dental.events]: what plans report to billing, stock and recall.
"""

from clinicore.dental.chart import Chart, ChartEntry, ChartState, Condition, ToothState
from clinicore.dental.events import ConsentRecorded, PlanAccepted, TreatmentItemDone
from clinicore.dental.sites import MouthSite, parse_site
from clinicore.dental.surfaces import Face, format_surfaces, parse_surfaces
from clinicore.dental.teeth import (
    Arch,
    Dentition,
    Notation,
    Tooth,
    ToothKind,
    format_teeth,
    parse_teeth,
)

__all__ = [
    "Arch",
    "Chart",
    "ChartEntry",
    "ChartState",
    "Condition",
    "ConsentRecorded",
    "Dentition",
    "Face",
    "MouthSite",
    "Notation",
    "PlanAccepted",
    "Tooth",
    "ToothKind",
    "ToothState",
    "TreatmentItemDone",
    "format_surfaces",
    "format_teeth",
    "parse_site",
    "parse_surfaces",
    "parse_teeth",
]
