"""Dental charts and treatment plans (DEN-1 to DEN-10).

- [`teeth`][clinicore.dental.teeth]: teeth in FDI, Universal and Palmer notation, ranges.
- [`surfaces`][clinicore.dental.surfaces]: surfaces valid per tooth, normalised.
- [`sites`][clinicore.dental.sites]: a tooth, surfaces, teeth, quadrant, sextant, arch, mouth.
- [`chart`][clinicore.dental.chart]: findings per tooth with a dated history.
- [`procedures`][clinicore.dental.procedures]: the catalogue plans draw on, ordering rules.
- [`plans`][clinicore.dental.plans]: plans, variants, items, visits, audit, snapshots, consent.
- [`pricing`][clinicore.dental.pricing]: prices through any fee schedule, totals and shares.
- [`odontogram`][clinicore.dental.odontogram]: the chart and plan as SVG.
- [`records`][clinicore.dental.records]: charts and plans as plain data for storage.
- [`events`][clinicore.dental.events]: what plans report to billing, stock and recall.
"""

from clinicore.dental.chart import Chart, ChartEntry, ChartState, Condition, ToothState
from clinicore.dental.events import ConsentRecorded, PlanAccepted, TreatmentItemDone
from clinicore.dental.odontogram import render_odontogram
from clinicore.dental.plans import ItemStatus, PlanItem, PlanStatus, TreatmentPlan, Variant, Visit
from clinicore.dental.pricing import ItemPrice, PlanTotals
from clinicore.dental.procedures import DEFAULT_CATALOG, Phase, Procedure, ProcedureCatalog
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
    "DEFAULT_CATALOG",
    "Arch",
    "Chart",
    "ChartEntry",
    "ChartState",
    "Condition",
    "ConsentRecorded",
    "Dentition",
    "Face",
    "ItemPrice",
    "ItemStatus",
    "MouthSite",
    "Notation",
    "Phase",
    "PlanAccepted",
    "PlanItem",
    "PlanStatus",
    "PlanTotals",
    "Procedure",
    "ProcedureCatalog",
    "Tooth",
    "ToothKind",
    "ToothState",
    "TreatmentItemDone",
    "TreatmentPlan",
    "Variant",
    "Visit",
    "format_surfaces",
    "format_teeth",
    "parse_site",
    "parse_surfaces",
    "parse_teeth",
    "render_odontogram",
]
