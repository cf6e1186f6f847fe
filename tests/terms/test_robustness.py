"""Whatever JSON replaces part of a valid document, the loader answers problems, never a crash."""

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.terms.load import TermsError, load_terms
from tests.terms.documents import terms_md_example

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
NAMES = st.sampled_from(
    [
        "kind",
        "metric",
        "periods",
        "tiers",
        "at",
        "id",
        "x_note",
        "role",
        "organisation",
        "baseline",
        "measure",
        "gate",
        "brackets",
        "up_to",
    ]
)


def places(node, path=()):
    """Every path into a JSON document, the root excepted."""
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, value in items:
        yield (*path, key)
        yield from places(value, (*path, key))


PLACES = list(places(terms_md_example()))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PLACES), JSON, NAMES), min_size=1, max_size=4))
def test_any_replacement_gives_problems_or_a_document(replacements):
    document = copy.deepcopy(terms_md_example())
    for path, value, name in replacements:
        parent = document
        try:
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = value
            if isinstance(parent, dict):
                parent[name] = value  # an extra, perhaps unknown, field beside it
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this place
    loaded, problems = outcome(document)
    assert loaded is document or problems
    assert all(p.path.startswith("$") and p.message for p in problems)


def outcome(document: dict) -> tuple[dict | None, list]:
    """The loaded document and no problems, or no document and its problems."""
    try:
        return load_terms(document), []
    except TermsError as error:
        return None, error.problems
