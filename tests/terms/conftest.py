"""Fixtures for the terms loader: fresh copies of documents to break."""

import copy

import pytest

from tests.terms.documents import MINIMAL, terms_md_example


@pytest.fixture
def minimal() -> dict:
    return copy.deepcopy(MINIMAL)


@pytest.fixture
def example() -> dict:
    return terms_md_example()
