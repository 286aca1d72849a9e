"""Workshop speed at knowledge-circle scale: 40, 100 and 200 participants pressing send at once,
on SQLite and on PostgreSQL side by side.

A regional knowledge circle can be 100-200 people (issue 16). What each of them waits for after
pressing send is ``WorkshopService.submit``: score the answer with the full rubric and store it
with its alerts. Here N threads of one app process are released together by a barrier, one round
per post, on the same answers for both databases (``bench_workshop.make_answer``, seeded), and:

- p50/p95/max of store+score per answer, per database, with the PostgreSQL/SQLite ratio;
- lost: answers a thread sent and got no stored answer back for, or that are not in the database;
- duplicated: after a second round in which every participant sends the same answer again at
  the same moment (a retry after a dropped connection), answers in the database beyond one per
  participant and post;
- the bound: p95 < 300 ms (issue 16).

Where the time goes, per answer of the first rounds (the submit path in spans, timed in this
process around the pool and the database): before scoring (input checks, the workshop and the
token from the per-process caches), scoring (queued in a worker's pipe, scored there, and the
result back), waiting for the SQLite write lock, and the write transaction (checks, inserts,
commit; on PostgreSQL the one statement that does all three, when the code has
``Database.statement``). And the CPU it costs: of this process, of the scoring workers and of
the PostgreSQL server, per answer. The CPU floor is what one round cannot beat on this machine:
n answers times that CPU, over the cores (measured in the same round); p95 / floor says how much
of the p95 is waiting beyond the machine's own limit.

SQLite is a file in WAL mode, as the app runs it; PostgreSQL is a scratch cluster started by the
tests' helper (``tests/pgcluster.py``, Debian's server, ``fsync=off`` as in the tests).
``--before REF`` first runs this bench on the code of git ``REF`` (exported beside, this bench
file copied in) and then on ours, and prints p95 and CPU per answer side by side with ratios;
``--distinct`` has every participant sign the reply, so no answer is scored from a cache.
Run:  .venv/bin/python -m bench.bench_workshop_scale  [--sizes 40 100 200] [--rounds 2]
      [--before main] [--distinct]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.bench_workshop import make_answer, percentile
from bench.ref_code import env, ref_code
from trainer.scenarios import posts_by_org
from trainer.score import score_post
from trainer.storage import Database
from workshop.scoring_pool import ScoringPool, configured_workers
from workshop.service import WorkshopService

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pgcluster import ScratchCluster  # the tests' helper (tests/ is not a package)

SEED = 20261203
TARGET_P95_MS = 300.0  # issue 16: store and score, with 200 at once


@dataclass(frozen=True)
class Figures:
    backend: str
    n: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    round_s: float  # until the last answer of a round was stored (slowest round)
    lost: int
    duplicated: int
    retry_p95_ms: float  # the same answer sent again by everyone at once
    lock_p95_ms: float  # SQLite: how long one write transaction held the write lock (0 on PG)
    spans_p95_ms: dict[str, float]  # per stage of the submit path (first rounds)
    cpu_ms: dict[str, float]  # CPU per answer: app process, scoring workers, PostgreSQL server
    floor_ms: float  # n answers' CPU over the machine's cores: no round can be shorter


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1
STAGES = ("before scoring", "scoring", "write lock wait", "transaction")


def cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (all their threads); gone ones count 0."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def server_cpu_s(pid: int | None) -> float:
    """CPU seconds of the PostgreSQL server: the postmaster, its live backends, and the ones
    that have ended (the postmaster waited for them, so their time is in its children's time)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = sum(int(v) for v in fields[11:15]) / CLOCK_TICKS
    live = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, IndexError, ValueError):
                continue
            if ppid == pid:
                live.append(int(entry.name))
    return total + cpu_s(live)


