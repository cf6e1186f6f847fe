"""Benchmark the READ half of ingest: parse_workbook against pandas, openpyxl and calamine.

Run: .venv/bin/python benchmarks/ingest_read.py [--sizes 100000 1000000]
Each measurement runs in a fresh subprocess so its peak resident memory (ru_maxrss) is its own.
Files are generated once (openpyxl write_only) and cached in the temp dir.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CACHE = Path(tempfile.gettempdir()) / "sib-ingest-read-bench"
KEY = b"benchmark-key-not-a-secret"
TERMS = {
    "reference": "BENCH-2027",
    "title": "Benchmark",
    "metrics": [
        {
            "code": "EMP6",
            "name": "In work six months",
            "unit": "count",
            "direction": "higher",
            "participant_level": True,
            "x_areas": ["Alby", "Fittja", "Fisksätra"],
        },
    ],
    "periods": [{"label": "2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31"}],
    "terms": [],
}
MEASURES = ("parse_workbook", "parse_calamine", "parse_openpyxl", "pandas", "openpyxl", "calamine")


def identity_number(index: int) -> str:
    """Return a distinct valid 12-digit personal identity number for each index."""
    from stdnum import luhn

    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=index // 900)
    serial = f"{index % 900 + 100:03d}"
    ten = f"{born:%y%m%d}{serial}"
    return f"{born:%Y%m%d}-{serial}{luhn.calc_check_digit(ten)}"


def workbook_path(rows: int) -> Path:
    """Write (once) a Participants sheet with `rows` rows and return its path."""
    from openpyxl import Workbook

    path = CACHE / f"participants-{rows}.xlsx"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Participants")
    sheet.append(["Participant id", "Metric", "Period", "Date achieved", "Area"])
    areas = ("Alby", "Fittja", "Fisksätra")
    start = datetime.date(2027, 1, 1)
    for i in range(rows):
        day = start + datetime.timedelta(days=i % 365)
        sheet.append([identity_number(i), "EMP6", "2027", day, areas[i % 3]])
    partial = path.with_suffix(".partial")
    book.save(partial)
    partial.rename(path)
    return path


def measure(what: str, path: Path) -> dict:
    """Run one measurement in this process; return seconds, rows and peak memory."""
    data = path.read_bytes()
    started = time.perf_counter()
    rows, extra = _run(what, data)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "rows": rows, "peak_mb": peak_kb // 1024, **extra}


def _run(what: str, data: bytes) -> tuple[int, dict]:
    if what.startswith("parse"):
        from outcomes.workbook.catalogue import catalogue_from_terms
        from outcomes.workbook.limits import Limits
        from outcomes.workbook.parse import parse_workbook

        limits = Limits(max_upload_bytes=200 * 1024 * 1024)
        if what == "parse_calamine":
            limits = dataclasses.replace(limits, fast_reader_max_bytes=len(data))
        elif what == "parse_openpyxl":
            limits = dataclasses.replace(limits, fast_reader_max_bytes=0)
        parsed = parse_workbook(data, catalogue_from_terms(TERMS), pseudonym_key=KEY, limits=limits)
        assert not parsed.errors, parsed.errors[:3]
        return len(parsed.participants), {"backend": parsed.backend}
    if what == "pandas":
        import pandas

        frame = pandas.read_excel(io.BytesIO(data), sheet_name="Participants", engine="openpyxl")
        return len(frame), {}
    if what == "openpyxl":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return sum(1 for _ in book["Participants"].iter_rows(values_only=True)) - 1, {}
    if what == "calamine":
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Participants")
        return sum(1 for _ in sheet.iter_rows()) - 1, {}
    raise ValueError(what)


def _has_pandas() -> bool:
    try:
        import pandas  # noqa: F401
    except ImportError:
        return False
    return True


def _in_subprocess(what: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", what, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure every reader on each size and print the table and the target ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "FILE"))
    parser.add_argument("--only", nargs="*", default=list(MEASURES))
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    wanted = [m for m in args.only if m != "pandas" or _has_pandas()]
    for size in args.sizes:
        path = workbook_path(size)
        print(f"\n{size} rows, file {os.path.getsize(path) / 1e6:.1f} MB ({path})", flush=True)
        results = {}
        for what in wanted:
            result = results[what] = _in_subprocess(what, path)
            rate = result["rows"] / result["seconds"]
            backend = f" [{result['backend']}]" if "backend" in result else ""
            print(
                f"  {what:15} {result['seconds']:8.2f} s {rate:10.0f} rows/s "
                f"peak {result['peak_mb']:5d} MB{backend}",
                flush=True,
            )
        _ratios(results)


def _ratios(results: dict) -> None:
    parse = results.get("parse_workbook")
    if not parse:
        return
    for other in ("pandas", "openpyxl", "calamine"):
        if other in results:
            ratio = parse["seconds"] / results[other]["seconds"]
            print(f"  parse_workbook / {other}: {ratio:.2f}x time")
    print(f"  parse_workbook peak memory: {parse['peak_mb']} MB (target < 350 MB at 1M rows)")


if __name__ == "__main__":
    main()
