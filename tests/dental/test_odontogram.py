"""The odontogram (DEN-10): SVG checked structurally — teeth, surfaces, marks, legend."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pendulum
import pytest

from clinicore.dental.chart import Chart, ChartEntry, ChartState
from clinicore.dental.odontogram import SVG_NAMESPACE, render_odontogram
from clinicore.dental.teeth import Notation, Tooth
from clinicore.errors import ValidationError
from clinicore.testing.samples import a_plan_item, a_treatment_plan

NS = {"svg": SVG_NAMESPACE}
AT = pendulum.datetime(2026, 3, 2, 9, tz="Europe/Oslo")


def _chart() -> ChartState:
    return (
        Chart(id="p", patient_id="p")
        .record(
            ChartEntry.of(Tooth(16), "caries", AT, "d", surfaces="MO"),
            ChartEntry.of(Tooth(24), "filling", AT, "d", surfaces="DP"),
            ChartEntry.of(Tooth(26), "crown", AT, "d"),
            ChartEntry.of(Tooth(36), "missing", AT, "d"),
            ChartEntry.of(Tooth(46), "root_canal", AT, "d"),
            ChartEntry.of(Tooth(75), "sealant", AT, "d", surfaces="O"),
        )
        .current()
    )


def _tooth(root: ET.Element, fdi: int) -> ET.Element:
    found = root.find(f".//svg:g[@id='tooth-{fdi}']", NS)
    assert found is not None
    return found


def _surfaces(tooth: ET.Element, css: str) -> set[str]:
    return {
        str(polygon.get("data-surface"))
        for polygon in tooth.findall("svg:polygon", NS)
        if css in (polygon.get("class") or "").split()
    }


def test_den10_both_arches_five_surfaces_each_and_a_legend() -> None:
    root = ET.fromstring(render_odontogram(_chart(), title="Plan 1"))
    assert root.tag == f"{{{SVG_NAMESPACE}}}svg"
    teeth = root.findall(".//svg:g[@class='tooth']", NS)
    assert len(teeth) == 32
    assert {t.get("data-tooth") for t in teeth} == {
        str(t) for t in range(11, 49) if t % 10 in range(1, 9)
    }
    for tooth in teeth:
        assert len(tooth.findall("svg:polygon[@class]", NS)) == 5
    legend = root.find(".//svg:g[@id='legend']", NS)
    assert legend is not None
    keys = {entry.get("data-key") for entry in legend}
    assert {"caries", "filling", "planned", "missing", "crown"} <= keys
    title = root.find("svg:title", NS)
    assert title is not None
    assert title.text == "Plan 1"


def test_den10_conditions_are_drawn_per_surface_and_tooth() -> None:
    root = ET.fromstring(render_odontogram(_chart()))
    assert _surfaces(_tooth(root, 16), "caries") == {"M", "O"}
    assert _surfaces(_tooth(root, 24), "filling") == {"D", "P"}
    assert _surfaces(_tooth(root, 11), "surface") == {"M", "I", "D", "F", "P"}
    assert _surfaces(_tooth(root, 46), "surface") == {"M", "O", "D", "B", "L"}
    assert _tooth(root, 26).find("svg:g[@class='mark crown']", NS) is not None
    assert _tooth(root, 36).find("svg:g[@class='mark missing']", NS) is not None
    assert _tooth(root, 46).find("svg:g[@class='mark root-canal']", NS) is not None
    assert _tooth(root, 16).get("data-state") == "caries MO"
    assert _tooth(root, 17).findall("svg:g", NS) == []


def test_den10_mixed_dentition_and_notation() -> None:
    root = ET.fromstring(
        render_odontogram(_chart(), dentition="mixed", notation=Notation.UNIVERSAL)
    )
    assert len(root.findall(".//svg:g[@class='tooth']", NS)) == 52
    assert _surfaces(_tooth(root, 75), "sealant") == {"O"}
    label = _tooth(root, 75).find("svg:text", NS)
    assert label is not None
    assert label.text == "K"


def test_den10_planned_work_is_marked() -> None:
    plan = a_treatment_plan(id="plan-1")
    variant = plan.variant("v2")
    root = ET.fromstring(render_odontogram(_chart(), variant))
    assert _surfaces(_tooth(root, 16), "planned") == {"M", "O", "D"}
    planned_36 = {g.get("class") for g in _tooth(root, 36).findall("svg:g", NS)}
    assert {"mark root-canal planned", "mark crown planned", "mark missing"} <= planned_36
    regional = plan.add_item("v2", a_plan_item("plan-1-9", "PCR", "mouth"), AT.add(days=1), "d")
    text = ET.fromstring(render_odontogram(_chart(), regional.variant("v2"))).find(
        ".//svg:text[@class='regions']", NS
    )
    assert text is not None
    assert "PCR (mouth)" in str(text.text)


def test_den10_bad_arguments_are_errors() -> None:
    with pytest.raises(ValidationError, match="dentition"):
        render_odontogram(_chart(), dentition="adult")
    with pytest.raises(ValidationError, match="ChartState"):
        render_odontogram("chart")  # type: ignore[arg-type]
