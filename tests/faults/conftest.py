"""Fixtures for the fault tests: PostgreSQL only, the demo contract with figures, real servers."""

import copy
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from contracts import service as contracts
from outcomes.payments.drawdowns import record_drawdown
from outcomes.submissions.service import catalogue_for, ingest_file, verify_submission
from outcomes.submissions.settings import settings_from
from outcomes.workbook.template import template_bytes
from sib.actor import Actor
from sib.extensions import db
from tests.faults import processes
from tests.ops.served import start_gunicorn, stop

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-terms.json"
REFERENCE = "BOT-NAC-2027"
BASE = f"/api/v1/contracts/{REFERENCE}"
SYSTEM = Actor.system("test")
#: the figures of 2027 the payment-run story of tests/outcomes/payments uses
FIGURES_2027 = [("SAFE", "2027", None, 56, None), ("SAFE_CG", "2027", None, 52, None),
                ("ABSENCE", "2027", None, 8, None)]  # fmt: skip


def require_postgres(app) -> None:
    """Skip on SQLite, saying why (module fixtures call it too, before any slow setup)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip(
            "fault tests need PostgreSQL (TEST_DATABASE_URL=postgresql+psycopg://...): they "
            "watch pg_stat_activity and hold advisory and row locks from outside the process"
        )


@pytest.fixture(autouse=True)
def _postgres_only(app):
    require_postgres(app)


def demo_terms() -> dict:
    """The demo terms with every metric reported for the whole area (no area column needed)."""
    terms = json.loads(DEMO.read_text(encoding="utf-8"))
    for metric in terms["metrics"]:
        metric.pop("x_areas", None)
    return terms


@pytest.fixture
def contract(app):
    """The demo contract (whole-area figures), with both investors' capital drawn."""
    found = contracts.import_contract(copy.deepcopy(demo_terms()), SYSTEM)
    record_drawdown(found, "malar_fund", date(2027, 1, 1), Decimal("10000000"), SYSTEM)
    record_drawdown(found, "sodertorn_impact", date(2027, 1, 1), Decimal("5000000"), SYSTEM)
    db.session.commit()
    return found


def filled(template: bytes, values) -> bytes:
    """The template with value rows (metric, period, area, value, comment) under its headers."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["Values"]
    for row, (metric, period, area, value, comment) in enumerate(values, start=2):
        sheet[f"A{row}"], sheet[f"D{row}"], sheet[f"E{row}"] = metric, period, area
        sheet[f"F{row}"], sheet[f"G{row}"] = value, comment
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def workbook(contract):
    """A factory: the contract's template filled with value rows, as .xlsx bytes."""
    template = template_bytes(catalogue_for(contract.versions[-1]))
    return lambda values=FIGURES_2027: filled(template, values)


@pytest.fixture
def verified(app, contract, workbook):
    """A factory: store a workbook of figures and verify it (committed); the submission."""

    def store(values=FIGURES_2027):
        data = workbook(values)
        settings = settings_from(app.config)
        submission, _ = ingest_file(contract, "figures.xlsx", data, SYSTEM, settings=settings)
        verify_submission(submission, SYSTEM)
        db.session.commit()
        return submission

    return store


@pytest.fixture
def env(app, tmp_path):
    """The environment of a `sib` process on the test database."""
    return processes.process_env(app.config, tmp_path)


#: sync workers of the test server (gunicorn.conf.py's worker class: one request each)
WORKERS = 4


@pytest.fixture(scope="package")
def server(app, tmp_path_factory):
    """gunicorn (gunicorn.conf.py) with WORKERS workers on 127.0.0.1: (master process, port)."""
    require_postgres(app)
    folder = tmp_path_factory.mktemp("gunicorn")
    environment = processes.process_env(app.config, folder)
    with pytest.MonkeyPatch.context() as patch:
        # start_gunicorn passes its own environment on; the test's keys and day go with it.
        for name in ("SECRET_KEY", "PSEUDONYM_KEY", "AUDIT_KEY", "AUDIT_CHECKPOINT_DIR",
                     "SIB_TODAY"):  # fmt: skip
            patch.setenv(name, environment[name])
        master, port = start_gunicorn(processes.process_url(), folder / "gunicorn.log", WORKERS)
    yield master, port
    stop(master)
