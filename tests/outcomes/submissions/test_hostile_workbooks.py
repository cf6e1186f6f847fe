"""Bad and hostile workbooks built from the downloaded template, uploaded through the API.

None gives a server error or crashes the worker; each refusal is a 4xx problem+json naming
its sheet (and cell or row); a refused file stores nothing; no identity number reaches an
answer, a stored column or errors.xlsx.
"""

import io
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from outcomes.submissions.models import OutcomeRecord, Submission
from sib.extensions import db
from tests.outcomes.submissions.test_pseudonymisation import database_dump
from tests.outcomes.submissions.workbooks import BASE, PROBLEM
from tests.outcomes.workbook import hostile
from tests.outcomes.workbook.hostile import archive_text, leaks

CASES = {
    # case:                     (builder,                   status, path,                 says)
    "number in XFD1048576":     (hostile.far_cell,                  422, "Values!XFD1048576",   "column XFD is past AMJ, the last of the 1,024 columns"),  # noqa: E501
    "far cell, other sheet":    (hostile.far_cell_on_instructions,  422, "Instructions!XFD5",   "uses cells up to XFD5; column XFD is past AMJ"),  # noqa: E501
    "declared A1:XFD1048576":   (hostile.declared_dimension,        422, "Values!XFD1048576",   "declares its used range as A1:XFD1048576"),  # noqa: E501
    "cells without places":     (hostile.cells_without_places,      422, "Values!AMK2000",      "uses cells up to AMK2000"),  # noqa: E501
    "hidden Values sheet":      (hostile.hidden_values,             422, "Values",              "the sheet is hidden"),  # noqa: E501
    "second Values sheet":      (hostile.second_values,             422, "Värden",              "a second Values sheet besides Values"),  # noqa: E501
    "renamed Participants":     (hostile.renamed_participants,      422, "'Deltagare 2027'",    "not named Participants (Deltagare)"),  # noqa: E501
    "merged value cells":       (hostile.merged_value_cells,        422, "Values!F2",           "cells F2:F3 are merged"),  # noqa: E501
    "DDE and HYPERLINK":        (hostile.live_formulas,             422, "Values!F2",           "formula whose result was not saved"),  # noqa: E501
    "number in a hyperlink":    (hostile.number_in_hyperlink,       422, "Values!F3",           '"140" is over 100'),  # noqa: E501
    "number in a sheet name":   (hostile.number_in_sheet_name,      422, "Values!F3",           '"140" is over 100'),  # noqa: E501
    "number in the properties": (hostile.number_in_document_properties, 422, "Values!F3",       '"140" is over 100'),  # noqa: E501
    "number in a header":       (hostile.number_in_a_header,        422, "Values!F3",           "column Value (***)"),  # noqa: E501
    "number as a value":        (hostile.number_in_a_bad_value,     422, "Values!F2",           "(identity number, not shown)"),  # noqa: E501
    "number in comments":       (hostile.number_in_comments,        201, None,                  None),  # noqa: E501
    "a notes sheet":            (hostile.notes_sheet,               201, None,                  None),  # noqa: E501
}  # fmt: skip


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Submission))


@pytest.mark.parametrize(("build", "status", "path", "says"), CASES.values(), ids=CASES)
def test_a_hostile_workbook_gets_a_clear_answer_and_leaks_nothing(
    client, template, upload, officer, build, status, path, says
):
    response = upload(build(template), officer)
    text = response.get_data(as_text=True)

    assert response.status_code == status, text
    answers = [text]
    if status >= 400:
        body = response.get_json()
        assert response.mimetype == PROBLEM
        assert any(e["path"] == path and says in e["message"] for e in body["errors"]), body[
            "errors"
        ]
        if "submission" in body:  # rejected: the record and its errors copy, nothing else
            marked = client.get(body["errors_workbook"], headers=officer)
            assert marked.status_code == 200
            answers.append(archive_text(marked.data))
            assert db.session.scalar(select(func.count()).select_from(OutcomeRecord)) == 0
        else:  # refused whole: nothing at all
            assert stored() == 0
    answers.append(client.get(f"{BASE}/submissions", headers=officer).get_data(as_text=True))
    answers.append(client.get(f"{BASE}/outcomes", headers=officer).get_data(as_text=True))
    assert leaks("\n".join(answers)) == []
    assert leaks(database_dump()) == []


