"""App speed: start-up to the first page, and a what-if run, each side by side with a peer.

(a) Start-up. ``streamlit run streamlit_app.py`` is started as a subprocess (headless, free
    port, temporary database); measured are wall-clock seconds from starting the process until
    the server answers its health check, and until the first page (title "Webcare Sandbox") is
    rendered in Debian's Chromium (skipped without /usr/bin/chromium). The peer is a one-line
    Streamlit app (``st.title``) started the same way: the ratio shows what our imports and
    router add to Streamlit's own start-up. Target: first page within 3 s.
(b) What-if. ``webcare_app.services.run_whatif`` with the page's defaults (24/7 against
    business hours, 2 measured weeks after a half-week warm-up, 1 replication; also 2) for the
    library and telecom profiles, uncached. The peer is the bare engine: ``sim.experiment.run``
    plus ``summarise`` for the same two coverage models and length, so the ratio is the cost of
    the page's extra summaries (backlog per hour, waiting-time bands, attainment per hour).
    Target: under 2 s.

(c) Simulatie page redraw. The page is run headless (Streamlit's ``AppTest``) once, then the
    volume slider is moved to a value not seen before (so the what-if is not cached) and the
    page's whole script run is timed: simulation, verdict, tables and the six charts' specs.
    Beside it, the bare ``run_whatif`` of the same inputs: the ratio is what the page adds. CPU
    seconds (``time.process_time``, all threads) are printed beside the wall clock, since other
    work on a shared machine inflates the latter; "kept run" is a redraw back to a volume run
    before (the finished run is kept, only the page is drawn).
    Bounds (issue 15): telecom < 1.5 s, library < 0.5 s.
(d) Sizing in the app: ``size_coverage`` (1 week after half a week of warm-up, 3 replications)
    for telecom 24/7 and business hours and the library's extended hours, on the server's worker
    pool (``webcare_app.whatif_pool``, started once beforehand, as the page does when it opens),
    against the bound of 10 s. The peer is the CLI's path on the same question: ``sim.sizing.size``
    opening its own pool on every core (``webcare-sim size``), alternated with the app run; the
    ratio app/CLI is what the server's pool costs or saves. Then telecom 24/7 once as the page
    did before (inline in the server process). The load average is printed on every line.

Times are medians of ``--repeat`` runs (wall clock, ``time.perf_counter``).
Run:  .venv/bin/python -m bench.bench_app  [--repeat N] [--no-browser] [--only PART]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.appserver import CHROMIUM, CHROMIUM_ARGS, SERVER_START_TIMEOUT_S, start_app

REPO = Path(__file__).resolve().parents[1]
FIRST_PAGE_TARGET_S = 3.0
WHATIF_TARGET_S = 2.0
PEER_APP = 'import streamlit as st\n\nst.title("Webcare Sandbox")\n'


def startup(script: Path, cwd: Path, browser: Any) -> tuple[float, float | None]:
    """Seconds until the health check answers, and until the first page shows its title."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        server = start_app(script, cwd, Path(tmp) / "bench.sqlite", poll_s=0.02)
        health = time.perf_counter() - t0
        try:
            page_s = None
            if browser is not None:
                page = browser.new_page()
                page.goto(server.url)
                page.get_by_role("heading", name="Webcare Sandbox").wait_for(
                    timeout=SERVER_START_TIMEOUT_S * 1000
                )
                page_s = time.perf_counter() - t0
                page.close()
            return health, page_s
        finally:
            server.stop()


