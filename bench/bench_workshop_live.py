"""Workshop live screens: what phones waiting on the participant page cost the server's CPU.

A phone on the participant page's waiting screen polls the server every few seconds (a fragment
with ``run_every``; ``workshop.live_refresh`` sets it by the room's size: 3 s up to 120 people,
5 s at 200). With 40 phones that is 13 polls a second, all served by one Python process: the
CPU each poll takes decides whether a workshop stays fluent. Figures are
read from the server process itself (``/proc/<pid>/stat``, user + system time of all its
threads) over a fixed window, so they include Tornado, the websocket traffic and every script
run, not only our code.

Figures printed, each with its peer in the same run:

(a) N participant pages (headless Chromium, phone size, one browser context each, so one
    Streamlit session each) on the waiting screen ("Je antwoord is binnen") for ``--window``
    seconds: server CPU seconds, cores used, polls (websocket messages the pages sent) and
    server CPU per poll. The peer is the same N pages on a minimal Streamlit app whose page is a
    title and an empty ``st.fragment(run_every=3)``: the floor Streamlit itself costs per poll.
    The ratio ours / peer is what our page adds.
(b) The facilitator's dashboard alone (one page, the workshop of (a) with its participants and
    answers) against one page of the same peer app.
(c) ``WorkshopService.participant_view`` alone, called in this process: the part of a poll
    that is our service.

The machine is small (2 cores) and Chromium needs CPU too: keep N modest with ``--phones
chromium``. ``--phones websocket`` (the default) stands in for the pages with websocket clients
that send exactly what the page sends (``bench.ws_phones``: the page's first run, then the
fragment's rerun every 3 s), so 40 and 200 phones fit on the machine; (b) needs Chromium and runs
only with ``--phones chromium``. Besides the server's CPU, the websocket phones time every poll
from sending it to the server's end of that run (what a phone waits to see a change). The bound
for the server: one core (issue 16: 200 phones waiting cost under one core; one Python process
cannot use more for its pages anyway). The whole machine's busy cores and the load average
during each window are printed, so a saturated run can be told apart.

(j) With websocket phones, before each window: the N phones join as a room does
    (``bench.ws_phones.CONNECT_SPREAD_S`` apart, each a first run of the page): how many are on
    their screen, after how long, and the server's CPU for it (first runs and the polls of the
    phones already in). A server that does not get them all on screen within
    ``READY_TIMEOUT_S`` is reported with how many it got, and measured on as it is.
(d) With websocket phones, after each of our windows the facilitator moves on to the next post
    (``next_post``, through the service on the same database) and each phone's delay until the
    server sends it the next post's screen is timed: how late a phone sees a move (p50 / p95 /
    max). Each N gets its own workshop, so every window starts on the waiting screen.
``--before REF`` runs the same windows against the app as it was at git ``REF`` (exported with
``git archive`` into a scratch folder, same database), started beside ours: before and after in
one run. ``--no-peer`` skips the empty-fragment peer (saves time at 200 phones).
Run:  .venv/bin/python -m bench.bench_workshop_live  [--n 40 200] [--window 30] [--repeat 1]
      [--phones websocket|chromium] [--before REF] [--no-peer]
      [--profile DIR]  (py-spy of the joins and windows of ours and before, if on PATH)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.appserver import (
    CHROMIUM,
    CHROMIUM_ARGS,
    AppServer,
    start_app,
)
from bench.ws_phones import CONNECT_SPREAD_S, READY_TIMEOUT_S, Phones

REPO = Path(__file__).resolve().parents[1]
# Pages of background contexts must keep polling as a phone in a hand does.
PHONE_CHROMIUM_ARGS = [
    *CHROMIUM_ARGS,
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
PHONE = {"width": 390, "height": 844}
UI_TIMEOUT_MS = 90_000
SETTLE_S = 6.0  # after every page shows its screen: let the first fragment runs pass
IDLE_PROBE_S = 1.0  # the server counts as warmed up once a probe this long is idle ...
IDLE_CPU_S = 0.05  # ... i.e. uses less than this much CPU
WARM_UP_TIMEOUT_S = 300  # the scoring workers load ~0.5 GB each: minutes on a loaded machine
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PEER_APP = """import streamlit as st

