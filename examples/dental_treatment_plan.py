"""User story: a dentist charts a patient, offers two treatment options and treats.

Run: python examples/dental_treatment_plan.py

It wires clinicore to a SQLite file, loads a plain price list, charts findings in FDI and
Universal notation, builds a plan with two variants (implant or bridge), presents it as a
signed snapshot, records the patient's choice and consent, turns the visits into booking
requests for scheduling, records the treatment, and writes the odontogram as SVG. Bad
input (a surface an incisor does not have, removing an item without a reason, treating
before consent) surfaces as one clear clinicore error each.
"""

from __future__ import annotations

import datetime as _dt
import io
import tempfile
from pathlib import Path

import pendulum

from clinicore.actors import Actor
from clinicore.billing import PriceList
from clinicore.bootstrap import Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.dental import Notation, Tooth, format_teeth, parse_teeth
from clinicore.errors import ClinicoreError

PRICES = """code,description,price,valid_from,valid_to
EXAM,Examination,45.00,2026-01-01,
EXT,Extraction,120.00,2026-01-01,
IMPL,Implant,1450.00,2026-01-01,
CROWN,Crown,780.00,2026-01-01,
BRIDGE,Bridge,1900.00,2026-01-01,
FILL,Composite filling,110.00,2026-01-01,
"""


def main() -> None:
    print("36 in Universal:", Tooth.parse("36", Notation.FDI).format(Notation.UNIVERSAL))
    print("UR3-UL3 in FDI:", format_teeth(parse_teeth("UR3-UL3", Notation.PALMER), Notation.FDI))
    dentist = Actor("dr-weber", frozenset({"dentist"}))
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'clinic.sqlite'}"
        clock = FixedClock(pendulum.datetime(2026, 11, 2, 9, tz="Europe/Berlin"))
        with bootstrap(Config(database_url=database), clock=clock) as app:
            app.directory.register_site(name="Praxis", jurisdiction="DE", site_id="berlin")
            app.directory.register_practitioner(
                display_name="Dr. Weber",
                site_ids=["berlin"],
                speciality="dentistry",
                practitioner_id="dr-weber",
            )
            app.directory.register_patient(
                given_name="Erika",
                family_name="Muster",
                birth_date=_dt.date(1975, 4, 1),
                patient_id="pat-1",
            )
            app.dental.set_fee_schedule(
                "berlin", PriceList.from_csv("berlin", "EUR", io.StringIO(PRICES))
            )

            app.dental.record_finding("pat-1", "46", "fracture", dentist)
            app.dental.record_finding(
                "pat-1", "3", "caries", dentist, surfaces="mo", notation=Notation.UNIVERSAL
            )
            try:
                app.dental.record_finding("pat-1", "11", "caries", dentist, surfaces="O")
            except ClinicoreError as error:
                print("refused:", error)

            plan = app.dental.create_plan(
                "pat-1",
                "berlin",
                "dr-weber",
                dentist,
                title="Replace 46",
                variant_labels=["Implant", "Bridge"],
                plan_id="plan-1",
            )
            implant, bridge = (variant.id for variant in plan.variants)
            app.dental.add_item("plan-1", implant, "EXT", "46", dentist, item_id="ext")
            app.dental.add_item("plan-1", implant, "IMPL", "46", dentist, item_id="impl")
            app.dental.add_item("plan-1", implant, "CROWN", "46", dentist, item_id="crown")
            app.dental.add_item("plan-1", implant, "FILL", "16 MO", dentist, item_id="fill")
            app.dental.add_item("plan-1", bridge, "EXT", "46", dentist, item_id="b-ext")
            app.dental.add_item("plan-1", bridge, "BRIDGE", "45-47", dentist, item_id="b-br")
            plan = app.dental.present_plan("plan-1", dentist)
            print(
                "snapshot", plan.snapshots[-1].hash[:16], "signed by", plan.snapshots[-1].signed_by
            )
            for variant_id, totals in app.dental.totals("plan-1").items():
                print(f"  {plan.variant(variant_id).label}: {totals.amount}")

            plan = app.dental.accept_variant("plan-1", implant, dentist)
            for request in app.dental.booking_requests("plan-1"):
                print("book", request.reference, request.duration, request.service_codes)
            try:
                app.dental.record_item_done("plan-1", "ext", dentist)
            except ClinicoreError as error:
                print("refused:", error)
            try:
                app.dental.remove_item("plan-1", "fill", "", dentist)
            except ClinicoreError as error:
                print("refused:", error)
            app.dental.record_consent("plan-1", dentist)
            for item_id in ("ext", "impl", "crown"):
                clock.advance(days=30)
                app.dental.record_item_done("plan-1", item_id, dentist)
            plan = app.dental.decline_item(
                "plan-1", "fill", "Patient will have it done after the holidays", dentist
            )
            print("plan status:", plan.status, "- audit entries:", len(plan.audit))
            print("46 now:", app.dental.chart("pat-1").of(Tooth(46)).describe(Tooth(46)))
            svg = app.dental.odontogram("pat-1", plan_id="plan-1")
            picture = Path(folder) / "odontogram.svg"
            picture.write_text(svg, encoding="utf-8")
            print("odontogram:", len(svg), "characters of SVG")
            assert plan.status.value == "closed"


if __name__ == "__main__":
    main()