def _median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_startup(repeat: int, use_browser: bool) -> None:
    print("(a) start-up: `streamlit run` until health check / first page rendered (median s)")
    with tempfile.TemporaryDirectory() as tmp:
        peer = Path(tmp) / "peer_app.py"
        peer.write_text(PEER_APP)
        pw: Any = None
        browser: Any = None
        if use_browser and CHROMIUM.exists():
            from playwright.sync_api import sync_playwright

            pw = sync_playwright().start()
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        elif use_browser:
            print("    (no /usr/bin/chromium: first-page times skipped)")
        try:
            rows = {}
            for label, script, cwd in (
                ("webcare app", REPO / "streamlit_app.py", REPO),
                ("peer: one-line app", peer, Path(tmp)),
            ):
                results = [startup(script, cwd, browser) for _ in range(repeat)]
                health = statistics.median(r[0] for r in results)
                pages = [r[1] for r in results if r[1] is not None]
                page = statistics.median(pages) if pages else None
                rows[label] = (health, page)
            ours, theirs = rows["webcare app"], rows["peer: one-line app"]
            for label, (health, page) in rows.items():
                shown = "-" if page is None else f"{page:6.2f}"
                print(f"    {label:<20} health {health:6.2f}   first page {shown}")
            if ours[1] is not None and theirs[1] is not None:
                verdict = "ok" if ours[1] < FIRST_PAGE_TARGET_S else "OVER TARGET"
                print(
                    f"    ratio app/peer: health {ours[0] / theirs[0]:.2f}x, first page "
                    f"{ours[1] / theirs[1]:.2f}x; target first page < {FIRST_PAGE_TARGET_S} s: "
                    f"{verdict}"
                )
        finally:
            if browser is not None:
                browser.close()
            if pw is not None:
                pw.stop()


def bench_whatif(repeat: int) -> None:
    from sim.experiment import run
    from sim.kpis import summarise
    from sim.plan import RunPlan
    from sim.profile import Profile
    from webcare_app import services

    print("(b) what-if, 24/7 vs business hours, 2 weeks + 0.5 warm-up, uncached (median s)")
    for name in ("library", "telecom"):
        profile = services.get_profile(name)
        for reps in (1, 2):
            inputs = services.WhatIfInputs(name, replications=reps)

            def ours_run(inputs: services.WhatIfInputs = inputs) -> None:
                services.run_whatif(inputs)

            ours = _median(ours_run, repeat)

            def peer(reps: int = reps, profile: Profile = profile) -> None:
                for cov in services.COMPARED_DEFAULT:
                    spec = profile.compile(cov)
                    for seed in range(reps):
                        plan = RunPlan(2.0, services.WHATIF_WARMUP_WEEKS, 1, seed)
                        summarise(run(spec, plan))

            theirs = _median(peer, repeat)
            verdict = "ok" if ours < WHATIF_TARGET_S else "OVER TARGET"
            print(
                f"    {name:<8} replications={reps}: run_whatif {ours:5.2f}   peer engine+KPIs "
                f"{theirs:5.2f}   ratio {ours / theirs:4.2f}x   target < {WHATIF_TARGET_S} s: "
                f"{verdict}"
            )


PAGE = REPO / "webcare_app" / "pages" / "simulatie.py"
REDRAW_BOUNDS_S = {"library": 0.5, "telecom": 1.5}
SIZING_BOUND_S = 10.0


def bench_redraw(repeat: int) -> None:
    from streamlit.testing.v1 import AppTest

    from webcare_app import services

    print("(c) Simulatie page: redraw after moving the volume slider (uncached), median s")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WEBCARE_DB_PATH"] = str(Path(tmp) / "bench.sqlite")
        for name, bound in REDRAW_BOUNDS_S.items():
            at = AppTest.from_file(str(PAGE), default_timeout=300).run()
            if name != "library":
                at.selectbox(key="whatif_profile").select(name).run()
            page_times, bare_times, page_cpu, bare_cpu, kept_times = [], [], [], [], []
            for k in range(repeat):
                pct = 105 + 5 * k  # a volume not run before: no cache hit
                t0, c0 = time.perf_counter(), time.process_time()
                at.slider(key="whatif_volume").set_value(pct).run()
                page_times.append(time.perf_counter() - t0)
                page_cpu.append(time.process_time() - c0)
                assert not at.exception, at.exception
                inputs = services.WhatIfInputs(name, volume_factor=pct / 100)
                t0, c0 = time.perf_counter(), time.process_time()
                services.run_whatif(inputs)
                bare_times.append(time.perf_counter() - t0)
                bare_cpu.append(time.process_time() - c0)
                # a widget the simulation does not read: the kept run, only the page redrawn
                t0 = time.perf_counter()
                at.slider(key="whatif_volume").set_value(100).run()
                kept_times.append(time.perf_counter() - t0)
            page, bare = statistics.median(page_times), statistics.median(bare_times)
            cpu, bare_c = statistics.median(page_cpu), statistics.median(bare_cpu)
            verdict = "ok" if page < bound else "OVER BOUND"
            print(
                f"    {name:<8} page redraw {page:5.2f} (CPU {cpu:4.2f})   bare run_whatif "
                f"{bare:5.2f} (CPU {bare_c:4.2f})   ratio {page / bare:4.1f}x   kept run "
                f"{statistics.median(kept_times):4.2f}   bound < {bound} s: {verdict}"
            )


