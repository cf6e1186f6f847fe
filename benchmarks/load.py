"""Mixed traffic against gunicorn on 127.0.0.1: req/s, p50/p99, errors and the workers' memory.

Run: .venv/bin/python benchmarks/load.py [--seconds 60] [--clients 16] [--workers N]
                                         [--database-url postgresql+psycopg://...]
                                         [--statement-cache N]

Seeds a fresh database (SQLite in a temp folder unless --database-url is given; the schema is
built from the models, since this is a throwaway database) with the demo contract, its
drawdowns and four approved payment runs. Serves it with gunicorn and gunicorn.conf.py (sync
workers; --workers overrides the file's default) on 127.0.0.1 only, then, from `--clients`
threads, each request on a new connection (sync workers close them):

1. warm-up: 5 s of the mix below, not counted; the workers' RSS is read after it;
2. the trivial endpoint alone (`GET /api/v1/me`) for 10 s, then the investor statement alone
   for 10 s: the statement/trivial ratio of requests/s on the same server;
3. `--seconds` of the mix: investor and payer statements, contract reads, figures in force,
   and every 400th request an upload of a new outcome workbook; then the RSS again.

Targets: 0 errors, RSS growth under 10 %, the statement at >= 0.5x the trivial endpoint.
Workers keep statements until the next audited write (outcomes/statements/cache.py); the upload
in the mix is such a write. `--statement-cache 0` serves every statement built afresh.
Every loop is bounded in time; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import io
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REF = "BOT-NAC-2027"
TRIVIAL = "/api/v1/me"
STATEMENT = f"/api/v1/investors/malar_fund/statements?contract={REF}&as_of=2031-04-01"
#: name -> (weight in the mix, path, whose token); uploads come on top (every UPLOAD_EVERY)
MIX = {
    "statement": (30, STATEMENT, "investor"),
    "payer_statement": (10, f"/api/v1/payers/botkyrka/statements?contract={REF}", "officer"),
    "contract": (25, f"/api/v1/contracts/{REF}", "auditor"),
    "versions": (10, f"/api/v1/contracts/{REF}/versions", "auditor"),
    "outcomes": (20, f"/api/v1/contracts/{REF}/outcomes", "officer"),
    "trivial": (5, TRIVIAL, "auditor"),
}
UPLOAD_EVERY = 400
#: a day after the last period's payment date, so that every seeded run is due
PAID_BY = date(2031, 4, 1)
#: the figures in force for the seeded runs (as benchmarks/api.py)
FIGURES = {
    "values": {label: {"SAFE": "56", "SAFE_CG": "52", "ABSENCE": "9", "ERVISITS": "1300"}
               for label in ("2027", "2028", "2029", "2030")},
    "participants": [{"participant": f"p-{n:03d}", "metric": "EMP6", "period": str(2027 + n % 4),
                      "achieved_on": f"{2027 + n % 4}-06-01"} for n in range(24)],
}  # fmt: skip


def seed(database_url: str) -> dict[str, str]:
    """Build and fill the database; return an API token per role used by the mix."""
    from config import Config
    from contracts.service import contract_by_reference
    from outcomes.demo import seed_demo_contract
    from outcomes.payments import inputs, service
    from outcomes.payments.approvals import approve_run
    from outcomes.payments.drawdowns import record_drawdown
    from sib import create_app
    from sib.actor import Actor
    from sib.auth.service import create_token, create_user, organisation_id_for
    from sib.extensions import db

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(BenchConfig)
    system = Actor.system("benchmark")
    real_values, inputs.engine_values = inputs.engine_values, lambda c, *, as_of=None: FIGURES
    tokens = {}
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo_contract()
        contract = contract_by_reference(REF)
        for investor, amount in (("malar_fund", "10000000"), ("sodertorn_impact", "5000000")):
            record_drawdown(contract, investor, date(2027, 1, 1), Decimal(amount), system)
        for label in ("2027", "2028", "2029", "2030"):
            run, _ = service.compute_committed(contract, label, system, today=PAID_BY)
            for payer in run.payers:
                approve_run(run, payer.organisation_id, system)
            db.session.commit()
        for key, role, org in (("investor", "investor", "malar_fund"),
                               ("officer", "finance_officer", "botkyrka"),
                               ("provider", "finance_officer", "framsteg"),
                               ("auditor", "auditor", "region")):  # fmt: skip
            user = create_user(f"{key}@bench.test", key, organisation_id_for(org), [role], system)
            tokens[key] = create_token(user, system, name="benchmark", days=1)[1]
        db.session.commit()
    inputs.engine_values = real_values
    return tokens


def workbooks(template: bytes, count: int) -> list[bytes]:
    """`count` distinct filled templates (each a new submission, not a repeat of one)."""
    import openpyxl

    books = []
    for n in range(count):
        book = openpyxl.load_workbook(io.BytesIO(template))
        sheet = book["Values"]
        for row, (metric, value) in enumerate(
            (("SAFE", 54 + n / 100), ("SAFE_CG", 53), ("ABSENCE", 11.5)), 2
        ):
            sheet[f"A{row}"], sheet[f"D{row}"], sheet[f"F{row}"] = metric, "2027", value
        out = io.BytesIO()
        book.save(out)
        books.append(out.getvalue())
    return books


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(database_url: str, port: int, workers: int | None, cache: int | None) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SIB_ENV": "development",
           "LOG_LEVEL": "WARNING", "SIB_GUNICORN_LOG_LEVEL": "warning"}  # fmt: skip
    if cache is not None:
        env["STATEMENT_CACHE_SIZE"] = str(cache)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers)] if workers else []
    # The request log's JSON lines would cost the client's CPU to drain: send them to a file.
    log = open(Path(tempfile.gettempdir()) / f"sib-load-{port}.log", "wb")  # noqa: SIM115
    server = subprocess.Popen([*command, "sib:create_app()"], cwd=ROOT, env=env, stdout=log,
                              stderr=log)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/healthz", None)[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"gunicorn did not start; see {log.name}")


def request(port: int, method: str, path: str, token: str | None, body=None, headers=None):
    """One request on a new connection; (status, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def upload(port: int, token: str, workbook: bytes) -> int:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"outcomes.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            ).encode() + workbook + f"\r\n--{boundary}--\r\n".encode()  # fmt: skip
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    path = f"/api/v1/contracts/{REF}/submissions"
    return request(port, "POST", path, token, body, headers)[0]


class Phase:
    """`clients` threads sending the plan's requests for `seconds`; latencies and statuses."""

    def __init__(self, port, tokens, plan: list[str], uploads: list[bytes] | None = None):
        self.port, self.tokens, self.plan, self.uploads = port, tokens, plan, uploads or []
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[int]] = defaultdict(list)
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    def one(self, rng: random.Random) -> None:
        n = next(self.counter)
        started = time.perf_counter()
        if self.uploads and n % UPLOAD_EVERY == 0:
            name, ok = "upload", (201, 200)
            status = upload(self.port, self.tokens["provider"], self.uploads.pop())
        else:
            name, ok = rng.choice(self.plan), (200,)
            _, path, who = MIX[name]
            status = request(self.port, "GET", path, self.tokens[who])[0]
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies[name].append(elapsed)
            if status not in ok:
                self.errors[name].append(status)

    def run(self, seconds: float, clients: int) -> float:
        deadline = time.monotonic() + seconds

        def client(seed: int):
            rng = random.Random(seed)
            while time.monotonic() < deadline:
                self.one(rng)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started


