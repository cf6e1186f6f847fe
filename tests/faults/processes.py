"""Real processes for the fault tests, and PostgreSQL watched from outside to kill them at a point.

Every process a fault test starts connects with one libpq `application_name`, so the test finds
its backends in `pg_stat_activity`, sees what each is doing (reading, a COPY, waiting for a
lock the test holds) and SIGKILLs the process there; it then waits until PostgreSQL has ended
the dead client's backend (rolling its transaction back) before it looks at the database.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from config import BASE_DIR
from sib.audit import CHAIN_LOCK_KEY
from sib.extensions import db

#: libpq application_name of every process a fault test starts
APP_NAME = "sib_fault_test"
#: a day after every period of the demo contract is due (what TestConfig.TODAY is too)
TODAY = "2031-12-31"


def process_url() -> str:
    """The test database's URL, naming the processes' backends APP_NAME."""
    url = make_url(os.environ["TEST_DATABASE_URL"]).update_query_dict(
        {"application_name": APP_NAME}
    )
    return url.render_as_string(hide_password=False)


def process_env(config, instance: Path) -> dict[str, str]:
    """The environment of a `sib` or gunicorn process: the test's database and keys.

    The keys are the test app's, so that tokens made by the test work in the process and the
    audit events it seals verify in the test (development settings otherwise).
    """
    return {**os.environ, "DATABASE_URL": process_url(), "SIB_ENV": "development",
            "SIB_TODAY": TODAY, "SIB_INSTANCE_PATH": str(instance),
            "SECRET_KEY": config["SECRET_KEY"], "PSEUDONYM_KEY": config["PSEUDONYM_KEY"],
            "AUDIT_KEY": config["AUDIT_KEY"], "AUDIT_CHECKPOINT_DIR": "",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get(
                "PYTHONPATH")]))}  # fmt: skip


def start_sib(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen:
    """Start `sib ARGS...` (the console script's entry point) writing its output to `log`."""
    command = [sys.executable, "-c", "from sib.cli import main; main()", *args]
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def backends() -> list[dict]:
    """What each backend of the fault processes is doing now."""
    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT pid, state, wait_event_type, query, client_port FROM pg_stat_activity "
                 "WHERE application_name = :name ORDER BY backend_start"),
            {"name": APP_NAME},
        ).mappings()  # fmt: skip
        # A backend still starting up has no state or query yet.
        return [{**row, "state": row["state"] or "", "query": row["query"] or ""} for row in rows]


def eventually(check: Callable, what: str, within: float = 60.0, process=None):
    """Poll `check` until it answers something true; fail if `process` exits first or time ends."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        answer = check()
        if answer:
            return answer
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the process exited ({process.returncode}) before: {what}")
        time.sleep(0.02)
    raise AssertionError(f"not within {within} s: {what}")


def backend_where(condition: Callable[[dict], bool], what: str, process=None) -> dict:
    """The first fault-process backend that meets `condition`, waited for."""

    def found():
        return next((b for b in backends() if condition(b)), None)

    return eventually(found, what, process=process)


def waiting_for_lock(backend: dict) -> bool:
    return backend["state"] == "active" and backend["wait_event_type"] == "Lock"


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the process and reap it (its backend may outlive it: see `gone`)."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def kill_pid(pid: int) -> None:
    """SIGKILL a process that is not the test's child (a gunicorn worker; its master reaps it)."""
    os.kill(pid, signal.SIGKILL)


def worker_of(master: subprocess.Popen, backend: dict) -> int:
    """The gunicorn worker whose database connection is this backend's (by its TCP port)."""
    sockets = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == backend["client_port"]:
                sockets.add(f"socket:[{fields[9]}]")
    (worker,) = [pid for pid in workers(master) if sockets & _open_files(pid)]
    return worker


def workers(master: subprocess.Popen) -> list[int]:
    """The process ids of gunicorn's workers (the master's children)."""
    return [
        int(pid)
        for pid in Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    ]


def _open_files(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with suppress(OSError):  # closed since the listing
            found.add(os.readlink(fd))
    return found


def gone(backend_pid: int) -> None:
    """Wait until PostgreSQL has ended a dead client's backend, rolling back its transaction."""
    eventually(lambda: backend_pid not in {b["pid"] for b in backends()},
               f"backend {backend_pid} ends")  # fmt: skip


@contextmanager
def chain_held():
    """Hold the audit chain's lock from outside: every append waits until the block ends.

    A writer has flushed all its own changes when it reaches its first audit append (the lock
    order of docs/locking.md), so a process waiting here has written everything but its event.
    """
    with db.engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": CHAIN_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock_all()"))
            connection.commit()


@contextmanager
def row_held(table: str, row_id: int):
    """Hold one row's lock (SELECT ... FOR UPDATE) from outside until the block ends."""
    with db.engine.connect() as connection:
        connection.execute(
            text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE"), {"id": row_id}
        )
        try:
            yield
        finally:
            connection.rollback()


#: a table's row count and the MD5 of all its rows as text, in a fixed order
DIGEST = """SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))
            FROM "%s" t"""


def snapshot() -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its rows: what 'the database as before' means."""
    db.session.rollback()
    tables = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            tables[table.name] = tuple(connection.execute(text(DIGEST % table.name)).one())
    return tables


def changed(before: dict, after: dict) -> list[str]:
    """The tables whose rows differ between two snapshots."""
    return sorted(name for name in before if before[name] != after[name])
