"""Identity numbers in free text are found in every written form and masked; others are kept."""

import pytest

from outcomes.workbook.identity import count_in, mask_sheet_name, mask_text


@pytest.mark.parametrize(
    ("written",                                   "kept"),
    [
        ("Ringde 19121212-1212 i oktober",        "Ringde *** i oktober"),
        ("811218-9876",                           "***"),
        ("8112189876",                            "***"),
        ("198112189876",                          "***"),
        ("19121212+1212",                         "***"),  # over 100 years old: a plus
        ("121212 1212",                           "***"),
        ("121212–1212",                           "***"),  # an en dash from a word processor
        ("811278-9874",                           "***"),  # coordination number: day + 60
        ("811218-9875",                           "***"),  # wrong check digit: still a person's
        ("pnr=191212121212&x=1",                  "pnr=***&x=1"),
        ("Org.nr 556036-0793",                    "Org.nr 556036-0793"),  # no month 60
        ("Order 12345, 57.5 %",                   "Order 12345, 57.5 %"),
        ("12345678901234",                        "12345678901234"),  # 14 digits: no number
        ("251212121212",                          "251212121212"),    # century 25: no number
    ],
)  # fmt: skip
def test_identity_numbers_are_masked_and_other_numbers_kept(written, kept):
    assert mask_text(written) == kept
    assert count_in(written) == (written != kept)


def test_a_masked_sheet_name_is_still_a_valid_sheet_name():
    assert mask_sheet_name("Ringd 811218-9876") == "Ringd ###"