def weighted_plan() -> list[str]:
    return [name for name, (weight, _, _) in MIX.items() for _ in range(weight)]


def worker_rss_mb(master: int) -> dict[int, float]:
    """Resident memory of each of gunicorn's workers (children of the master), in MB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    rss = {}
    for pid in map(int, children):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1]) / 1024
    return rss


def summary(name: str, latencies: list[float], errors: list[int], wall: float) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0
    p50 = statistics.median(ordered) if ordered else 0.0
    return (f"{name:16} {len(ordered):7d} req {len(ordered) / wall:8.1f} req/s  "
            f"p50 {p50:8.1f} ms  p99 {p99:8.1f} ms  errors {len(errors)}"
            + (f" {sorted(set(errors))}" if errors else ""))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the mixed phase")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py's default)")
    parser.add_argument("--database-url")
    parser.add_argument("--statement-cache", type=int, help="statements kept per worker (0: none)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="sib-load-")
    # The throwaway instance folder (inbox, audit checkpoints), for the seeding and the server.
    os.environ["SIB_INSTANCE_PATH"] = folder
    database_url = args.database_url or f"sqlite:///{folder}/load.sqlite"
    tokens = seed(database_url)
    port = free_port()
    server = serve(database_url, port, args.workers, args.statement_cache)
    try:
        template = request(port, "GET", f"/api/v1/contracts/{REF}/template.xlsx",
                           tokens["provider"])[1]  # fmt: skip
        uploads = workbooks(template, 1 + int(args.seconds * 200 / UPLOAD_EVERY) + 10)
        Phase(port, tokens, weighted_plan(), uploads[-5:]).run(5, args.clients)
        del uploads[-5:]
        rss_start = worker_rss_mb(server.pid)
        walls, phases = {}, {}
        for name, plan in (("trivial", ["trivial"]), ("statement", ["statement"])):
            phases[name] = Phase(port, tokens, plan)
            walls[name] = phases[name].run(10, args.clients)
        mixed = Phase(port, tokens, weighted_plan(), uploads)
        walls["mixed"] = mixed.run(args.seconds, args.clients)
        rss_end = worker_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    report(args, database_url, phases, mixed, walls, rss_start, rss_end)


def report(args, database_url, phases, mixed, walls, rss_start, rss_end) -> None:
    kept = "default" if args.statement_cache is None else args.statement_cache
    print(f"gunicorn {len(rss_start)} sync workers on 127.0.0.1, {args.clients} clients, "
          f"database {database_url.split(':')[0]}, {os.cpu_count()} CPUs, "
          f"statements kept per worker: {kept}")  # fmt: skip
    alone = {}
    for name, phase in phases.items():
        alone[name] = len(phase.latencies[name]) / walls[name]
        print(summary(f"{name} alone", phase.latencies[name], phase.errors[name], walls[name]))
    print(f"mixed, {walls['mixed']:.0f} s:")
    every = [ms for values in mixed.latencies.values() for ms in values]
    all_errors = [s for values in mixed.errors.values() for s in values]
    print(summary("  all", every, all_errors, walls["mixed"]))
    for name in sorted(mixed.latencies):
        print(summary(f"  {name}", mixed.latencies[name], mixed.errors[name], walls["mixed"]))
    start, end = sum(rss_start.values()), sum(rss_end.values())
    print(
        f"workers' RSS: start {start:.1f} MB, end {end:.1f} MB, growth "
        f"{(end - start) / start * 100:+.1f} %  (per worker: "
        f"{', '.join(f'{rss_start[p]:.0f}->{rss_end.get(p, 0):.0f}' for p in rss_start)})"
    )
    ratio = alone["statement"] / alone["trivial"]
    errors = sum(len(p.errors[n]) for n, p in phases.items()) + len(all_errors)
    print(f"statement / trivial: {ratio:.2f} (target >= 0.50); errors: {errors} (target 0); "
          f"RSS growth target < 10 %")  # fmt: skip


if __name__ == "__main__":
    main()
