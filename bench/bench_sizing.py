"""Sizing and sweep speed: telecom sizing per coverage model, and a sweep on 1 vs 2 workers.

(a) ``webcare-sim size telecom`` for business hours and for 24/7 with the default settings
    (6 replications of 2 weeks after 1 warm-up week, local pool on every core; final
    neighbourhood check with 18). Bound (issue 13): 24/7 under 10 s on 2 cores; business
    hours under 30 s. Printed: time, simulation runs, FTE and cost beside Erlang C, the margin
    and what the final check did, with the CPU time (this process and its pool), which moves
    less with other work on the machine than the wall clock. Then 24/7 once inline
    (1 process) and once on the pool, side by side: the answers must be identical.
(b) With ``--peer DIR`` (a checkout of an earlier commit, e.g. ``git archive <commit> | tar -x
    -C /tmp/peer``): the same sizings and the CPU of one sizing run, measured for that code
    and for this tree in turns (peer, this, peer, this: both see the same load), each in its
    own process started in its tree (the venv puts the working directory first on the path),
    printed side by side with their ratio.
(c) One sweep grid (agents 4..9 per shift x volume 1.0/1.5 on the 24/7 model, 2 replications
    of 4 weeks), on a pool of 1 worker (inline) and of 2 workers, side by side. Target: at least
    1.8x faster on 2 workers. Results are checked to be identical.

Other work on the machine slows everything; the load average is printed with every figure.
Run:  .venv/bin/python -m bench.bench_sizing  [--quick] [--sizing-only] [--peer DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

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

ROOT = Path(__file__).resolve().parents[1]
SIZING_TARGET_S = {"business-hours": 30.0, "24-7": 10.0}
SPEEDUP_TARGET = 1.8
SEED = 20261123
SWEEP_WEEKS = 4.0  # long enough that one job outweighs sending it to a worker
RUN_SAMPLE = 12  # sizing runs (telecom 24/7, the Erlang staffing) timed for the CPU per run
RUN_ROUNDS = 3  # turns per tree for the CPU per run

# One measurement in a fresh process started in a tree (this one or the peer): only the public
# API both versions share. Prints one JSON line.
_SIZE_SNIPPET = """
import json, resource, sys, time
from dataclasses import replace
from sim.profile import load_profile
from sim.sizing import SIZING_PLAN, size, sizing_model
coverage, processes, reps, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
runs = {}
def counted(phase, done, known):
    runs[phase] = done
model = sizing_model(load_profile("telecom"), coverage)
def cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
plan = replace(SIZING_PLAN, replications=reps, seed=seed)
c0, t0 = cpu(), time.perf_counter()
r = size(model, plan=plan, processes=processes, on_progress=counted)
print(json.dumps({"s": time.perf_counter() - t0, "cpu": cpu() - c0, "runs": sum(runs.values()),
    "fte": r.best.fte, "eur": r.best.cost_per_week_eur, "margin": r.margin,
    "agents": [n for _, n in r.best.agents]}))
"""
_RUN_SNIPPET = """
import json, sys, time
from dataclasses import replace
from sim.parallel import SimJob, run_sim_job
from sim.profile import load_profile
from sim.sizing import SIZING_PLAN, sizing_model, sizing_targets
from sim.staffing import erlang_staffing
n, seed = int(sys.argv[1]), int(sys.argv[2])
model = sizing_model(load_profile("telecom"), "24-7")
targets = sizing_targets(model.spec)
spec = model.staffed(erlang_staffing(model, targets, 40), targets)
plan = replace(SIZING_PLAN, replications=n, seed=seed)
jobs = [SimJob(spec, plan.weeks, plan.warmup_weeks, s) for s in plan.seeds()]
run_sim_job(jobs[0])  # warm caches and imports
t0 = time.process_time()
rows = [run_sim_job(job) for job in jobs]
print(json.dumps({"cpu_per_run": (time.process_time() - t0) / n,
    "rows": [sorted((k, repr(v)) for k, v in row.items()) for row in rows]}))
