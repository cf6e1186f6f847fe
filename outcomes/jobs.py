"""The scheduler's jobs: scan inboxes, close periods into draft runs, flag overdue data.

Each job is thin and safe to run twice: a file already ingested is recognised by its digest, a
run already computed by its inputs' digest, a flag already raised is only re-checked. Each job
commits per item, so one bad file or contract does not undo the others' work.
"""

import logging
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from contracts.models import Contract
from outcomes.deadlines.service import flag_overdue, periods_past_deadline, readiness
from outcomes.payments.service import compute_committed
from outcomes.submissions.service import errors_workbook_of, ingest_file
from outcomes.submissions.settings import IngestSettings
from outcomes.workbook.limits import WorkbookError
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ServiceError

logger = logging.getLogger(__name__)
SCHEDULER = Actor.system("scheduler")


def active_contracts() -> list[Contract]:
    """Contracts the jobs look after (not closed or terminated)."""
    return list(
        db.session.scalars(
            select(Contract).where(Contract.status == "active").order_by(Contract.reference)
        )
    )


@dataclass
class InboxScan:
    """Scans `<inbox>/<reference>/*.xlsx`; a file is taken once it is no longer being written.

    That is: its size and time held still since the previous scan of this process, or it was
    last modified `quiet_seconds` ago (so a one-off `sib scheduler --once` takes old files).
    """

    inbox: Path
    settings: IngestSettings
    #: seconds without a change after which a file counts as complete
    quiet_seconds: int = 60
    #: path -> (size, mtime) at the previous scan; a file still growing is left for the next
    seen: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def __call__(self, now: datetime) -> dict:
        counts = {"ingested": 0, "rejected": 0, "duplicates": 0, "waiting": 0}
        sightings: dict[Path, tuple[int, int]] = {}
        for contract in active_contracts():
            folder = self.inbox / contract.reference
            for path in sorted(folder.glob("*.xlsx")) if folder.is_dir() else []:
                stat = path.stat()
                sightings[path] = (stat.st_size, stat.st_mtime_ns)
                if not self._is_complete(path, sightings[path]):
                    counts["waiting"] += 1
                    continue
                counts[self._take(contract, path)] += 1
                sightings.pop(path)
        self.seen = sightings
        return counts

    def _is_complete(self, path: Path, sighting: tuple[int, int]) -> bool:
        # File times are the file system's, not the job's `now` (which may be a rehearsal).
        quiet_for = time.time() - sighting[1] / 1e9
        return self.seen.get(path) == sighting or quiet_for >= self.quiet_seconds

    def _take(self, contract: Contract, path: Path) -> str:
        """Ingest one file exactly as an upload, then move it out of the inbox."""
        data = path.read_bytes()
        try:
            submission, created = ingest_file(
                contract, path.name, data, SCHEDULER, source="inbox", settings=self.settings
            )
            db.session.commit()
        except WorkbookError as error:
            db.session.rollback()
            _move(path, "rejected", note=f"{type(error).__name__}: {error}\n")
            return "rejected"
        if submission.status == "rejected":
            _move(path, "rejected", report=errors_workbook_of(submission))
            return "rejected" if created else "duplicates"
        _move(path, "processed")
        return "ingested" if created else "duplicates"


def _move(path: Path, to: str, *, report: bytes | None = None, note: str | None = None) -> Path:
    folder = path.parent / to
    folder.mkdir(exist_ok=True)
    target = _free(folder / path.name)
    if report is not None:
        _free(target.with_name(f"{target.stem}.errors.xlsx")).write_bytes(report)
    if note is not None:
        _free(target.with_name(f"{target.stem}.errors.txt")).write_text(note, encoding="utf-8")
    shutil.move(str(path), target)
    return target


def _free(target: Path) -> Path:
    """The target, or the first `name-2.ext`, `name-3.ext`, ... not taken yet."""
    candidate, n = target, 1
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
    return candidate


def close_periods(now: datetime) -> dict:
    """Compute a draft run for each period past its deadline whose figures are all in force."""
    counts = {"computed": 0, "unchanged": 0, "not_ready": 0, "failed": 0}
    for contract in active_contracts():
        for state in readiness(contract, periods_past_deadline(contract, now.date())):
            if not state.is_ready:
                counts["not_ready"] += 1
                continue
            try:
                _, created = compute_committed(contract, state.period.label, SCHEDULER, now=now)
            except ServiceError as error:
                db.session.rollback()
                logger.warning("period close %s %s: %s", contract.reference,
                               state.period.label, error.detail)  # fmt: skip
                counts["failed"] += 1
                continue
            counts["computed" if created else "unchanged"] += 1
    return counts


def flag_overdue_periods(now: datetime) -> dict:
    """Flag every active contract's periods past their deadline with missing or unverified data."""
    counts = {"contracts": 0, "overdue": 0}
    for contract in active_contracts():
        counts["contracts"] += 1
        counts["overdue"] += len(flag_overdue(contract, now.date(), now, SCHEDULER))
        db.session.commit()
    return counts
