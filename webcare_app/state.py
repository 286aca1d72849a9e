"""Session state and shared resources, set up in one place.

Every page calls ``init_state()`` first (the router does too), so a page opened directly, in a
test or after a server restart, finds the same keys with the same defaults. The database is one
shared resource per URL (``st.cache_resource``); the practice service is per session, with its own
seeded random generator, so two trainees never share a draw; the workshop service is one per
server (its PIN cache is per process), seeded afresh at each start. What-if runs are kept on their
inputs in one store per server process (``webcare_app.whatif_cache``).

The simulation and the trainer pull in scipy, pandas, SQLAlchemy and the Dutch dictionary, which
take seconds to load. This module imports them only when a page needs them, so the start page
answers quickly; ``warm_up_in_background`` then loads them in a thread while the user reads it.
"""

from __future__ import annotations

import gc
import secrets
import threading
import time
from typing import TYPE_CHECKING, Any

import streamlit as st

if TYPE_CHECKING:
    import pandas as pd

    from trainer.storage import Database, TraineeRecord
    from webcare_app import services
    from webcare_app.whatif_cache import RunCache
    from workshop.service import WorkshopService

SESSION_SEED_BITS = 63  # session seeds fit a signed 64-bit integer (the database, numpy)
CLIENT_ID_BYTES = 16  # the workshop client id: 128 random bits

# Session keys and their defaults. Widget keys are listed in the pages next to their widgets.
DEFAULTS: dict[str, Any] = {
    "trainee": None,  # TraineeRecord of the trainee practising in this session
    "practice_post": None,  # the Post on screen
    "practice_post_shown_at": None,  # when it was first shown (datetime, UTC)
    "practice_feedback": None,  # services.Feedback of the last submitted answer, if any
    "practice_notice": None,  # a Dutch hint shown once (e.g. "kies eerst ...")
    "practice_org": "library",
    "whatif_sizing_result": None,  # services.SizingAdvice of the last sizing run
    "whatif_roster_result": None,  # (SizingAdvice, StaffingRoster) of the last roster built
    "whatif_curve_result": None,  # (WhatIfInputs, coverage, DataFrame) of the last staffing curve
    "own_outcome": None,  # owndata.FitOutcome of the last uploaded export
    "own_error": None,  # Dutch message of the last failed upload
    "session_seed": None,  # seeds this session's post draws; set on first use
    # Workshop, facilitator side. The PIN lives here only: never in the URL or the database.
    "wf_code": None,  # join code of the workshop this session leads
    "wf_pin": None,  # its PIN, once checked
    "wf_new_pin": None,  # the PIN of a workshop just created, shown until noted
    "wf_new_recovery": None,  # its recovery code, shown once with the PIN
    "wf_notice": None,  # a Dutch error from the last facilitator action
    # Random id of this browser session for the PIN limits: wrong PINs typed here lock only
    # this session, not the facilitator on another laptop. Set on first use.
    "wf_client": None,
    "wf_presenter": False,  # the projector's presenter view (no sidebar or controls) is on
    "wf_url_code": None,  # the join code kept in the URL (?code=), None once closed or left
    # Workshop, participant side; code and token are mirrored in the URL (st.query_params).
    "wp_code": None,
    "wp_token": None,
    "wp_notice": None,
    "wp_last": None,  # (Post, Answer) just submitted in self pace, for its feedback
    "wp_working": None,  # position of the post whose answer form is on screen (draft kept)
    "wp_sent": None,  # Dutch note on an answer just sent for a post already left behind
    # Team lead view: unlocked with the team PIN for this session only (the PIN is not kept).
    # Wrong PINs are limited per session by "wf_client", the same random id as the workshop's.
    "team_unlocked": False,
    "team_notice": None,  # a Dutch error from the last PIN action
}


def init_state() -> None:
    """Give every session key its default unless it is already set."""
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value
    if st.session_state["session_seed"] is None:
        # Fresh entropy per session; kept in the session so its draws can be replayed.
        st.session_state["session_seed"] = secrets.randbits(SESSION_SEED_BITS)
    if st.session_state["wf_client"] is None:
        st.session_state["wf_client"] = secrets.token_urlsafe(CLIENT_ID_BYTES)


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Database:
    from webcare_app import services

    return services.open_database(url)


def database() -> Database:
    """The app's database (schema created on first use), shared by all sessions."""
    from trainer.storage import resolve_database_url

    return _database(resolve_database_url())


