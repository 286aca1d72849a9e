"""Session state and shared resources, set up in one place.

Every page calls ``init_state()`` first (the router does too), so a page opened directly, in a
test or after a server restart, finds the same keys with the same defaults. The database is one
shared resource per URL (``st.cache_resource``); the practice service is per session, with its own
seeded random generator, so two trainees never share a draw. What-if runs are cached on their
inputs (``st.cache_data``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from trainer.storage import Database, TraineeRecord, resolve_database_url
from webcare_app import services

# Session keys and their defaults. Widget keys are listed in the pages next to their widgets.
DEFAULTS: dict[str, Any] = {
    "trainee": None,  # TraineeRecord of the trainee practising in this session
    "practice_post": None,  # the Post on screen
    "practice_post_shown_at": None,  # when it was first shown (datetime, UTC)
    "practice_feedback": None,  # services.Feedback of the last submitted answer, if any
    "practice_notice": None,  # a Dutch hint shown once (e.g. "kies eerst ...")
    "practice_org": "library",
    "session_seed": None,  # seeds this session's post draws; set on first use
}


def init_state() -> None:
    """Give every session key its default unless it is already set."""
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value
    if st.session_state["session_seed"] is None:
        # Fresh entropy per session; kept in the session so its draws can be replayed.
        st.session_state["session_seed"] = int(np.random.default_rng().integers(2**63))


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Database:
    return services.open_database(url)


def database() -> Database:
    """The app's database (schema created on first use), shared by all sessions."""
    return _database(resolve_database_url())


def training() -> services.TrainingService:
    """This session's practice service (created on first use)."""
    init_state()
    db = database()
    current = st.session_state.get("_training")
    if current is None or current.db is not db:
        current = services.TrainingService(db, seed=st.session_state["session_seed"])
        st.session_state["_training"] = current
    assert isinstance(current, services.TrainingService)
    return current


def current_trainee() -> TraineeRecord | None:
    trainee = st.session_state.get("trainee")
    return trainee if isinstance(trainee, TraineeRecord) else None


@st.cache_data(show_spinner="Simulatie loopt…", max_entries=64)
def whatif(inputs: services.WhatIfInputs) -> services.WhatIfResult:
    """A what-if run, cached on its inputs."""
    return services.run_whatif(inputs)
