"""Documents for the terms loader's tests, and a way to edit them by JSON path."""

import copy
import json
import re
from pathlib import Path

TERMS_MD_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "terms-md-example.json"
HERE = Path(__file__).parent
DROP = object()  # an edit value meaning "remove this field"
TOKEN = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\["([^"]*)"\]')

MINIMAL = {
    "format": "sib-terms/1",
    "reference": "MIN-2027",
    "title": "One payer, one metric, one period",
    "currency": "SEK",
    "starts_on": "2027-01-01",
    "ends_on": "2027-12-31",
    "organisations": [{"id": "city", "name": "Botkyrka kommun", "kind": "municipality"}],
    "parties": [{"organisation": "city", "role": "outcome_payer"}],
    "metrics": [
        {"code": "JOBS", "name": "Residents in work", "unit": "count", "direction": "higher"}
    ],
    "periods": [{"label": "2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31"}],
    "terms": [{"id": "jobs", "metric": "JOBS", "kind": "rate_card", "price": "45000"}],
    "payer_shares": {"city": "1"},
}


def edited(document: dict, edits: dict) -> dict:
    """A deep copy of `document` with each `{path: value}` set (or removed when DROP)."""
    document = copy.deepcopy(document)
    for path, value in edits.items():
        keys = [
            int(index) if index else (name or quoted) for name, index, quoted in TOKEN.findall(path)
        ]
        parent = document
        for key in keys[:-1]:
            parent = parent[key]
        if value is DROP:
            del parent[keys[-1]]
        else:
            parent[keys[-1]] = value
    return document


def terms_md_example() -> dict:
    """The abridged example from TERMS.md, copied verbatim into examples/terms-md-example.json."""
    return json.loads(TERMS_MD_EXAMPLE.read_text(encoding="utf-8"))
