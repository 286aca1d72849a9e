"""CPU per scored workshop answer, this checkout beside another commit, in turns.

The issue-16 bound (200 answers stored and scored in under 300 ms on 2 cores) is a CPU budget
before it is anything else, and on a shared machine wall times say more about the neighbours
than about the code. So this counts the CPU seconds (``time.process_time``) one process spends
in ``score_post``, as a scoring worker does, for:

- cold: the workshop answers of ``bench_workshop_scale`` (library posts, 200 participants,
  every reply signed so none repeats) in a fresh process after the worker's warm-up: what a
  worker pays in a real round;
- warm: the same answers again (the per-word and per-reply caches full): a bound from below;
- the scenario mix: every scenario post with six ``make_answer`` answers, first pass.

Each figure is measured for both codes in alternating fresh processes (``--repeat`` turns,
best of the turns kept, as the least disturbed), the ref's code exported with ``git archive``
beside this checkout and this bench file copied in. Printed with the ratio and the load average.
Run:  .venv/bin/python -m bench.bench_score_cpu --before main [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.ref_code import env, ref_code

PARTICIPANTS = 200
ROUNDS = 2
SEED = 20261203  # as bench_workshop_scale
SCENARIO_ANSWERS_PER_POST = 6


def measure() -> dict[str, float]:
    """CPU ms per answer of this process's code (run in a fresh process)."""
    import gc

    import numpy as np

    import workshop.scoring_pool as pool
    from bench.bench_workshop import make_answer
    from trainer.scenarios import load_posts, posts_by_org
    from trainer.score import score_post

    pool._warm_up()  # as a worker, before it says it is ready
    gc.collect()
    gc.freeze()
    rng = np.random.default_rng(SEED + PARTICIPANTS)
    answers = []
    for post in posts_by_org("library")[:ROUNDS]:
        for k in range(PARTICIPANTS):
            decision, reply = make_answer(post, rng)
            answers.append((post, decision, f"{reply} ^S{k}" if reply else reply))

    def cpu_ms(items: list[tuple[Any, Any, Any]]) -> float:
        start = time.process_time()
        for post, decision, reply in items:
            score_post(post, decision, reply)
        return 1000 * (time.process_time() - start) / len(items)

    found = {"cold": cpu_ms(answers), "warm": cpu_ms(answers)}
    rng = np.random.default_rng(SEED)
    mix = [
        (post, *make_answer(post, rng))
        for post in load_posts()
        for _ in range(SCENARIO_ANSWERS_PER_POST)
    ]
    found["scenario mix"] = cpu_ms(mix)
    return found


def _run(code: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_score_cpu", "--measure"],
        cwd=code,
        env=env(code),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="git ref to compare with")
    parser.add_argument("--repeat", type=int, default=3, help="turns per code; best is kept")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure()))
        return
    root = Path(__file__).resolve().parents[1]
    with ref_code(args.before, copy=[Path(__file__)]) as ref:
        runs: dict[str, list[dict[str, float]]] = {"before": [], "now": []}
        loads = []
        for turn in range(args.repeat):
            for name, code in (("before", ref), ("now", root)):
                runs[name].append(_run(code))
                loads.append(os.getloadavg()[0])
                print(f"  turn {turn + 1} {name:<6} {runs[name][-1]} (load {loads[-1]:.1f})")
    print(
        f"\nscore_post CPU per answer, best of {args.repeat} turns, {args.before} vs this "
        f"checkout (load average {min(loads):.1f}-{max(loads):.1f})"
    )
    print("  answers          before      now    now/before")
    for key in runs["now"][0]:
        old = min(r[key] for r in runs["before"])
        new = min(r[key] for r in runs["now"])
        print(f"  {key:<14} {old:7.2f} ms {new:7.2f} ms {new / old:9.2f}")
    cold = min(r["cold"] for r in runs["now"])
    print(
        f"  floor of {PARTICIPANTS} cold answers' scoring on 2 cores: "
        f"{PARTICIPANTS * cold / 2:.0f} ms (before: "
        f"{PARTICIPANTS * min(r['cold'] for r in runs['before']) / 2:.0f} ms)"
    )


if __name__ == "__main__":
    main()
