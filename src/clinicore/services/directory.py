"""Registering sites, practitioners and patients, and recording contact consent."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable

import attrs
import pendulum

from clinicore import jurisdictions
from clinicore.clock import Clock
from clinicore.contact import (
    ContactChannel,
    ContactConsents,
    ContactPurpose,
    EmailAddress,
    PhoneNumber,
)
from clinicore.errors import ValidationError
from clinicore.ids import IdSource, PatientId, PractitionerId, SiteId
from clinicore.patients import Coverage, Patient
from clinicore.ports import UnitOfWorkFactory
from clinicore.practitioners import Employment, Practitioner
from clinicore.sites import Site

__all__ = ["DirectoryService"]


class DirectoryService:
    """Who and where: the sites, practitioners and patients every other module refers to.

    Every method validates completely before it opens a unit of work, so bad input raises
    its `clinicore.errors` exception and nothing is stored.

    Args:
        uow_factory: opens units of work.
        clock: tells when consent was recorded.
        ids: makes ids for new aggregates when the caller gives none.

    """

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, ids: IdSource) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._ids = ids

    def register_site(
        self,
        *,
        name: str,
        jurisdiction: str,
        timezone: str | None = None,
        currency: str | None = None,
        subdivision: str | None = None,
        site_id: str | None = None,
    ) -> Site:
        """Store a new site; zone and currency default to the jurisdiction's.

        Raises:
            UnknownJurisdictionError: no pack for ``jurisdiction``.
            ValidationError: an invalid field or a subdivision the country does not have.
            ConflictError: ``site_id`` is taken.

        """
        pack = jurisdictions.get(jurisdiction)
        if subdivision is not None and subdivision.upper() not in pack.subdivisions:
            raise ValidationError(
                f"subdivision {subdivision!r} is not known for {pack.code}", field="subdivision"
            )
        site = Site(
            id=SiteId(site_id or self._ids.new_id()),
            name=name,
            timezone=timezone or pack.default_timezone,
            jurisdiction=pack.code,
            currency=currency or pack.currency,
            subdivision=subdivision,
        )
        with self._uow_factory() as uow:
            stored = uow.sites.add(site)
            uow.commit()
        return stored

    def register_practitioner(
        self,
        *,
        display_name: str,
        site_ids: Iterable[str],
        speciality: str,
        employment: Employment | str = Employment.EMPLOYED,
        practitioner_id: str | None = None,
    ) -> Practitioner:
        """Store a new practitioner working at existing sites.

        Raises:
            NotFoundError: one of ``site_ids`` does not exist.
            ValidationError: an invalid field.
            ConflictError: ``practitioner_id`` is taken.

        """
        practitioner = Practitioner(
            id=PractitionerId(practitioner_id or self._ids.new_id()),
            display_name=display_name,
            site_ids=frozenset(SiteId(site) for site in site_ids),
            speciality=speciality,
            employment=employment,
        )
        with self._uow_factory() as uow:
            for site in sorted(practitioner.site_ids):
                uow.sites.get(site)
            stored = uow.practitioners.add(practitioner)
            uow.commit()
        return stored

    def register_patient(
        self,
        *,
        given_name: str,
        family_name: str,
        birth_date: _dt.date,
        phone: str | PhoneNumber | None = None,
        phone_region: str | None = None,
        email: str | EmailAddress | None = None,
        locale: str = "en",
        vip: bool = False,
        coverage: Coverage | None = None,
        patient_id: str | None = None,
    ) -> Patient:
        """Store a new patient; ``phone`` may be national if ``phone_region`` is given.

        Raises:
            InvalidPhoneNumberError, InvalidEmailError, ValidationError: invalid input.
            ConflictError: ``patient_id`` is taken.

        """
        patient = Patient(
            id=PatientId(patient_id or self._ids.new_id()),
            given_name=given_name,
            family_name=family_name,
            birth_date=birth_date,
            phone=PhoneNumber.parse(phone, phone_region) if isinstance(phone, str) else phone,
            email=EmailAddress.parse(email) if isinstance(email, str) else email,
            locale=locale,
            vip=vip,
            coverage=coverage or Coverage(),
        )
        with self._uow_factory() as uow:
            stored = uow.patients.add(patient)
            uow.commit()
        return stored

    def record_consent(
        self,
        patient_id: str,
        channel: ContactChannel | str,
        purpose: ContactPurpose | str,
        *,
        granted: bool,
        source: str | None = None,
    ) -> Patient:
        """Record that the patient granted or refused contact on a channel for a purpose, now.

        Raises:
            NotFoundError: no such patient.
            ValidationError: an unknown channel or purpose.

        """
        return self._change_consents(
            patient_id,
            lambda consents, now: consents.record(channel, purpose, granted, now, source),
        )

    def withdraw_consent(
        self, patient_id: str, purpose: ContactPurpose | str, *, source: str | None = None
    ) -> Patient:
        """Withdraw consent for ``purpose`` on every channel, now.

        Raises:
            NotFoundError: no such patient.
            ValidationError: an unknown purpose.

        """
        return self._change_consents(
            patient_id, lambda consents, now: consents.withdraw(purpose, now, source)
        )

    def _change_consents(
        self,
        patient_id: str,
        change: Callable[[ContactConsents, pendulum.DateTime], ContactConsents],
    ) -> Patient:
        now = self._clock.now()
        with self._uow_factory() as uow:
            patient = uow.patients.get(PatientId(patient_id))
            consents = change(patient.consents, now)
            stored = uow.patients.update(attrs.evolve(patient, consents=consents))
            uow.commit()
        return stored