class Spans:
    """Per-thread timestamps around the pool and the database of one service, for the stages
    of ``submit`` (the bench wraps the objects' methods; the code measured is unchanged)."""

    def __init__(self, pool: ScoringPool, db: Database) -> None:
        self.on = False
        self.rows: list[dict[str, float]] = []
        self._mine = threading.local()
        self._lock = threading.Lock()
        if not hasattr(pool, "score_data"):  # the code before issue 16's spans: CPU only
            return
        score_data, transaction = pool.score_data, db.transaction
        spans = self

        def timed_score(*args: Any, **kwargs: Any) -> Any:
            spans._mine.t_score = time.perf_counter()
            try:
                return score_data(*args, **kwargs)
            finally:
                spans._mine.t_scored = time.perf_counter()

        @contextmanager
        def timed_transaction() -> Iterator[Any]:
            spans._mine.t_tx = time.perf_counter()
            spans._mine.t_locked = spans._mine.t_tx  # PostgreSQL: no lock in this process
            with transaction() as conn:
                yield conn

        pool.score_data = timed_score  # type: ignore[method-assign]
        db.transaction = timed_transaction  # type: ignore[method-assign]
        if hasattr(db, "statement"):  # PostgreSQL's one-statement answer (wsbatch, issue 16)
            statement = db.statement

            @contextmanager
            def timed_statement() -> Iterator[Any]:
                spans._mine.t_tx = time.perf_counter()
                spans._mine.t_locked = spans._mine.t_tx
                with statement() as conn:
                    yield conn

            db.statement = timed_statement  # type: ignore[method-assign]

    def locked(self) -> None:
        """Called by the write lock when this thread got it."""
        self._mine.t_locked = time.perf_counter()

    def start(self) -> None:
        self._mine.t0 = time.perf_counter()

    def done(self) -> None:
        m = self._mine
        if not self.on or not hasattr(m, "t_tx"):
            return
        end = time.perf_counter()
        ms = 1000.0
        row = {
            "before scoring": (m.t_score - m.t0) * ms,
            "scoring": (m.t_scored - m.t_score) * ms,
            "write lock wait": (m.t_locked - m.t_tx) * ms,
            "transaction": (end - m.t_locked) * ms,
        }
        del m.t_tx
        with self._lock:
            self.rows.append(row)


