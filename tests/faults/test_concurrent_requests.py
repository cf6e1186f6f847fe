"""Eight clients sending the same request at once to gunicorn on PostgreSQL: the same file
uploaded eight times is stored once, eight computes of one period store one run; no 5xx and
the audit chain verifies. (Approvals racing: tests/outcomes/payments/test_races.py.)"""

import http.client
import json
import threading
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select

from outcomes.payments.models import PaymentRun
from outcomes.submissions.models import Submission
from sib.audit import AuditEvent, verify_chain
from sib.extensions import db
from tests.faults import processes
from tests.faults.conftest import BASE, WORKERS

pytestmark = pytest.mark.postgres
#: clients sending at once (to WORKERS sync workers, each serving one request at a time)
CLIENTS = 8
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def port(server):
    return server[1]


def multipart(data: bytes, name: str) -> tuple[bytes, str]:
    """A multipart/form-data body with one `file` field, and its content type."""
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: {XLSX}\r\n\r\n").encode()  # fmt: skip
    return (
        head + data + f"\r\n--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )


def at_once(port: int, path: str, token: str, body: bytes, content_type: str) -> list:
    """POST the same body from CLIENTS threads released together; each (status, JSON).

    The audit chain is held meanwhile, so the requests pile up in the database: the race is
    sure to happen, not left to timing. Once every worker has one in hand, waiting on a lock
    (the first for the chain, the others behind its uncommitted row), the chain is let go.
    """
    start, answers = threading.Barrier(CLIENTS), [None] * CLIENTS
    # The token's first use is recorded now, not by every request at once (a lock of its own).
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    warm.request("GET", BASE, headers={"Authorization": f"Bearer {token}"})
    assert warm.getresponse().status == 200
    warm.close()

    def send(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.connect()
        start.wait()
        try:
            connection.request("POST", path, body=body, headers={
                "Authorization": f"Bearer {token}", "Content-Type": content_type})  # fmt: skip
            response = connection.getresponse()
            answers[index] = (response.status, json.loads(response.read()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(CLIENTS)]
    with processes.chain_held():
        for thread in threads:
            thread.start()
        processes.eventually(lambda: sum(map(processes.waiting_for_lock, processes.backends()))
                             == WORKERS, "every worker waits in the database")  # fmt: skip
    for thread in threads:
        thread.join(timeout=90)
    return answers


def count(query) -> int:
    db.session.rollback()
    return db.session.scalar(query)


def events(action: str) -> int:
    return count(select(func.count()).where(AuditEvent.action == action))


def test_the_same_file_uploaded_eight_times_at_once_is_stored_once(
    contract, workbook, port, make_user, make_token
):
    token = make_token(make_user("finance_officer", "framsteg"))
    body, content_type = multipart(workbook(), "outcomes-2027.xlsx")
    answers = at_once(port, f"{BASE}/submissions", token, body, content_type)
    statuses = Counter(status for status, _ in answers)
    assert statuses == {201: 1, 200: CLIENTS - 1}, answers
    assert len({answer["id"] for _, answer in answers}) == 1
    assert count(select(func.count()).select_from(Submission)) == 1
    assert events("submission.validated") == 1
    assert verify_chain()["ok"] is True


def test_eight_computes_of_one_period_at_once_store_one_run(
    contract, verified, port, make_user, make_token
):
    verified()
    token = make_token(make_user("contract_manager", "utfall"))
    answers = at_once(port, f"{BASE}/payment-runs", token, json.dumps({"period": "2027"}).encode(),
                      "application/json")  # fmt: skip
    statuses = Counter(status for status, _ in answers)
    assert statuses == {201: 1, 200: CLIENTS - 1}, answers
    assert len({answer["id"] for _, answer in answers}) == 1
    assert count(select(func.count()).select_from(PaymentRun)) == 1
    assert events("payment_run.computed") == 1
    assert verify_chain()["ok"] is True
