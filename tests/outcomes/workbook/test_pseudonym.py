"""Participant identifiers become keyed pseudonyms; identity numbers are normalised first."""

import hashlib
import hmac

import pytest

from outcomes.workbook.pseudonym import IdentifierError, normalise_identifier, pseudonym_for

KEY = b"k"


@pytest.mark.parametrize(
    "written",
    [
        "811228-9874",
        "8112289874",
        "19811228-9874",
        "198112289874",
        " 811228 - 9874 ",
        "811228+9874",
    ],
)
def test_every_way_of_writing_one_identity_number_gives_one_pseudonym(written):
    assert pseudonym_for(written, KEY) == pseudonym_for("811228-9874", KEY)


def test_the_pseudonym_is_the_hmac_sha256_of_the_ten_digit_form():
    expected = hmac.new(KEY, b"8112289874", hashlib.sha256).digest()
    assert pseudonym_for("19811228-9874", KEY) == expected


def test_another_key_gives_another_pseudonym():
    assert pseudonym_for("811228-9874", b"a") != pseudonym_for("811228-9874", b"b")


def test_a_coordination_number_is_accepted():
    # Samordningsnummer: day 12 + 60 = 72; Luhn of 121272121 gives check digit 9.
    assert normalise_identifier("19121272-1219") == "1212721219"


@pytest.mark.parametrize(
    ("written",         "reason"),
    [
        ("811228-9873",   "check digit is wrong"),
        ("198112289873",  "check digit is wrong"),
        ("19121272-1218", "check digit is wrong"),   # coordination number, wrong digit
        ("810229-1234",   "not a real date"),        # 1981 was not a leap year
        ("20991231-1234", "in the future"),
    ],
)  # fmt: skip
def test_a_value_that_looks_like_an_identity_number_must_be_one(written, reason):
    with pytest.raises(IdentifierError, match=reason) as caught:
        normalise_identifier(written)
    assert written.replace("-", "")[-4:] not in str(caught.value)


@pytest.mark.parametrize("other", ["p-81f3", "A-1024", "1234567890", "99999999"])
def test_other_identifiers_are_kept_as_written(other):
    assert normalise_identifier(other) == other


def test_an_empty_identifier_is_refused():
    with pytest.raises(IdentifierError, match="empty"):
        normalise_identifier("  ")
