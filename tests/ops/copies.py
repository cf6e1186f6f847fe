"""Read a database copy the way an operator would: `sib audit verify` and the API, in a child."""

import json
import os
import subprocess
import sys
import tempfile

from config import BASE_DIR, TestConfig

STATEMENT = "/api/v1/investors/malar_fund/statements?contract=BOT-NAC-2027&as_of=2029-04-01"
FETCH = """
import json, sys
from sib import create_app

answer = create_app().test_client().get(sys.argv[1], headers={"Authorization": sys.argv[2]})
print(json.dumps({"status": answer.status_code, "body": answer.get_json()}))
"""


#: the test suite's keys: the copy's audit seals were made with them
KEYS = ("SECRET_KEY", "PSEUDONYM_KEY", "AUDIT_KEY", "AUDIT_CHECKPOINT_DIR")


def _run(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "SIB_ENV": "development",
           "PYTHONPATH": str(BASE_DIR), "SIB_INSTANCE_PATH": tempfile.mkdtemp()}  # fmt: skip
    env.update({key: str(getattr(TestConfig, key)) for key in KEYS if hasattr(TestConfig, key)})
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=180, check=False)  # fmt: skip


def audit_verify(database_url: str) -> tuple[int, str]:
    """Run `sib audit verify` against the database; its exit code and its words."""
    done = _run(database_url, "-c", "from sib.cli import main; main()", "audit", "verify")
    return done.returncode, done.stdout + done.stderr


def fetch(database_url: str, path: str, token: str) -> dict:
    """GET a path of the app serving that database; {"status", "body"}."""
    done = _run(database_url, "-c", FETCH, path, f"Bearer {token}")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
