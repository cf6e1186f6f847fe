"""Fixtures for outcome submissions: a contract with an evaluator and areas, its people."""

import copy
import io

import pytest

from sib.actor import Actor
from sib.extensions import db
from tests.outcomes.submissions.workbooks import (
    BASE,
    GOOD_PARTICIPANTS,
    GOOD_VALUES,
    REFERENCE,
    TERMS,
    XLSX,
    filled,
)


@pytest.fixture
def terms():
    """A fresh copy of the test contract's terms, to change before `make_contract`."""
    return copy.deepcopy(TERMS)


@pytest.fixture
def make_contract(app):
    """A factory: import a terms document as a contract (committed)."""
    from contracts import service

    def make(document=None):
        contract = service.import_contract(copy.deepcopy(document or TERMS), Actor.system("test"))
        db.session.commit()
        return contract

    return make


@pytest.fixture
def contract(make_contract):
    return make_contract()


@pytest.fixture
def officer(contract, auth_headers):
    """A finance officer of the provider, a party to the contract."""
    return auth_headers("finance_officer", "works")


@pytest.fixture
def evaluator(contract, auth_headers):
    return auth_headers("evaluator", "evalco")


@pytest.fixture
def investor(contract, auth_headers):
    return auth_headers("investor", "fund")


@pytest.fixture
def stranger(contract, auth_headers):
    """A finance officer of an organisation that is no party to the contract."""
    return auth_headers("finance_officer", "elsewhere")


@pytest.fixture
def template(client, officer):
    """The contract's template as the officer downloads it."""
    response = client.get(f"{BASE}/template.xlsx", headers=officer)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.data


@pytest.fixture
def good_file(template):
    return filled(template, GOOD_VALUES, GOOD_PARTICIPANTS)


@pytest.fixture
def upload(client):
    """POST a workbook as multipart form data."""

    def post(data: bytes, headers, name="outcomes-2027.xlsx", reference=REFERENCE):
        return client.post(
            f"/api/v1/contracts/{reference}/submissions",
            data={"file": (io.BytesIO(data), name, XLSX)},
            content_type="multipart/form-data",
            headers=headers,
        )

    return post


@pytest.fixture
def verified(client, upload, officer, evaluator):
    """Upload a workbook as the officer and have the evaluator verify it; the submission's JSON."""

    def verify(data: bytes, name="outcomes.xlsx"):
        response = upload(data, officer, name=name)
        assert response.status_code == 201, response.get_data(as_text=True)
        submission = response.get_json()["id"]
        answer = client.post(f"{BASE}/submissions/{submission}/verify", json={}, headers=evaluator)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.get_json()

    return verify


@pytest.fixture
def template_for(client, auth_headers):
    """A factory: the template of a contract created in the test, as its officer downloads it."""

    def get(reference=REFERENCE):
        headers = auth_headers("admin")
        response = client.get(f"/api/v1/contracts/{reference}/template.xlsx", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.data

    return get


@pytest.fixture
def upload_as_officer(upload, auth_headers):
    """A factory: upload a workbook as a finance officer of the provider."""

    def post(data: bytes, reference=REFERENCE):
        return upload(data, auth_headers("finance_officer", "works"), reference=reference)

    return post