"""


def _load() -> float:
    return os.getloadavg()[0]


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
    print("(a) sizing telecom, default targets (reactie-1u, oplossing-24u), this tree")
    for coverage in ("business-hours", "24-7"):
        load = _load()
        result, runs, seconds, cpu = _timed_size(coverage, quick, available_cores())
        target = SIZING_TARGET_S[coverage]
        verdict = "ok" if seconds < target else "SLOW"
        total = runs[SEARCH] + runs[CHECK]
        print(
            f"    {coverage:15s} {seconds:5.1f} s wall (CPU {cpu:5.1f} s; load {load:4.1f}->"
            f"{_load():4.1f})  {seconds / target:4.2f}x the {target:.0f} s bound [{verdict}]  "
            f"runs {total:4d} (search {runs[SEARCH]}, check {runs[CHECK]})  "
            f"answer {result.best.fte:4.1f} FTE EUR {result.best.cost_per_week_eur:6.0f}/week  "
            f"(Erlang C {result.erlang.fte:4.1f} FTE)  margin {result.margin * 100:+.2f} pt  "
            f"check {result.check_replications} reps: {result.neighbours_checked} neighbours, "
            f"{result.neighbourhood_moves} moves"
        )
    if quick:
        return
    # The same 24/7 sizing inline (1 process): the pool must give the very same answer.
    load = _load()
    serial, s_runs, s_seconds, s_cpu = _timed_size("24-7", quick, 1)
    pooled, p_runs, p_seconds, p_cpu = _timed_size("24-7", quick, available_cores())
    same = (
        serial.best.agents == pooled.best.agents and serial.best.estimates == pooled.best.estimates
    )
    print(
        f"    24-7 serial | pool of {available_cores()}: {s_seconds:5.1f} s | {p_seconds:5.1f} s "
        f"(speed-up {s_seconds / p_seconds:4.2f}x; CPU {s_cpu:5.1f} s | {p_cpu:5.1f} s; "
        f"runs {sum(s_runs.values())} | {sum(p_runs.values())}; load {load:4.1f}->"
        f"{_load():4.1f})  identical answer: {same}"
    )


def _in_tree(tree: Path, snippet: str, *args: object) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", snippet, *map(str, args)],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict = json.loads(out.stdout.strip().splitlines()[-1])
    return found


def bench_peer(peer: Path, quick: bool) -> None:
    """This tree against ``peer``, measured in turns in fresh processes (same load for both)."""
    reps = 3 if quick else 6
    print(f"(b) peer {peer} | this tree {ROOT}, measured in turns (peer first)")
    # CPU per run: RUN_ROUNDS turns each; the least disturbed (smallest) figure per tree counts,
    # as other work on the machine only ever adds to it.
    load = _load()
    per_run: dict[str, list[float]] = {"peer": [], "this": []}
    rows = {}
    for _ in range(RUN_ROUNDS):
        for name, tree in (("peer", peer), ("this", ROOT)):
            found = _in_tree(tree, _RUN_SNIPPET, RUN_SAMPLE, SEED)
            per_run[name].append(found["cpu_per_run"] * 1000)
            rows[name] = found["rows"]
    best = {name: min(values) for name, values in per_run.items()}
    print(
        f"    CPU per sizing run (telecom 24/7, Erlang staffing, {RUN_SAMPLE} seeds, best of "
        f"{RUN_ROUNDS} turns): {best['peer']:5.1f} ms | {best['this']:5.1f} ms  ratio "
        f"{best['peer'] / best['this']:4.2f}x  (all turns: "
        f"{', '.join(f'{v:.0f}' for v in per_run['peer'])} | "
        f"{', '.join(f'{v:.0f}' for v in per_run['this'])} ms)  identical KPI rows: "
        f"{rows['peer'] == rows['this']}  (load {load:4.1f}->{_load():4.1f})"
    )
    for coverage, processes in (("business-hours", 2), ("24-7", 2), ("24-7", 1)):
        load = _load()
        b = _in_tree(peer, _SIZE_SNIPPET, coverage, processes, reps, SEED)
        a = _in_tree(ROOT, _SIZE_SNIPPET, coverage, processes, reps, SEED)
        target = SIZING_TARGET_S[coverage]
        print(
            f"    {coverage:15s} pool {processes}: wall {b['s']:5.1f} s | {a['s']:5.1f} s "
            f"(ratio {b['s'] / a['s']:4.2f}x; {a['s'] / target:4.2f}x the {target:.0f} s bound)"
            f"  CPU {b['cpu']:5.1f} s | {a['cpu']:5.1f} s (ratio {b['cpu'] / a['cpu']:4.2f}x)  "
            f"runs {b['runs']} | {a['runs']} (ratio {b['runs'] / a['runs']:4.2f}x)  "
            f"answer {b['fte']:4.1f} | {a['fte']:4.1f} FTE, EUR {b['eur']:6.0f} | "
            f"{a['eur']:6.0f}, margin {b['margin'] * 100:+.2f} | {a['margin'] * 100:+.2f} pt, "
            f"same staffing: {b['agents'] == a['agents']}  (load {load:4.1f}->{_load():4.1f})"
        )


def bench_sweep(quick: bool) -> None:
    profile = load_profile("telecom")
    targets = sizing_targets(profile.compile("24-7"))
    points = grid(parse_vary(["agents=4..9", "volume=1.0,1.5"]))
    reps = 1 if quick else 2
    timings = {}
    frames = {}
    load = _load()
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
    print(f"(c) sweep, {len(points)} grid points x {reps} replications = {runs} runs")
    print(f"    1 worker   {timings[1]:6.1f} s  {runs / timings[1]:5.2f} runs/s")
    print(f"    2 workers  {timings[2]:6.1f} s  {runs / timings[2]:5.2f} runs/s")
    print(
        f"    speed-up   {speedup:5.2f}x  identical results: {same}  "
        f"[target >= {SPEEDUP_TARGET}x: {verdict}]  (load {load:4.1f}->{_load():4.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer replications")
    parser.add_argument("--sizing-only", action="store_true", help="skip the sweep (c)")
    parser.add_argument("--peer", type=Path, help="checkout of earlier code to compare with (b)")
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()}, {available_cores()} cores available, "
        f"load average {_load():.2f}"
    )
    bench_sizing(args.quick)
    if args.peer is not None:
        bench_peer(args.peer.resolve(), args.quick)
    if not args.sizing_only:
        bench_sweep(args.quick)
    print(f"load average at the end {_load():.2f}")


if __name__ == "__main__":
    main()