st.title("Workshop meedoen")


@st.fragment(run_every=3)
def watch() -> None:
    pass


watch()
"""
WAITING_TEXT = "Je antwoord is binnen"
MOVED_TEXT = "Bericht 2 van"  # the next post's heading: the facilitator's move reached the phone
MOVE_TIMEOUT_S = 90.0  # a phone that has not seen the move by then counts as never
WORKERS = 0  # scoring workers: waiting phones score nothing, and two apps side by side fit

CORE_BOUND = 1.0  # issue 16: the server's CPU for 200 phones waiting, in cores
REPLY = "Hoi, dank je voor je bericht! Ik zoek het voor je uit en laat het je weten. ^MK"


def cpu_s(server: AppServer) -> float:
    """User + system CPU seconds of the server process, all its threads."""
    fields = _stat(server.proc.pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def tree_cpu_s(server: AppServer) -> float:
    """CPU seconds of the server and its child processes (the scoring workers, which load
    their dictionaries during the app's warm-up; the warm-up ends after they are ready)."""
    total = cpu_s(server)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = _stat(int(entry.name))
            except (OSError, IndexError):
                continue
            if int(fields[1]) == server.proc.pid:
                total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def _until_idle(server: AppServer, t0: float) -> float:
    """Wait until the server and its workers are idle; seconds since ``t0``."""
    last, idle = tree_cpu_s(server), 0
    # Two idle probes in a row: the warm-up waits a moment after the page before it starts.
    while idle < 2 and time.monotonic() - t0 < WARM_UP_TIMEOUT_S:
        time.sleep(IDLE_PROBE_S)
        now = tree_cpu_s(server)
        idle = idle + 1 if now - last < IDLE_CPU_S else 0
        last = now
    return time.monotonic() - t0


def warm(browser: Any, server: AppServer, url: str) -> float:
    """Open one page and wait until the server is idle again (the app's background warm-up
    loads the dictionaries after the first page): seconds it took."""
    t0 = time.monotonic()
    page = browser.new_page()
    page.goto(url)
    page.get_by_role("heading").first.wait_for(timeout=UI_TIMEOUT_MS)
    page.close()
    return _until_idle(server, t0)


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def browsers_cpu_s(servers: set[int]) -> float:
    """CPU seconds of this process's descendants other than the servers: Chromium and
    Playwright's driver (exited processes are not counted, so only compare live windows)."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent[int(entry.name)] = int(_stat(int(entry.name))[1])
            except (OSError, IndexError, ValueError):
                continue
    mine, total = {os.getpid()}, 0.0
    for _ in range(8):  # a few levels: driver, browser, its zygotes and renderers
        mine |= {pid for pid, ppid in parent.items() if ppid in mine and pid not in servers}
    for pid in mine - {os.getpid()}:
        try:
            fields = _stat(pid)
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass(frozen=True)
class Window:
    cpu_s: float
    seconds: float
    polls: int
    machine_cores: float
    browser_cores: float  # the phones: Chromium, or this process for websocket phones
    wait_p50_ms: float = float("nan")  # websocket phones: poll sent -> its run finished
    wait_p95_ms: float = float("nan")
    load: float = float("nan")  # the machine's 1-minute load average at the window's end

    @property
    def cores(self) -> float:
        return self.cpu_s / self.seconds

    @property
    def ms_per_poll(self) -> float:
        return 1000 * self.cpu_s / self.polls if self.polls else float("nan")


class Pages:
    """N pages, one browser context (one Streamlit session) each, counting what they send."""

    def __init__(self, browser: Any, urls: list[str], ready: str, viewport: dict[str, int]):
        self.sent = 0
        self.contexts = []
        self.pages = []
        for url in urls:
            ctx = browser.new_context(viewport=viewport, locale="nl-NL")
            page = ctx.new_page()
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.on("websocket", self._watch_socket)
            page.goto(url)
            self.contexts.append(ctx)
            self.pages.append(page)
        for page in self.pages:
            page.get_by_text(ready).first.wait_for()

    def _watch_socket(self, ws: Any) -> None:
        def count(_payload: object) -> None:
            self.sent += 1

        ws.on("framesent", count)

    def pump(self, seconds: float) -> None:
        """Let the pages run (Playwright's events are delivered while we wait on a page)."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self.pages[0].wait_for_timeout(min(500.0, left * 1000))

    def measure(
        self, server: AppServer, seconds: float, servers: set[int], profile: Path | None = None
    ) -> Window:
        self.pump(SETTLE_S)
        spy = None
        if profile is not None and shutil.which("py-spy"):
            spy = subprocess.Popen(
                ["py-spy", "record", "-p", str(server.proc.pid), "-d", str(int(seconds)),
                 "-r", "200", "-f", "raw", "-o", str(profile), "--threads", "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        sent0, cpu0, busy0 = self.sent, cpu_s(server), _machine_busy()
        br0, t0 = browsers_cpu_s(servers), time.monotonic()
        self.pump(seconds)
        sent1, cpu1, busy1 = self.sent, cpu_s(server), _machine_busy()
        br1, t1 = browsers_cpu_s(servers), time.monotonic()
        if spy is not None:
            spy.wait()
        machine = (busy1[0] - busy0[0]) / (busy1[1] - busy0[1]) * (os.cpu_count() or 1)
        return Window(cpu1 - cpu0, t1 - t0, sent1 - sent0, machine, (br1 - br0) / (t1 - t0))

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


def _spy(pid: int, out: Path, seconds: float) -> subprocess.Popen[bytes] | None:
    """py-spy sampling the server into ``out`` for ``seconds`` (stopped early with SIGINT), if
    py-spy is on PATH."""
    if not shutil.which("py-spy"):
        return None
    return subprocess.Popen(
        ["py-spy", "record", "-p", str(pid), "-d", str(int(seconds) + 1),
         "-r", "100", "-f", "raw", "-o", str(out), "--threads", "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _stop_spy(spy: subprocess.Popen[bytes] | None) -> None:
    if spy is not None and spy.poll() is None:
        spy.send_signal(signal.SIGINT)  # py-spy writes what it sampled so far
    if spy is not None:
        spy.wait()


@dataclass(frozen=True)
class Join:
    """N phones opening the page (their first page runs), joining ``CONNECT_SPREAD_S`` apart."""

    phones: int
    on_screen: int  # phones showing their waiting screen when the wait ended
    seconds: float  # from the first phone connecting to the last on screen (or the timeout)
    cpu_s: float  # the server's CPU in that time: first page runs and the polls of those in
    load: float  # the machine's 1-minute load average when the wait ended

    @property
    def cores(self) -> float:
        return self.cpu_s / self.seconds

    @property
    def ms_per_phone(self) -> float:
        return 1000 * self.cpu_s / self.phones


def join_phones(
    urls: list[str], ready: str, server: AppServer, profile: Path | None = None
) -> tuple[Phones, Join]:
    """Phones on ``urls``, joining as a room does, and what their joining cost the server; a
    server that does not get them all on screen in ``READY_TIMEOUT_S`` is reported, not
    raised, so a before/after run still measures both apps."""
    spy = None if profile is None else _spy(server.proc.pid, profile, READY_TIMEOUT_S)
    cpu0, t0 = cpu_s(server), time.monotonic()
    phones = Phones(urls, ready)
    with contextlib.suppress(TimeoutError):  # reported below as phones not on screen
        phones.wait_ready()
    cpu1, t1 = cpu_s(server), time.monotonic()
    _stop_spy(spy)
    on_screen = sum(p.ready for p in phones.phones)
    return phones, Join(len(urls), on_screen, t1 - t0, cpu1 - cpu0, os.getloadavg()[0])


def measure_phones(
    phones: Phones, server: AppServer, seconds: float, profile: Path | None = None
) -> Window:
    """Server CPU while the websocket phones poll for ``seconds`` (after a settling pause; the
    phones that are on screen poll, see ``join_phones``); the phones' CPU is this process's."""
    time.sleep(SETTLE_S)
    spy = None if profile is None else _spy(server.proc.pid, profile, seconds)
    phones.counting = True
    sent0, cpu0, busy0 = phones.sent, cpu_s(server), _machine_busy()
    mine0, t0 = time.process_time(), time.monotonic()
    time.sleep(seconds)
    sent1, cpu1, busy1 = phones.sent, cpu_s(server), _machine_busy()
    mine1, t1 = time.process_time(), time.monotonic()
    phones.counting = False
    _stop_spy(spy)
    machine = (busy1[0] - busy0[0]) / (busy1[1] - busy0[1]) * (os.cpu_count() or 1)
    waits = phones.waits_ms() or [float("nan")]
    return Window(
        cpu1 - cpu0,
        t1 - t0,
        sent1 - sent0,
        machine,
        (mine1 - mine0) / (t1 - t0),
        float(np.percentile(waits, 50)),
        float(np.percentile(waits, 95)),
        os.getloadavg()[0],
    )


def warm_ws(server: AppServer, url: str, ready: str) -> float:
    """One websocket phone on the page, then until the server is idle again (the app's
    background warm-up loads the dictionaries after the first page): seconds it took."""
    t0 = time.monotonic()
    phones = Phones([url], ready)
    try:
        phones.wait_ready()
    finally:
        phones.close()
    return _until_idle(server, t0)


def move_delays(phones: Phones, db: Path, code: str, pin: str) -> list[float]:
    """The facilitator moves on to the next post; seconds until each phone gets its screen."""
    from trainer.storage import Database
    from workshop.service import WorkshopService

    with Database(f"sqlite:///{db}") as database:
        svc = WorkshopService(database, np.random.default_rng(7))
        t0 = phones.expect(MOVED_TEXT)
        svc.next_post(code, pin)
        return phones.seen_s(t0, MOVE_TIMEOUT_S)


def _delays(label: str, delays: list[float]) -> str:
    seen = [d for d in delays if d != float("inf")]
    if not seen:
        return f"    {label:<34} move seen by no phone within {MOVE_TIMEOUT_S:.0f} s"
    p50, p95 = np.percentile(delays, 50), np.percentile(delays, 95)
    return (
        f"    {label:<34} move seen after p50 {p50:5.1f} / p95 {p95:5.1f} / max "
        f"{max(delays):5.1f} s by {len(seen)}/{len(delays)} phones (load "
        f"{os.getloadavg()[0]:4.1f})"
    )


def make_workshop(db: Path, n: int) -> tuple[str, str, list[str]]:
    """A workshop (facilitator pace) with ``n`` participants who all answered the first post,
    so each phone waits on "Je antwoord is binnen". Returns code, PIN and the tokens."""
    from trainer.storage import Database
    from workshop.service import WorkshopService

    svc = WorkshopService(Database(f"sqlite:///{db}"), np.random.default_rng(7))
    created = svc.create_workshop("Kenniskring live", org_type="library", n=3)
    tokens = []
    for k in range(n):
        joined = svc.join(created.code, f"Deelnemer {k + 1}")
        post = svc.participant_view(created.code, joined.token).current.post
        assert post is not None
        svc.submit(created.code, joined.token, post.id, "public", REPLY)
        tokens.append(joined.token)
    return created.code, created.pin, tokens


def view_ms(db: Path, code: str, tokens: list[str], rounds: int = 20) -> float:
    """Median ms of one ``participant_view`` call in this process (a fresh, warm service)."""
    from trainer.storage import Database
    from workshop.service import WorkshopService

    svc = WorkshopService(Database(f"sqlite:///{db}"), np.random.default_rng(7))
    for token in tokens:
        svc.participant_view(code, token)
    times = []
    for _ in range(rounds):
        for token in tokens:
            t0 = time.perf_counter()
            svc.participant_view(code, token)
            times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def _row(label: str, w: Window, phones: str = "Chromium") -> str:
    waits = (
        ""
        if np.isnan(w.wait_p95_ms)
        else f", poll answered p50 {w.wait_p50_ms:5.0f} / p95 {w.wait_p95_ms:5.0f} ms"
    )
    return (
        f"    {label:<34} {w.cpu_s:6.2f} s CPU in {w.seconds:4.1f} s = {w.cores:4.2f} core "
        f"({w.cores / CORE_BOUND:4.2f} of the bound), {w.polls:5d} polls, "
        f"{w.ms_per_poll:6.1f} ms/poll{waits}  ({phones} {w.browser_cores:4.2f}, machine "
        f"{w.machine_cores:4.2f} core, load {w.load:4.1f})"
    )


def _join_row(label: str, j: Join) -> str:
    got = f"all {j.phones}" if j.on_screen == j.phones else f"only {j.on_screen} of {j.phones}"
    return (
        f"    {label:<34} joining {CONNECT_SPREAD_S:.1f} s apart: {got} on screen after "
        f"{j.seconds:5.1f} s; server {j.cpu_s:6.2f} s CPU = {j.cores:4.2f} core, "
        f"{j.ms_per_phone:5.0f} ms per phone (first run and polls) (load {j.load:4.1f})"
    )


def _ratio(ours: list[Window], peer: list[Window]) -> str:
    o = statistics.median(w.ms_per_poll for w in ours)
    p = statistics.median(w.ms_per_poll for w in peer)
    oc = statistics.median(w.cores for w in ours)
    pc = statistics.median(w.cores for w in peer)
    return f"    ratio ours / peer: {o / p:4.1f}x per poll, {oc / pc:4.1f}x cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, nargs="+", default=[40, 200], help="phones per window")
    parser.add_argument("--window", type=float, default=30.0, help="seconds measured")
    parser.add_argument("--repeat", type=int, default=1, help="windows per figure (median)")
    parser.add_argument(
        "--phones",
        choices=("websocket", "chromium"),
        default="websocket",
        help="websocket clients sending what the page sends, or headless Chromium pages",
    )
    parser.add_argument("--before", help="git ref of the app to compare with (websocket phones)")
    parser.add_argument("--no-peer", action="store_true", help="skip the empty-fragment peer")
    parser.add_argument("--profile", type=Path, help="py-spy raw profiles here")
    args = parser.parse_args()
    chromium = args.phones == "chromium"
    if chromium and not CHROMIUM.exists():
        sys.exit("bench_workshop_live needs Debian's Chromium at /usr/bin/chromium")
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    print(f"Workshop live screens: window {args.window:.0f} s, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}, phones: {args.phones}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "live.sqlite"
        peer_app = tmp / "peer_app.py"
        peer_app.write_text(PEER_APP)
        code, pin, tokens = make_workshop(db, max(args.n))
        apps: dict[str, AppServer] = {}
        try:
            apps["ours"] = start_app(
                REPO / "streamlit_app.py", REPO, db, tmp / "ours.log", scoring_workers=WORKERS
            )
            if args.before and not chromium:
                old = _export(args.before, tmp / "before")
                apps[f"before ({args.before})"] = start_app(
                    old / "streamlit_app.py", old, db, tmp / "before.log", scoring_workers=WORKERS
                )
            if not args.no_peer:
                apps["peer"] = start_app(peer_app, tmp, tmp / "peer.sqlite", tmp / "peer.log")
            if chromium:
                _chromium_windows(args, apps["ours"], apps["peer"], code, pin, tokens)
            else:
                _websocket_windows(args, apps, db, code, tokens)
        finally:
            for app in apps.values():
                app.stop()
        print(f"(c) participant_view alone, in process: {view_ms(db, code, tokens):.1f} ms "
              "(median)")  # fmt: skip


def _export(ref: str, into: Path) -> Path:
    """The repository as it was at ``ref``, in a scratch folder (its own code is imported
    there: the venv puts the working directory first on ``sys.path``)."""
    into.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _websocket_windows(
    args: argparse.Namespace,
    apps: dict[str, AppServer],
    db: Path,
    code: str,
    tokens: list[str],
) -> None:
    for name, app in apps.items():
        if name == "peer":
            took = warm_ws(app, app.url, "Workshop meedoen")
        else:
            took = warm_ws(app, f"{app.url}/meedoen?code={code}&token={tokens[0]}", WAITING_TEXT)
        print(f"    warm-up {name}: {took:.1f} s until idle")
    print("(a) N participant pages waiting (websocket phones, one Streamlit session each),")
    print("(d) then the facilitator moves on: how late each phone sees it")
    for n in args.n:
        windows: dict[str, list[Window]] = {name: [] for name in apps}
        joins: dict[str, list[Join]] = {name: [] for name in apps}
        delays: dict[str, list[list[float]]] = {name: [] for name in apps}
        for r in range(args.repeat):
            for name, app in apps.items():
                peer = name == "peer"
                if peer:
                    urls, ready = [app.url] * n, "Workshop meedoen"
                else:  # a workshop of its own: the move below leaves this one's waiting screen
                    w_code, w_pin, w_tokens = make_workshop(db, n)
                    urls = [f"{app.url}/meedoen?code={w_code}&token={t}" for t in w_tokens]
                    ready = WAITING_TEXT
                prof = join_prof = None
                if args.profile is not None and name != "peer":
                    tag = "ours" if name == "ours" else "before"
                    prof = args.profile / f"{tag}-{n}-{r}.txt"
                    join_prof = args.profile / f"{tag}-join-{n}-{r}.txt"
                phones, join = join_phones(urls, ready, app, join_prof)
                joins[name].append(join)
                print(_join_row(f"{name}, {n} phones", join), flush=True)
                try:
                    windows[name].append(measure_phones(phones, app, args.window, prof))
                    if not peer:
                        delays[name].append(move_delays(phones, db, w_code, w_pin))
                finally:
                    phones.close()
        for name in apps:
            label = "peer (empty fragment)" if name == "peer" else name
            for j in joins[name]:
                print(_join_row(f"{label}, {n} phones", j))
            for w in windows[name]:
                print(_row(f"{label}, {n} phones", w, "phones"))
            for d in delays[name]:
                print(_delays(f"{label}, {n} phones", d))
        for name in apps:
            if name != "ours":
                print(f"  ours against {name}:")
                print(_ratio(windows["ours"], windows[name]))


def _chromium_windows(
    args: argparse.Namespace,
    ours: AppServer,
    peer: AppServer,
    code: str,
    pin: str,
    tokens: list[str],
) -> None:
    from playwright.sync_api import sync_playwright

    pids = {ours.proc.pid, peer.proc.pid}
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=PHONE_CHROMIUM_ARGS)
    try:
        print(f"    warm-up: ours {warm(browser, ours, ours.url):.1f} s, peer "
              f"{warm(browser, peer, peer.url):.1f} s until idle")  # fmt: skip
        print(f"(a) N participant pages waiting (phone {PHONE['width']}x{PHONE['height']})")
        for n in args.n:
            ours_w, peer_w = [], []
            for r in range(args.repeat):
                urls = [f"{ours.url}/meedoen?code={code}&token={t}" for t in tokens[:n]]
                pages = Pages(browser, urls, WAITING_TEXT, PHONE)
                prof = None if args.profile is None else args.profile / f"ours-{n}-{r}.txt"
                ours_w.append(pages.measure(ours, args.window, pids, prof))
                pages.close()
                pages = Pages(browser, [peer.url] * n, "Workshop meedoen", PHONE)
                peer_w.append(pages.measure(peer, args.window, pids))
                pages.close()
            for w in ours_w:
                print(_row(f"ours, {n} phones", w))
            for w in peer_w:
                print(_row(f"peer (empty fragment), {n} phones", w))
            print(_ratio(ours_w, peer_w))

        print(f"(b) facilitator dashboard alone ({max(args.n)} participants, answers in)")
        ours_w, peer_w = [], []
        for r in range(args.repeat):
            board = Pages(browser, [f"{ours.url}/workshop?code={code}"], "Openen",
                          {"width": 1280, "height": 900})  # fmt: skip
            page = board.pages[0]
            page.locator(".st-key-wf_open_pin input").fill(pin)
            page.locator(".st-key-wf_open_pin input").press("Enter")
            page.locator(".st-key-wf_open button").click()
            page.locator(".wc-join-code").wait_for()
            prof = None if args.profile is None else args.profile / f"dashboard-{r}.txt"
            ours_w.append(board.measure(ours, args.window, pids, prof))
            board.close()
            pages = Pages(browser, [peer.url], "Workshop meedoen", PHONE)
            peer_w.append(pages.measure(peer, args.window, pids))
            pages.close()
        for w in ours_w:
            print(_row("ours, dashboard", w))
        for w in peer_w:
            print(_row("peer (empty fragment), 1 page", w))
        print(_ratio(ours_w, peer_w))
    finally:
        browser.close()
        pw.stop()


if __name__ == "__main__":
    main()
