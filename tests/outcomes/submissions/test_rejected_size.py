"""A rejected file too large to mark up in a copy gets the Errors sheet alone; inbox ingests
refuse far-reaching sheets exactly as uploads do."""

import io

import openpyxl
import pytest
from openpyxl.styles import PatternFill
from sqlalchemy import func, select

from outcomes.submissions.models import Submission
from outcomes.submissions.service import ingest_file
from outcomes.submissions.settings import settings_from
from outcomes.workbook.limits import OutOfBoundsError
from sib.actor import Actor
from sib.extensions import db
from tests.outcomes.workbook import hostile

YELLOW = PatternFill(fill_type="solid", start_color="FFFFFF00", end_color="FFFFFF00")


def styled_empty_cells(template: bytes, count: int) -> bytes:
    """A rejected file (a value over 100 %) with `count` styled empty cells below the table."""

    def edit(book):
        sheet = book["Values"]
        for row in range(2000, 2000 + count):
            sheet.cell(row, 8).fill = YELLOW

    return hostile.filled(template, [hostile.BAD_VALUE], edit=edit)


def test_past_the_cell_limit_the_errors_copy_is_the_errors_sheet_alone(
    app, monkeypatch, client, template, upload, officer
):
    monkeypatch.setitem(app.config, "ERRORS_COPY_MAX_CELLS", 5_000)  # cells; the file has more
    body = upload(styled_empty_cells(template, 6_000), officer).get_json()

    marked = client.get(body["errors_workbook"], headers=officer)

    book = openpyxl.load_workbook(io.BytesIO(marked.data))
    assert book.sheetnames == ["Errors"]
    assert book["Errors"]["D2"].value == "F2"
    assert '"140" is over 100' in book["Errors"]["E2"].value
    assert [e["path"] for e in body["errors"]] == ["Values!F2"]


def test_below_the_cell_limit_the_errors_copy_is_marked_up(client, template, upload, officer):
    body = upload(styled_empty_cells(template, 100), officer).get_json()

    book = openpyxl.load_workbook(io.BytesIO(client.get(body["errors_workbook"],
                                                        headers=officer).data))  # fmt: skip

    assert book.sheetnames[:3] == ["Errors", "Instructions", "Values"]
    assert book["Values"]["F2"].comment.text.startswith('"140" is over 100')


def test_an_inbox_ingest_refuses_a_far_cell_and_stores_nothing(app, contract, template):
    settings = settings_from(app.config)

    with pytest.raises(OutOfBoundsError) as refused:
        ingest_file(contract, "far.xlsx", hostile.far_cell(template), Actor.system("scheduler"),
                    source="inbox", settings=settings)  # fmt: skip
    db.session.commit()

    assert (refused.value.sheet, refused.value.cell, refused.value.status) == (
        "Values", "XFD1048576", 422,
    )  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
