"""The demo clinic: two sites (Berlin, Oslo), their practitioners and patients."""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections.abc import Iterator

import attrs

from clinicore.bootstrap import App, Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.contact import ContactChannel, ContactPurpose
from clinicore.ids import SequentialIdSource
from clinicore.patients import Coverage, CoverageKind
from clinicore.practitioners import Employment

__all__ = ["PATIENTS", "PRACTITIONERS", "SITES", "scratch_clinic", "seed"]


@attrs.frozen
class _SiteSeed:
    id: str
    name: str
    jurisdiction: str
    subdivision: str | None


@attrs.frozen
class _PractitionerSeed:
    id: str
    display_name: str
    site_ids: tuple[str, ...]
    speciality: str
    employment: Employment


@attrs.frozen
class _PatientSeed:
    id: str
    given_name: str
    family_name: str
    birth_date: _dt.date
    phone: str
    locale: str
    coverage: Coverage
    vip: bool = False
    recall_consent: bool = False


SITES = (
    _SiteSeed("berlin", "Zahnarztpraxis Berlin-Mitte", "DE", "BE"),
    _SiteSeed("oslo", "Tannklinikken Oslo sentrum", "NO", None),
)

PRACTITIONERS = (
    _PractitionerSeed(
        "dr-weber", "Dr. Anna Weber", ("berlin",), "dentistry", Employment.SELF_EMPLOYED
    ),
    _PractitionerSeed(
        "dr-kaya", "Dr. Deniz Kaya", ("berlin",), "oral_surgery", Employment.EMPLOYED
    ),
    _PractitionerSeed("dr-lind", "Dr. Ola Lind", ("oslo",), "dentistry", Employment.SELF_EMPLOYED),
    _PractitionerSeed(
        "hyg-berg", "Ingrid Berg", ("oslo", "berlin"), "hygiene", Employment.EMPLOYED
    ),
)

_AOK = Coverage(CoverageKind.STATUTORY, insurer_id="IK-108310400", member_number="A123456789")
_HELFO = Coverage(CoverageKind.STATUTORY, insurer_id="HELFO")

PATIENTS = (
    _PatientSeed(
        "pat-001",
        "Jonas",
        "Becker",
        _dt.date(1978, 3, 14),
        "+4915123456701",
        "de",
        Coverage(),
        vip=True,
        recall_consent=True,
    ),
    _PatientSeed("pat-002", "Lea", "Schmidt", _dt.date(2016, 9, 2), "+4915123456702", "de", _AOK),
    _PatientSeed(
        "pat-003",
        "Zsófia",
        "Nagy",
        _dt.date(1990, 12, 24),
        "+36201234503",
        "hu",
        Coverage(),
        recall_consent=True,
    ),
    _PatientSeed(
        "pat-004",
        "Kari",
        "Nordmann",
        _dt.date(1985, 2, 28),
        "+4741234504",
        "nb",
        _HELFO,
        recall_consent=True,
    ),
    _PatientSeed("pat-005", "Sindre", "Haugen", _dt.date(1962, 7, 7), "+4741234505", "nb", _HELFO),
    _PatientSeed(
        "pat-006",
        "Dewi",
        "Sari",
        _dt.date(1995, 5, 5),
        "+6281234567806",
        "id",
        Coverage(),
        vip=True,
    ),
)


def seed(app: App) -> None:
    """Store whatever of the demo clinic is not stored yet (safe to run again)."""
    directory = app.directory
    with app.uow_factory() as uow:
        have_sites = {site.id for site in uow.sites.list_all()}
        have_practitioners = {p.id for p in uow.practitioners.list_all()}
        have_patients = {p.id for p in uow.patients.list_page(limit=1000)}
    for site in SITES:
        if site.id not in have_sites:
            directory.register_site(
                site_id=site.id,
                name=site.name,
                jurisdiction=site.jurisdiction,
                subdivision=site.subdivision,
            )
    for practitioner in PRACTITIONERS:
        if practitioner.id not in have_practitioners:
            directory.register_practitioner(
                practitioner_id=practitioner.id,
                display_name=practitioner.display_name,
                site_ids=practitioner.site_ids,
                speciality=practitioner.speciality,
                employment=practitioner.employment,
            )
    for patient in PATIENTS:
        if patient.id in have_patients:
            continue
        directory.register_patient(
            patient_id=patient.id,
            given_name=patient.given_name,
            family_name=patient.family_name,
            birth_date=patient.birth_date,
            phone=patient.phone,
            locale=patient.locale,
            coverage=patient.coverage,
            vip=patient.vip,
        )
        directory.record_consent(
            patient.id,
            ContactChannel.SMS,
            ContactPurpose.APPOINTMENT_REMINDER,
            granted=True,
            source="registration form",
        )
        if patient.recall_consent:
            directory.record_consent(
                patient.id,
                ContactChannel.SMS,
                ContactPurpose.RECALL,
                granted=True,
                source="registration form",
            )


@contextlib.contextmanager
def scratch_clinic(clock: FixedClock, id_prefix: str) -> Iterator[App]:
    """A fresh copy of the demo clinic in an in-memory SQLite database.

    For sections whose records are append-only or sent exactly once (the stock ledger, the
    reminder outbox): a second run on the demo database could not replay the same week, so
    they simulate in a scratch copy and every run prints the same report.
    """
    with bootstrap(
        Config(database_url="sqlite://", notifier="recording"),
        clock=clock,
        ids=SequentialIdSource(id_prefix),
    ) as scratch:
        seed(scratch)
        yield scratch
