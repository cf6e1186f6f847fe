"""Benchmark of rejecting a workbook of a million styled empty cells, and of the extent check.

A Values sheet with one bad row and then rows of formatted but empty cells (as Excel writes
after formatting whole columns) is rejected. Each run is a fresh subprocess, so its peak
resident memory is its own:

- `marked copy`: parse, then mark up a copy of the whole workbook with openpyxl, as every
  rejected file up to 8 MB was before (this is what took 30 s and 800-960 MB);
- `ingest`: the whole ingest of the same file as the service now does it (SQLite): past
  `ERRORS_COPY_MAX_CELLS` the errors copy is the Errors sheet alone;
- `scan`: the XML pass over a 100,000-row Participants sheet (from benchmarks/ingest.py),
  and the share of it the extent check takes (measuring, as for a file calamine may read, and
  checking only, as for a larger one), in ms per MB of sheet XML.

    .venv/bin/python benchmarks/ingest_rejected.py [--cells 1000000]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import ingest as base  # noqa: E402 - benchmarks/ingest.py: its app, terms and workbooks

CACHE = base.CACHE


def styled_workbook(cells: int) -> Path:
    """Write (once) the rejected workbook: header, one bad row, `cells` styled empty cells."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"styled-empty-{cells}.xlsx"
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT / "tests" / "outcomes" / "workbook"))
    from tests.outcomes.workbook import conftest as corpus

    # Two styled empty cells a row; the bad row names a metric the contract does not have.
    data = corpus.empty_formatted_rows(cells // 2, ["NOPE", "2027", "Alby", "12"])
    path.write_bytes(data)
    return path


def measure_marked_copy(path: Path) -> dict:
    from outcomes.workbook.annotate import annotated_workbook
    from outcomes.workbook.catalogue import catalogue_from_terms
    from outcomes.workbook.parse import parse_workbook

    data = path.read_bytes()
    started = time.perf_counter()
    parsed = parse_workbook(data, catalogue_from_terms(base.TERMS), pseudonym_key=b"k" * 32)
    out = annotated_workbook(data, parsed.errors, mask_identifiers=True)  # no cell limit
    return {"seconds": time.perf_counter() - started, "errors": len(parsed.errors),
            "cells": parsed.cells, "copy_bytes": len(out), "sheets": _sheets(out)}  # fmt: skip


def measure_ingest(path: Path, database_url: str) -> dict:
    app, contract_id = base._bench_app(database_url)
    from contracts.models import Contract
    from outcomes.submissions.service import ingest_file
    from outcomes.submissions.settings import settings_from
    from sib.actor import Actor
    from sib.extensions import db

    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        started = time.perf_counter()
        settings = settings_from(app.config)
        submission, _ = ingest_file(
            contract, path.name, path.read_bytes(), Actor.system("bench"), settings=settings
        )
        db.session.commit()
        seconds = time.perf_counter() - started
        assert submission.status == "rejected"
        out = submission.errors_workbook
    return {"seconds": seconds, "copy_bytes": len(out), "sheets": _sheets(out)}


def measure_scan(path: Path) -> dict:
    from outcomes.workbook import sheetscan
    from outcomes.workbook.extent import ExtentCollector
    from outcomes.workbook.limits import Limits

    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(sheetscan.sheet_parts(archive)["Participants"])
    pieces = [xml[at : at + sheetscan.CHUNK_BYTES] for at in range(0, len(xml), 1 << 20)]
    started = time.perf_counter()
    sheetscan.scan_workbook(data, lambda name: name == "Participants")
    whole = time.perf_counter() - started
    megabytes = len(xml) / 1e6
    result = {"xml_mb": megabytes, "scan_ms_per_mb": whole * 1000 / megabytes}
    for label, exact in (("measure", True), ("check", False)):
        extent = ExtentCollector("Participants", Limits(), exact=exact)
        started = time.perf_counter()
        carry = b""
        for piece in pieces:
            text = carry + piece
            cut = sheetscan._last_whole_rows(text)
            extent.feed(text[:cut])
            carry = text[cut:]
        extent.feed(carry)
        result[f"{label}_ms_per_mb"] = (time.perf_counter() - started) * 1000 / megabytes
    return result


def _sheets(data: bytes) -> list[str]:
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames


def child(mode: str, path: str, database_url: str | None) -> None:
    if mode == "marked":
        result = measure_marked_copy(Path(path))
    elif mode == "scan":
        result = measure_scan(Path(path))
    else:
        result = measure_ingest(Path(path), database_url)
    result["peak_rss_mb"] = base.peak_rss_mb()
    print(json.dumps(result))


def run_child(mode: str, path: Path, database_url: str | None = None) -> dict:
    return base.run_child(mode, path, database_url, script=__file__)


def _print(label: str, run: dict) -> None:
    print(f"  {label:<22} {run['seconds']:7.2f} s  peak RSS {run['peak_rss_mb']:7.1f} MB  "
          f"errors copy {run['copy_bytes'] / 1e3:8.1f} kB, sheets {run['sheets']}",
          flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=1_000_000)
    parser.add_argument("--skip-marked", action="store_true", help="skip the slow old path")
    parser.add_argument("--scan-only", action="store_true", help="only the scan measurements")
    args = parser.parse_args()
    if args.scan_only:
        _print_scan(run_child("scan", base.workbook_path(100_000)))
        return
    path = styled_workbook(args.cells)
    print(f"rejected workbook: {args.cells:,} styled empty cells, "
          f"{path.stat().st_size / 1e6:.1f} MB")  # fmt: skip
    if not args.skip_marked:
        _print("marked copy (before)", run_child("marked", path))
    with tempfile.TemporaryDirectory() as scratch:
        _print("ingest, SQLite (now)", run_child("ingest", path, f"sqlite:///{scratch}/b.sqlite"))
    _print_scan(run_child("scan", base.workbook_path(100_000)))


def _print_scan(scan: dict) -> None:
    print(f"100,000-row sheet, {scan['xml_mb']:.0f} MB of XML: whole scan "
          f"{scan['scan_ms_per_mb']:.1f} ms/MB; of it the extent, measured (files calamine may "
          f"read) {scan['measure_ms_per_mb']:.1f} ms/MB, checked only (larger files) "
          f"{scan['check_ms_per_mb']:.1f} ms/MB")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    else:
        main()
