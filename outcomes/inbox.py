"""Inbox ingestion: workbooks dropped in `<inbox>/<reference>/` become submissions.

Whoever can write a folder could otherwise submit for any contract, so a folder is ingested
only when INBOX_FOLDERS names the organisation and user its files are submitted for; each
submission and its audit event carry that user, with the source `inbox`. Only plain files are
taken: a directory, symbolic link, FIFO, device or hard-linked file is set aside in `rejected/`
unread, and one bad entry never stops the others. Originals are deleted once ingested, since
they hold identity numbers; a rejected file leaves only its masked errors workbook (or a note).
"""

import errno
import json
import logging
import os
import stat
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from contracts.access import standing_of
from contracts.models import Contract, Organisation
from outcomes.jobs import active_contracts
from outcomes.submissions.service import errors_workbook_of, ingest_file
from outcomes.submissions.settings import IngestSettings
from outcomes.workbook.identity import mask_text
from outcomes.workbook.limits import FileTooLargeError, WorkbookError
from sib import policy
from sib.access import actor_for
from sib.actor import Actor
from sib.auth.models import User
from sib.extensions import db
from sib.scheduler.fence import LeaseLostError

logger = logging.getLogger(__name__)
REJECTED = "rejected"
COUNTS = ("ingested", "rejected", "duplicates", "waiting", "refused", "unconfigured", "failed")
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


class EntryRefusedError(Exception):
    """An inbox entry that is not a plain file: it is set aside unread."""


class FolderRefusedError(Exception):
    """An inbox folder whose files may not be ingested (not configured, or wrongly)."""


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
        outcome = self._take(contract, path, uploader)
        sightings.pop(path)
        return outcome

    def _is_complete(self, path: Path, sighting: tuple[int, int]) -> bool:
        # File times are the file system's, not the job's `now` (which may be a rehearsal).
        quiet_for = time.time() - sighting[1] / 1e9
        return self.seen.get(path) == sighting or quiet_for >= self.quiet_seconds

    def _take(self, contract: Contract, path: Path, uploader: Actor) -> str:
        """Ingest one file exactly as an upload by `uploader`, then delete the original."""
        try:
            data, opened = read_plain_file(path, self.settings.limits.max_upload_bytes)
        except EntryRefusedError as refused:
            set_aside(path, str(refused))
            return "refused"
        try:
            submission, created = ingest_file(contract, masked(path.name), data, uploader,
                                              source="inbox", settings=self.settings)  # fmt: skip
            db.session.commit()
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


def load_folders(path: Path) -> dict:
    """The folder configuration, reference -> {"organisation", "user"}; {} when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    document = json.loads(text)
    if not isinstance(document, dict):
        raise ValueError(f"{path}: expected a JSON object of reference -> organisation and user")
    return document


def uploader_for(contract: Contract, entry: object) -> Actor:
    """The actor a folder's files are submitted as; FolderRefusedError unless it may upload."""
    if entry is None:
        raise FolderRefusedError("no organisation and user configured for it in INBOX_FOLDERS")
    if not isinstance(entry, dict) or not all(
        isinstance(entry.get(key), str) for key in ("organisation", "user")
    ):
        raise FolderRefusedError('configure it as {"organisation": "<slug>", "user": "<email>"}')
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.slug == entry["organisation"])
    )
    user = db.session.scalar(select(User).where(User.email == entry["user"]))
    if organisation is None or user is None or not user.active:
        raise FolderRefusedError(f"no organisation {entry['organisation']!r} with an active user "
                            f"{entry['user']!r}")  # fmt: skip
    if user.organisation_id != organisation.id:
        raise FolderRefusedError(f"{user.email} is not of organisation {organisation.slug}")
    actor = actor_for(user)
    standing = standing_of(organisation.id, contract)
    if policy.decide(actor, "submission.upload", standing) != policy.ALLOW:
        raise FolderRefusedError(
            f"{user.email} may not upload outcome data for {contract.reference}"
        )
    return actor


