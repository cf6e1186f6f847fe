"""The inbox's file system side: plain files only, opened without following links or blocking,
and nothing written over an existing file or through a link (pure: no database)."""

import errno
import logging
import os
import stat
from pathlib import Path

from outcomes.workbook.identity import mask_text
from outcomes.workbook.limits import FileTooLargeError

logger = logging.getLogger(__name__)
REJECTED = "rejected"
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


class EntryRefusedError(Exception):
    """An inbox entry that is not a plain file: it is set aside unread."""


class FolderRefusedError(Exception):
    """An inbox folder whose files may not be ingested (not configured, or wrongly)."""


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
