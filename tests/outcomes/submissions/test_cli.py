"""The command line: `sib outcomes template` and `sib outcomes ingest`."""

import openpyxl
from sqlalchemy import func, select

from outcomes.submissions.models import Submission
from sib.extensions import db
from tests.outcomes.submissions.workbooks import GOOD_VALUES, REFERENCE, filled


def test_template_writes_the_contracts_workbook(runner, contract, tmp_path):
    target = tmp_path / "template.xlsx"

    result = runner.invoke(args=["outcomes", "template", REFERENCE, "-o", str(target)])

    assert result.exit_code == 0, result.output
    assert "Values" in openpyxl.load_workbook(target).sheetnames


def test_ingest_stores_a_good_file_once(runner, contract, tmp_path):
    template = tmp_path / "template.xlsx"
    runner.invoke(args=["outcomes", "template", REFERENCE, "-o", str(template)])
    good = tmp_path / "good.xlsx"
    good.write_bytes(filled(template.read_bytes(), GOOD_VALUES))

    first = runner.invoke(args=["outcomes", "ingest", REFERENCE, str(good)])
    again = runner.invoke(args=["outcomes", "ingest", REFERENCE, str(good)])

    assert first.exit_code == 0, first.output
    assert "Stored submission" in first.output
    assert "Values: 3" in first.output
    assert again.exit_code == 0
    assert "Already stored as submission" in again.output
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_ingest_exits_1_listing_every_problem(runner, contract, tmp_path):
    template = tmp_path / "template.xlsx"
    runner.invoke(args=["outcomes", "template", REFERENCE, "-o", str(template)])
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(filled(template.read_bytes(), [("SAFE", "2027", None, 140, None),
                                                   ("NOPE", "2027", None, 1, None)]))  # fmt: skip

    result = runner.invoke(args=["outcomes", "ingest", REFERENCE, str(bad)])

    assert result.exit_code == 1
    assert "2 problem(s)" in result.output
    assert "Values!F2:" in result.output
    assert "Values!A3:" in result.output


def test_ingest_refuses_a_file_that_is_not_an_xlsx(runner, contract, tmp_path):
    csv = tmp_path / "outcomes.xlsx"
    csv.write_text("metric;period;value\nSAFE;2027;57,5\n", encoding="utf-8")

    result = runner.invoke(args=["outcomes", "ingest", REFERENCE, str(csv)])

    assert result.exit_code == 1
    assert "refused" in result.output
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_an_unknown_contract_is_an_error(runner, app, tmp_path):
    result = runner.invoke(args=["outcomes", "template", "NOPE-1", "-o", str(tmp_path / "t.xlsx")])

    assert result.exit_code != 0
    assert "No contract NOPE-1" in result.output
