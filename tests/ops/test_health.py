"""GET /healthz and GET /readyz: unauthenticated probes outside /api/v1."""

from datetime import UTC, datetime, timedelta

import pytest

from sib.extensions import db
from sib.scheduler.models import SchedulerLease

PROBLEM = "application/problem+json"


@pytest.fixture
def lease(app):
    """A factory: the scheduler lease row, renewed `age` seconds ago, lasting 60 s from then."""

    def make(holder="host-a:4242:ab12", age=5):
        renewed = datetime.now(UTC) - timedelta(seconds=age)
        db.session.add(
            SchedulerLease(name="scheduler", holder=holder, acquired_at=renewed,
                           renewed_at=renewed, expires_at=renewed + timedelta(seconds=60))
        )  # fmt: skip
        db.session.commit()

    return make


def test_healthz_answers_without_a_token(client):
    answer = client.get("/healthz")
    assert (answer.status_code, answer.json) == (200, {"status": "ok"})


def test_the_probes_live_outside_the_api_so_the_access_matrix_skips_them(app):
    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("ops.")}
    assert rules == {"/healthz", "/readyz"}


def test_ready_with_current_schema_and_a_live_scheduler(client, stamp, migrations_head, lease):
    stamp(*migrations_head)
    lease(age=5)
    answer = client.get("/readyz")
    assert answer.status_code == 200
    checks = answer.json["checks"]
    assert checks["database"] == {"ok": True}
    assert checks["migrations"] == {
        "ok": True,
        "database": migrations_head,
        "head": migrations_head,
    }
    assert checks["scheduler"]["ok"] is True
    assert checks["scheduler"]["holder"] == "host-a:4242:ab12"
    # renewed 5 s ago and lasting 60 s; a slow test run may add a second or two
    assert 5 <= checks["scheduler"]["heartbeat_age_seconds"] <= 15
    assert 45 <= checks["scheduler"]["expires_in_seconds"] <= 55


def test_not_ready_before_the_migrations_are_applied(client, stamp, lease):
    stamp()
    lease()
    answer = client.get("/readyz")
    assert (answer.status_code, answer.mimetype) == (503, PROBLEM)
    assert answer.headers["Retry-After"] == "5"
    assert answer.json["checks"]["migrations"]["ok"] is False
    assert answer.json["checks"]["migrations"]["database"] == []
    assert answer.json["detail"] == "Not ready: migrations, scheduler."


def test_not_ready_on_an_older_revision(client, stamp, lease):
    stamp("2d8f955a8ddf")  # the initial schema, long superseded
    lease()
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json["checks"]["migrations"]["database"] == ["2d8f955a8ddf"]
    assert answer.json["checks"]["migrations"]["detail"] == "run `sib db upgrade`"


def test_not_ready_when_no_scheduler_holds_the_lease(client, stamp, migrations_head, lease):
    stamp(*migrations_head)
    lease(age=61)  # its last heartbeat was longer ago than the lease lasts
    answer = client.get("/readyz")
    assert (answer.status_code, answer.json["detail"]) == (503, "Not ready: scheduler.")
    assert answer.json["checks"]["scheduler"]["ok"] is False
    assert answer.json["checks"]["scheduler"]["holder"] == "host-a:4242:ab12"


def test_not_ready_when_no_scheduler_ever_ran(client, stamp, migrations_head):
    stamp(*migrations_head)
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json["checks"]["scheduler"] == {
        "ok": False,
        "detail": "no scheduler has ever held the lease",
    }


def test_the_scheduler_can_be_reported_without_being_required(
    app, client, stamp, migrations_head, monkeypatch
):
    stamp(*migrations_head)
    monkeypatch.setitem(app.config, "READY_REQUIRES_SCHEDULER", False)
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json["checks"]["scheduler"]["ok"] is False
    assert answer.json["checks"]["scheduler"]["required"] is False
