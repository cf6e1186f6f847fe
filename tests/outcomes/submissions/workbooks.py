"""Workbooks and terms for the submission tests: the test contract, filling its template."""

import io
from datetime import date

import openpyxl

REFERENCE = "BOT-NAC-2027"
BASE = f"/api/v1/contracts/{REFERENCE}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEM = "application/problem+json"

#: Skatteverket's published test identity numbers: valid check digits, nobody's real number.
PERSON_A = "19121212-1212"
PERSON_B = "811218-9876"
#: PERSON_B with its check digit changed from 6 to 5.
PERSON_BAD = "811218-9875"

TERMS = {
    "format": "sib-terms/1",
    "reference": REFERENCE,
    "title": "Work and safety in Alby, Fittja and Fisksätra",
    "currency": "SEK",
    "starts_on": "2027-01-01",
    "ends_on": "2030-12-31",
    "organisations": [
        {"id": "botkyrka", "name": "Botkyrka kommun", "kind": "municipality"},
        {"id": "nacka", "name": "Nacka kommun", "kind": "municipality"},
        {"id": "fund", "name": "Demo Impact Fund", "kind": "investor"},
        {"id": "evalco", "name": "Utvärdering AB", "kind": "evaluator"},
        {"id": "works", "name": "Alby Works", "kind": "provider"},
    ],
    "parties": [
        {"organisation": "botkyrka", "role": "outcome_payer"},
        {"organisation": "nacka", "role": "outcome_payer"},
        {"organisation": "fund", "role": "investor", "commitment": "20000000", "tranche": "senior"},
        {"organisation": "evalco", "role": "evaluator"},
        {"organisation": "works", "role": "provider"},
    ],
    "tranches": [{"name": "senior", "return_cap": {"kind": "annual_rate", "rate": "0.06"}}],
    "payer_shares": {"botkyrka": "0.5", "nacka": "0.5"},
    "metrics": [
        {"code": "EMP6", "name": "Residents in work six months", "unit": "count",
         "direction": "higher", "participant_level": True, "x_areas": ["Alby", "Fittja"]},
        {"code": "SAFE", "name": "Residents who feel safe at night", "unit": "percent",
         "direction": "higher"},
        {"code": "HOMES", "name": "Homes renovated", "unit": "count", "direction": "higher",
         "x_areas": ["Alby", "Fittja"]},
        {"code": "TRUST", "name": "Trust in neighbours", "unit": "percent", "direction": "higher",
         "x_areas": ["Alby", "Fittja"]},
    ],
    "periods": [
        {"label": "2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31"},
        {"label": "2028", "starts_on": "2028-01-01", "ends_on": "2028-12-31"},
    ],
    "terms": [
        {"id": "jobs", "metric": "EMP6", "kind": "rate_card", "price": "45000"},
        {"id": "safety", "metric": "SAFE", "measure": {"kind": "change", "baseline": "52"},
         "kind": "tiered", "tiers": [{"at": "3", "pay": "1000000"}, {"at": "6", "pay": "2500000"}]},
    ],
}  # fmt: skip


def filled(template: bytes, values=(), participants=()) -> bytes:
    """The template with rows written under its headers, as an officer fills it in Excel.

    values: (metric, period, area, value, comment); participants: (id, metric, period, date, area).
    """
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["Values"]
    for row, (metric, period, area, value, comment) in enumerate(values, start=2):
        sheet[f"A{row}"], sheet[f"D{row}"], sheet[f"E{row}"] = metric, period, area
        sheet[f"F{row}"], sheet[f"G{row}"] = value, comment
    sheet = book["Participants"]
    for row, (person, metric, period, achieved_on, area) in enumerate(participants, start=2):
        sheet[f"A{row}"], sheet[f"B{row}"], sheet[f"D{row}"] = person, metric, period
        sheet[f"E{row}"], sheet[f"F{row}"] = achieved_on, area
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD_VALUES = (
    ("SAFE", "2027", None, 57.5, "Survey autumn 2027"),
    ("HOMES", "2027", "Alby", 12, None),
    ("HOMES", "2027", "Fittja", 8, None),
)
GOOD_PARTICIPANTS = (
    (PERSON_A, "EMP6", "2027", date(2027, 10, 2), "Alby"),
    (PERSON_B, "EMP6", "2027", date(2027, 11, 15), "Fittja"),
)


def figures_by_key(body) -> dict:
    """The /outcomes answer's figures by (metric, period, area)."""
    return {(f["metric"], f["period"], f["area"]): f for f in body["figures"]}