def training() -> services.TrainingService:
    """This session's practice service (created on first use)."""
    from webcare_app import services

    init_state()
    db = database()
    current = st.session_state.get("_training")
    # A source change while the server runs reloads the modules: a service kept from before is
    # then an instance of the old class. Build a fresh one instead of failing on it.
    if not isinstance(current, services.TrainingService) or current.db is not db:
        current = services.TrainingService(db, seed=st.session_state["session_seed"])
        st.session_state["_training"] = current
    return current


def current_trainee() -> TraineeRecord | None:
    from trainer.storage import TraineeRecord

    trainee = st.session_state.get("trainee")
    return trainee if isinstance(trainee, TraineeRecord) else None


@st.cache_resource(show_spinner=False)
def _workshop_service(url: str) -> WorkshopService:
    from webcare_app import services

    # One service per server and database: its PIN cache and generator are per process. The
    # seed only orders drawn posts, fresh per server start.
    return services.open_workshop_service(_database(url), secrets.randbits(SESSION_SEED_BITS))


def workshop_service() -> WorkshopService:
    """The workshop service on the app's database, shared by all sessions of this server."""
    from trainer.storage import resolve_database_url

    return _workshop_service(resolve_database_url())


@st.cache_resource(show_spinner=False)
def run_cache() -> RunCache:
    """Finished what-ifs, sizings and curves of this server process (``whatif_cache``)."""
    from webcare_app.whatif_cache import RunCache

    return RunCache()


def whatif(
    inputs: services.WhatIfInputs, progress: services.ProgressHook | None = None
) -> services.WhatIfResult:
    """A what-if run, kept on its inputs; ``progress`` (the page's bar) hears of a new run."""
    from webcare_app import services

    return run_cache().get(("whatif", inputs), lambda: services.run_whatif(inputs, progress))


WARM_UP_REPLY = "Hoi Sanne, dank je wel voor je bericht! Ik zoek het voor je uit. ^MK"
WARM_UP_DELAY_S = 1.5  # let the first page reach the browser before loading takes the CPU


def sizing(
    inputs: services.WhatIfInputs,
    coverage: str,
    progress: services.ProgressHook | None = None,
) -> services.SizingAdvice:
    """A sizing run, kept on the what-if inputs and the coverage model (a stopped run raises
    and is not kept)."""
    from webcare_app import services

    return run_cache().get(
        ("sizing", inputs, coverage), lambda: services.size_coverage(inputs, coverage, progress)
    )


def staffing_curve(
    inputs: services.WhatIfInputs,
    coverage: str,
    progress: services.ProgressHook | None = None,
) -> pd.DataFrame:
    """The staffing curve of a what-if (``services.staffing_curve``), kept like ``sizing``."""
    from webcare_app import services

    return run_cache().get(
        ("curve", inputs, coverage), lambda: services.staffing_curve(inputs, coverage, progress)
    )


def _warm_up() -> None:
    time.sleep(WARM_UP_DELAY_S)
    from trainer.scenarios import load_posts
    from trainer.score import score_post
    from webcare_app import services

    # One throwaway scoring loads the rules, the dictionary and the language detector.
    score_post(load_posts()[0], "public", WARM_UP_REPLY)
    services.rulebook()
    services.get_profile("library")
    # The workshop's scorer models (short and long texts) and its tables, before anyone joins.
    workshop_service().warm_up()
    _freeze_loaded_heap()


def _freeze_loaded_heap() -> None:
    """Take what is loaded now (modules, dictionaries, rules: ~1M objects kept for the life of
    the process) out of the garbage collector's sight.

    Streamlit runs a full collection after every script run, fragment runs included: every
    waiting phone's poll and every dashboard refresh. Over the loaded heap one collection takes
    0.5-0.7 s of CPU with the interpreter lock held, which made a handful of phones fill a core
    and starved the web server (a new phone waited a minute for the join form's scripts).
    Frozen objects are still freed when no longer referenced; only cycles among them are not
    looked for, and these objects live as long as the process anyway. The app's config now also
    turns that per-run collection off (``runner.postScriptGC`` in ``.streamlit/config.toml``:
    with 200 phones' sessions the unfrozen heap grew with the room); Python's own full
    collections, which come far less often, still walk only what is not frozen.
    """
    gc.collect()  # what is garbage already goes now, not into the frozen generation
    gc.freeze()


@st.cache_resource(show_spinner=False)
def warm_up_in_background() -> threading.Thread:
    """Load the trainer and the simulation once per server process, off the request path."""
    thread = threading.Thread(target=_warm_up, name="webcare-warm-up", daemon=True)
    thread.start()
    return thread
