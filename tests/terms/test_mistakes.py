"""Each single mistake in the TERMS.md example is refused with its JSON path and a clear reason."""

import pytest

from contracts.terms.load import TermsError, load_terms
from tests.terms.documents import DROP, edited

# The example's indices: organisations botkyrka, nacka, region, fund; parties 0-2 outcome
# payers, 3 the investor; metrics 0 EMP6 (participant-level count), 1 SAFE (percent, higher);
# periods 0 "2027", 1 "2028"; terms 0 "jobs" (rate card on EMP6), 1 "safety" (tiered change).
SEK_LINEAR = {
    "$.terms[1].kind": "linear",
    "$.terms[1].tiers": DROP,
    "$.terms[1].pay_at_target": "1000000",
}
ON_EMP6 = {"$.terms[1].metric": "EMP6", "$.terms[1].payer_shares": DROP}
BRACKETS = [{"up_to": "10", "price": "45000"}, {"price": "30000"}]

MISTAKES = [
    # (edits,
    #  path, fragment)
    ({"$.titel": "x"},
     "$.titel", 'did you mean "title"?'),
    ({"$.terms[1].tiers[0].pays": "1"},
     "$.terms[1].tiers[0].pays", '"pays" is not a field of a tier'),
    ({"$.terms[0].tiers": [{"at": "1", "pay": "1"}]},
     "$.terms[0].tiers", "belongs to a tiered term"),
    ({"$.terms[1].clamp": True},
     "$.terms[1].clamp", "belongs to a linear term"),
    ({"$.parties[0].commitment": "5"},
     "$.parties[0].commitment", "belongs to an investor party"),
    ({"$.tranches[0].return_cap.rate": "0.1", "$.tranches[0].return_cap.kind": "none"},
     "$.tranches[0].return_cap.rate", 'not a field of a "none" return cap'),
    ({"$.terms[1].measure.base": "52"},
     "$.terms[1].measure.base", 'did you mean "baseline"?'),
    ({"$.parties[0].yearly_cap": 6000000},
     "$.parties[0].yearly_cap", 'write amounts as text, e.g. "6000000", not as a number'),
    ({"$.payer_shares.botkyrka": 0.45},
     "$.payer_shares.botkyrka", 'write shares as text, e.g. "0.45"'),
    ({"$.terms[1].tiers[0].at": 3},
     "$.terms[1].tiers[0].at", 'write measures as text, e.g. "3"'),
    ({"$.terms[0].price": "4.5e4"},
     "$.terms[0].price", '"4.5e4" is not a decimal'),
    ({"$.terms[0].price": True},
     "$.terms[0].price", "is not a decimal"),
    ({"$.periods[0].ends_on": "2027-12-32"},
     "$.periods[0].ends_on", '"2027-12-32" is not a date'),
    ({"$.starts_on": "1/1/2027"},
     "$.starts_on", "YYYY-MM-DD"),
    ({"$.currency": "SKR"},
     "$.currency", '"SKR" is not an ISO 4217 currency code'),
    ({"$.currency": "XAU"},
     "$.currency", "is not an ISO 4217 currency code"),
    ({"$.organisations[0].org_number": "212000-2883"},
     "$.organisations[0].org_number", "check digit should be 2, not 3"),
    ({"$.organisations[0].org_number": "2120002882"},
     "$.organisations[0].org_number", '"NNNNNN-NNNN"'),
    ({"$.organisations[0].kind": "county"},
     "$.organisations[0].kind", '"county" is not allowed here'),
    ({"$.parties[1].organisation": "nacca"},
     "$.parties[1].organisation", 'no organisation has the id "nacca"'),
    ({"$.parties[1].role": "payer"},
     "$.parties[1].role", '"payer" is not a role a party can have'),
    ({"$.terms[0].metric": "EMP7"},
     "$.terms[0].metric", 'no metric has the code "EMP7"'),
    ({"$.terms[0].periods": ["2027", "2029"]},
     "$.terms[0].periods[1]", 'no period is labelled "2029"'),
    ({"$.terms[0].periods": ["2027", "2027"]},
     "$.terms[0].periods[1]", "is listed twice"),
    ({"$.terms[0].periods": []},
     "$.terms[0].periods", "lists no periods"),
    ({"$.parties[3].tranche": "junior"},
     "$.parties[3].tranche", 'no tranche is named "junior"'),
    ({"$.terms[1].measure.baseline": {"metric": "SAFE_CG"}},
     "$.terms[1].measure.baseline.metric", 'no metric has the code "SAFE_CG"'),
    ({"$.terms[1].gate": {"at": "1", "metric": "SAFER"}},
     "$.terms[1].gate.metric", 'no metric has the code "SAFER"'),
    ({"$.payer_shares.region": "0.20"},
     "$.payer_shares", "add up to 0.90; they must add up to exactly 1"),
    ({"$.payer_shares.region": "-0.30", "$.payer_shares.nacka": "0.85"},
     "$.payer_shares.region", "a share cannot be negative"),
    ({"$.terms[1].payer_shares.fund": "0"},
     "$.terms[1].payer_shares.fund", '"fund" is not an outcome payer'),
    ({"$.terms[1].payer_shares_by_period": {"2029": {"region": "1"}}},
     '$.terms[1].payer_shares_by_period["2029"]', 'no period is labelled "2029"'),
    ({"$.payer_shares": DROP},
     "$.payer_shares", 'is required, as the terms "jobs"'),
    ({"$.terms[1].tiers[1].at": "2"},
     "$.terms[1].tiers[1].at", "2 is not more demanding than 3"),
    ({"$.metrics[1].direction": "lower", "$.terms[1].measure": DROP},
     "$.terms[1].tiers[1].at", "lower is better"),
    ({"$.terms[1].tiers": []},
     "$.terms[1].tiers", "needs a tier"),
    ({"$.terms[0].price": DROP,
     "$.terms[0].brackets": [{"up_to": "10", "price": "1"}, {"up_to": "5", "price": "1"},
     {"price": "1"}]},
     "$.terms[0].brackets[1].up_to", "5 is not above 10"),
    ({"$.terms[0].price": DROP,
     "$.terms[0].brackets": [{"up_to": "10", "price": "1"}, {"up_to": "20", "price": "1"}]},
     "$.terms[0].brackets[1].up_to", "the last bracket has no up_to"),
    ({"$.terms[0].price": DROP,
     "$.terms[0].price_steps": [{"until": "900000", "price": "45000"},
     {"until": "500000", "price": "30000"}, {"price": "1"}]},
     "$.terms[0].price_steps[1].until", "500000 is not above 900000"),
    ({"$.terms[0].brackets": BRACKETS},
     "$.terms[0].brackets", "also has price"),
    ({"$.terms[0].price": DROP},
     "$.terms[0]", "a rate card needs its price"),
    ({"$.tranches": [{"name": "junior", "return_cap": {"kind": "uncapped"}},
     {"name": "senior", "return_cap": {"kind": "none"}}]},
     "$.tranches[0].return_cap.kind", "only the last tranche may be uncapped"),
    ({"$.terms[1].basis": "cumulative"},
     "$.terms[1].basis", 'the metric "SAFE" is measured in "percent"'),
    ({**ON_EMP6, "$.terms[1].basis": "cumulative",
     "$.terms[1].measure.baseline": {"metric": "SAFE"}},
     "$.terms[1].measure.baseline.metric", "the baseline of a cumulative term"),
    ({"$.metrics[0].direction": "lower"},
     "$.terms[0].kind", "a rate card cannot pay on the value"),
    ({"$.terms[1].id": "jobs"},
     "$.terms[1].id", 'the id "jobs" is already used at $.terms[0]'),
    ({"$.metrics[1].code": "EMP6", "$.terms[1].payer_shares": DROP},
     "$.metrics[1].code", 'the code "EMP6" is already used'),
    ({"$.periods[1].label": "2027"},
     "$.periods[1].label", 'the label "2027" is already used'),
    ({"$.organisations[1].id": "botkyrka"},
     "$.organisations[1].id", 'the id "botkyrka" is already used'),
    ({"$.parties[1].organisation": "botkyrka"},
     "$.parties[1]", '"botkyrka" already has the role outcome_payer'),
    ({"$.periods[1].starts_on": "2026-06-01"},
     "$.periods[1].starts_on", "starts before the period listed before it"),
    ({"$.periods[0].deadline": "2029-06-30"},
     "$.periods[1].deadline", "before the previous period's 2029-06-30"),
    ({"$.ends_on": "2028-06-30"},
     "$.periods[1].ends_on", "ends after the contract does"),
    ({"$.starts_on": "2027-02-01"},
     "$.periods[0].starts_on", "starts before the contract does"),
    ({"$.periods[0].ends_on": "2026-12-31"},
     "$.periods[0].ends_on", "cannot end before it starts"),
    ({"$.periods[0].deadline": "2027-06-30"},
     "$.periods[0].deadline", "the deadline is before the period ends"),
    ({"$.periods": []},
     "$.periods", "needs a period"),
    ({"$.parties[3].commitment": DROP},
     "$.parties[3].commitment", "is required but missing"),
    ({"$.parties[3].tranche": DROP},
     "$.parties[3].tranche", "is required but missing"),
    ({"$.terms[0].gate": {"at": "5", "measure": {"kind": "value"}}},
     "$.terms[0].gate.measure", "add the gate's metric"),
    ({"$.terms[0].basis": "yearly"},
     "$.terms[0].basis", '"yearly" is not allowed here; use one of "period", "cumulative"'),
    ({**SEK_LINEAR, "$.terms[1].floor": "6", "$.terms[1].target": "3"},
     "$.terms[1].target", "the target 3 must be more demanding than the floor 6"),
    ({**SEK_LINEAR, "$.terms[1].floor": "6", "$.terms[1].target": "6"},
     "$.terms[1].target", "must be more demanding"),
    ({"$.terms[0].price": DROP, "$.terms[0].basis": "cumulative",
     "$.terms[0].price_steps": [{"until": "900000", "price": "45000"}, {"price": "30000"}]},
     "$.terms[0].price_steps", "price_steps cannot be used on a cumulative term"),
    ({"$.terms[1].kind": "rate_card", "$.terms[1].tiers": DROP, "$.terms[1].brackets": BRACKETS},
     "$.terms[1].measure.kind", 'its measure must be "value", not "change"'),
    ({"$.terms[0].measure": {"kind": "change", "baseline": "10"}},
     "$.terms[0].measure.kind", "counted per participant"),
    ({"$.terms[0].measure": {"kind": "ratio"}},
     "$.terms[0].measure.kind", 'use one of "value", "change", "relative_change"'),
    ({"$.terms[0].kind": "stepped"},
     "$.terms[0].kind", '"stepped" is not a kind a term can have; use one of "tiered", "linear"'),
    ({"$.terms[1].repeatable": True},
     "$.terms[1].repeatable", "not a participant-level metric"),
    ({"$.format": "sib-terms/2"},
     "$.format", 'reads "sib-terms/1" documents, not "sib-terms/2"'),
    ({"$.rounding": "down"},
     "$.rounding", 'use one of "half_up", "half_even"'),
    ({"$.surplus": "investor"},
     "$.surplus", 'use one of "retained", "provider", "investors"'),
    ({"$.guarantees": [{"by": "fund", "share_of_principal": "1"}]},
     "$.guarantees[0].by", "must be a guarantor party or an outcome payer"),
    ({"$.guarantees": [{"by": "bank", "share_of_principal": "1"}]},
     "$.guarantees[0].by", 'no organisation has the id "bank"'),
    ({"$.guarantees": [{"by": "region", "share_of_principal": "1.5"}]},
     "$.guarantees[0].share_of_principal", "at most 1"),
    ({"$.guarantees": [{"by": "region", "share_of_principal": "1", "tranche": "junior"}]},
     "$.guarantees[0].tranche", 'no tranche is named "junior"'),
    ({"$.terminated_on": "2031-01-01"},
     "$.terminated_on", "must fall within the contract"),
    ({"$.caps.outcome_total": "-1"},
     "$.caps.outcome_total", "a cap cannot be negative"),
    ({"$.parties[3].commitment": "-20000000"},
     "$.parties[3].commitment", "a commitment cannot be negative"),
    ({"$.terms[0].price": "-45000"},
     "$.terms[0].price", "a price cannot be negative"),
    ({"$.terms[1].tiers[0].pay": "-1"},
     "$.terms[1].tiers[0].pay", "a tier's pay cannot be negative"),
    ({"$.title": DROP},
     "$.title", "is required but missing"),
    ({"$.metrics[0].participant_level": "true"},
     "$.metrics[0].participant_level", "must be true or false"),
    ({"$.periods[0].deadline": None},
     "$.periods[0].deadline", "must not be null"),
    ({"$.organisations[0].name": ""},
     "$.organisations[0].name", "must not be empty"),
    ({"$.metrics": {"EMP6": {}}},
     "$.metrics", "must be a list"),
    ({"$.metrics[0]": "EMP6"},
     "$.metrics[0]", "must be an object (a metric)"),
]  # fmt: skip


