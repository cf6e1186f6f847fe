"""Headers match in Swedish or English, any case, any order; extra columns are reported."""

import pytest

from outcomes.workbook.headers import PARTICIPANTS, VALUES, match_headers, sheet_spec


@pytest.mark.parametrize(
    "row",
    [
        ["Metric", "Period", "Area", "Value", "Comment"],
        ["MÅTT", "period", "OMRÅDE", "värde", "kommentar"],
        ["Value / Värde", "Metric / Mått", "Period", "Area / Område"],
        ["  metric code ", "Period:", "Area*", "Value (SEK)"],
    ],
)
def test_values_headers_match_in_either_language_and_any_order(row):
    match = match_headers(VALUES, row, areas_required=True)
    assert match.problems == ()
    assert {"metric", "period", "area", "value"} <= set(match.positions)


def test_columns_are_found_where_they_are():
    match = match_headers(VALUES, ["Värde", None, "Mått", "Period"], areas_required=False)
    assert match.positions == {"value": 0, "metric": 2, "period": 3}


def test_extra_columns_are_reported_and_template_helpers_are_not():
    row = ["Metric", "Metric name / Måttnamn", "Unit", "Period", "Value", "Source", "Checked by"]
    match = match_headers(VALUES, row, areas_required=False)
    assert match.extras == ((5, "Source"), (6, "Checked by"))


def test_a_missing_column_is_a_problem_naming_it():
    match = match_headers(VALUES, ["Metric", "Period"], areas_required=False)
    assert match.problems == (
        (None, "there is no column headed Value (Värde); add it to the header row, as in the "
               "template."),
    )  # fmt: skip


def test_area_is_needed_only_when_the_contract_has_areas():
    row = ["Metric", "Period", "Value"]
    assert match_headers(VALUES, row, areas_required=False).problems == ()
    assert "Area" in match_headers(VALUES, row, areas_required=True).problems[0][1]


def test_a_duplicated_header_names_both_columns():
    match = match_headers(VALUES, ["Metric", "Period", "Value", "Värde"], areas_required=False)
    assert match.problems == (
        (3, "columns C and D are both headed Value; keep one of them and delete the other."),
    )


@pytest.mark.parametrize(
    ("name",         "spec"),
    [
        ("Values",     VALUES),
        ("VÄRDEN",     VALUES),
        ("deltagare",  PARTICIPANTS),
        ("Participants", PARTICIPANTS),
        ("Sheet1",     None),
    ],
)  # fmt: skip
def test_sheets_are_found_by_name_in_either_language(name, spec):
    assert sheet_spec(name) is spec
