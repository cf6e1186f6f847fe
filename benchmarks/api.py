"""Benchmark the investor statement endpoint against a trivial JSON endpoint of the same app.

Run: .venv/bin/python benchmarks/api.py [--requests 2000] [--concurrency 8]
                                        [--database-url postgresql+psycopg://...]

Seeds a fresh database (SQLite in a temp folder unless --database-url is given; the schema is
built from the models, since this is a throwaway database): the demo contract, two drawdowns,
and four approved payment runs. Serves the app with gunicorn, 2 sync workers, on 127.0.0.1
only; then a second process sends a bounded load (a fixed number of requests from a fixed
number of threads) to `GET /api/v1/me` (trivial JSON, same authentication) and to the investor
statement, and prints requests/s with the median and 99th-percentile latency of each.
Target: the statement serves at least half the requests/s of the trivial endpoint.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STATEMENT = "/api/v1/investors/malar_fund/statements?contract=BOT-NAC-2027&as_of=2031-04-01"
TRIVIAL = "/api/v1/me"
#: the figures in force for the seeded runs (the benchmark measures statements, not uploads)
FIGURES = {
    "values": {label: {"SAFE": "56", "SAFE_CG": "52", "ABSENCE": "9", "ERVISITS": "1300"}
               for label in ("2027", "2028", "2029", "2030")},
    "participants": [{"participant": f"p-{n:03d}", "metric": "EMP6", "period": str(2027 + n % 4),
                      "achieved_on": f"{2027 + n % 4}-06-01"} for n in range(24)],
}  # fmt: skip


def seed(database_url: str) -> str:
    """Build and fill the database; return an investor's API token."""
    os.environ["DATABASE_URL"] = database_url
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
    inputs.engine_values = lambda contract, *, as_of=None: FIGURES
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo_contract()
        contract = contract_by_reference("BOT-NAC-2027")
        for investor, amount in (("malar_fund", "10000000"), ("sodertorn_impact", "5000000")):
            record_drawdown(contract, investor, date(2027, 1, 1), Decimal(amount), system)
        for label in ("2027", "2028", "2029", "2030"):
            run, _ = service.compute_committed(contract, label, system, today=date(2031, 12, 31))
            for payer in run.payers:
                approve_run(run, payer.organisation_id, system)
            db.session.commit()
        user = create_user("investor@bench.test", "Bench investor",
                           organisation_id_for("malar_fund"), ["investor"], system)  # fmt: skip
        _, token = create_token(user, system, name="benchmark", days=1)
        db.session.commit()
    return token


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(database_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SIB_ENV": "development",
           "LOG_LEVEL": "WARNING"}  # fmt: skip
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "sib:create_app()"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def load(port: int, path: str, token: str, requests: int, concurrency: int) -> dict:
    """Send `requests` GETs from `concurrency` threads; return requests/s and latencies (ms)."""
    latencies: list[float] = []
    failures = []
    lock = threading.Lock()
    per_thread = requests // concurrency

    def worker():
        for _ in range(per_thread):
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            connection.close()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    failures.append(response.status)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "failures": len(failures),
        "rps": len(latencies) / wall,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url")
    parser.add_argument("--load", nargs=4, metavar=("PORT", "PATH", "TOKEN", "N"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.load:
        port, path, token, requests = args.load
        print(json.dumps(load(int(port), path, token, int(requests), args.concurrency)))
        return
    folder = tempfile.mkdtemp(prefix="sib-api-bench-")
    database_url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
    token = seed(database_url)
    port = free_port()
    server = serve(database_url, port)
    try:
        results = {}
        for name, path in (("trivial", TRIVIAL), ("statement", STATEMENT)):
            # warm both workers up, then measure from a second process
            load(port, path, token, 40, 4)
            out = subprocess.run(
                [sys.executable, __file__, "--concurrency", str(args.concurrency), "--load",
                 str(port), path, token, str(args.requests)],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            results[name] = json.loads(out)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"gunicorn 2 sync workers on 127.0.0.1, {args.requests} requests per endpoint, "
          f"{args.concurrency} concurrent, database {database_url.split(':')[0]}")  # fmt: skip
    for name, r in results.items():
        print(f"{name:9} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.1f} ms  "
              f"p99 {r['p99_ms']:7.1f} ms  failures {r['failures']}")  # fmt: skip
    ratio = results["statement"]["rps"] / results["trivial"]["rps"]
    print(f"statement / trivial: {ratio:.2f}  (target: at least 0.50)")


if __name__ == "__main__":
    main()
