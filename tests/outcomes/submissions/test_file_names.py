"""Upload file names: control characters refused, identity numbers masked, length kept in bounds."""

import pytest
from sqlalchemy import func, select

from outcomes.submissions.models import Submission
from sib.extensions import db
from tests.outcomes.submissions.test_pseudonymisation import database_dump, leaks
from tests.outcomes.submissions.workbooks import BASE, PROBLEM


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Submission))


@pytest.mark.parametrize("name", ["outcomes\x00.xlsx", "\x1b[31moutcomes.xlsx", "a\x7fb.xlsx"])
def test_a_file_name_with_control_characters_is_refused_and_nothing_stored(
    good_file, upload, officer, name
):
    response = upload(good_file, officer, name=name)

    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert response.get_json()["errors"] == [
        {"path": "file", "message": "the file name holds control characters"}
    ]
    assert stored() == 0


@pytest.mark.parametrize("name", ["outcomes\n2027.xlsx", "out\rcomes.xlsx"])
def test_a_line_break_in_the_file_name_is_a_problem_too(good_file, upload, officer, name):
    # The multipart header cannot carry it: the form arrives without its file.
    response = upload(good_file, officer, name=name)

    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert stored() == 0


def test_an_identity_number_in_the_file_name_is_masked_everywhere(client, good_file, upload,
                                                                  officer):  # fmt: skip
    response = upload(good_file, officer, name="utfall 19121212-1212 och 8112189876.xlsx")

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["file_name"] == "utfall *** och ***.xlsx"
    listed = client.get(f"{BASE}/submissions", headers=officer).get_data(as_text=True)
    assert leaks(response.get_data(as_text=True) + listed) == []
    assert leaks(database_dump()) == []


def test_a_file_name_longer_than_the_column_is_shortened_keeping_its_extension(
    good_file, upload, officer
):
    response = upload(good_file, officer, name="u" * 300 + ".xlsx")

    assert response.status_code == 201, response.get_data(as_text=True)
    name = response.get_json()["file_name"]
    assert len(name) == 255
    assert name == "u" * 249 + "….xlsx"


def test_a_client_path_is_cut_to_the_file_name(good_file, upload, officer):
    response = upload(good_file, officer, name="C:/Users/anna/Desktop/utfall.xlsx")

    assert response.get_json()["file_name"] == "utfall.xlsx"
