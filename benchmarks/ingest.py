"""Benchmark of a whole outcome-workbook ingest against pandas and a bare openpyxl pass.

For participant sheets of 100,000 and 1,000,000 rows (8 columns) it measures, each in a fresh
subprocess so that peak memory is the run's own:

- the whole ingest (read, validate, pseudonymise, store, commit) on SQLite and PostgreSQL;
- pandas.read_excel (openpyxl engine) merely reading the Participants sheet;
- a bare openpyxl read-only pass over the same sheet;

and prints seconds, rows/s, peak resident memory and the ratios the issue sets as targets:
100k rows ingested in at most 0.5x pandas' time, 1M rows with peak memory under 350 MB.

    .venv/bin/python benchmarks/ingest.py                      # SQLite only
    .venv/bin/python benchmarks/ingest.py --postgresql postgresql+psycopg://u:p@host/sib_bench

The tables of the PostgreSQL database given are dropped and created afresh before each run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (100_000, 1_000_000)
#: generated workbooks are kept here between runs (they take a while to write)
CACHE = Path(tempfile.gettempdir()) / "sib-bench-workbooks"
PERIODS = [(str(year), date(year, 1, 1), date(year, 12, 31)) for year in (2027, 2028, 2029)]
AREAS = ["Alby", "Fittja", "Hallunda", "Norsborg"]
METRICS = ["EMP6", "EDU12"]
HEADERS = ["Participant id / Deltagar-id", "Metric / Mått", "Metric name / Måttnamn",
           "Period", "Date achieved / Datum uppnått", "Area / Område", "Case officer",
           "Note"]  # fmt: skip
TERMS = {
    "format": "sib-terms/1",
    "reference": "BENCH-2027",
    "title": "Ingest benchmark",
    "currency": "SEK",
    "starts_on": "2027-01-01",
    "ends_on": "2029-12-31",
    "organisations": [
        {"id": "payer", "name": "Payer", "kind": "municipality"},
        {"id": "fund", "name": "Fund", "kind": "investor"},
    ],
    "parties": [
        {"organisation": "payer", "role": "outcome_payer"},
        {"organisation": "fund", "role": "investor", "commitment": "1000000", "tranche": "t"},
    ],
    "tranches": [{"name": "t", "return_cap": {"kind": "none"}}],
    "payer_shares": {"payer": "1"},
    "metrics": [
        {
            "code": code,
            "name": f"Outcome {code}",
            "unit": "count",
            "direction": "higher",
            "participant_level": True,
            "x_areas": AREAS,
        }
        for code in METRICS
    ],  # fmt: skip
    "periods": [
        {"label": label, "starts_on": start.isoformat(), "ends_on": end.isoformat()}
        for label, start, end in PERIODS
    ],
    "terms": [{"id": "jobs", "metric": "EMP6", "kind": "rate_card", "price": "1000"}],
}


# --- the workbooks ------------------------------------------------------------------------


def identity_number(index: int) -> str:
    """A distinct, valid-looking 12-digit personal identity number for each index."""
    born = date(1960, 1, 1) + timedelta(days=index // 900)
    serial = f"{born:%y%m%d}{index % 900 + 100:03d}"
    return f"{born:%Y%m%d}-{serial[6:]}{_luhn_digit(serial)}"


def _luhn_digit(nine: str) -> int:
    total = 0
    for position, char in enumerate(nine):
        digit = int(char) * (2 if position % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return (10 - total % 10) % 10


def workbook_path(rows: int) -> Path:
    """Write (once) a workbook whose Participants sheet has `rows` rows of 8 columns."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"participants-{rows}.xlsx"
    if path.exists():
        return path
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Participants")
    sheet.append(HEADERS)
    for index in range(rows):
        label, start, _ = PERIODS[index % len(PERIODS)]
        metric = METRICS[index % len(METRICS)]
        sheet.append([identity_number(index), metric, f"Outcome {metric}", label,
                      start + timedelta(days=index % 365), AREAS[index % len(AREAS)],
                      f"officer {index % 40}", "checked"])  # fmt: skip
    partial = path.with_suffix(".partial")
    book.save(partial)
    partial.rename(path)
    return path


# --- one measurement, run in a child process ------------------------------------------------


