"""What an upload answers for files the service refuses, and for the same rejected file again."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from outcomes.submissions.models import Submission
from sib.extensions import db
from tests.outcomes.submissions.workbooks import PROBLEM, filled


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Submission))


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("outcomes.csv",  b"metric;period;value\nSAFE;2027;57,5\n", 415),
        ("outcomes.xlsx", b"",                                      415),
        ("outcomes.xls",  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), 415),
        ("report.xlsx",   b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",         415),
    ],
)  # fmt: skip
def test_a_file_that_is_no_xlsx_is_refused_and_nothing_is_stored(
    upload, officer, name, data, status
):
    response = upload(data, officer, name=name)

    assert response.status_code == status
    assert response.mimetype == PROBLEM
    assert response.get_json()["detail"]
    assert stored() == 0


def test_a_file_over_the_upload_limit_answers_413(app, monkeypatch, good_file, upload, officer):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 1000)  # bytes; the file is larger

    response = upload(good_file, officer)

    assert response.status_code == 413
    assert response.mimetype == PROBLEM
    assert stored() == 0


def test_a_request_without_a_file_is_a_problem(client, officer, contract):
    response = client.post("/api/v1/contracts/BOT-NAC-2027/submissions", data={},
                           content_type="multipart/form-data", headers=officer)  # fmt: skip

    assert response.status_code == 422
    assert response.mimetype == PROBLEM


def test_the_same_rejected_file_again_answers_its_stored_problems(template, upload, officer):
    bad = filled(template, [("SAFE", "2027", None, 140, None)])

    first = upload(bad, officer).get_json()
    again = upload(bad, officer)

    assert again.status_code == 422
    assert again.get_json()["submission"] == first["submission"]
    assert again.get_json()["errors"] == first["errors"]
    assert stored() == 1


def test_extra_columns_are_ignored_and_reported(template, upload, officer):
    book = openpyxl.load_workbook(io.BytesIO(filled(template, [("SAFE", "2027", None, 57, None)])))
    book["Values"]["H1"] = "Checked by"
    book["Values"]["H2"] = "Anna"
    out = io.BytesIO()
    book.save(out)

    response = upload(out.getvalue(), officer)

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["extra_columns"] == [{"sheet": "Values", "header": "Checked by"}]
