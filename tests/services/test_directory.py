"""The directory service: sites, practitioners, patients and contact consent (SCH-1, REM-3).

Every test runs against the in-memory and the SQLite unit of work. Bad input raises its
`clinicore.errors` exception, names the offending value (never personal data) and stores
nothing.
"""

from __future__ import annotations

import datetime as _dt

import pytest

from clinicore.clock import FixedClock
from clinicore.contact import (
    ConsentStatus,
    ContactChannel,
    ContactPurpose,
    EmailAddress,
    PhoneNumber,
)
from clinicore.errors import (
    ConflictError,
    InvalidEmailError,
    InvalidPhoneNumberError,
    NotFoundError,
    UnknownJurisdictionError,
    UnknownTimeZoneError,
    ValidationError,
)
from clinicore.ids import PatientId, SequentialIdSource, SiteId
from clinicore.patients import Coverage, CoverageKind, Patient
from clinicore.ports import UnitOfWorkFactory
from clinicore.practitioners import Employment
from clinicore.services import DirectoryService

BIRTH = _dt.date(1985, 2, 28)


@pytest.fixture(params=["memory", "sqlite"])
def uow_factory(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    factory: UnitOfWorkFactory = request.getfixturevalue(f"{request.param}_uow_factory")
    return factory


@pytest.fixture
def directory(
    uow_factory: UnitOfWorkFactory, fixed_clock: FixedClock, sequential_ids: SequentialIdSource
) -> DirectoryService:
    return DirectoryService(uow_factory, fixed_clock, sequential_ids)


def _site_count(uow_factory: UnitOfWorkFactory) -> int:
    with uow_factory() as uow:
        return len(uow.sites.list_all())


def _patient_count(uow_factory: UnitOfWorkFactory) -> int:
    with uow_factory() as uow:
        return uow.patients.count()


def _a_patient(directory: DirectoryService, **overrides: object) -> Patient:
    fields: dict[str, object] = {
        "given_name": "Kari",
        "family_name": "Nordmann",
        "birth_date": BIRTH,
        "phone": "+47 412 34 567",
    }
    fields.update(overrides)
    return directory.register_patient(**fields)  # type: ignore[arg-type]


# -- sites -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("jurisdiction", "zone", "currency"),
    [
        ("NO", "Europe/Oslo", "NOK"),
        ("de", "Europe/Berlin", "EUR"),
        ("HU", "Europe/Budapest", "HUF"),
    ],
)
def test_a_site_takes_zone_and_currency_from_its_jurisdiction(
    directory: DirectoryService,
    uow_factory: UnitOfWorkFactory,
    jurisdiction: str,
    zone: str,
    currency: str,
) -> None:
    site = directory.register_site(name="Sentrum", jurisdiction=jurisdiction)
    assert (site.timezone, site.currency, site.jurisdiction) == (
        zone,
        currency,
        jurisdiction.upper(),
    )
    assert site.version == 1
    with uow_factory() as uow:
        assert uow.sites.get(site.id) == site


def test_a_site_gets_a_new_id_unless_given_one(directory: DirectoryService) -> None:
    made = directory.register_site(name="Sentrum", jurisdiction="NO")
    assert made.id == "id-000001"
    named = directory.register_site(name="Mitte", jurisdiction="DE", site_id="berlin")
    assert named.id == "berlin"


def test_explicit_zone_currency_and_subdivision_win(directory: DirectoryService) -> None:
    site = directory.register_site(
        name="Praxis München",
        jurisdiction="DE",
        timezone="Europe/Vienna",
        currency="chf",
        subdivision="by",
    )
    assert (site.timezone, site.currency, site.subdivision) == ("Europe/Vienna", "CHF", "BY")


def test_an_unknown_jurisdiction_stores_nothing(
    directory: DirectoryService, uow_factory: UnitOfWorkFactory
) -> None:
    with pytest.raises(UnknownJurisdictionError, match="'XX'") as raised:
        directory.register_site(name="Nowhere", jurisdiction="XX")
    assert "DE" in str(raised.value)
    assert _site_count(uow_factory) == 0


