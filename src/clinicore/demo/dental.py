"""The dental part of the demo: two charts, two plans, their odontograms (DEN-1 to DEN-10).

- ``pat-001`` (Berlin, EUR): a lower right molar to replace, offered in three variants
  (implant, bridge, partial denture); the implant is accepted, consented and the extraction
  done.
- ``pat-004`` (Oslo, NOK): two fillings, a cleaning and a crown; the crown is removed with a
  written justification, the first visit is booked and its filling done.

Plans use fixed ids, so running the demo again on the same database reports the same. The
odontograms are written as SVG files next to the SQLite file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from clinicore.actors import Actor
from clinicore.bootstrap import App
from clinicore.dental.plans import TreatmentPlan
from clinicore.testing.samples import a_dental_price_list

if TYPE_CHECKING:
    from clinicore.demo.run import DemoWindow

__all__ = ["dental_section"]

_DENTIST = Actor("dr-weber", frozenset({"dentist"}))
_OSLO_DENTIST = Actor("dr-lind", frozenset({"dentist"}))
_DESK = Actor("desk-1", frozenset({"front_desk"}))
_REMOVAL = "Crown on 11 postponed: the fracture is stable, re-assess at the next check-up"

# (plan id, patient, site, practitioner, title)
_PLANS = (
    ("plan-demo-1", "pat-001", "berlin", "dr-weber", "Replace 46"),
    ("plan-demo-2", "pat-004", "oslo", "dr-lind", "Caries and fracture"),
)


def dental_section(app: App, window: DemoWindow, console: Console) -> None:
    """Chart two patients, build, present and follow their plans, print and draw them."""
    del window  # the plans are dated by the demo clock, not by the window
    console.rule("[bold]Dental charts and treatment plans[/]")
    app.dental.set_fee_schedule("berlin", a_dental_price_list("EUR", "berlin-dental"))
    app.dental.set_fee_schedule("oslo", a_dental_price_list("NOK", "oslo-dental"))
    if not app.dental.plans_of("pat-001"):
        _three_alternatives(app)
    if not app.dental.plans_of("pat-004"):
        _justified_removal(app)
    plans = [app.dental.plan(plan_id) for plan_id, *_ in _PLANS]
    console.print(_variants_table(plans))
    console.print(_audit_table(plans[1]))
    console.print(_follow_ups(app))
    written = _odontograms(app)
    if written:
        console.print("[bold]Odontograms[/] written next to the database: " + ", ".join(written))


def _three_alternatives(app: App) -> None:
    dental = app.dental
    dental.record_finding("pat-001", "16", "filling", _DENTIST, surfaces="MO")
    dental.record_finding("pat-001", "26", "crown", _DENTIST)
    dental.record_finding("pat-001", "36", "caries", _DENTIST, surfaces="D")
    dental.record_finding("pat-001", "46", "fracture", _DENTIST)
    dental.record_finding("pat-001", "46", "extraction_planned", _DENTIST)
    plan_id, patient, site, practitioner, title = _PLANS[0]
    dental.create_plan(
        patient, site, practitioner, _DENTIST, title=title, variant_labels=(), plan_id=plan_id
    )
    options = {
        "p1-implant": ("Option 1: implant and crown", [("IMPL", "46"), ("CROWN", "46")]),
        "p1-bridge": ("Option 2: bridge 45-47", [("BRIDGE", "45-47")]),
        "p1-denture": ("Option 3: partial denture", [("DENT", "LJ")]),
    }
    for variant_id, (label, items) in options.items():
        dental.add_variant(plan_id, label, _DENTIST, variant_id=variant_id)
        dental.add_item(plan_id, variant_id, "EXT", "46", _DENTIST, item_id=f"{variant_id}-ext")
        for number, (code, where) in enumerate(items, start=1):
            dental.add_item(
                plan_id, variant_id, code, where, _DENTIST, item_id=f"{variant_id}-{number}"
            )
        dental.add_item(plan_id, variant_id, "FILL", "36 D", _DENTIST, item_id=f"{variant_id}-f")
    dental.present_plan(plan_id, _DENTIST)
    dental.accept_variant(plan_id, "p1-implant", _DESK)
    dental.record_consent(plan_id, _DESK)
    dental.record_item_done(plan_id, "p1-implant-ext", _DENTIST)


def _justified_removal(app: App) -> None:
    dental = app.dental
    dental.record_finding("pat-004", "17", "caries", _OSLO_DENTIST, surfaces="O")
    dental.record_finding("pat-004", "27", "caries", _OSLO_DENTIST, surfaces="MO")
    dental.record_finding("pat-004", "11", "fracture", _OSLO_DENTIST)
    plan_id, patient, site, practitioner, title = _PLANS[1]
    dental.create_plan(
        patient, site, practitioner, _OSLO_DENTIST, title=title, variant_labels=(), plan_id=plan_id
    )
    dental.add_variant(plan_id, "Recommended", _OSLO_DENTIST, variant_id="p2-main")
    for item_id, code, where in (
        ("p2-clean", "PCR", "mouth"),
        ("p2-fill-17", "FILL", "17 O"),
        ("p2-fill-27", "FILL", "27 MO"),
        ("p2-crown-11", "CROWN", "11"),
    ):
        dental.add_item(plan_id, "p2-main", code, where, _OSLO_DENTIST, item_id=item_id)
    plan = dental.present_plan(plan_id, _OSLO_DENTIST)
    dental.accept_variant(plan_id, "p2-main", _DESK)
    dental.record_consent(plan_id, _DESK)
    dental.remove_item(plan_id, "p2-crown-11", _REMOVAL, _OSLO_DENTIST)
    first = next(v for v in plan.variant("p2-main").visits if "p2-fill-17" in v.item_ids)
    start = app.clock.now().add(days=7)
    dental.visit_booked(plan_id, first.id, "apt-demo-1", start, _DESK)
    dental.record_item_done(plan_id, "p2-fill-17", _OSLO_DENTIST, appointment_id="apt-demo-1")


def _variants_table(plans: list[TreatmentPlan]) -> Table:
    title = "Treatment plans: " + "; ".join(
        f"{plan.id} of {plan.patient_id} is {plan.status.value}" for plan in plans
    )
    table = Table(title=title, title_justify="left")
    for column in ("plan", "variant", "state", "items", "visits", "total"):
        table.add_column(column)
    for plan in plans:
        for variant in plan.variants:
            totals = variant.totals(plan.currency)
            done = sum(1 for item in variant.items if item.status.value == "done")
            table.add_row(
                plan.id,
                variant.label,
                variant.status.value,
                f"{len(variant.live_items())} ({done} done)",
                str(len(variant.visits)),
                f"{plan.currency} {totals.amount.amount:,.2f}",
            )
    return table


def _audit_table(plan: TreatmentPlan) -> Table:
    table = Table(title=f"Audit trail of {plan.id} (append-only)", title_justify="left")
    for column in ("#", "who", "action", "item"):
        table.add_column(column)
    table.add_column("justification", overflow="fold")
    for entry in plan.audit:
        table.add_row(
            str(entry.seq),
            entry.actor_id,
            entry.action,
            entry.item_id or "",
            entry.justification or "",
        )
    return table


def _follow_ups(app: App) -> str:
    plans = app.dental.follow_ups()
    listed = ", ".join(f"{plan.id} ({plan.patient_id})" for plan in plans) or "none"
    return f"[bold]Follow-up needed[/] (open, no visit booked, no callback due): {listed}"


def _odontograms(app: App) -> list[str]:
    if app.engine is None or app.engine.url.get_backend_name() != "sqlite":
        return []
    database = app.engine.url.database
    if not database or database == ":memory:":
        return []
    folder = Path(database).resolve().parent
    written = []
    for plan_id, patient, *_ in _PLANS:
        name = f"odontogram-{patient}.svg"
        svg = app.dental.odontogram(patient, plan_id=plan_id)
        (folder / name).write_text(svg, encoding="utf-8")
        written.append(name)
    return written
