"""What storing one workshop answer costs the database path, apart from scoring: statements sent,
CPU of the app process and of the PostgreSQL server, per answer, on SQLite and PostgreSQL.

``bench_workshop_scale`` measures 200 people at once, where scoring (in the worker processes) and
200 threads competing for the interpreter make the store's share hard to see and the wall times
swing with the machine's load. Here one thread sends N distinct answers one after another to a
real ``WorkshopService`` with a one-process scoring pool (the scorer's CPU stays in the worker
and is not counted), so the app's CPU per answer is the hand-over to the pool plus the checks,
the statements and the driver; the server's CPU comes from ``/proc`` (postmaster and backends).
Statements per answer are counted in a second, shorter pass: SQLite's trace callback, and on
PostgreSQL the server's log with ``log_statement = all`` (only in that pass: logging costs CPU).

``--before REF`` runs the same on the code of git ``REF`` (exported beside, this file copied in)
in turns with ours (before, ours, before, ours ...), and prints the best of the turns side by
side with ratios. Run:  .venv/bin/python -m bench.bench_workshop_store [--n 200] [--turns 2]
      [--before REF]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import create_engine, event, text

from bench.bench_workshop import make_answer
from bench.bench_workshop_scale import server_cpu_s, signed
from bench.ref_code import env, ref_code
from trainer.scenarios import posts_by_org
from trainer.storage import Database
from workshop.scoring_pool import ScoringPool
from workshop.service import WorkshopService

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pgcluster import ScratchCluster  # the tests' helper (tests/ is not a package)

SEED = 20261203
COUNTED_ANSWERS = 20  # answers of the counting pass
PG_STATEMENT = re.compile(r"LOG:  (statement|execute)")


def _workshop(url: str, n: int, pool: ScoringPool) -> tuple[Database, WorkshopService, Any]:
    db = Database(url)
    service = WorkshopService(db, np.random.default_rng(SEED), scoring=pool)
    post = posts_by_org("library")[0]
    code, _pin = service.create_workshop("Opslag", post_ids=[post.id], pace="self")
    tokens = [service.join(code, f"Deelnemer {k}").token for k in range(n + 1)]
    rng = np.random.default_rng(SEED)
    answers = [signed(make_answer(post, rng), k, url[:2]) for k in range(n + 1)]
    service.submit(code, tokens[n], post.id, *answers[n])  # caches, pool and statements warm
    return db, service, (code, post.id, tokens, answers)


def measure(backend: str, url: str, n: int, pool: ScoringPool, server: int | None) -> dict:
    db, service, (code, post_id, tokens, answers) = _workshop(url, n, pool)
    try:
        app0, server0, wall0 = time.process_time(), server_cpu_s(server), time.perf_counter()
        for k in range(n):
            service.submit(code, tokens[k], post_id, *answers[k])
        app1, server1, wall1 = time.process_time(), server_cpu_s(server), time.perf_counter()
    finally:
        db.dispose()
    return {
        "backend": backend,
        "app_ms": 1000 * (app1 - app0) / n,
        "server_ms": 1000 * (server1 - server0) / n,
        "wall_ms": 1000 * (wall1 - wall0) / n,
    }


def count_sqlite(url: str, pool: ScoringPool) -> float:
    db, service, (code, post_id, tokens, answers) = _workshop(url, COUNTED_ANSWERS, pool)
    sent: list[str] = []
    event.listen(db.engine, "connect", lambda conn, _rec: conn.set_trace_callback(sent.append))
    db.engine.dispose()  # new connections, traced
    try:
        for k in range(COUNTED_ANSWERS):
            service.submit(code, tokens[k], post_id, *answers[k])
    finally:
        db.dispose()
    return len(sent) / COUNTED_ANSWERS


def count_postgresql(cluster: ScratchCluster, pool: ScoringPool) -> float:
    url = cluster.new_database()
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        name = url.rsplit("/", 1)[1]
        conn.execute(text(f"ALTER DATABASE \"{name}\" SET log_statement = 'all'"))
    admin.dispose()
    log = cluster.folder / "server.log"
    db, service, (code, post_id, tokens, answers) = _workshop(url, COUNTED_ANSWERS, pool)
    try:
        time.sleep(0.5)  # the log is written by the server: let it catch up
        start = log.read_text().count("\n")
        for k in range(COUNTED_ANSWERS):
            service.submit(code, tokens[k], post_id, *answers[k])
        time.sleep(0.5)
        lines = log.read_text().splitlines()[start:]
    finally:
        db.dispose()
    return sum(1 for line in lines if PG_STATEMENT.search(line)) / COUNTED_ANSWERS


def run(n: int) -> list[dict]:
    pool = ScoringPool(workers=1)
    pool.start()
    cluster = ScratchCluster().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            figures = [
                measure("sqlite", f"sqlite:///{tmp}/a.sqlite", n, pool, None),
                measure("postgresql", cluster.new_database(), n, pool, _postmaster(cluster)),
            ]
            figures[0]["statements"] = count_sqlite(f"sqlite:///{tmp}/b.sqlite", pool)
        figures[1]["statements"] = count_postgresql(cluster, pool)
    finally:
        cluster.stop()
        pool.shutdown()
    return figures


def _postmaster(cluster: ScratchCluster) -> int:
    return int((cluster.data / "postmaster.pid").read_text().split()[0])


def _turn_before(ref: str, n: int) -> list[dict]:
    here = Path(__file__).parent
    with ref_code(
        ref, copy=[here / "bench_workshop_store.py", here / "bench_workshop_scale.py"]
    ) as code:
        out = code / "before.json"
        subprocess.run(
            [sys.executable, "-m", "bench.bench_workshop_store", "--n", str(n), "--json", str(out)],
            cwd=code,
            env=env(code),
            check=True,
            capture_output=True,
        )
        return json.loads(out.read_text())


def _best(turns: list[list[dict]]) -> list[dict]:
    keys = ("app_ms", "server_ms", "wall_ms", "statements")
    return [
        {"backend": rows[0]["backend"], **{k: min(r[k] for r in rows) for k in keys}}
        for rows in zip(*turns, strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="answers, one after another")
    parser.add_argument("--turns", type=int, default=2)
    parser.add_argument("--before", metavar="REF")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} at the start", flush=True)
    ours: list[list[dict]] = []
    before: list[list[dict]] = []
    for _ in range(args.turns if args.before else 1):
        if args.before:
            before.append(_turn_before(args.before, args.n))
        ours.append(run(args.n))
    now = _best(ours)
    if args.json:
        args.json.write_text(json.dumps(now))
    print(f"per answer, {args.n} answers one after another (best of {len(ours)} turns)")
    print("  database     statements   app CPU   server CPU   wall")
    for row in now:
        print(
            f"  {row['backend']:<11} {row['statements']:>8.1f}   {row['app_ms']:>6.2f} ms"
            f"   {row['server_ms']:>6.2f} ms   {row['wall_ms']:>6.2f} ms"
        )
    if before:
        old = _best(before)
        print(f"\nours vs {args.before}, in turns (load {os.getloadavg()[0]:.2f} at the end)")
        print("  database     measure      before      ours   ratio")
        for o, r in zip(old, now, strict=True):
            for key in ("statements", "app_ms", "server_ms", "wall_ms"):
                ratio = r[key] / o[key] if o[key] else float("nan")
                print(
                    f"  {r['backend']:<11}  {key:<10} {o[key]:>8.2f} {r[key]:>9.2f}  {ratio:>6.2f}"
                )


if __name__ == "__main__":
    main()
