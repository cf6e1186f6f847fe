"""Personal identity numbers are replaced at parse time: never stored, logged or answered."""

import hashlib
import io
import logging
import zipfile
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
    """Every stored value of every column as text; a stored workbook as the text of its parts."""
    lines = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(*table.columns)):
            lines.append(f"{table.name}: {tuple(row)!r}")
            lines += [archive_text(value) for value in row if isinstance(value, bytes)]
    return "\n".join(lines)


def archive_text(data: bytes) -> str:
    """Every part of an .xlsx (a zip) decompressed, as text; other bytes as they are."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return data.decode("latin-1")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
        )


def every_cell_and_comment(book) -> str:
    """The text of every cell and every comment of every sheet."""
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                texts.append(str(cell.value))
                if cell.comment is not None:
                    texts.append(cell.comment.text)
    return "\n".join(texts)


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
    assert leaks(archive_text(marked.data)) == []


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


def test_of_a_file_only_its_digest_name_and_size_are_kept(good_file, upload, officer):
    # The officer keeps the original; these say which file it was.
    upload(good_file, officer, name="outcomes-2027.xlsx")

    submission = db.session.scalar(select(Submission))

    assert submission.sha256 == hashlib.sha256(good_file).hexdigest()
    assert (submission.file_name, submission.size) == ("outcomes-2027.xlsx", len(good_file))
    assert submission.errors_workbook is None
    assert not hasattr(Submission, "content")


def rejected_with_identity_numbers(template) -> bytes:
    """Participant ids as text, as a number and with a bad check digit; one in a comment too."""
    values = [("SAFE", "2027", None, 57.5, f"Includes {PERSON_B}, who moved in May")]
    return filled(template, values, [
        (PERSON_A, "EMP6", "2027", date(2027, 10, 2), "Alby"),
        (8112189876, "EMP6", "2027", date(2027, 11, 15), "Fittja"),
        (PERSON_BAD, "EMP6", "2027", date(2027, 10, 2), "Alby"),
    ])  # fmt: skip


def test_the_errors_workbook_holds_no_identity_number_in_any_cell_or_comment(
    client, template, upload, officer
):
    problem = upload(rejected_with_identity_numbers(template), officer).get_json()

    marked = client.get(problem["errors_workbook"], headers=officer)

    assert marked.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(marked.data))
    assert leaks(every_cell_and_comment(book)) == []
    assert leaks(archive_text(marked.data)) == []  # nor in any part openpyxl does not show
    assert leaks(database_dump()) == []


def test_each_participant_id_is_replaced_by_its_row_and_the_bad_one_stays_marked(
    client, template, upload, officer
):
    problem = upload(rejected_with_identity_numbers(template), officer).get_json()

    book = openpyxl.load_workbook(io.BytesIO(client.get(problem["errors_workbook"],
                                                        headers=officer).data))  # fmt: skip

    participants = book["Participants"]
    assert [participants[f"A{row}"].value for row in (1, 2, 3, 4)] == [
        "Participant id / Deltagar-id", "*** (rad/row 2)", "*** (rad/row 3)", "*** (rad/row 4)",
    ]  # fmt: skip
    bad = participants["A4"]
    assert bad.fill.fgColor.rgb == "FFFFC7CE"
    assert "check digit is wrong" in bad.comment.text
    assert participants["A2"].comment is None
    assert book["Values"]["G2"].value == "Includes ***, who moved in May"
    assert book.sheetnames[0] == "Errors"
    assert problem["errors"][0]["path"] == "Participants!A4"
