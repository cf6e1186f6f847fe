"""The inbox job: scan every active contract's folder and ingest what is complete."""

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from contracts.models import Contract
from outcomes.inbox.files import (
    EntryRefusedError,
    FolderRefusedError,
    is_plain_file,
    kind_of,
    listing,
    masked,
    read_plain_file,
    reject,
    remove,
    set_aside,
)
from outcomes.inbox.folders import load_folders, uploader_for
from outcomes.jobs import active_contracts
from outcomes.submissions.ingest import AmendedMeanwhileError
from outcomes.submissions.service import errors_workbook_of, ingest_file
from outcomes.submissions.settings import IngestSettings
from outcomes.workbook.limits import FileTooLargeError, WorkbookError
from sib.actor import Actor
from sib.extensions import db
from sib.scheduler.fence import LeaseLostError

logger = logging.getLogger(__name__)
COUNTS = ("ingested", "rejected", "duplicates", "waiting", "refused", "unconfigured", "failed")


@dataclass
class InboxScan:
    """Scans `<inbox>/<reference>/*.xlsx`; a file is taken once it is no longer being written.

    That is: its size and time held still since the previous scan of this process, or it was
    last modified `quiet_seconds` ago (so a one-off `sib scheduler --once` takes old files).
    """

    inbox: Path
    settings: IngestSettings
    #: the JSON file of reference -> {"organisation": slug, "user": email}, read at each scan
    folders: Path
    #: seconds without a change after which a file counts as complete
    quiet_seconds: int = 60
    #: path -> (size, mtime) at the previous scan; a file still growing is left for the next
    seen: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def __call__(self, now: datetime) -> dict:
        counts = dict.fromkeys(COUNTS, 0)
        configured = load_folders(self.folders)
        sightings: dict[Path, tuple[int, int]] = {}
        for contract in active_contracts():
            entry = configured.get(contract.reference)
            for outcome in self._folder(contract, entry, sightings):
                counts[outcome] += 1
        self.seen = sightings
        return counts

    def _folder(self, contract: Contract, entry: object, sightings) -> list[str]:
        """What became of each entry of one contract's folder."""
        folder = self.inbox / contract.reference
        try:
            names = listing(folder)
            uploader = uploader_for(contract, entry) if names else None
        except FolderRefusedError as refused:
            logger.warning("inbox %s: not ingested: %s", contract.reference, refused)
            return ["unconfigured"]
        return [self._guarded(contract, folder / name, uploader, sightings) for name in names]

    def _guarded(self, contract: Contract, path: Path, uploader: Actor, sightings) -> str:
        """One entry, whatever goes wrong with it: the others are still taken."""
        try:
            return self._entry(contract, path, uploader, sightings)
        except LeaseLostError:
            raise
        except Exception:
            db.session.rollback()
            logger.exception("inbox %s: %s failed", contract.reference, masked(path.name))
            return "failed"

    def _entry(self, contract: Contract, path: Path, uploader: Actor, sightings) -> str:
        found = os.lstat(path)
        if not is_plain_file(found):
            set_aside(path, kind_of(found))
            logger.warning("inbox %s: %s set aside: %s", contract.reference,
                           masked(path.name), kind_of(found))  # fmt: skip
            return "refused"
        sightings[path] = (found.st_size, found.st_mtime_ns)
        if not self._is_complete(path, sightings[path]):
            return "waiting"
        outcome = self._take(contract, path, found, uploader)
        sightings.pop(path)
        return outcome

    def _is_complete(self, path: Path, sighting: tuple[int, int]) -> bool:
        # File times are the file system's, not the job's `now` (which may be a rehearsal).
        quiet_for = time.time() - sighting[1] / 1e9
        return self.seen.get(path) == sighting or quiet_for >= self.quiet_seconds

    def _take(self, contract: Contract, path: Path, found, uploader: Actor) -> str:
        """Ingest one file exactly as an upload by `uploader`, then delete the original."""
        try:
            data, opened = read_plain_file(path, self.settings.limits.max_upload_bytes)
        except EntryRefusedError as refused:
            set_aside(path, str(refused))
            return "refused"
        except FileTooLargeError as error:
            db.session.commit()  # nothing to store: only the lease's fence, as below
            reject(path, found, note=f"{type(error).__name__}: {error}\n")
            return "rejected"
        try:
            submission, created = ingest_file(contract, masked(path.name), data, uploader,
                                              source="inbox", settings=self.settings)  # fmt: skip
            db.session.commit()
        except AmendedMeanwhileError as error:
            # The contract was amended twice while the file was read: nothing was stored, and
            # the file stays for the next scan to read against the terms then in force.
            db.session.rollback()
            logger.warning("inbox %s: %s left for the next scan: %s", contract.reference,
                           masked(path.name), error.detail)  # fmt: skip
            return "waiting"
        except WorkbookError as error:
            # A refused file stored nothing; the commit only passes the lease's fence, so that
            # an instance that lost the lease leaves the file to the new holder.
            db.session.commit()
            reject(path, opened, note=f"{type(error).__name__}: {error}\n")
            return "rejected"
        if submission.status == "rejected":
            reject(path, opened, report=errors_workbook_of(submission))
            return "rejected" if created else "duplicates"
        remove(path, opened)
        return "ingested" if created else "duplicates"
