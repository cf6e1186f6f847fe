"""Which figures are in force, and the engine input they make (docs/outcomes.md)."""

from datetime import date

import pytest

from outcomes.submissions.figures import engine_values, figures_in_force
from tests.outcomes.submissions.workbooks import BASE, PERSON_A, PERSON_B, filled


def test_area_figures_of_an_additive_metric_add_up_for_the_engine(contract, template, verified):
    verified(filled(template, [("HOMES", "2027", "Alby", 12, None),
                               ("HOMES", "2027", "Fittja", 8, None)]))  # fmt: skip

    values = engine_values(contract)["values"]

    assert values == {"2027": {"HOMES": "20"}}  # 12 + 8 homes, a count adds up


def test_a_figure_without_area_is_the_engines_value_even_beside_area_figures(
    contract, template, verified
):
    verified(filled(template, [("TRUST", "2027", "Alby", 40, None),
                               ("TRUST", "2027", "Fittja", 60, None)]))  # fmt: skip

    # Percentages do not add up: without a whole-area figure the engine gets no value.
    assert engine_values(contract)["values"] == {}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # unit      areas given                          engine value
        ([("SAFE", "2027", None, "57,5", None)],            {"2027": {"SAFE": "57.5"}}),
        ([("HOMES", "2027", "Alby", 3, None),
          ("HOMES", "2028", "Fittja", 4, None)],             {"2027": {"HOMES": "3"},
                                                              "2028": {"HOMES": "4"}}),
    ],
)  # fmt: skip
def test_engine_values_per_period_and_metric(contract, template, verified, rows, expected):
    verified(filled(template, rows))

    assert engine_values(contract)["values"] == expected


def test_participant_rows_go_to_the_engine_as_pseudonyms(contract, template, verified):
    verified(filled(template, [], [
        (PERSON_A, "EMP6", "2027", date(2027, 10, 2), "Alby"),
        (PERSON_B, "EMP6", "2027", date(2027, 11, 15), "Fittja"),
    ]))  # fmt: skip

    answer = engine_values(contract)

    assert answer["values"] == {}  # a participant-level metric never has a values entry
    rows = answer["participants"]
    assert [(r["metric"], r["period"], r["achieved_on"]) for r in rows] == [
        ("EMP6", "2027", "2027-10-02"),
        ("EMP6", "2027", "2027-11-15"),
    ]
    assert all(len(r["participant"]) == 64 for r in rows)


def test_unverified_figures_count_when_the_terms_say_verification_is_not_required(
    terms, make_contract, template_for, upload_as_officer
):
    terms["x_verification_required"] = False
    contract = make_contract(terms)
    response = upload_as_officer(filled(template_for(), [("SAFE", "2027", None, 61, None)]))
    assert response.status_code == 201

    figures = figures_in_force(contract)

    assert [(f.metric, f.value) for f in figures] == [("SAFE", 61)]
    assert figures[0].submission.status == "validated"


def test_the_later_upload_wins_whatever_the_order_of_verification(
    client, contract, template, upload, officer, evaluator
):
    older = upload(filled(template, [("SAFE", "2027", None, 57, None)]), officer).get_json()
    newer = upload(filled(template, [("SAFE", "2027", None, 59, None)]), officer).get_json()
    for submission in (newer, older):
        client.post(f"{BASE}/submissions/{submission['id']}/verify", json={}, headers=evaluator)

    figures = figures_in_force(contract)

    assert [(f.value, f.submission.id) for f in figures] == [(59, newer["id"])]
    assert client.get(f"{BASE}/submissions/{older['id']}", headers=officer).get_json()[
        "status"] == "superseded"  # fmt: skip


def test_figures_as_of_a_day_count_only_what_was_verified_by_then(contract, template, verified):
    verified(filled(template, [("SAFE", "2027", None, 57, None)]))

    assert figures_in_force(contract, as_of=date(2026, 1, 1)) == []
    assert len(figures_in_force(contract, as_of=date(2100, 1, 1))) == 1
