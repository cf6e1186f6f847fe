"""Valid documents load unchanged; x_ notes travel untouched; JSON text is read strictly."""

import copy
import json

import pytest

from contracts.terms.load import Problem, TermsError, load_terms, load_terms_text
from tests.terms.documents import edited


def test_a_minimal_document_loads(minimal):
    assert load_terms(minimal).document == minimal


def test_the_terms_md_example_loads(example):
    assert load_terms(example).document == example


def test_load_returns_the_typed_contract_keeping_the_document_unchanged(example):
    before = copy.deepcopy(example)
    contract = load_terms(example)
    loaded = contract.document
    assert loaded is example
    assert loaded == before
    assert contract.reference == "BOT-NAC-2027"
    assert contract.payers == ("botkyrka", "nacka", "region")
    # No defaults are filled in: rounding, surplus and guarantees stay absent.
    assert "rounding" not in loaded
    assert "surplus" not in loaded
    assert "guarantees" not in loaded


def test_x_fields_are_carried_untouched(example):
    notes = {
        "$.x_owner": {"name": "Intermediary AB", "phone": 46812345, "tags": [1.5, None]},
        "$.metrics[0].x_areas": ["Alby", "Fittja", "Fisksätra"],
        "$.terms[1].x_comment": "renegotiated 2027",
        "$.terms[1].tiers[0].x_why": 3,
        "$.terms[1].measure.x_source": "survey",
        "$.tranches[0].return_cap.x_note": True,
        "$.parties[3].x_contact": None,
    }
    document = edited(example, notes)
    before = copy.deepcopy(document)
    assert load_terms(document).document == before
    assert document["metrics"][0]["x_areas"] == ["Alby", "Fittja", "Fisksätra"]
    assert document["x_owner"]["phone"] == 46812345


def test_every_kind_and_optional_field_loads(example):
    document = edited(
        example,
        {
            "$.rounding": "half_even",
            "$.surplus": "provider",
            "$.terminated_on": "2029-06-30",
            "$.description": "Both kinds of outcome, with a comparison group.",
            "$.organisations[1].org_number": "212000-0167",
            "$.tranches": [
                {"name": "senior", "return_cap": {"kind": "annual_rate", "rate": "0.06"}},
                {"name": "mezzanine", "return_cap": {"kind": "total", "rate": "0.25"}},
                {"name": "first_loss", "return_cap": {"kind": "none"}},
                {"name": "junior", "return_cap": {"kind": "uncapped"}},
            ],
            "$.metrics[1].validation": "Annual safety survey, weighted",
            "$.terms[1].measure": {"kind": "relative_change", "baseline": {"metric": "EMP6"}},
            "$.terms[1].gate": {
                "at": "1",
                "metric": "SAFE",
                "measure": {"kind": "change", "baseline": "50"},
            },
            "$.terms[1].cap_per_period": "2500000",
            "$.terms[1].payer_shares_by_period": {"2028": {"region": "1"}},
            "$.terms[0].repeatable": True,
            "$.terms[0].group": "jobs",
            "$.guarantees": [
                {"by": "region", "share_of_principal": "0.5", "cap": "5000000", "tranche": "senior"}
            ],
        },
    )
    document["organisations"].append({"id": "bank", "name": "Garantibanken", "kind": "other"})
    document["parties"].append({"organisation": "bank", "role": "guarantor"})
    document["guarantees"].append({"by": "bank", "share_of_principal": "1"})
    document["terms"] += [
        {
            "id": "safe_line",
            "metric": "SAFE",
            "kind": "linear",
            "floor": "52",
            "target": "60",
            "pay_at_floor": "0",
            "pay_at_target": "2000000",
            "clamp": True,
            "periods": ["2028"],
        },
        {
            "id": "jobs_brackets",
            "metric": "EMP6",
            "kind": "rate_card",
            "basis": "cumulative",
            "group": "jobs",
            "floor": "10",
            "max_units": "200",
            "cap_total": "9000000",
            "brackets": [{"up_to": "50", "price": "45000"}, {"price": "30000"}],
        },
        {
            "id": "jobs_steps",
            "metric": "EMP6",
            "kind": "rate_card",
            "price_steps": [
                {"until": "1000000", "price": "45000"},
                {"until": "investors_repaid", "price": "30000"},
                {"price": "10000"},
            ],
        },
    ]
    assert load_terms(document).document == document