def listing(folder: Path) -> list[str]:
    """The names of the workbooks dropped in a contract's folder (none if it has no folder)."""
    try:
        found = os.lstat(folder)
    except FileNotFoundError:
        return []
    if not stat.S_ISDIR(found.st_mode):
        raise FolderRefusedError(f"its folder is {kind_of(found)}, not a directory")
    with os.scandir(folder) as entries:
        names = [e.name for e in entries if e.name.lower().endswith(".xlsx")]
    # Dot files are still being copied; `~$name.xlsx` is an open Excel's lock file.
    return sorted(n for n in names if not n.startswith((".", "~$")))


def is_plain_file(found: os.stat_result) -> bool:
    """A regular file with no other name: not a link into somewhere else."""
    return stat.S_ISREG(found.st_mode) and found.st_nlink == 1


def kind_of(found: os.stat_result) -> str:
    """What an entry that is not a plain file is, for the note and the log."""
    mode = found.st_mode
    for test, kind in ((stat.S_ISDIR, "a directory"), (stat.S_ISLNK, "a symbolic link"),
                       (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):  # fmt: skip
        if test(mode):
            return kind
    if stat.S_ISREG(mode):
        return "a file with other hard links"
    return "not a plain file"


def read_plain_file(path: Path, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """The bytes of a plain file, opened without following a link or blocking on a FIFO.

    The entry may have been swapped since it was listed, so what was opened is checked again.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise EntryRefusedError("a symbolic link") from None
        raise
    try:
        opened = os.fstat(fd)
        if not is_plain_file(opened):
            raise EntryRefusedError(kind_of(opened))
        if opened.st_size > max_bytes:
            raise FileTooLargeError(f"The file is larger than the {max_bytes:,} bytes allowed.")
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                raise FileTooLargeError(f"The file is larger than the {max_bytes:,} bytes allowed.")
        return b"".join(chunks), opened
    finally:
        os.close(fd)


def reject(path: Path, opened, *, report: bytes | None = None, note: str | None = None) -> None:
    """Leave the masked errors workbook (or a note) in `rejected/` and delete the original."""
    folder = rejected_folder(path.parent)
    stem = masked(path.stem)
    if report is not None:
        write_new(folder / f"{stem}.errors.xlsx", report)
    if note is not None:
        write_new(folder / f"{stem}.errors.txt", note.encode("utf-8"))
    remove(path, opened)


def set_aside(path: Path, why: str) -> None:
    """Move an entry that is not a plain file into `rejected/` as it is, with a note."""
    folder = rejected_folder(path.parent)
    target = free_name(folder / masked(path.name))
    os.rename(path, target)  # renames the link, directory or FIFO itself, never its target
    note = f"Not ingested: {why}. Only plain files are taken from the inbox.\n"
    write_new(folder / f"{masked(path.stem)}.errors.txt", note.encode("utf-8"))


def remove(path: Path, opened: os.stat_result) -> None:
    """Delete the original, unless another file has taken its name since it was read."""
    try:
        now = os.lstat(path)
    except FileNotFoundError:
        return
    if (now.st_dev, now.st_ino) == (opened.st_dev, opened.st_ino):
        os.unlink(path)
    else:
        logger.warning("inbox: %s was replaced while it was read; left for the next scan",
                       masked(path.name))  # fmt: skip


def rejected_folder(folder: Path) -> Path:
    """`rejected/` beside the files; refused if something other than a directory has its name."""
    target = folder / REJECTED
    try:
        os.mkdir(target, 0o750)
    except FileExistsError:
        if not stat.S_ISDIR(os.lstat(target).st_mode):
            raise OSError(
                f"{target} is not a directory; rejected files cannot be set aside"
            ) from None
    return target


def write_new(target: Path, data: bytes) -> Path:
    """Write a new file (never over one, nor through a link): `name-2.ext` if `name` is taken."""
    n = 1
    while True:
        candidate = target if n == 1 else target.with_name(f"{target.stem}-{n}{target.suffix}")
        try:
            fd = os.open(candidate, _CREATE_FLAGS, 0o640)
        except FileExistsError:
            n += 1
            continue
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return candidate


def free_name(target: Path) -> Path:
    """The target, or the first `name-2.ext`, `name-3.ext`, ... not taken yet."""
    candidate, n = target, 1
    while os.path.lexists(candidate):
        n += 1
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
    return candidate


def masked(name: str) -> str:
    """A file name with any personal identity number in it hidden."""
    return mask_text(name)
