"""Phones on a Streamlit page without a browser: websocket clients that send what the page sends.

Two hundred headless Chromium pages do not fit on a small machine next to the server they are
meant to load, so the live-screen benchmark can stand in for them with plain websocket clients
that do exactly what a phone's page does on the wire (recorded from a real Chromium page on the
participant page, Streamlit 1.67):

1. open the app's websocket (``/_stcore/stream``) and ask for a run of the page with the phone's
   query string (join code and token) and the page name, as the page does on load;
2. on the server's ``auto_rerun`` message (a fragment with ``run_every``) send, every
   ``interval`` seconds, a rerun of that fragment (``fragment_id``, ``is_auto_rerun``, the page's
   script hash: from the ``navigation`` message in a multipage app, else from ``new_session``),
   as the page's timer does; a later page run
   that sets another interval (the participant page's timer follows the room's size) restarts
   the timer with it, as the page does;
3. read everything the server sends (the page's elements), as the page must.

What a browser does besides (drawing, running React, fetching the page's static files once) costs
the phone, not the server, so the server's CPU per poll is the same; the clients' own CPU is
counted apart. Each client also times its polls: from sending one to the server's next
``script_finished`` (Streamlit folds polls that arrive during a run into one run, so a finished
run answers all open polls, timed from the oldest): how long a phone waits to see a change.
After ``expect(text)`` each phone also notes when the server first sent it ``text`` (a
facilitator's move showing on the phone): ``seen_s`` gives the delays.

Clients run as tasks of one asyncio loop (Tornado's websocket client, a Streamlit dependency), in
a thread of the benchmark's process.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

CONNECT_SPREAD_S = 0.3  # between two phones connecting: 200 join in a minute, as a room scans a QR
CONNECT_TIMEOUT_S = 60.0  # a busy server accepts a websocket late; Tornado's default is 20 s
CONNECT_TRIES = 3
READY_TIMEOUT_S = 300.0  # until every phone shows its screen
TIMEZONE = "Europe/Amsterdam"
LOCALE = "nl-NL"


@dataclass
class Phone:
    """One phone: its address and what it saw."""

    url: str  # the page's address, with its query string
    ready_text: str  # shown on the screen the phone waits on
    ready: bool = False
    polls: int = 0  # fragment reruns sent
    answered: int = 0  # of those, finished by the server
    waits_ms: list[float] = field(default_factory=list)  # poll sent -> script_finished
    interval_s: float = float("nan")  # the timer the page set last
    seen_at: float | None = None  # monotonic time the expected text first arrived
    error: str | None = None


class Phones:
    """``len(urls)`` phones on the pages at ``urls``, polling as the page does, until ``close``."""

    def __init__(self, urls: list[str], ready_text: str) -> None:
        self.phones = [Phone(url, ready_text) for url in urls]
        self.counting = False  # polls and waits are recorded only inside a measured window
        self._expected: bytes | None = None  # text whose arrival each phone notes (``expect``)
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="ws-phones", daemon=True)
        self._thread.start()

    @property
    def sent(self) -> int:
        return sum(p.polls for p in self.phones)

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        """Until every phone shows its screen; raises with the first problem otherwise."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            failed = [p for p in self.phones if p.error is not None]
            if failed:
                raise RuntimeError(f"{len(failed)} phones failed: {failed[0].error}")
            if all(p.ready for p in self.phones):
                return
            time.sleep(0.2)
        waiting = sum(not p.ready for p in self.phones)
        raise TimeoutError(f"{waiting} of {len(self.phones)} phones not ready in {timeout_s} s")

    def expect(self, text: str) -> float:
        """From now on note when each phone first receives ``text``; returns now (monotonic)."""
        for phone in self.phones:
            phone.seen_at = None
        self._expected = text.encode()
        return time.monotonic()

    def seen_s(self, since: float, timeout_s: float) -> list[float]:
        """Wait until every phone received the expected text (or ``timeout_s`` passed): seconds
        from ``since`` to each arrival; phones that never saw it count as ``inf``."""
        deadline = since + timeout_s
        while time.monotonic() < deadline and any(p.seen_at is None for p in self.phones):
            time.sleep(0.1)
        return [float("inf") if p.seen_at is None else p.seen_at - since for p in self.phones]

    def waits_ms(self) -> list[float]:
        return [w for p in self.phones for w in p.waits_ms]

    def close(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())
        self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        tasks = []
        for phone in self.phones:
            tasks.append(asyncio.create_task(self._phone(phone)))
            await asyncio.sleep(CONNECT_SPREAD_S)
        await self._stop.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _phone(self, phone: Phone) -> None:
        parts = urlsplit(phone.url)
        socket_url = f"ws://{parts.netloc}/_stcore/stream"
        page_name = parts.path.strip("/")
        conn: WebSocketClientConnection | None = None
        timer: asyncio.Task[None] | None = None
        fragment_id = ""
        try:
            for attempt in range(CONNECT_TRIES):  # the browser's page retries a connection too
                try:
                    conn = await websocket_connect(
                        HTTPRequest(
                            socket_url,
                            connect_timeout=CONNECT_TIMEOUT_S,
                            request_timeout=CONNECT_TIMEOUT_S,
                        ),
                        max_message_size=64 * 1024 * 1024,
                    )
                    break
                except (OSError, HTTPClientError):
                    if attempt == CONNECT_TRIES - 1:
                        raise
            assert conn is not None
            state = _client_state(phone.url, parts.query, page_name)
            await conn.write_message(state.SerializeToString(), binary=True)
            sent_at: list[float] = []  # polls not yet finished, oldest first
            while True:
                raw = await conn.read_message()
                if raw is None:
                    phone.error = phone.error or "the server closed the connection"
                    return
                if isinstance(raw, str):
                    continue
                if not phone.ready and phone.ready_text.encode() in raw:
                    phone.ready = True
                if self._expected is not None and phone.seen_at is None and self._expected in raw:
                    phone.seen_at = time.monotonic()
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                kind = msg.WhichOneof("type")
                if kind == "new_session":
                    state.rerun_script.page_script_hash = msg.new_session.page_script_hash
                elif kind == "navigation" and msg.navigation.page_script_hash:
                    # A multipage app (``st.navigation``): the page's own hash, not the main
                    # script's from ``new_session``, is what the browser sends with a fragment
                    # rerun. With the main script's, the server ran no fragment at all.
                    state.rerun_script.page_script_hash = msg.navigation.page_script_hash
                elif kind == "auto_rerun" and (
                    timer is None
                    or msg.auto_rerun.interval != phone.interval_s
                    or msg.auto_rerun.fragment_id != fragment_id
                ):
                    if timer is not None:  # the page set another timer: the old one stops
                        timer.cancel()
                    phone.interval_s = msg.auto_rerun.interval
                    fragment_id = msg.auto_rerun.fragment_id
                    timer = asyncio.create_task(
                        self._poll(
                            conn, phone, state, msg.auto_rerun.fragment_id, msg.auto_rerun.interval,
                            sent_at,
                        )
                    )  # fmt: skip
                elif kind == "script_finished" and sent_at:
                    # Streamlit folds reruns asked for during a run into one: a finished run
                    # answers every poll still open, timed from the oldest.
                    if self.counting:
                        phone.answered += 1
                        phone.waits_ms.append((time.monotonic() - sent_at[0]) * 1000)
                    sent_at.clear()
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # reported by wait_ready, with the phone's address
            phone.error = f"{phone.url}: {exc!r}"
        finally:
            if timer is not None:
                timer.cancel()
                await asyncio.gather(timer, return_exceptions=True)
            if conn is not None:
                conn.close()

    async def _poll(
        self,
        conn: WebSocketClientConnection,
        phone: Phone,
        state: BackMsg,
        fragment_id: str,
        interval_s: float,
        sent_at: list[float],
    ) -> None:
        rerun = BackMsg()
        rerun.CopyFrom(state)
        rerun.rerun_script.fragment_id = fragment_id
        rerun.rerun_script.is_auto_rerun = True
        payload = rerun.SerializeToString()
        while True:  # the page's timer: every interval, whether the last run finished or not
            await asyncio.sleep(interval_s)
            sent_at.append(time.monotonic())
            if self.counting:
                phone.polls += 1
            await conn.write_message(payload, binary=True)


def _client_state(url: str, query: str, page_name: str) -> BackMsg:
    """The first message of a page: run the script for this address."""
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query
    state.page_name = page_name
    state.widget_states.SetInParent()
    info = state.context_info
    info.timezone = TIMEZONE
    info.timezone_offset = -60
    info.locale = LOCALE
    info.url = url.split("?", 1)[0]
    info.is_embedded = False
    info.color_scheme = "light"
    return msg