def test_an_unknown_subdivision_is_a_validation_error_and_stores_nothing(
    directory: DirectoryService, uow_factory: UnitOfWorkFactory
) -> None:
    with pytest.raises(ValidationError, match="'ZZ'") as raised:
        directory.register_site(name="Mitte", jurisdiction="DE", subdivision="ZZ")
    assert raised.value.field == "subdivision"
    with pytest.raises(ValidationError, match="'BY'"):
        directory.register_site(name="Sentrum", jurisdiction="NO", subdivision="BY")
    assert _site_count(uow_factory) == 0


def test_an_unknown_zone_stores_nothing(
    directory: DirectoryService, uow_factory: UnitOfWorkFactory
) -> None:
    with pytest.raises(UnknownTimeZoneError, match="Europe/Atlantis"):
        directory.register_site(name="Sentrum", jurisdiction="NO", timezone="Europe/Atlantis")
    assert _site_count(uow_factory) == 0


def test_a_taken_site_id_conflicts_and_keeps_the_first(
    directory: DirectoryService, uow_factory: UnitOfWorkFactory
) -> None:
    first = directory.register_site(name="Sentrum", jurisdiction="NO", site_id="oslo")
    with pytest.raises(ConflictError, match="oslo"):
        directory.register_site(name="Other", jurisdiction="NO", site_id="oslo")
    with uow_factory() as uow:
        assert uow.sites.list_all() == [first]


# -- practitioners ---------------------------------------------------------------------------------
def test_a_practitioner_works_at_existing_sites(
    directory: DirectoryService, uow_factory: UnitOfWorkFactory
) -> None:
    directory.register_site(name="Sentrum", jurisdiction="NO", site_id="oslo")
    directory.register_site(name="Mitte", jurisdiction="DE", site_id="berlin")
    practitioner = directory.register_practitioner(
        display_name="Ingrid Berg",
        site_ids=["oslo", "berlin"],
        speciality="hygiene",
        employment="self_employed",
    )
    assert practitioner.site_ids == frozenset({SiteId("oslo"), SiteId("berlin")})
    assert practitioner.employment is Employment.SELF_EMPLOYED
    with uow_factory() as uow:
        assert uow.practitioners.list_all(site_id=SiteId("oslo")) == [practitioner]


def test_a_practitioner_at_an_unknown_site_is_not_found_and_not_stored(
    directory: DirectoryService, uow_factory: UnitOfWorkFactory
) -> None:
    directory.register_site(name="Sentrum", jurisdiction="NO", site_id="oslo")
    with pytest.raises(NotFoundError, match="tromso") as raised:
        directory.register_practitioner(
            display_name="Ola Lind", site_ids=["oslo", "tromso"], speciality="dentistry"
        )
    assert raised.value.key == "tromso"
    assert "Ola" not in str(raised.value)
    with uow_factory() as uow:
        assert uow.practitioners.list_all() == []


def test_a_practitioner_without_sites_is_a_validation_error(
    directory: DirectoryService, uow_factory: UnitOfWorkFactory
) -> None:
    with pytest.raises(ValidationError, match="site"):
        directory.register_practitioner(display_name="Ola Lind", site_ids=[], speciality="x")
    with uow_factory() as uow:
        assert uow.practitioners.list_all() == []


def test_an_unknown_employment_is_a_validation_error_naming_it(
    directory: DirectoryService,
) -> None:
    directory.register_site(name="Sentrum", jurisdiction="NO", site_id="oslo")
    with pytest.raises(ValidationError, match="freelance"):
        directory.register_practitioner(
            display_name="Ola Lind", site_ids=["oslo"], speciality="x", employment="freelance"
        )


