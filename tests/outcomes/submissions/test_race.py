"""The same file uploaded twice at the same moment is stored once (PostgreSQL only)."""

import io
import threading

import pytest
from sqlalchemy import func, select

from outcomes.submissions import ingest
from outcomes.submissions.models import OutcomeRecord, Submission
from sib.audit import AuditEvent
from sib.extensions import db


@pytest.mark.postgres
def test_two_uploads_of_the_same_file_racing_store_it_once(app, monkeypatch, good_file, officer):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")
    both_looked = threading.Barrier(2)
    real_lookup, looks = ingest.submission_by_digest, threading.local()

    def look_then_wait(*args, **kwargs):
        # Both uploads have looked for the file again, just before storing it, and found
        # nothing before either stores it (the first look is the one before the parse).
        found = real_lookup(*args, **kwargs)
        looks.count = getattr(looks, "count", 0) + 1
        if found is None and looks.count == 2:
            both_looked.wait(timeout=20)
        return found

    monkeypatch.setattr(ingest, "submission_by_digest", look_then_wait)
    real_claim, claims = ingest._claim, []

    def claim(*args):
        claims.append(real_claim(*args))
        return claims[-1]

    monkeypatch.setattr(ingest, "_claim", claim)
    answers = []

    def send():
        with app.test_client() as client:
            answers.append(client.post(
                "/api/v1/contracts/BOT-NAC-2027/submissions",
                data={"file": (io.BytesIO(good_file), "race.xlsx")},
                content_type="multipart/form-data", headers=officer,
            ))  # fmt: skip

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(a.status_code for a in answers) == [200, 201]
    assert sum(found is not None for found in claims) == 1  # the loser's insert hit the index
    assert answers[0].get_json()["id"] == answers[1].get_json()["id"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutcomeRecord)) == 3
    validated = select(func.count()).where(AuditEvent.action == "submission.validated")
    assert db.session.scalar(validated) == 1