@pytest.mark.parametrize(("edits", "path", "fragment"), MISTAKES)
def test_a_single_mistake_is_reported_at_its_path(example, edits, path, fragment):
    with pytest.raises(TermsError) as caught:
        load_terms(edited(example, edits))
    found = [(p.path, p.message) for p in caught.value.problems]
    assert any(p == path and fragment in m for p, m in found), found


def test_ten_different_mistakes_are_all_reported_at_once(example):
    edits = {
        "$.currency": "SKR",
        "$.organisations[0].org_number": "212000-2883",
        "$.parties[1].organisation": "nacca",
        "$.parties[3].commitment": 20000000,
        "$.metrics[1].direction": "up",
        "$.periods[1].label": "2027",
        "$.terms[0].pricee": "45000",
        "$.terms[1].tiers[1].at": "2",
        "$.terms[1].payer_shares.nacka": "0.4",
        "$.caps.outcome_total": "-30000000",
        "$.surplus": "kept",
    }
    expected = {
        ("$.currency", "ISO 4217"),
        ("$.organisations[0].org_number", "check digit"),
        ("$.parties[1].organisation", 'no organisation has the id "nacca"'),
        ("$.parties[3].commitment", "write amounts as text"),
        ("$.metrics[1].direction", '"up" is not allowed here'),
        ("$.periods[1].label", "already used"),
        ("$.terms[0].pricee", 'did you mean "price"?'),
        ("$.terms[1].tiers[1].at", "not more demanding"),
        ("$.terms[1].payer_shares", "add up to 0.9"),
        ("$.caps.outcome_total", "cannot be negative"),
        ("$.surplus", '"kept" is not allowed here'),
    }
    with pytest.raises(TermsError) as caught:
        load_terms(edited(example, edits))
    problems = caught.value.problems
    assert len(problems) >= 10
    for path, fragment in expected:
        assert any(p.path == path and fragment in p.message for p in problems), (path, problems)


def test_problems_are_listed_in_document_order(example):
    edits = {"$.surplus": "kept", "$.currency": "SKR", "$.terms[1].tiers[1].at": "2"}
    with pytest.raises(TermsError) as caught:
        load_terms(edited(example, edits))
    paths = [p.path for p in caught.value.problems]
    assert paths == ["$.currency", "$.terms[1].tiers[1].at", "$.surplus"]


def test_the_error_message_lists_every_problem(example):
    with pytest.raises(TermsError) as caught:
        load_terms(edited(example, {"$.currency": "SKR", "$.rounding": "down"}))
    text = str(caught.value)
    assert text.startswith("the terms document has 2 problems:")
    assert "$.currency: " in text
    assert "$.rounding: " in text