# -- patients --------------------------------------------------------------------------------------
def test_a_national_phone_number_is_read_in_the_given_region(
    directory: DirectoryService, uow_factory: UnitOfWorkFactory
) -> None:
    patient = _a_patient(directory, phone="0151 2345 6789", phone_region="DE", locale="de")
    assert patient.phone == PhoneNumber("+4915123456789")
    with uow_factory() as uow:
        assert uow.patients.get(patient.id) == patient


def test_an_international_phone_number_needs_no_region(directory: DirectoryService) -> None:
    patient = _a_patient(directory, phone="+47 412 34 567")
    assert patient.phone is not None
    assert patient.phone.e164 == "+4741234567"


def test_a_patient_with_every_field(directory: DirectoryService) -> None:
    coverage = Coverage(CoverageKind.STATUTORY, insurer_id="HELFO")
    patient = _a_patient(
        directory,
        email="Kari.Nordmann@Example.NO",
        locale="nb",
        vip=True,
        coverage=coverage,
        patient_id="pat-kari",
    )
    assert patient.id == PatientId("pat-kari")
    assert patient.email == EmailAddress("Kari.Nordmann@example.no")
    assert (patient.locale, patient.vip, patient.coverage) == ("nb", True, coverage)


def test_phone_and_email_objects_are_taken_as_they_are(directory: DirectoryService) -> None:
    phone, email = PhoneNumber("+4741234567"), EmailAddress("kari@example.no")
    patient = _a_patient(directory, phone=phone, email=email)
    assert (patient.phone, patient.email) == (phone, email)


@pytest.mark.parametrize(
    ("typed", "region", "digits"),
    [
        ("0151 2345", "DE", "01512345"),  # too short to be a German mobile number
        ("0151 2345 6789", None, "015123456789"),  # national form without a region
        ("+47 999 999 999 999", None, "47999999999999"),
        ("call me maybe", "NO", ""),
    ],
)
def test_an_invalid_phone_number_is_refused_without_showing_it(
    directory: DirectoryService,
    uow_factory: UnitOfWorkFactory,
    typed: str,
    region: str | None,
    digits: str,
) -> None:
    with pytest.raises(InvalidPhoneNumberError) as raised:
        _a_patient(directory, phone=typed, phone_region=region)
    message = str(raised.value)
    assert typed not in message
    compact = "".join(char for char in message if char.isdigit())
    if digits:
        assert digits not in compact
        assert digits[1:-2] not in compact  # the masked middle really is masked
    assert "Kari" not in message
    assert "Nordmann" not in message
    assert raised.value.field == "phone"
    assert _patient_count(uow_factory) == 0


@pytest.mark.parametrize("typed", ["kari.nordmann@@example.no", "kari.nordmann", "kari@", "@x.no"])
def test_an_invalid_email_is_refused_masked(
    directory: DirectoryService, uow_factory: UnitOfWorkFactory, typed: str
) -> None:
    with pytest.raises(InvalidEmailError) as raised:
        _a_patient(directory, email=typed)
    message = str(raised.value)
    assert typed not in message
    assert "kari.nordmann" not in message
    assert "Nordmann" not in message
    assert _patient_count(uow_factory) == 0


def test_invalid_patient_fields_store_nothing(
    directory: DirectoryService, uow_factory: UnitOfWorkFactory
) -> None:
    with pytest.raises(ValidationError):
        _a_patient(directory, given_name="")
    with pytest.raises(ValidationError):
        _a_patient(directory, birth_date=_dt.datetime(1985, 2, 28, tzinfo=_dt.UTC))
    with pytest.raises(ValidationError, match="xx_YY_ZZ"):
        _a_patient(directory, locale="xx_YY_ZZ")
    assert _patient_count(uow_factory) == 0


def test_a_taken_patient_id_conflicts_and_keeps_the_first(
    directory: DirectoryService, uow_factory: UnitOfWorkFactory
) -> None:
    first = _a_patient(directory, patient_id="pat-1")
    with pytest.raises(ConflictError, match="pat-1") as raised:
        _a_patient(directory, patient_id="pat-1", given_name="Other")
    assert "Other" not in str(raised.value)
    with uow_factory() as uow:
        assert uow.patients.get(PatientId("pat-1")) == first


