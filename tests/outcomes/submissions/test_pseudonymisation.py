"""Personal identity numbers are replaced at parse time: never stored, logged or answered."""

import io
import logging
from datetime import date

import openpyxl
from sqlalchemy import select

from outcomes.submissions.models import ParticipantRecord, Submission
from sib.extensions import db
from tests.outcomes.submissions.workbooks import (
    BASE,
    GOOD_VALUES,
    PERSON_A,
    PERSON_B,
    PERSON_BAD,
    filled,
)

#: every way the numbers could leak: as written, without separators, 10 and 12 digits
FORMS = ("19121212-1212", "191212121212", "121212-1212", "1212121212",
         "811218-9876", "8112189876", "198112189876", "811218-9875", "8112189875")  # fmt: skip


def database_dump() -> str:
    """Every stored value as text, except the original files (see the test below)."""
    lines = []
    for table in db.metadata.sorted_tables:
        columns = [
            c for c in table.columns if not (table.name == "submissions" and c.name == "content")
        ]
        for row in db.session.execute(select(*columns)):
            lines.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(lines)


def leaks(text: str) -> list[str]:
    return [form for form in FORMS if form in text]


def test_no_identity_number_is_stored_logged_or_answered(client, template, upload, officer, caplog):
    caplog.set_level(logging.DEBUG)
    good = filled(template, GOOD_VALUES, [
        (PERSON_A, "EMP6", "2027", date(2027, 10, 2), "Alby"),
        (PERSON_B, "EMP6", "2027", date(2027, 11, 15), "Fittja"),
    ])  # fmt: skip
    bad = filled(template, [], [(PERSON_BAD, "EMP6", "2027", date(2027, 10, 2), "Alby")])

    answers = [upload(good, officer), upload(bad, officer)]
    rejected = answers[1].get_json()["submission"]
    answers += [
        client.get(f"{BASE}/submissions", headers=officer),
        client.get(f"{BASE}/submissions/{rejected}", headers=officer),
        client.get(f"{BASE}/outcomes", headers=officer),
    ]
    marked = client.get(f"{BASE}/submissions/{rejected}/errors.xlsx", headers=officer)

    assert answers[1].status_code == 422
    assert "check digit" in answers[1].get_data(as_text=True)
    assert leaks("\n".join(a.get_data(as_text=True) for a in answers)) == []
    assert leaks(caplog.text) == []
    assert leaks(database_dump()) == []
    book = openpyxl.load_workbook(io.BytesIO(marked.data))
    added = [str(c.value) for row in book["Errors"].iter_rows() for c in row]
    added += [book["Participants"]["A2"].comment.text]
    assert leaks("\n".join(added)) == []


def test_the_same_person_links_across_files_in_10_and_12_digit_form(template, upload, officer):
    upload(filled(template, [], [("19121212-1212", "EMP6", "2027", date(2027, 3, 1), "Alby")]),
           officer)  # fmt: skip
    upload(
        filled(template, [], [("1212121212", "EMP6", "2028", date(2028, 3, 1), "Alby")]), officer
    )

    pseudonyms = list(db.session.scalars(select(ParticipantRecord.pseudonym)))

    assert len(pseudonyms) == 2
    assert pseudonyms[0] == pseudonyms[1]
    assert len(pseudonyms[0]) == 64


def test_the_original_file_is_kept_exactly_as_uploaded(good_file, upload, officer):
    # Kept for auditors and the annotated copy; it is the officer's own workbook, served only
    # to roles that read submissions of the contract (see docs/outcomes.md).
    upload(good_file, officer)

    assert db.session.scalar(select(Submission.content)) == good_file
