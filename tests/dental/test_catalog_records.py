"""The procedure catalogue (DEN-4) and the storage format of charts and plans (DEN-11)."""

from __future__ import annotations

import datetime as _dt
import json
import xml.etree.ElementTree as ET

import pendulum
import pytest
from hypothesis import given, settings

from clinicore.dental.chart import Chart, ChartEntry
from clinicore.dental.odontogram import SVG_NAMESPACE, render_odontogram
from clinicore.dental.plans import TreatmentPlan
from clinicore.dental.procedures import (
    DEFAULT_CATALOG,
    Phase,
    Procedure,
    ProcedureCatalog,
    site_kind,
)
from clinicore.dental.records import (
    audit_from_data,
    audit_to_data,
    entry_from_data,
    entry_to_data,
    plan_from_data,
    plan_to_data,
)
from clinicore.dental.sites import parse_site
from clinicore.dental.teeth import Notation, Tooth
from clinicore.errors import NotFoundError, ValidationError
from clinicore.testing import strategies as cst
from clinicore.testing.samples import a_treatment_plan

AT = pendulum.datetime(2026, 3, 2, 9, tz="Europe/Berlin")


@pytest.mark.parametrize(
    ("code", "site", "message"),
    [
        ("FILL", "16", "done on a surfaces site, not on tooth 16"),
        ("EXT", "Q1", "not on quadrant Q1"),
        ("BRIDGE", "74-84", "permanent teeth only, not primary tooth 7"),
        ("IMPL", "55", "not primary tooth 55"),
    ],
)
def test_den4_the_catalogue_checks_the_site(code: str, site: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DEFAULT_CATALOG.check(code, parse_site(site, Notation.FDI))


def test_den4_catalogue_and_procedure_validation() -> None:
    assert "IMPL" in DEFAULT_CATALOG.codes()
    assert DEFAULT_CATALOG.check("SEAL", parse_site("17,27")).per_tooth
    assert DEFAULT_CATALOG.check("DENT", parse_site("LJ")).phase is Phase.PROSTHETIC
    with pytest.raises(NotFoundError, match="procedure 'NOPE'"):
        DEFAULT_CATALOG.get("NOPE")
    fill = DEFAULT_CATALOG.get("FILL")
    with pytest.raises(ValidationError, match="listed twice"):
        ProcedureCatalog([fill, fill])
    with pytest.raises(ValidationError, match="duration"):
        Procedure("X", "x", "urgent", {"tooth"}, _dt.timedelta(0), "x")
    with pytest.raises(ValidationError, match="site kind 'jaw'"):
        Procedure("X", "x", "urgent", {"jaw"}, _dt.timedelta(minutes=5), "x")
    with pytest.raises(ValidationError, match="healing"):
        Procedure(
            "X", "x", "urgent", {"tooth"}, _dt.timedelta(minutes=5), "x", healing=_dt.timedelta(-1)
        )
    with pytest.raises(ValidationError, match="not a site"):
        site_kind("16")  # type: ignore[arg-type]
    assert repr(DEFAULT_CATALOG).startswith("ProcedureCatalog(")
    assert DEFAULT_CATALOG.must_precede(DEFAULT_CATALOG.get("EXT"), DEFAULT_CATALOG.get("IMPL"))
    assert not DEFAULT_CATALOG.must_precede(DEFAULT_CATALOG.get("IMPL"), DEFAULT_CATALOG.get("EXT"))


@settings(max_examples=40)
@given(cst.treatment_plans())
def test_den11_plans_survive_json(plan: TreatmentPlan) -> None:
    data = json.loads(json.dumps(plan_to_data(plan)))
    assert plan_from_data(data) == plan
    for entry in plan.audit:
        assert audit_from_data(json.loads(json.dumps(audit_to_data(entry)))) == entry


@settings(max_examples=40)
@given(cst.dental_charts())
def test_den11_chart_entries_survive_json(chart: Chart) -> None:
    for entry in chart.entries:
        assert entry_from_data(json.loads(json.dumps(entry_to_data(entry)))) == entry


def test_den11_unreadable_data_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="unreadable"):
        plan_from_data({})
    data = plan_to_data(a_treatment_plan())
    data["variants"][0]["items"][0]["site"] = "19 MOD"
    with pytest.raises(ValidationError, match="'19' is not a tooth"):
        plan_from_data(data)
    data = plan_to_data(a_treatment_plan())
    data["snapshots"][0]["content"] += " "
    with pytest.raises(ValidationError, match="hash does not match"):
        plan_from_data(data)
    with pytest.raises(ValidationError):
        entry_from_data(
            {
                "tooth": "16",
                "condition": "caries",
                "recorded_at": "2026-01-01T00:00:00",
                "author_id": "d",
                "faces": [0],
                "action": "recorded",
                "note": None,
            }
        )


def test_den10_every_whole_tooth_mark_is_drawn() -> None:
    chart = Chart(id="p", patient_id="p").record(
        ChartEntry.of(Tooth(14), "fracture", AT, "d"),
        ChartEntry.of(Tooth(15), "bridge_abutment", AT, "d"),
        ChartEntry.of(Tooth(16), "missing", AT, "d"),
        ChartEntry.of(Tooth(16), "bridge_pontic", AT, "d"),
        ChartEntry.of(Tooth(17), "bridge_abutment", AT, "d"),
        ChartEntry.of(Tooth(26), "missing", AT, "d"),
        ChartEntry.of(Tooth(26), "implant", AT, "d"),
        ChartEntry.of(Tooth(27), "extraction_planned", AT, "d"),
    )
    root = ET.fromstring(render_odontogram(chart.current()))
    ns = {"svg": SVG_NAMESPACE}
    marks = {mark.get("class") for mark in root.findall(".//svg:g[@class='tooth']/svg:g", ns)}
    assert {
        "mark fracture",
        "mark bridge",
        "mark missing",
        "mark implant",
        "mark extraction-planned",
    } <= marks
