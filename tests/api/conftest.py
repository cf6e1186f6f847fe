"""Fixtures for the contracts API: a valid terms document and a client acting as a role."""

import json

import pytest

from tests.terms.documents import terms_md_example


@pytest.fixture
def terms_doc():
    """A fresh, valid copy of TERMS.md's example document, to change per test."""
    return terms_md_example()


@pytest.fixture
def post_json(client):
    """POST a document as JSON text, exactly as given."""

    def post(url, document, headers=None):
        return client.post(
            url,
            data=json.dumps(document, ensure_ascii=False),
            content_type="application/json",
            headers=headers or {},
        )

    return post


@pytest.fixture
def manager_headers(auth_headers):
    """Headers of a contract manager of Botkyrka, a party to the example contract."""
    return auth_headers("contract_manager", "botkyrka")
