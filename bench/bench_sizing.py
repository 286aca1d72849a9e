"""Sizing and sweep speed: telecom sizing per coverage model, and a sweep on 1 vs 2 workers.

(a) ``webcare-sim size telecom`` for business hours and for 24/7 with the default settings
    (6 replications of 2 weeks after 1 warm-up week, local pool on every core; final
    neighbourhood check with 18). Target (issue 13): 24/7 under 10 s on 2 cores; business
    hours under 30 s. Printed: time, candidates and runs, FTE and cost beside Erlang C, the
    margin and what the final check did, with the CPU time (this process and its pool), which
    moves less with other work on the machine than the wall clock. Then 24/7 once inline
    (1 process) and once on the pool, side by side: the answers must be identical.
(b) One sweep grid (agents 4..9 per shift x volume 1.0/1.5 on the 24/7 model, 2 replications
    of 4 weeks), on a pool of 1 worker (inline) and of 2 workers, side by side. Target: at least
    1.8x faster on 2 workers. Results are checked to be identical.

Other work on the machine slows both; the load average is printed with the figures.
Run:  .venv/bin/python -m bench.bench_sizing  [--quick] [--sizing-only]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import resource
import time
from dataclasses import replace

from sim.parallel import Runner, available_cores
from sim.plan import RunPlan
from sim.profile import load_profile
from sim.sizing import (
    CHECK,
    SEARCH,
    SIZING_PLAN,
    SizingResult,
    size,
    sizing_model,
    sizing_targets,
)
from sim.sweep import grid, parse_vary, run_sweep

SIZING_TARGET_S = {"business-hours": 30.0, "24-7": 10.0}
SPEEDUP_TARGET = 1.8
SEED = 20261123
SWEEP_WEEKS = 4.0  # long enough that one job outweighs sending it to a worker


# Before this branch (main at 3482851, the final check re-running every seed), measured
# 2026-12-03 with this script's settings at load average 2.4 on the 2 cores: (seconds, runs,
# FTE, EUR a week). Runs are the load-independent figure; seconds move with the load.
BEFORE = {
    "business-hours": (5.0, 78, 21.8, 31_429),
    "24-7": (49.5, 756, 29.6, 47_886),
}


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _timed_size(
    coverage: str, quick: bool, processes: int
) -> tuple[SizingResult, dict, float, float]:
    runs = {SEARCH: 0, CHECK: 0}

    def counted(phase: str, done: int, known: int) -> None:
        runs[phase] = done

    profile = load_profile("telecom")
    plan = replace(SIZING_PLAN, replications=3 if quick else 6, seed=SEED)
    cpu0, t0 = _cpu_s(), time.perf_counter()
    # size() opens its own pool (one start-up for every phase) and closes it before returning.
    result = size(
        sizing_model(profile, coverage), plan=plan, processes=processes, on_progress=counted
    )
    return result, runs, time.perf_counter() - t0, _cpu_s() - cpu0


def bench_sizing(quick: bool) -> None:
    print("(a) sizing telecom, default targets (reactie-1u, oplossing-24u); before | after")
    for coverage in ("business-hours", "24-7"):
        result, runs, seconds, cpu = _timed_size(coverage, quick, available_cores())
        target = SIZING_TARGET_S[coverage]
        verdict = "ok" if seconds < target else "SLOW"
        b_s, b_runs, b_fte, b_eur = BEFORE[coverage]
        total = runs[SEARCH] + runs[CHECK]
        print(
            f"    {coverage:15s} time {b_s:5.1f} s | {seconds:5.1f} s (CPU {cpu:5.1f} s)   "
            f"runs {b_runs if b_runs is not None else '?':>4} | {total:4d} "
            f"(search {runs[SEARCH]}, check {runs[CHECK]}; "
            f"ratio {b_runs / total if b_runs else math.nan:4.2f}x)   "
            f"answer {b_fte:4.1f} FTE EUR {b_eur:6.0f} | {result.best.fte:4.1f} FTE "
            f"EUR {result.best.cost_per_week_eur:6.0f}/week  "
            f"(Erlang C {result.erlang.fte:4.1f} FTE)  margin {result.margin * 100:+.2f} pt  "
            f"check {result.check_replications} reps: {result.neighbours_checked} neighbours, "
            f"{result.neighbourhood_moves} moves  [target < {target:.0f} s: {verdict}]"
        )
    if quick:
        return
    # The same 24/7 sizing inline (1 process): the pool must give the very same answer.
    serial, s_runs, s_seconds, s_cpu = _timed_size("24-7", quick, 1)
    pooled, p_runs, p_seconds, p_cpu = _timed_size("24-7", quick, available_cores())
    same = (
        serial.best.agents == pooled.best.agents and serial.best.estimates == pooled.best.estimates
    )
    print(
        f"    24-7 serial | pool of {available_cores()}: {s_seconds:5.1f} s | {p_seconds:5.1f} s "
        f"(speed-up {s_seconds / p_seconds:4.2f}x; CPU {s_cpu:5.1f} s | {p_cpu:5.1f} s; "
        f"runs {sum(s_runs.values())} | {sum(p_runs.values())})  identical answer: {same}  "
        f"[bound < {SIZING_TARGET_S['24-7']:.0f} s: "
        f"{'ok' if p_seconds < SIZING_TARGET_S['24-7'] else 'SLOW'}]"
    )


def bench_sweep(quick: bool) -> None:
    profile = load_profile("telecom")
    targets = sizing_targets(profile.compile("24-7"))
    points = grid(parse_vary(["agents=4..9", "volume=1.0,1.5"]))
    reps = 1 if quick else 2
    timings = {}
    frames = {}
    for workers in (1, 2):
        with Runner(processes=workers) as runner:
            runner.map(abs, list(range(workers)))  # start the worker processes first
            t0 = time.perf_counter()
            frames[workers] = run_sweep(
                profile,
                "24-7",
                points,
                targets,
                RunPlan(weeks=SWEEP_WEEKS, warmup_weeks=1.0, replications=reps, seed=SEED),
                runner=runner,
            )
            timings[workers] = time.perf_counter() - t0
    runs = len(points) * reps
    same = frames[1].equals(frames[2])
    speedup = timings[1] / timings[2]
    verdict = "ok" if speedup >= SPEEDUP_TARGET else "BELOW TARGET"
    print(f"(b) sweep, {len(points)} grid points x {reps} replications = {runs} runs")
    print(f"    1 worker   {timings[1]:6.1f} s  {runs / timings[1]:5.2f} runs/s")
    print(f"    2 workers  {timings[2]:6.1f} s  {runs / timings[2]:5.2f} runs/s")
    print(
        f"    speed-up   {speedup:5.2f}x  identical results: {same}  "
        f"[target >= {SPEEDUP_TARGET}x: {verdict}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer replications")
    parser.add_argument("--sizing-only", action="store_true", help="skip the sweep (b)")
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()}, {available_cores()} cores available, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    bench_sizing(args.quick)
    if not args.sizing_only:
        bench_sweep(args.quick)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