# -- consent ---------------------------------------------------------------------------------------
def test_consent_is_recorded_at_the_clocks_time(
    directory: DirectoryService, fixed_clock: FixedClock, uow_factory: UnitOfWorkFactory
) -> None:
    patient = _a_patient(directory)
    stored = directory.record_consent(
        patient.id, ContactChannel.SMS, ContactPurpose.RECALL, granted=True, source="portal"
    )
    (record,) = stored.consents.records
    assert record.recorded_at == fixed_clock.now()
    assert record.source == "portal"
    assert stored.consents.status(ContactChannel.SMS, ContactPurpose.RECALL) is (
        ConsentStatus.GRANTED
    )
    assert stored.version == 2
    with uow_factory() as uow:
        assert uow.patients.get(patient.id) == stored


def test_consent_accepts_channel_and_purpose_by_name(directory: DirectoryService) -> None:
    patient = _a_patient(directory)
    stored = directory.record_consent(patient.id, "email", "billing", granted=False)
    assert stored.consents.status(ContactChannel.EMAIL, ContactPurpose.BILLING) is (
        ConsentStatus.WITHDRAWN
    )


def test_withdrawal_stops_every_channel_for_the_purpose_only(
    directory: DirectoryService, fixed_clock: FixedClock
) -> None:
    """UWG (Germany): withdrawing recall consent stops recall on every channel."""
    patient = _a_patient(directory)
    for channel in (ContactChannel.SMS, ContactChannel.EMAIL, ContactChannel.PHONE):
        directory.record_consent(patient.id, channel, ContactPurpose.RECALL, granted=True)
    directory.record_consent(
        patient.id, ContactChannel.SMS, ContactPurpose.APPOINTMENT_REMINDER, granted=True
    )
    granted_at = fixed_clock.now()
    fixed_clock.advance(days=3)
    stored = directory.withdraw_consent(patient.id, "recall", source="phone call")

    for channel in ContactChannel:
        assert stored.consents.status(channel, ContactPurpose.RECALL) is ConsentStatus.WITHDRAWN
    assert stored.consents.status(ContactChannel.SMS, ContactPurpose.APPOINTMENT_REMINDER) is (
        ConsentStatus.GRANTED
    )
    # The history still tells what was allowed before the withdrawal.
    assert stored.consents.status(ContactChannel.SMS, ContactPurpose.RECALL, at=granted_at) is (
        ConsentStatus.GRANTED
    )
    withdrawals = [r for r in stored.consents.records if not r.granted]
    assert {r.channel for r in withdrawals} == set(ContactChannel)
    assert all(r.recorded_at == fixed_clock.now() for r in withdrawals)
    assert all(r.source == "phone call" for r in withdrawals)


def test_consent_for_an_unknown_patient_is_not_found(directory: DirectoryService) -> None:
    with pytest.raises(NotFoundError, match="pat-missing"):
        directory.record_consent("pat-missing", "sms", "recall", granted=True)
    with pytest.raises(NotFoundError, match="pat-missing"):
        directory.withdraw_consent("pat-missing", "recall")


def test_an_unknown_channel_or_purpose_changes_nothing(
    directory: DirectoryService, uow_factory: UnitOfWorkFactory
) -> None:
    patient = _a_patient(directory)
    with pytest.raises(ValidationError, match="pigeon"):
        directory.record_consent(patient.id, "pigeon", "recall", granted=True)
    with pytest.raises(ValidationError, match="marketing"):
        directory.record_consent(patient.id, "sms", "marketing", granted=True)
    with pytest.raises(ValidationError, match="marketing"):
        directory.withdraw_consent(patient.id, "marketing")
    with uow_factory() as uow:
        assert uow.patients.get(patient.id) == patient