def test_lower_is_better_thresholds_descend(example):
    # For a lower-is-better value, a more demanding tier or target is a smaller number.
    document = edited(example, {"$.metrics[1].direction": "lower"})
    document["terms"] = [
        {
            "id": "fewer",
            "metric": "SAFE",
            "kind": "tiered",
            "tiers": [{"at": "40", "pay": "100"}, {"at": "30", "pay": "200"}],
            "payer_shares": {"region": "1"},
        },
        {
            "id": "line",
            "metric": "SAFE",
            "kind": "linear",
            "floor": "40",
            "target": "30",
            "pay_at_target": "100",
        },
    ]
    assert load_terms(document).document == document


def test_no_payer_shares_needed_when_every_term_has_its_own(minimal):
    document = edited(minimal, {"$.payer_shares": None})
    del document["payer_shares"]
    document["terms"][0]["payer_shares_by_period"] = {"2027": {"city": "1"}}
    assert load_terms(document).document == document


def test_a_document_that_is_not_an_object_is_refused():
    with pytest.raises(TermsError) as caught:
        load_terms(["sib-terms/1"])
    assert caught.value.problems == [Problem("$", "a terms document must be a JSON object")]


def test_text_loads_to_the_parsed_document(example):
    text = json.dumps(example, ensure_ascii=False, indent=2)
    assert load_terms_text(text).document == example
    assert load_terms_text(text.encode("utf-8")).document == example


def test_bad_json_names_line_and_column():
    with pytest.raises(TermsError) as caught:
        load_terms_text('{\n  "format": "sib-terms/1",\n  "reference": \n}')
    (problem,) = caught.value.problems
    assert problem.path == "$"
    assert "line 4, column 1" in problem.message


def test_a_key_given_twice_is_a_problem(example):
    text = json.dumps(example).replace('"price": "45000"', '"price": "45000", "price": "4500"')
    with pytest.raises(TermsError) as caught:
        load_terms_text(text)
    assert [(p.path, p.message[:33]) for p in caught.value.problems] == [
        ("$.terms[0].price", '"price" appears more than once in'),
    ]


def test_nan_is_not_json(example):
    text = json.dumps(example).replace('"45000"', "NaN")
    with pytest.raises(TermsError) as caught:
        load_terms_text(text)
    assert ("$.terms[0].price", "NaN is not a JSON value; write a decimal as text") in [
        (p.path, p.message) for p in caught.value.problems
    ]


def test_bytes_that_are_not_utf8_are_refused():
    with pytest.raises(TermsError) as caught:
        load_terms_text(b'{"title": "Fisks\xe4tra"}')
    assert caught.value.problems[0].path == "$"
    assert "not UTF-8" in caught.value.problems[0].message


def test_a_label_that_is_not_a_name_is_quoted_in_the_path(example):
    document = edited(example, {"$.terms[1].payer_shares_by_period": {"2027 H1": {"x": "1"}}})
    with pytest.raises(TermsError) as caught:
        load_terms(document)
    paths = {p.path for p in caught.value.problems}
    assert '$.terms[1].payer_shares_by_period["2027 H1"]' in paths
    assert '$.terms[1].payer_shares_by_period["2027 H1"].x' in paths


def test_a_byte_order_mark_is_tolerated(minimal):
    text = json.dumps(minimal)
    assert load_terms_text(b"\xef\xbb\xbf" + text.encode("utf-8")).document == minimal
    assert load_terms_text("\ufeff" + text).document == minimal


def test_json_nested_beyond_reason_is_refused():
    with pytest.raises(TermsError) as caught:
        load_terms_text("[" * 100_000 + "]" * 100_000)
    assert caught.value.problems[0].path == "$"