def cpu_seconds() -> float:
    """CPU time this process has used: robust where the wall clock is shared with other work."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_pandas(path: Path) -> dict:
    import pandas

    cpu_before, started = cpu_seconds(), time.perf_counter()
    frame = pandas.read_excel(path, sheet_name="Participants", engine="openpyxl")
    return {"seconds": time.perf_counter() - started, "cpu": cpu_seconds() - cpu_before,
            "rows": len(frame)}  # fmt: skip


def measure_openpyxl(path: Path) -> dict:
    import openpyxl

    cpu_before, started = cpu_seconds(), time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _ in book["Participants"].iter_rows(values_only=True)) - 1
    book.close()
    return {"seconds": time.perf_counter() - started, "cpu": cpu_seconds() - cpu_before,
            "rows": rows}  # fmt: skip


def measure_ingest(path: Path, database_url: str) -> dict:
    app, contract_id = _bench_app(database_url)
    from outcomes.submissions import ingest
    from outcomes.submissions.service import ingest_file
    from outcomes.submissions.settings import settings_from
    from sib.actor import Actor
    from sib.extensions import db

    store_started = []
    real_store = ingest.store_rows

    def timed_store(*args, **kwargs):
        store_started.append(time.perf_counter())
        return real_store(*args, **kwargs)

    ingest.store_rows = timed_store
    with app.app_context():
        from contracts.models import Contract

        contract = db.session.get(Contract, contract_id)
        settings = settings_from(app.config)
        cpu_before = cpu_seconds()
        started = time.perf_counter()
        data = path.read_bytes()
        submission, created = ingest_file(contract, path.name, data, Actor.system("bench"),
                                          settings=settings)  # fmt: skip
        db.session.commit()
        finished = time.perf_counter()
        counts = json.loads(submission.row_counts)
        assert submission.status == "validated", submission.errors[:2000]
    return {"seconds": finished - started, "cpu": cpu_seconds() - cpu_before,
            "store_seconds": finished - store_started[0], "rows": counts.get("Participants", 0),
            "created": created}  # fmt: skip


def _bench_app(database_url: str):
    """A Flask app with only the database: the ingest is measured, not the web stack."""
    from flask import Flask

    from sib.actor import Actor
    from sib.extensions import db

    class BenchConfig:
        SQLALCHEMY_DATABASE_URI = database_url
        PSEUDONYM_KEY = "benchmark-pseudonym-key-of-32-bytes"
        AUDIT_KEY = "benchmark-audit-key-of-32-bytes-long"
        #: base64 of 32 bytes: an Ed25519 key (sib/audit_signing.py), for checkpoints
        AUDIT_SIGNING_KEY = "YmVuY2htYXJrLXNpZ25pbmcta2V5LW9mLTMyLWJ5dGU="
        #: bytes; a 1M-row sheet of 8 columns is about 36 MB, above the default 20 MB
        MAX_UPLOAD_BYTES = 64 * 1024 * 1024

    app = Flask("bench")
    app.config.from_object(BenchConfig)
    db.init_app(app)
    import contracts.models  # noqa: F401 - tables the submissions refer to
    import outcomes.submissions.models  # noqa: F401
    import sib.audit  # noqa: F401
    from contracts.service import import_contract

    with app.app_context():
        db.drop_all()
        db.create_all()
        contract = import_contract(TERMS, Actor.system("bench"))
        db.session.commit()
        return app, contract.id


def child(mode: str, path: str, database_url: str | None) -> None:
    """Run one measurement and print it as JSON with this process's peak memory."""
    target = Path(path)
    if mode == "pandas":
        result = measure_pandas(target)
    elif mode == "openpyxl":
        result = measure_openpyxl(target)
    else:
        result = measure_ingest(target, database_url)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def run_child(
    mode: str, path: Path, database_url: str | None = None, script: str = __file__
) -> dict:
    """Run `script --child mode path [url]` in a process of its own; its last line as JSON."""
    command = [sys.executable, script, "--child", mode, str(path)]
    if database_url:
        command.append(database_url)
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} on {path.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the report ----------------------------------------------------------------------------


def report(rows: int, path: Path, databases: dict[str, str]) -> list[str]:
    pandas_run = run_child("pandas", path)
    bare = run_child("openpyxl", path)
    lines = [f"{rows:,} participant rows x 8 columns ({path.stat().st_size / 1e6:.1f} MB)",
             _line("pandas.read_excel", pandas_run), _line("openpyxl read-only", bare)]  # fmt: skip
    for name, url in databases.items():
        ingest = run_child("ingest", path, url)
        assert ingest["rows"] == rows, ingest
        lines.append(_line(f"ingest, {name}", ingest))
        lines.append(
            f"    wall {ingest['seconds'] / pandas_run['seconds']:.2f}x pandas, "
            f"{ingest['seconds'] / bare['seconds']:.2f}x openpyxl; "
            f"CPU {ingest['cpu'] / pandas_run['cpu']:.2f}x pandas, "
            f"{ingest['cpu'] / bare['cpu']:.2f}x openpyxl; "
            f"storing and commit {ingest['store_seconds']:.2f} s"
        )
    return lines


def _line(label: str, run: dict) -> str:
    rate = run["rows"] / run["seconds"]
    return (f"  {label:<22} {run['seconds']:8.2f} s (CPU {run['cpu']:7.2f} s) "
            f"{rate:10,.0f} rows/s  peak RSS {run['peak_rss_mb']:7.1f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", help="SQLAlchemy URL of a PostgreSQL database to empty")
    parser.add_argument("--rows", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        databases = {"SQLite": f"sqlite:///{scratch}/bench.sqlite"}
        if args.postgresql:
            databases["PostgreSQL"] = args.postgresql
        for rows in args.rows:
            path = workbook_path(rows)
            for line in report(rows, path, databases):
                print(line, flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    else:
        main()
