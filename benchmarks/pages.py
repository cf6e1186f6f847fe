"""Benchmark the server render time of every web page on the demo data (target: < 100 ms).

Run: .venv/bin/python benchmarks/pages.py [--repeat 30] [--database-url postgresql+psycopg://...]

Seeds a throwaway database (SQLite in a temp folder unless --database-url is given; the schema
is built from the models) the way `sib demo` does, then adds what the pages show: a verified
upload for 2027, and a payment run computed, approved by every payer and settled. Each page is
rendered in-process through Flask's test client (no network: this is server time) `--repeat`
times after one warm-up, signed in as the user who would open it; the median and the slowest
render are printed in milliseconds.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REF = "BOT-NAC-2027"
PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway database's demo users
TARGET_MS = 100
#: the business day of the seeded story: after 2027's payment date (2028-03-31)
TODAY = date(2028, 6, 1)


def seed(database_url: str):
    """Build and fill the database; return the app."""
    os.environ["DATABASE_URL"] = database_url
    from config import Config
    from sib import create_app
    from sib.extensions import db

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = False
        TODAY = "2028-06-01"
        LOG_LEVEL = "WARNING"  # no request log lines between the results

    app = create_app(BenchConfig)
    with app.app_context():
        from sib.schema_extras import install_extras

        db.drop_all()
        db.create_all()
        install_extras(db.engine)
        _fill(app)
    return app


def _fill(app) -> None:
    from outcomes.demo import seed_demo_contract, seed_demo_drawdowns
    from outcomes.payments import service as runs
    from outcomes.payments.approvals import approve_run
    from outcomes.payments.settlements import settle_run
    from outcomes.submissions import service as submissions
    from outcomes.submissions.settings import settings_from
    from outcomes.workbook.template import template_bytes
    from sib.actor import Actor
    from sib.auth.demo import seed_demo_users
    from sib.extensions import db

    actor = Actor.system("bench")
    contract = seed_demo_contract()
    seed_demo_drawdowns(contract)
    seed_demo_users(PASSWORD, tokens=False)
    template = template_bytes(submissions.catalogue_for(contract.versions[-1]))
    submission, _ = submissions.ingest_file(contract, "2027.xlsx", _filled(template), actor,
                                            settings=settings_from(app.config))  # fmt: skip
    submissions.verify_submission(submission, actor, "bench")
    run, _ = runs.compute_run(contract, "2027", actor, today=TODAY)
    for payer in list(run.payers):
        run = approve_run(run, payer.organisation_id, actor)
    settle_run(run, date(2028, 4, 30), "BENCH-1", actor, today=TODAY)
    db.session.commit()


def _filled(template: bytes) -> bytes:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(template))
    for row, (metric, value) in enumerate((("SAFE", 56), ("SAFE_CG", 52), ("ABSENCE", 8)), 2):
        book["Values"][f"A{row}"], book["Values"][f"D{row}"] = metric, "2027"
        book["Values"][f"F{row}"] = value
    for row in range(2, 12):
        sheet = book["Participants"]
        sheet[f"A{row}"], sheet[f"B{row}"], sheet[f"D{row}"] = f"P-{row:03d}", "EMP6", "2027"
        sheet[f"E{row}"], sheet[f"F{row}"] = date(2027, 6, 1), "Alby"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PAGES = [
    ("start", "finance@botkyrka.example", "/"),
    ("contract", "finance@botkyrka.example", f"/c/{REF}"),
    ("upload", "finance@framsteg.example", f"/c/{REF}/upload"),
    ("submission", "finance@framsteg.example", f"/c/{REF}/submissions/1"),
    ("verify queue", "evaluator@evaluator.example", f"/c/{REF}/verify"),
    ("verify one", "evaluator@evaluator.example", f"/c/{REF}/verify/1"),
    ("payment runs", "manager@utfall.example", f"/c/{REF}/runs"),
    ("payment run", "manager@utfall.example", f"/c/{REF}/runs/1"),
    ("investor statement", "investor@malar-fund.example",
     f"/c/{REF}/investors/malar_fund?as_of=2028-12-31"),
    ("payer statement", "finance@botkyrka.example", f"/c/{REF}/payers/botkyrka"),
    ("auditor history", "auditor@region.example", f"/c/{REF}/history"),
    ("admin users", "admin@utfall.example", "/admin/users"),
]  # fmt: skip


def measure(app, repeat: int) -> list[tuple[str, float, float]]:
    results = []
    for name, email, path in PAGES:
        client = app.test_client()
        client.post("/login", data={"email": email, "password": PASSWORD})
        assert client.get(path).status_code == 200, path  # warm-up (templates compile once)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            answer = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert answer.status_code == 200, path
        results.append((name, statistics.median(times), max(times)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="sib-bench-pages-")
    url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
    app = seed(url)
    print(f"{'page':<20} {'median ms':>10} {'slowest ms':>11}  (target < {TARGET_MS} ms)")
    for name, median, slowest in measure(app, args.repeat):
        mark = "ok" if median < TARGET_MS else "SLOW"
        print(f"{name:<20} {median:>10.1f} {slowest:>11.1f}  {mark}")


if __name__ == "__main__":
    main()
