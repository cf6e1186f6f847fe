"""The finance officer's day: template, a marked-up rejection, the fix, verification, figures."""

import io
from datetime import date

import openpyxl
from sqlalchemy import func, select

from outcomes.submissions.models import OutcomeRecord, ParticipantRecord, Submission
from sib.audit import AuditEvent
from sib.extensions import db
from tests.outcomes.submissions.workbooks import (
    BASE,
    GOOD_PARTICIPANTS,
    GOOD_VALUES,
    PERSON_A,
    PERSON_BAD,
    PROBLEM,
    XLSX,
    figures_by_key,
    filled,
)

MISTAKES_VALUES = (
    ("SAFE", "2027", None, 140, "percent over 100"),  # row 2: F2
    ("SAFEX", "2027", None, 50, None),  # row 3: unknown metric, A3
    ("HOMES", "2027", "Alby", -3, None),  # row 4: negative count, F4
)
MISTAKES_PARTICIPANTS = (
    (PERSON_BAD, "EMP6", "2027", date(2027, 10, 2), "Alby"),  # row 2: check digit, A2
    (PERSON_A, "EMP6", "2027", date(2028, 2, 1), "Alby"),  # row 3: outside 2027, E3
)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_template_is_an_xlsx_with_the_contracts_sheets(template):
    book = openpyxl.load_workbook(io.BytesIO(template))

    assert {"Instructions", "Values", "Participants"} <= set(book.sheetnames)
    assert book["Values"].freeze_panes == "A2"


def test_a_workbook_with_mistakes_answers_422_listing_every_problem(
    client, template, upload, officer
):
    response = upload(filled(template, MISTAKES_VALUES, MISTAKES_PARTICIPANTS), officer)

    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    problem = response.get_json()
    paths = {error["path"] for error in problem["errors"]}
    assert {"Values!F2", "Values!A3", "Values!F4", "Participants!A2", "Participants!E3"} <= paths
    assert all(error["message"] for error in problem["errors"])
    assert problem["errors_workbook"].endswith(f"/submissions/{problem['submission']}/errors.xlsx")
    # Nothing of the file is stored but the rejected submission itself.
    assert (count(Submission), count(OutcomeRecord), count(ParticipantRecord)) == (1, 0, 0)
    rejected = client.get(f"{BASE}/submissions/{problem['submission']}", headers=officer)
    assert rejected.get_json()["status"] == "rejected"
    assert rejected.get_json()["error_count"] == len(problem["errors"])


def test_the_errors_workbook_marks_each_bad_cell_red_and_lists_them_all(
    client, template, upload, officer
):
    problem = upload(filled(template, MISTAKES_VALUES, MISTAKES_PARTICIPANTS), officer).get_json()

    response = client.get(problem["errors_workbook"], headers=officer)

    assert response.status_code == 200
    assert response.mimetype == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    for sheet, cell in (("Values", "F2"), ("Values", "A3"), ("Participants", "A2")):
        marked = book[sheet][cell]
        assert marked.fill.fgColor.rgb.endswith("FFC7CE"), (sheet, cell)
        assert marked.comment is not None
        assert marked.comment.text
    errors = book["Errors"]
    assert errors.max_row - 1 == len(problem["errors"])  # one line per problem under the header
    assert any(row[3].hyperlink is not None for row in errors.iter_rows(min_row=2))


def test_the_fixed_file_is_stored_once_and_counts_after_verification(
    client, template, upload, officer, evaluator
):
    upload(filled(template, MISTAKES_VALUES, MISTAKES_PARTICIPANTS), officer)
    fixed = filled(template, GOOD_VALUES, GOOD_PARTICIPANTS)

    first = upload(fixed, officer)
    again = upload(fixed, officer, name="renamed.xlsx")

    assert first.status_code == 201, first.get_data(as_text=True)
    body = first.get_json()
    assert body["status"] == "validated"
    assert body["row_counts"] == {"Values": 3, "Participants": 2}
    assert len(body["sha256"]) == 64
    assert first.headers["Location"].endswith(f"/submissions/{body['id']}")
    assert again.status_code == 200
    assert again.get_json()["id"] == body["id"]
    assert (count(Submission), count(OutcomeRecord), count(ParticipantRecord)) == (2, 3, 2)

    before = client.get(f"{BASE}/outcomes", headers=officer).get_json()
    assert before["figures"] == []  # validated, not yet verified: nothing counts

    note = {"comment": "Checked against the register"}
    verified = client.post(f"{BASE}/submissions/{body['id']}/verify", json=note, headers=evaluator)
    assert verified.status_code == 200
    assert verified.get_json()["status"] == "verified"

    figures = figures_by_key(client.get(f"{BASE}/outcomes", headers=officer).get_json())
    assert figures[("SAFE", "2027", "")]["value"] == "57.5"
    assert figures[("HOMES", "2027", "Alby")]["value"] == "12"
    assert figures[("EMP6", "2027", "Alby")]["value"] == "1"  # one participant row in Alby
    assert figures[("EMP6", "2027", "Alby")]["participant_level"] is True
    assert {f["submission"]["id"] for f in figures.values()} == {body["id"]}
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"submission.rejected", "submission.validated", "submission.verified"} <= actions


def test_the_original_file_is_not_served_since_it_is_not_kept(client, good_file, upload, officer):
    submission = upload(good_file, officer).get_json()["id"]

    response = client.get(f"{BASE}/submissions/{submission}/file", headers=officer)

    assert response.status_code == 404


