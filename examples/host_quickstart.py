"""User story: a developer embeds clinicore in their practice-management system.

Run: python examples/host_quickstart.py

It wires clinicore to a SQLite file, registers a site, a practitioner and a patient,
records consent, splits a payment exactly, finds free time on a DST day, and shows how
bad input surfaces as one clear clinicore error.
"""

from __future__ import annotations

import datetime as _dt
import tempfile
from pathlib import Path

import pendulum
from moneyed import Money

from clinicore.bootstrap import Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.contact import ContactChannel, ContactPurpose
from clinicore.errors import ClinicoreError
from clinicore.intervals import TimeRange, TimeRangeSet
from clinicore.money import allocate
from clinicore.practitioners import Employment


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'clinic.sqlite'}"
        clock = FixedClock(pendulum.datetime(2026, 10, 23, 9, tz="Europe/Oslo"))
        with bootstrap(Config(database_url=database), clock=clock) as app:
            site = app.directory.register_site(
                name="Tannklinikken", jurisdiction="NO", site_id="oslo"
            )
            dentist = app.directory.register_practitioner(
                display_name="Dr. Lind",
                site_ids=[site.id],
                speciality="dentistry",
                employment=Employment.SELF_EMPLOYED,
            )
            patient = app.directory.register_patient(
                given_name="Kari",
                family_name="Nordmann",
                birth_date=_dt.date(1985, 2, 28),
                phone="412 34 567",
                phone_region="NO",
                locale="nb",
            )
            patient = app.directory.record_consent(
                patient.id, ContactChannel.SMS, ContactPurpose.RECALL, granted=True, source="portal"
            )
            print(f"site {site.id} in {site.timezone}, currency {site.currency}")
            print(f"practitioner {dentist.id}: {dentist.employment.value}")
            print(f"patient {patient!r}")  # personal data is masked

            # A payment split 70/30 between the doctor and the centre, exact to the øre.
            doctor, centre = allocate(Money("1234.57", "NOK"), [70, 30])
            print(f"split NOK 1234.57 -> doctor {doctor.amount}, centre {centre.amount}")

            # Free time on the day the clocks go back: 08:00-16:00 is still 8 real hours.
            day = pendulum.datetime(2026, 10, 25, tz=site.timezone)
            busy = TimeRangeSet([TimeRange(day.at(9), day.at(10, 30))])
            for free in busy.gaps(TimeRange(day.at(8), day.at(16))):
                start, end = free.in_zone(site.timezone)
                print(f"free {start:%H:%M}-{end:%H:%M} ({free.duration})")

            try:
                app.directory.register_patient(
                    given_name="Ola",
                    family_name="Nordmann",
                    birth_date=_dt.date(1990, 1, 1),
                    phone="12",
                )
            except ClinicoreError as error:
                print(f"refused: {type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
