"""What the per-client limit on join attempts costs a join, side by side with a join without it.

Since issue 18 every join first counts its client's recent unknown codes (one read) and an
unknown code is recorded (one write) (``workshop.attempts``). Printed: p50/p95 of
``WorkshopService.join`` one at a time, on a SQLite file as the app uses it, with the guard and
with the guard switched off (the peer), and their ratio; and how many unknown codes one client
gets through per second before and after the limit (before: about 1,300 a second from one
thread, unlimited).

Run: .venv/bin/python -m bench.bench_workshop_guard [--joins N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from trainer.storage import Database
from workshop.attempts import AttemptGuard
from workshop.errors import AttemptsLockedError, UnknownWorkshopError
from workshop.service import WorkshopService

POST_IDS = ["library-001", "library-002"]


def _joins(service: WorkshopService, code: str, n: int, prefix: str) -> list[float]:
    took = []
    for k in range(n):
        start = time.perf_counter()
        service.join(code, f"{prefix} {k}")
        took.append(time.perf_counter() - start)
    return took


def _pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--joins", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(path=Path(folder) / "bench.sqlite")
        service = WorkshopService(db, np.random.default_rng(1))
        code, _ = service.create_workshop("Bench", post_ids=POST_IDS)
        _joins(service, code, 20, "Opwarmen")  # caches and connections warm for both
        guarded = _joins(service, code, args.joins, "Met")
        check, fail = AttemptGuard.check, AttemptGuard.fail
        AttemptGuard.check = lambda self, *a, **k: None  # type: ignore[method-assign]
        AttemptGuard.fail = lambda self, *a, **k: None  # type: ignore[method-assign]
        try:
            bare = _joins(service, code, args.joins, "Zonder")
            start, guesses = time.perf_counter(), 0
            while time.perf_counter() - start < 1.0:
                try:
                    service.join(f"ZZ{guesses:04d}", "Gok")
                except UnknownWorkshopError:
                    guesses += 1
            unguarded_rate = guesses / (time.perf_counter() - start)
        finally:
            AttemptGuard.check, AttemptGuard.fail = check, fail  # type: ignore[method-assign]
        start, tried = time.perf_counter(), 0
        while time.perf_counter() - start < 1.0:
            try:
                service.join(f"YY{tried:04d}", "Gok", client="gokker")
            except (UnknownWorkshopError, AttemptsLockedError):
                tried += 1
        locked_after = service._attempts.failures("join", "gokker", 10)
        db.dispose()
    print(f"join, one at a time, {args.joins} each (SQLite file)")
    print(f"{'':22}{'p50 ms':>10}{'p95 ms':>10}")
    print(f"{'with the join limit':22}{_pct(guarded, 0.5):10.1f}{_pct(guarded, 0.95):10.1f}")
    print(f"{'without (peer)':22}{_pct(bare, 0.5):10.1f}{_pct(bare, 0.95):10.1f}")
    ratio = statistics.median(guarded) / statistics.median(bare)
    print(f"ratio p50 with/without: {ratio:.2f}")
    print(f"unknown codes looked up by one client in 1 s: without limit {unguarded_rate:.0f}, "
          f"with limit {locked_after} (then refused for 10 minutes)")  # fmt: skip


if __name__ == "__main__":
    main()
