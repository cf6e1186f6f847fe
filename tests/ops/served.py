"""Serve the app with gunicorn and gunicorn.conf.py on 127.0.0.1, for tests of real processes."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from config import BASE_DIR


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(database_url: str, log: Path, workers: int = 2) -> tuple[subprocess.Popen, int]:
    """Start gunicorn with the production settings file; wait until its workers answer."""
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "-c", "gunicorn.conf.py", "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "sib:create_app()"]  # fmt: skip
    # The instance folder (inbox, checkpoints) beside the log, never the checkout's own.
    env = {**os.environ, "DATABASE_URL": database_url, "SIB_ENV": "development",
           "SIB_INSTANCE_PATH": str(log.parent)}  # fmt: skip
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BASE_DIR), env.get("PYTHONPATH")]))
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log.open("wb"),
                              stderr=subprocess.STDOUT)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if is_healthy(port):
            return server, port
        time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"gunicorn did not start; see {log}")


def is_healthy(port: int) -> bool:
    """GET /healthz answers 200 (a worker has booted, not just the master's socket)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