def test_a_verified_correction_supersedes_only_the_figures_it_gives_again(
    client, template, verified, officer
):
    first = verified(filled(template, GOOD_VALUES, GOOD_PARTICIPANTS))
    correction = verified(filled(template, [("SAFE", "2027", None, "58,5", "Recounted")]))

    figures = figures_by_key(client.get(f"{BASE}/outcomes", headers=officer).get_json())

    assert figures[("SAFE", "2027", "")]["value"] == "58.5"
    assert figures[("SAFE", "2027", "")]["submission"]["id"] == correction["id"]
    assert figures[("HOMES", "2027", "Alby")]["submission"]["id"] == first["id"]
    # Nothing is overwritten: both submissions and both SAFE figures stay in the history.
    listed = client.get(f"{BASE}/submissions", headers=officer).get_json()
    assert [s["id"] for s in listed] == [correction["id"], first["id"]]
    assert count(OutcomeRecord) == 4  # 3 figures of the first file + 1 of the correction


def test_a_correction_giving_every_figure_again_marks_the_earlier_superseded(
    client, template, verified, officer
):
    first = verified(filled(template, [("SAFE", "2027", None, 57.5, None)]))
    verified(filled(template, [("SAFE", "2027", None, 58, None)]))

    earlier = client.get(f"{BASE}/submissions/{first['id']}", headers=officer).get_json()

    assert earlier["status"] == "superseded"
    assert "submission.superseded" in set(db.session.scalars(select(AuditEvent.action)))


def test_figures_as_of_a_day_before_any_verification_are_none(client, good_file, verified, officer):
    verified(good_file)

    body = client.get(f"{BASE}/outcomes?as_of=2020-01-01", headers=officer).get_json()

    assert body["figures"] == []


def test_a_dispute_needs_a_comment_and_keeps_the_figures_out(
    client, good_file, upload, officer, evaluator
):
    submission = upload(good_file, officer).get_json()["id"]
    url = f"{BASE}/submissions/{submission}/dispute"

    silent = client.post(url, json={"comment": "  "}, headers=evaluator)
    disputed = client.post(url, json={"comment": "Row 3 does not match the register"},
                           headers=evaluator)  # fmt: skip

    assert silent.status_code == 422
    assert disputed.status_code == 200
    assert disputed.get_json()["status"] == "disputed"
    assert disputed.get_json()["verification_note"] == "Row 3 does not match the register"
    assert client.get(f"{BASE}/outcomes", headers=officer).get_json()["figures"] == []


def test_a_rejected_submission_cannot_be_verified(client, template, upload, officer, evaluator):
    problem = upload(filled(template, MISTAKES_VALUES), officer).get_json()

    response = client.post(f"{BASE}/submissions/{problem['submission']}/verify", json={},
                           headers=evaluator)  # fmt: skip

    assert response.status_code == 409


def test_investors_see_figures_and_counts_but_no_participant_rows(
    client, good_file, verified, investor
):
    verified(good_file)

    outcomes = client.get(f"{BASE}/outcomes", headers=investor)
    submissions = client.get(f"{BASE}/submissions", headers=investor)

    assert outcomes.status_code == 200
    figures = figures_by_key(outcomes.get_json())
    assert figures[("EMP6", "2027", "Fittja")]["value"] == "1"
    assert "pseudonym" not in outcomes.get_data(as_text=True)
    assert 'participant"' not in outcomes.get_data(as_text=True)
    assert submissions.status_code == 403


def test_another_organisations_submission_answers_404(
    client, good_file, upload, officer, stranger, auth_headers
):
    submission = upload(good_file, officer).get_json()["id"]

    for path in ("", "/errors.xlsx"):
        response = client.get(f"{BASE}/submissions/{submission}{path}", headers=stranger)
        assert response.status_code == 404, path
    assert upload(good_file, stranger).status_code == 404
    assert client.get(f"{BASE}/outcomes", headers=stranger).status_code == 404
    other_evaluator = auth_headers("evaluator", "elsewhere")
    verify = client.post(
        f"{BASE}/submissions/{submission}/verify", json={}, headers=other_evaluator
    )
    assert verify.status_code == 404


def test_only_the_contracts_evaluator_verifies(client, good_file, upload, officer):
    submission = upload(good_file, officer).get_json()["id"]

    response = client.post(f"{BASE}/submissions/{submission}/verify", json={}, headers=officer)

    assert response.status_code == 403


def test_a_submission_of_another_contract_is_not_found_under_this_one(
    client, good_file, upload, officer, terms, make_contract
):
    terms["reference"] = "OTHER-2027"
    make_contract(terms)
    other = upload(good_file, officer, reference="OTHER-2027")
    assert other.status_code == 201, other.get_data(as_text=True)

    response = client.get(f"{BASE}/submissions/{other.get_json()['id']}", headers=officer)

    assert response.status_code == 404


def test_the_submission_list_is_paginated(client, template, upload, officer):
    for value in (50, 51, 52):
        upload(filled(template, [("SAFE", "2027", None, value, None)]), officer)

    response = client.get(f"{BASE}/submissions?page=2&page_size=2", headers=officer)

    assert response.status_code == 200
    assert len(response.get_json()) == 1
    assert "X-Pagination" in response.headers
