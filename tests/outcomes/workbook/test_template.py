"""The template is made for its contract: sheets, headers, drop-downs, names, units, safe text."""

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from outcomes.workbook.catalogue import catalogue_from_terms
from outcomes.workbook.template import template_bytes


@pytest.fixture
def template(catalogue):
    return load_workbook(io.BytesIO(template_bytes(catalogue)))


def validations(sheet) -> dict[str, str]:
    return {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}


def test_the_template_has_instructions_values_participants_and_lists(template):
    assert template.sheetnames == ["Instructions", "Values", "Participants", "Lists"]


@pytest.mark.parametrize(
    ("sheet",        "headers"),
    [
        ("Values",       ["Metric / Mått", "Metric name / Måttnamn", "Unit / Enhet", "Period",
                          "Area / Område", "Value / Värde", "Comment / Kommentar"]),
        ("Participants", ["Participant id / Deltagar-id", "Metric / Mått",
                          "Metric name / Måttnamn", "Period", "Date achieved / Datum uppnått",
                          "Area / Område"]),
    ],
)  # fmt: skip
def test_headers_are_bilingual_bold_frozen_and_sized(template, sheet, headers):
    ws = template[sheet]
    assert [c.value for c in ws[1]] == headers
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert all(ws.column_dimensions[c.column_letter].width >= 12 for c in ws[1])


def test_drop_downs_offer_the_contracts_codes_periods_and_areas(template):
    # Lists: SAFE, CALLS, COST (aggregate) in A2:A4, then EMP6, VISIT in A5:A6.
    assert validations(template["Values"]) == {
        "A2": "=Lists!$A$2:$A$4", "D2": "=Lists!$F$2:$F$3", "E2": "=Lists!$J$2:$J$3",
    }  # fmt: skip
    participants = validations(template["Participants"])
    assert participants["B2"] == "=Lists!$A$5:$A$6"
    assert participants["E2"] == "DATE(2027,1,1)"  # dates within the contract's periods


def test_metric_names_and_units_show_next_to_the_codes(template):
    lists = template["Lists"]
    assert [[c.value for c in row] for row in lists["A2:C6"]] == [
        ["SAFE", "Residents who feel safe at night", "percent"],
        ["CALLS", "Emergency calls", "count"],
        ["COST", "Care costs avoided", "money"],
        ["EMP6", "Residents in work six months", "count"],
        ["VISIT", "Advice visits", "count"],
    ]
    assert template["Values"]["B2"].value.startswith('=IF(A2="","",IFERROR(VLOOKUP(A2,Lists!')
    assert template["Values"]["C2"].value.endswith(',3,FALSE),"?"))')


def test_instructions_are_in_swedish_and_english_with_an_example(template):
    text = "\n".join(str(c.value) for c in template["Instructions"]["A"] if c.value)
    for phrase in ("Så fyller du i mallen", "How to fill in the template", "Exempel (Values)",
                   "Example (Participants)", "EMP6: Residents in work six months (count",
                   "2027: 2027-01-01 – 2027-12-31"):  # fmt: skip
        assert phrase in text


def test_identifier_cells_are_text_so_leading_zeros_survive(template):
    assert template["Participants"]["A2"].number_format == "@"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)",
                                  "\tTAB", "\rCR"])  # fmt: skip
def test_text_that_looks_like_a_formula_is_written_as_text(name):
    terms = {"reference": "R", "title": name, "periods": [],
             "metrics": [{"code": "M", "name": name, "unit": "count"}]}  # fmt: skip
    data = template_bytes(catalogue_from_terms(terms))
    lists = load_workbook(io.BytesIO(data))["Lists"]
    # XML turns a lone CR into a line feed; what matters is that the cell is text.
    assert lists["B2"].value == name.replace("\r", "\n")
    assert lists["B2"].data_type == "s"
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet4.xml")
    assert b"<f>" not in sheet_xml


def test_the_empty_template_reads_back_with_nothing_to_submit(catalogue, parse):
    parsed = parse(template_bytes(catalogue))
    assert [e.message for e in parsed.errors] == [
        "The workbook holds no rows to submit; fill in the Values or Participants sheet under "
        "its headers."
    ]


def test_a_filled_template_is_accepted(catalogue, parse):
    book = load_workbook(io.BytesIO(template_bytes(catalogue)))
    book["Values"]["A2"], book["Values"]["D2"], book["Values"]["F2"] = "SAFE", "2027", "57,5"
    row = ["19121212-1212", "EMP6", None, "2027", "2027-10-02", "Alby"]
    for column, value in enumerate(row, start=1):
        if value:
            book["Participants"].cell(row=2, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    parsed = parse(out.getvalue())
    assert parsed.errors == ()
    assert parsed.values[0].value == Decimal("57.5")
    assert parsed.row_counts == {"Values": 1, "Participants": 1}
