"""A database that cannot be reached: 503 problems with Retry-After, one log line each.

The app runs in a child process pointed at a database that does not exist, so the failure is
a real connection error, not a stand-in.
"""

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy.exc import InterfaceError

from config import BASE_DIR
from sib.ops.unavailable import database_unavailable

WELL_FORMED_TOKEN = "sib_0123456789ab_" + "A" * 43
PROBE = f"""
import json
from sib import create_app

client = create_app().test_client()
answers = {{}}
for path in ("/api/v1/me", "/healthz", "/readyz"):
    answer = client.get(path, headers={{"Authorization": "Bearer {WELL_FORMED_TOKEN}"}})
    answers[path] = [answer.status_code, answer.mimetype, answer.headers.get("Retry-After"),
                     answer.get_json()]
print(json.dumps(answers))
"""


def probe_unreachable_database(tmp_path):
    missing = tmp_path / "no-such-folder" / "sib.sqlite"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{missing}", "SIB_ENV": "development",
           "SIB_INSTANCE_PATH": str(tmp_path), "PYTHONPATH": str(BASE_DIR)}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def test_an_unreachable_database_answers_503_with_retry_after(tmp_path):
    answers, log = probe_unreachable_database(tmp_path)
    status, mimetype, retry_after, body = answers["/api/v1/me"]
    assert (status, mimetype, retry_after) == (503, "application/problem+json", "5")
    assert body["title"] == "Service Unavailable"
    assert "retry after 5 seconds" in body["detail"]
    # one warning line for the failure, no traceback, and no SQL or parameters in it
    warnings = [line for line in log.splitlines() if "database unavailable" in line]
    assert len(warnings) == 1
    assert "unable to open database file" in warnings[0]
    assert "Traceback" not in log
    assert "SELECT" not in log


def test_the_process_stays_healthy_but_not_ready(tmp_path):
    answers, _ = probe_unreachable_database(tmp_path)
    assert answers["/healthz"][0] == 200
    status, mimetype, retry_after, body = answers["/readyz"]
    assert (status, mimetype, retry_after) == (503, "application/problem+json", "5")
    assert body["checks"]["database"] == {"ok": False, "detail": "OperationalError"}


def test_a_lost_connection_reported_as_interface_error_is_a_503(app):
    lost = InterfaceError("SELECT 1", {}, Exception("the connection is closed"))
    lost.connection_invalidated = True
    with app.test_request_context("/api/v1/me"):
        answer = database_unavailable(lost)
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "5")


def test_an_interface_error_on_a_live_connection_stays_a_bug(app):
    misuse = InterfaceError("SELECT ?", {}, Exception("Error binding parameter 1"))
    with app.test_request_context("/api/v1/me"), pytest.raises(InterfaceError):
        database_unavailable(misuse)