class TimedLock:
    """The database's write lock, recording how long each holder kept it (SQLite's writers
    queue on it in this process, so its hold time is what the queue is made of)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.held_ms: list[float] = []
        self._since = threading.local()
        self.spans: Spans | None = None

    def __enter__(self) -> None:
        self.inner.acquire()
        depth = getattr(self._since, "depth", 0)
        if depth == 0:
            self._since.t0 = time.perf_counter()
            if self.spans is not None:
                self.spans.locked()
        self._since.depth = depth + 1

    def __exit__(self, *exc: object) -> None:
        self._since.depth -= 1
        if self._since.depth == 0:
            self.held_ms.append((time.perf_counter() - self._since.t0) * 1000)
        self.inner.release()


def _round(
    service: WorkshopService,
    code: str,
    tokens: list[str],
    post_id: str,
    answers: list[tuple[str, str]],
    spans: Spans,
) -> tuple[list[float], int, float]:
    """Everyone answers ``post_id`` at once; times in ms, failures, seconds for the round."""
    barrier = threading.Barrier(len(tokens) + 1)
    lock = threading.Lock()
    times: list[float] = []
    failed = [0]

    def send(k: int) -> None:
        decision, reply = answers[k]
        barrier.wait()
        t0 = time.perf_counter()
        spans.start()
        try:
            got = service.submit(code, tokens[k], post_id, decision, reply)
            ok = got.id is not None
        except Exception:  # a lost answer is what is counted here
            ok = False
        ms = (time.perf_counter() - t0) * 1000
        spans.done()
        with lock:
            times.append(ms)
            failed[0] += 0 if ok else 1

    threads = [threading.Thread(target=send, args=(k,)) for k in range(len(tokens))]
    for th in threads:
        th.start()
    barrier.wait()
    t0 = time.perf_counter()
    for th in threads:
        th.join()
    return times, failed[0], time.perf_counter() - t0


def signed(answer: tuple[str, str], k: int, mark: str) -> tuple[str, str]:
    """``answer`` signed by participant ``k`` (a webcare reply ends with the writer's
    initials), so no two participants send the same words: none is scored from a cache."""
    decision, reply = answer
    return (decision, f"{reply} ^{mark}{k}") if reply else answer


def measure(
    backend: str,
    url: str,
    n: int,
    rounds: int,
    pool: ScoringPool,
    server_pid: int | None,
    distinct: bool = False,
) -> Figures:
    rng = np.random.default_rng(SEED + n)
    posts = posts_by_org("library")[:rounds]
    answers = [[make_answer(p, rng) for _ in range(n)] for p in posts]
    if distinct:
        mark = backend[0].upper()  # each database its own answers: none scored from a cache
        answers = [[signed(a, k, mark) for k, a in enumerate(round_)] for round_ in answers]
    db = Database(url)
    lock = TimedLock(db._write_lock)
    db._write_lock = lock  # type: ignore[assignment]  # measured, not changed
    spans = Spans(pool, db)
    lock.spans = spans
    try:
        service = WorkshopService(db, np.random.default_rng(SEED), scoring=pool)
        service.warm_up()  # the scorer's models loaded, as at app start (cheap after the first)
        code, pin = service.create_workshop(
            f"Bench {n}", post_ids=[p.id for p in posts], leaderboard=True
        )
        tokens = [service.join(code, f"Deelnemer {k}").token for k in range(n)]
        times: list[float] = []
        retry: list[float] = []
        held: list[float] = []
        lost = 0
        slowest = 0.0
        lock.held_ms.clear()  # from here on: the answers' transactions only
        cpu = {"app": 0.0, "workers": 0.0, "PostgreSQL": 0.0}
        for k, post in enumerate(posts):
            held_from = len(lock.held_ms)
            if k:
                service.next_post(code, pin)
            spans.on = True
            before = (time.process_time(), cpu_s(list(pool.pids)), server_cpu_s(server_pid))
            ms, failed, secs = _round(service, code, tokens, post.id, answers[k], spans)
            after = (time.process_time(), cpu_s(list(pool.pids)), server_cpu_s(server_pid))
            spans.on = False
            for name, b, a in zip(cpu, before, after, strict=True):
                cpu[name] += a - b
            submit_holds = lock.held_ms[held_from:]
            times += ms
            lost += failed
            slowest = max(slowest, secs)
            held += submit_holds
            again, failed, _ = _round(service, code, tokens, post.id, answers[k], spans)
            retry += again
            lost += failed
        stored = service.report(code, pin).answers
        per_slot = {(a.display_name, a.position) for a in stored}
        lost += n * rounds - len(per_slot)
        duplicated = len(stored) - len(per_slot)
        cpu_ms = {name: 1000 * secs / (n * rounds) for name, secs in cpu.items()}
        return Figures(
            backend,
            n,
            percentile(times, 50),
            percentile(times, 95),
            max(times),
            slowest,
            lost,
            duplicated,
            percentile(retry, 95),
            percentile(held, 95) if held else 0.0,
            {stage: percentile([r[stage] for r in spans.rows], 95) for stage in STAGES}
            if spans.rows
            else {},
            cpu_ms,
            n * sum(cpu_ms.values()) / CORES,
        )
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[40, 100, 200])
    parser.add_argument("--rounds", type=int, default=2, help="posts answered by everyone")
    parser.add_argument(
        "--workers",
        type=int,
        default=configured_workers(),
        help="scoring worker processes, as the app starts them (0 = score in the app process)",
    )
    parser.add_argument(
        "--distinct",
        action="store_true",
        help="every participant signs the reply, so no two answers are the same",
    )
    parser.add_argument(
        "--before",
        metavar="REF",
        help="first run this bench on the code of git REF (exported beside), then on ours",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.before:
        before = _run_before(args.before, sys.argv[1:])
    pool = ScoringPool(workers=args.workers)
    pool.start()
    # As the app does after its warm-up (webcare_app.state): the trainer loaded in this process,
    # then its ~1M long-lived objects frozen out of the garbage collector's full collections,
    # which would otherwise stop this process for 0.5-0.7 s now and then in a round.
    post = posts_by_org("library")[0]
    score_post(post, "public", "Hoi, dank je voor je bericht! We zoeken het uit.")
    score_post(post, "private", post.model_answer or post.text)
    gc.collect()
    gc.freeze()
    print(
        f"scoring: {len(pool.pids)} worker processes"
        if pool.running
        else f"scoring in process ({pool.reason})"
    )
    print(f"{CORES} cores, load average {os.getloadavg()[0]:.2f} at the start", flush=True)
    cluster = ScratchCluster().start()
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    rows: list[tuple[Figures, Figures]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for n in args.sizes:
                lite = measure(
                    "sqlite",
                    f"sqlite:///{Path(tmp) / f'b{n}.sqlite'}",
                    n,
                    args.rounds,
                    pool,
                    None,
                    args.distinct,
                )
                pg = measure(
                    "postgresql",
                    cluster.new_database(),
                    n,
                    args.rounds,
                    pool,
                    postmaster,
                    args.distinct,
                )
                rows.append((lite, pg))
                for f in (lite, pg):
                    print(
                        f"  {f.backend:<10} n={f.n:3d}  p50 {f.p50_ms:7.1f}  p95 {f.p95_ms:7.1f}  "
                        f"max {f.max_ms:7.1f} ms  round {f.round_s:5.2f} s  retry p95 "
                        f"{f.retry_p95_ms:6.1f} ms  write lock p95 {f.lock_p95_ms:5.2f} ms  "
                        f"lost {f.lost}  duplicated {f.duplicated}  (load "
                        f"{os.getloadavg()[0]:.1f})",
                        flush=True,
                    )
                    print(
                        "      p95 per stage: "
                        + ", ".join(f"{k} {v:.1f}" for k, v in f.spans_p95_ms.items())
                        + " ms",
                        flush=True,
                    )
                    print(
                        "      CPU per answer: "
                        + ", ".join(f"{k} {v:.2f}" for k, v in f.cpu_ms.items())
                        + f" ms; CPU floor of a round {f.floor_ms:.0f} ms, p95 / floor "
                        f"{f.p95_ms / f.floor_ms:.2f}",
                        flush=True,
                    )
    finally:
        cluster.stop()
        pool.shutdown()
    print(f"\nstore+score p95 per answer, {args.rounds} rounds each (bound {TARGET_P95_MS:.0f} ms)")
    print("  n     SQLite p95   PostgreSQL p95   PG/SQLite   p95/bound (SQLite, PG)   lost  dup")
    for lite, pg in rows:
        print(
            f"  {lite.n:<4d} {lite.p95_ms:9.1f} ms {pg.p95_ms:12.1f} ms "
            f"{pg.p95_ms / lite.p95_ms:10.2f}"
            f"   {lite.p95_ms / TARGET_P95_MS:8.2f}, {pg.p95_ms / TARGET_P95_MS:5.2f}"
            f"             {lite.lost + pg.lost:4d} {lite.duplicated + pg.duplicated:4d}"
        )

    if args.json:
        args.json.write_text(json.dumps([[asdict(f) for f in row] for row in rows]))
    if args.before:
        _side_by_side(args.before, before, rows)


def _run_before(ref: str, argv: list[str]) -> list[list[dict[str, Any]]]:
    """This bench run on the code of ``ref`` (``git archive`` into a scratch folder, this
    bench file copied in, its own modules first on the path); its figures."""
    with ref_code(ref, copy=[Path(__file__)]) as code:
        out = code / "before.json"
        rest = [a for i, a in enumerate(argv) if a != "--before" and argv[i - 1] != "--before"]
        print(f"--- {ref} ---", flush=True)
        subprocess.run(
            [sys.executable, "-m", "bench.bench_workshop_scale", *rest, "--json", str(out)],
            cwd=code,
            env=env(code),
            check=True,
        )
        print("--- this checkout ---", flush=True)
        return json.loads(out.read_text())


def _side_by_side(
    ref: str, before: list[list[dict[str, Any]]], rows: list[tuple[Figures, Figures]]
) -> None:
    print(f"\nthis checkout vs {ref}, measured one after the other (load {os.getloadavg()[0]:.1f})")
    print("  n    database     p95 before   p95 now   ratio   CPU/answer before   now   ratio")
    for old_row, row in zip(before, rows, strict=True):
        for old, new in zip(old_row, row, strict=True):
            cpu_old, cpu_new = sum(old["cpu_ms"].values()), sum(new.cpu_ms.values())
            print(
                f"  {new.n:<4d} {new.backend:<11} {old['p95_ms']:9.1f} ms {new.p95_ms:7.1f} ms"
                f" {new.p95_ms / old['p95_ms']:6.2f}   {cpu_old:10.2f} ms {cpu_new:9.2f} ms"
                f" {cpu_new / cpu_old:6.2f}"
            )


if __name__ == "__main__":
    main()