def bench_sizing(repeat: int) -> None:
    import dataclasses

    from sim.parallel import available_cores
    from sim.sizing import size, sizing_model
    from webcare_app import services, whatif_pool
    from webcare_app.whatif_service import sizing_plan, whatif_profile

    pool = whatif_pool.shared_pool()
    t0 = time.perf_counter()
    pool.start()
    started = time.perf_counter() - t0
    print(
        f"(d) sizing in the app (1 week + 0.5 warm-up, 3 replications), median of {repeat}, s; "
        f"app: size_coverage on the server's pool of {pool.workers} workers (started once in "
        f"{started:.1f} s, {_load()}); peer: the CLI's path, sim.sizing.size on its own pool of "
        f"{available_cores()} (processes=None), same plan and seed"
    )
    for name, coverage in (
        ("library", "extended-hours"),
        ("telecom", "business-hours"),
        ("telecom", "24-7"),
    ):
        inputs = services.WhatIfInputs(name)
        model = sizing_model(whatif_profile(dataclasses.replace(inputs, day_agents=())), coverage)
        app_times, cli_times, app_cpu, cli_cpu = [], [], [], []
        for _ in range(repeat):  # alternated, so a change of load hits both alike
            t0, c0 = time.perf_counter(), _cpu_s(pool.pids)
            advice = services.size_coverage(inputs, coverage)
            app_times.append(time.perf_counter() - t0)
            app_cpu.append(_cpu_s(pool.pids) - c0)
            t0, c0 = time.perf_counter(), _cpu_s(pool.pids)
            result = size(model, plan=sizing_plan(inputs))
            cli_times.append(time.perf_counter() - t0)
            cli_cpu.append(_cpu_s(pool.pids) - c0)
        app, cli = statistics.median(app_times), statistics.median(cli_times)
        same = advice.fte == result.best.fte and advice.evaluations == result.evaluations
        verdict = "ok" if app < SIZING_BOUND_S else "OVER BOUND"
        print(
            f"    {name:<8} {coverage:<15} app {app:6.2f} (CPU {statistics.median(app_cpu):5.1f})"
            f"   CLI path {cli:6.2f} (CPU {statistics.median(cli_cpu):5.1f})   ratio app/CLI "
            f"{app / cli:4.2f}x   candidates {advice.evaluations:3d}   same answer: {same}   "
            f"bound < {SIZING_BOUND_S:g} s: {verdict}   ({_load()})"
        )
    # Before: the page sized inline in the server process (processes=1), one run.
    inputs = services.WhatIfInputs("telecom")
    model = sizing_model(whatif_profile(inputs), "24-7")
    t0, c0 = time.perf_counter(), _cpu_s(pool.pids)
    size(model, plan=sizing_plan(inputs), processes=1)
    inline = time.perf_counter() - t0
    print(
        f"    telecom  24-7 before (inline in the server, processes=1) {inline:6.2f} "
        f"(CPU {_cpu_s(pool.pids) - c0:5.1f})   ratio inline/app {inline / app:4.2f}x   "
        f"({_load()})"
    )


def _cpu_s(workers: tuple[int, ...]) -> float:
    """CPU seconds of this process, its finished children (the CLI path's pool) and the live
    workers of the server's pool: the figure that moves less with other work than the clock."""
    import psutil

    own = psutil.Process().cpu_times()
    total = own.user + own.system + own.children_user + own.children_system
    for pid in workers:
        times = psutil.Process(pid).cpu_times()
        total += times.user + times.system
    return total


def _load() -> str:
    return "load " + " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument(
        "--only", choices=["startup", "whatif", "redraw", "sizing"], help="run one part only"
    )
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    print(f"load average at start: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1/5/15 min)")
    if args.only in (None, "startup"):
        bench_startup(args.repeat, not args.no_browser)
    if args.only in (None, "whatif"):
        bench_whatif(args.repeat)
    if args.only in (None, "redraw"):
        bench_redraw(args.repeat)
    if args.only in (None, "sizing"):
        bench_sizing(args.repeat)


if __name__ == "__main__":
    main()
