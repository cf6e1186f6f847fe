"""PostgreSQL going away under traffic: in-flight requests answer 503, then the app recovers.

Real gunicorn workers on 127.0.0.1 serve a bounded stream of requests from a few threads while
the database "restarts" (a proxy in front of it cuts every connection and refuses new ones for
a while) or kills the workers' backends (pg_terminate_backend). No request may answer 500, and
each 503 is a problem with Retry-After, logged in one line, never a traceback.
"""

import http.client
import threading
import time

import psycopg
import pytest
from sqlalchemy.engine import URL

from sib.extensions import db
from tests.ops.served import start_gunicorn, stop
from tests.ops.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres
APP_NAME = "sib_fault_web"
CONTRACT = "/api/v1/contracts/BOT-NAC-2027"
#: request threads, and how long each may run at most (seconds): the load is bounded
THREADS, MAX_SECONDS = 6, 60


@pytest.fixture
def postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    return db.engine.url


@pytest.fixture
def token(demo_contract, make_user, make_token):
    return make_token(make_user("auditor", "region"))


@pytest.fixture
def proxy(postgres):
    forwarder = TcpProxy((postgres.host or "127.0.0.1", postgres.port or 5432))
    yield forwarder
    forwarder.stop()


def serve(url: URL, tmp_path):
    named = url.update_query_dict({"application_name": APP_NAME})
    log = tmp_path / "gunicorn.log"
    server, port = start_gunicorn(named.render_as_string(hide_password=False), log)
    return server, port, log


class Traffic:
    """Threads sending GETs until told to stop (or MAX_SECONDS); every answer is kept."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.answers: list[tuple[int, str, str | None]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run) for _ in range(THREADS)]

    def get(self) -> tuple[int, str, str | None]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", CONTRACT, headers={"Authorization": f"Bearer {self.token}"})
            answer = connection.getresponse()
            answer.read()
            return answer.status, answer.getheader("Content-Type"), answer.getheader("Retry-After")
        finally:
            connection.close()

    def _run(self):
        deadline = time.monotonic() + MAX_SECONDS
        while not self._stop.is_set() and time.monotonic() < deadline:
            self.answers.append(self.get())
            time.sleep(0.005)

    def wait_for(self, answers: int, seconds: float = 60) -> None:
        """Wait until `answers` more answers came back (a slow machine boots workers slowly)."""
        goal, deadline = len(self.answers) + answers, time.monotonic() + seconds
        while len(self.answers) < goal and time.monotonic() < deadline:
            time.sleep(0.05)

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join()


def assert_only_ok_or_retry(answers, log):
    statuses = {status for status, _, _ in answers}
    assert statuses <= {200, 503}, statuses
    unavailable = [a for a in answers if a[0] == 503]
    assert all(a[1:] == ("application/problem+json", "5") for a in unavailable)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text
    assert "WORKER TIMEOUT" not in text
    assert text.count("database unavailable, answered 503") == len(unavailable)
    return unavailable


def assert_recovered(traffic: Traffic):
    """After the outage every request succeeds again, with nobody restarting anything."""
    assert [traffic.get()[0] for _ in range(20)] == [200] * 20


def test_a_database_restart_answers_503_then_the_app_recovers(postgres, proxy, token, tmp_path):
    server, port, log = serve(postgres.set(host="127.0.0.1", port=proxy.port), tmp_path)
    try:
        with Traffic(port, token) as traffic:
            for _ in range(2):
                traffic.wait_for(answers=20)
                proxy.restart(down_seconds=3)
            traffic.wait_for(answers=20)
        unavailable = assert_only_ok_or_retry(traffic.answers, log)
        # While the database was down, requests arrived and were told to retry.
        assert len(unavailable) > 0
        assert traffic.answers.count((200, "application/json", None)) > 0
        assert_recovered(traffic)
    finally:
        stop(server)


def test_backends_killed_by_the_server_are_replaced(postgres, token, tmp_path):
    server, port, log = serve(postgres, tmp_path)
    try:
        with Traffic(port, token) as traffic:
            killed = []
            for _ in range(3):
                traffic.wait_for(answers=20)
                killed.append(terminate_backends(postgres))
            traffic.wait_for(answers=20)
        assert sum(killed) > 0
        assert_only_ok_or_retry(traffic.answers, log)
        assert_recovered(traffic)
    finally:
        stop(server)


def terminate_backends(url: URL) -> int:
    """Kill the web workers' database sessions, as an administrator (or a failover) would."""
    libpq = URL.create("postgresql", url.username, url.password, url.host, url.port, url.database)
    with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            (APP_NAME,),
        ).fetchall()
    return len(rows)


def test_connections_the_server_dropped_are_replaced_before_use(postgres, client, auth_headers):
    headers = auth_headers("auditor", "region")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    # The tests share one app context; a real request's end hands its connection back like so.
    db.session.remove()
    libpq = URL.create("postgresql", postgres.username, postgres.password, postgres.host,
                       postgres.port, postgres.database)  # fmt: skip
    with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as conn:
        killed = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    assert len(killed) > 0
    # pool_pre_ping finds the pooled connection dead and opens a new one: no error at all.
    assert client.get("/api/v1/me", headers=headers).status_code == 200
