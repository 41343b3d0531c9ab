"""Personal data never appears in repr(), str() or exception messages (handbook: Privacy)."""

from __future__ import annotations

import datetime as _dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinicore.contact import EmailAddress, PhoneNumber
from clinicore.errors import InvalidEmailError, InvalidPhoneNumberError, ValidationError
from clinicore.ids import PatientId
from clinicore.messages import OutboundMessage
from clinicore.patients import Patient
from clinicore.privacy import mask_email, mask_phone, mask_text
from clinicore.testing import strategies as cst

# Names that cannot occur by accident in a repr's field names or enum values.
sentinel_names = st.from_regex(r"Zq[a-z]{6}", fullmatch=True)


@given(cst.patients(), sentinel_names, sentinel_names, cst.phone_numbers(), sentinel_names)
def test_a_patient_repr_shows_no_personal_data(
    patient: Patient, given_name: str, family_name: str, phone: PhoneNumber, mailbox: str
) -> None:
    email = EmailAddress(f"{mailbox}@example.org")
    patient = attrs.evolve(
        patient, given_name=given_name, family_name=family_name, phone=phone, email=email
    )
    shown = repr(patient) + str(patient)
    for secret in (
        given_name,
        family_name,
        phone.e164,
        phone.e164[1:],
        email.address,
        mailbox[1:],
        patient.birth_date.isoformat(),
        repr(patient.birth_date),
    ):
        assert secret not in shown


@given(cst.phone_numbers(), cst.email_addresses())
def test_contact_values_print_masked(phone: PhoneNumber, email: EmailAddress) -> None:
    for shown in (repr(phone), str(phone), f"{phone}"):
        assert phone.e164 not in shown
    for shown in (repr(email), str(email)):
        assert email.address not in shown


def test_an_invalid_phone_number_is_named_only_masked() -> None:
    with pytest.raises(InvalidPhoneNumberError) as raised:
        PhoneNumber.parse("+49 30 1234 56789 0123 4567", region="DE")
    assert "1234567890" not in str(raised.value).replace(" ", "")
    assert "+49" in str(raised.value)  # enough to see which number is meant


def test_an_invalid_email_is_named_only_masked() -> None:
    with pytest.raises(InvalidEmailError) as raised:
        EmailAddress("jane.doe@@example.org")
    assert "jane.doe" not in str(raised.value)


def test_a_bad_name_error_does_not_repeat_the_name() -> None:
    with pytest.raises(ValidationError) as raised:
        Patient(
            id=PatientId("p1"),
            given_name="Zqsecret\x00",
            family_name="X",
            birth_date=_dt.date(1990, 1, 1),
        )
    assert "Zqsecret" not in str(raised.value)


def test_message_bodies_and_addresses_are_masked() -> None:
    message = OutboundMessage(
        "k1", "sms", to="+4741234567", body="Zqbody text", subject="Zqsubject"
    )
    assert "Zq" not in repr(message)
    assert "41234567" not in repr(message)


@pytest.mark.parametrize(
    ("value", "masked"),
    [("+4741234567", "+47••••••67"), ("0151", "•••"), ("4915123", "4••••23")],
)
def test_mask_phone(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


def test_mask_email_and_text() -> None:
    assert mask_email("a@b.no") == "a•••@b.no"
    assert mask_email("not-an-address") == "•••"
    assert mask_text("anything") == "•••"
