"""Files saved by LibreOffice Calc (headless) read like those written by openpyxl."""

import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from outcomes.workbook.guard import check_file
from outcomes.workbook.limits import Limits, NotXlsxError
from outcomes.workbook.template import template_bytes

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def good_book() -> Workbook:
    book = Workbook()
    values = book.active
    values.title = "Values"
    values.append(["Mått", "Period", "Område", "Värde", "Kommentar"])
    values.append(["SAFE", "2027", None, 0.575, "percent formatted"])
    values["D2"].number_format = "0.0%"
    values.append(["CALLS", 2027, "Alby", "=10+2", "a formula LibreOffice calculates"])
    values.append(["COST", "2028", None, "1 250 000,50", None])
    people = book.create_sheet("Participants")
    people.append(["Participant id", "Metric", "Period", "Date achieved", "Area"])
    people.append(["19121212-1212", "EMP6", "2027", datetime.date(2027, 3, 1), "Alby"])
    people.append([198112289874, "EMP6", "2027", "2027-10-02", "Fittja"])
    return book


def bad_book() -> Workbook:
    book = good_book()
    values = book["Values"]
    values.append(["BOGUS", "2027", None, "12,5", None])
    values.append(["CALLS", "2028", "Alby", "", None])
    values.append([None, "2028", "Fittja", "3", None])
    values.merge_cells("A6:A7")
    values.row_dimensions[6].hidden = True
    book["Participants"].append(["811228-9873", "EMP6", "2027", "01/03/2027", "Alby"])
    return book


@pytest.fixture(scope="module")
def converted(tmp_path_factory, catalogue):
    """Save the workbooks through LibreOffice once: back to .xlsx, and to .ods, .xls and .csv."""
    source, out = tmp_path_factory.mktemp("written"), tmp_path_factory.mktemp("converted")
    good_book().save(source / "good.xlsx")
    bad_book().save(source / "bad.xlsx")
    filled = load_workbook(io.BytesIO(template_bytes(catalogue)))
    for column, value in zip("ABDEF", ["19121212-1212", "EMP6", "2027", "2027-10-02", "Alby"],
                             strict=True):  # fmt: skip
        filled["Participants"][f"{column}2"] = value
    filled.save(source / "template.xlsx")
    profile = f"-env:UserInstallation=file://{tmp_path_factory.mktemp('profile')}"
    for target in ("xlsx", "ods", "xls", "csv"):
        files = [str(source / name) for name in ("good.xlsx", "bad.xlsx", "template.xlsx")]
        subprocess.run(
            [SOFFICE, profile, "--headless", "--convert-to", target, "--outdir",
             str(out / target), *files],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
    return lambda target, name: (out / target / f"{name}.{target}").read_bytes()


def test_a_good_workbook_saved_by_libreoffice_is_accepted(converted, parse):
    parsed = parse(converted("xlsx", "good"))
    assert parsed.errors == ()
    assert [(v.metric, v.value) for v in parsed.values] == [
        ("SAFE", Decimal("57.5")),  # 0.575 shown as 57.5 %
        ("CALLS", Decimal("12")),  # =10+2, calculated and saved by LibreOffice
        ("COST", Decimal("1250000.50")),
    ]
    assert [p.achieved_on for p in parsed.participants] == [
        datetime.date(2027, 3, 1), datetime.date(2027, 10, 2),
    ]  # fmt: skip


def test_libreoffice_and_openpyxl_files_give_the_same_rows(converted, parse):
    from_libreoffice = parse(converted("xlsx", "good"))
    out = io.BytesIO()
    good_book().save(out)
    from_openpyxl = parse(out.getvalue())
    assert from_libreoffice.participants == from_openpyxl.participants
    # openpyxl saves no formula results, so its CALLS row is refused; the others match.
    assert from_libreoffice.values[0] == from_openpyxl.values[0]
    assert [e.column for e in from_openpyxl.errors] == ["Värde"]


def test_a_bad_workbook_saved_by_libreoffice_names_every_problem(converted, parse):
    parsed = parse(converted("xlsx", "bad"))
    places = {(e.sheet, e.row, e.column) for e in parsed.errors}
    assert {
        ("Values", 6, None),        # merged A6:A7 and row 6 hidden
        ("Values", 5, "Mått"),      # BOGUS
        ("Values", 6, "Värde"),     # empty value
        ("Participants", 4, "Participant id"),  # wrong check digit
        ("Participants", 4, "Date achieved"),   # 01/03/2027
    } <= places  # fmt: skip
    messages = " ".join(e.message for e in parsed.errors)
    assert "cells A6:A7 are merged" in messages
    assert "row is hidden" in messages


def test_the_template_filled_and_saved_by_libreoffice_is_accepted(converted, parse):
    parsed = parse(converted("xlsx", "template"))
    assert parsed.errors == ()
    assert parsed.row_counts == {"Values": 0, "Participants": 1}


@pytest.mark.parametrize(
    ("target", "says"),
    [("ods", "OpenDocument spreadsheet"), ("xls", r"97-2003 \(\.xls\)"), ("csv", "CSV text file")],
)
def test_other_formats_saved_by_libreoffice_are_refused_with_what_to_do(converted, target, says):
    with pytest.raises(NotXlsxError, match=says):
        check_file(converted(target, "good"), Limits())
