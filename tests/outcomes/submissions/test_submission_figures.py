"""What one submission reports, for the evaluator before verifying: values and counts only."""

from datetime import date

from tests.outcomes.submissions.test_pseudonymisation import leaks
from tests.outcomes.submissions.workbooks import BASE, PERSON_A, PERSON_B, filled

ROWS = (
    ("SAFE", "2027", None, 57.5, "Survey autumn 2027"),
    ("HOMES", "2027", "Alby", 12, None),
)
PEOPLE = (
    (PERSON_A, "EMP6", "2027", date(2027, 10, 2), "Alby"),
    (PERSON_B, "EMP6", "2027", date(2027, 11, 15), "Alby"),
    ("A-17", "EMP6", "2027", date(2027, 3, 1), "Fittja"),
)


def test_the_evaluator_sees_a_submissions_figures_before_verifying(
    client, template, upload, officer, evaluator
):
    submission = upload(filled(template, ROWS, PEOPLE), officer).get_json()

    response = client.get(f"{BASE}/submissions/{submission['id']}/figures", headers=evaluator)

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["submission"]["status"] == "validated"
    assert body["values"] == [
        {"metric": "SAFE", "period": "2027", "area": "", "value": "57.5",
         "comment": "Survey autumn 2027", "source_row": 2},
        {"metric": "HOMES", "period": "2027", "area": "Alby", "value": "12", "comment": "",
         "source_row": 3},
    ]  # fmt: skip
    assert body["participants"] == [
        {"metric": "EMP6", "period": "2027", "area": "Alby", "count": 2},
        {"metric": "EMP6", "period": "2027", "area": "Fittja", "count": 1},
    ]  # fmt: skip


def test_the_figures_name_no_participant_and_no_pseudonym(client, template, upload, officer,
                                                         evaluator):  # fmt: skip
    submission = upload(filled(template, ROWS, PEOPLE), officer).get_json()

    text = client.get(f"{BASE}/submissions/{submission['id']}/figures",
                      headers=evaluator).get_data(as_text=True)  # fmt: skip

    assert leaks(text) == []
    assert "A-17" not in text
    assert "pseudonym" not in text


def test_investors_may_not_read_a_submissions_figures(client, good_file, upload, officer,
                                                      investor):  # fmt: skip
    submission = upload(good_file, officer).get_json()

    response = client.get(f"{BASE}/submissions/{submission['id']}/figures", headers=investor)

    assert response.status_code == 403


def test_another_organisations_contract_answers_404(client, good_file, upload, officer,
                                                     stranger):  # fmt: skip
    submission = upload(good_file, officer).get_json()

    response = client.get(f"{BASE}/submissions/{submission['id']}/figures", headers=stranger)

    assert response.status_code == 404


def test_a_rejected_submission_has_no_figures(client, template, upload, officer, evaluator):
    rejected = upload(filled(template, [("SAFE", "2027", None, 140, None)]), officer).get_json()

    body = client.get(f"{BASE}/submissions/{rejected['submission']}/figures",
                      headers=evaluator).get_json()  # fmt: skip

    assert (body["submission"]["status"], body["values"], body["participants"]) == (
        "rejected", [], [],
    )  # fmt: skip


def test_a_verification_note_loses_its_identity_numbers(client, good_file, upload, officer,
                                                         evaluator):  # fmt: skip
    submission = upload(good_file, officer).get_json()

    response = client.post(f"{BASE}/submissions/{submission['id']}/dispute",
                           json={"comment": f"row for {PERSON_B} looks wrong"},
                           headers=evaluator)  # fmt: skip

    assert response.get_json()["verification_note"] == "row for *** looks wrong"