def test_a_far_cell_is_refused_before_any_reader_allocates(template, upload, officer):
    # Reading this with calamine aborts the process (it asks for 550 GB): reaching the answer
    # at all is the test. Nothing is stored.
    response = upload(hostile.far_cell(template), officer)

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["path"] == "Values!XFD1048576"
    assert stored() == 0


def errors_copy(client, body, officer) -> openpyxl.Workbook:
    marked = client.get(body["errors_workbook"], headers=officer)
    return openpyxl.load_workbook(io.BytesIO(marked.data))


def test_the_errors_copy_holds_no_live_formula_and_no_officer_link(client, template, upload,
                                                                   officer):  # fmt: skip
    body = upload(hostile.live_formulas(template), officer).get_json()
    marked = client.get(body["errors_workbook"], headers=officer).data

    parts = archive_text(marked)
    assert re.search(r"<(\w+:)?f[ >]", parts) is None  # no formula element in any sheet
    assert "evil.example" in parts  # still there, as text to read
    with zipfile.ZipFile(io.BytesIO(marked)) as archive:
        assert not [n for n in archive.namelist() if "externalLink" in n]
    values = openpyxl.load_workbook(io.BytesIO(marked))["Values"]
    assert (values["F2"].value, values["F2"].data_type) == (hostile.DDE, "s")
    assert (values["G2"].value, values["G2"].data_type) == (hostile.EXFILTRATE, "s")
    assert values["G3"].value == "@SUM(1,1)"
    assert values["G3"].quotePrefix
    assert values["H2"].value == "+1+1"
    assert values["H2"].quotePrefix


def test_the_errors_copy_keeps_no_hyperlink_of_the_officer(client, template, upload, officer):
    body = upload(hostile.number_in_hyperlink(template), officer).get_json()

    values = errors_copy(client, body, officer)["Values"]

    assert values["G3"].hyperlink is None
    assert values["G3"].value == "see file"


def test_a_merged_cell_error_marks_the_top_left_cell_naming_the_merge(client, template, upload,
                                                                      officer):  # fmt: skip
    body = upload(hostile.merged_value_cells(template), officer).get_json()

    values = errors_copy(client, body, officer)["Values"]

    assert "F3 (merged into F2:F3): the cell is empty" in values["F2"].comment.text
    assert "cells F2:F3 are merged" in values["F2"].comment.text


def test_sheet_names_and_properties_are_masked_in_the_errors_copy(client, template, upload,
                                                                  officer):  # fmt: skip
    names = upload(hostile.number_in_sheet_name(template), officer).get_json()
    props = upload(hostile.number_in_document_properties(template), officer).get_json()

    assert "Ringd ###" in errors_copy(client, names, officer).sheetnames
    properties = errors_copy(client, props, officer).properties
    assert (properties.title, properties.creator, properties.keywords) == (
        "Uppföljning ***", "handläggare ***", "***",
    )  # fmt: skip


def test_a_comment_with_an_identity_number_is_stored_masked(client, template, upload, officer,
                                                            investor):  # fmt: skip
    response = upload(hostile.number_in_comments(template), officer)
    assert response.status_code == 201, response.get_data(as_text=True)

    assert db.session.scalar(select(OutcomeRecord.comment)) == "Ringde *** i oktober"


def test_sheets_that_are_not_read_are_listed(template, upload, officer):
    response = upload(hostile.notes_sheet(template), officer)

    assert response.get_json()["ignored_sheets"] == ["Notes"]


def test_the_errors_copy_uploaded_again_is_refused_saying_to_fix_the_original(
    client, template, upload, officer
):
    bad = hostile.filled(template, [hostile.BAD_VALUE], [hostile.GOOD_PARTICIPANT])
    body = upload(bad, officer).get_json()
    book = errors_copy(client, body, officer)
    book["Values"]["F2"] = 60  # the officer fixes the one bad cell in the errors copy
    out = io.BytesIO()
    book.save(out)

    response = upload(out.getvalue(), officer, name="outcomes-errors.xlsx")

    assert response.status_code == 422
    problem = response.get_json()["errors"][0]
    assert problem["path"] == "Participants!A2"
    assert "masked placeholder from the errors copy" in problem["message"]
    assert "upload that file, not the errors copy" in problem["message"]
