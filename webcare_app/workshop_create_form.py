"""The facilitator's form for a new workshop: which posts, how it runs, and team mode.

The posts are chosen one by one (in the order picked) or drawn from an organisation type; then
the pace, when participants see the feedback, the leaderboard, the lobby, an optional countdown
per post and teams (``webcare_app.workshop_moderation``). Creating goes through
``WorkshopService.create_workshop``, which checks everything; a refusal becomes a Dutch notice
(``wf_notice``) on the page, never a traceback. On success the session holds the new workshop's
code, PIN and recovery code, and the page shows the PIN step.

Widget keys: ``wf_title``, ``wf_source``, ``wf_posts``, ``wf_org``, ``wf_count``, ``wf_pace``,
``wf_feedback``, ``wf_leaderboard``, ``wf_lobby``, ``wf_countdown``, ``wf_create`` and the team
settings' (``wf_teams_on``, ``wf_team_names``, ``wf_team_mode``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from trainer.nl import amount
from webcare_app import services
from webcare_app import workshop_moderation as moderation
from workshop.errors import WorkshopError
from workshop.inputs import MAX_POSTS
from workshop.pacing import COUNTDOWN_MAX_S

DRAW_DEFAULT_POSTS = 5
SOURCE_LABELS = {"choose": "Zelf kiezen", "draw": "Trekken uit een type organisatie"}

ss = st.session_state


def form(svc: Any, on_created: Callable[[], None]) -> None:
    """Draw the form; ``on_created`` runs after a workshop was made (in the button's
    callback, before the page's next run)."""
    st.text_input("Titel", key="wf_title", max_chars=120, placeholder="Kenniskring webcare")
    st.radio("Berichten", options=list(SOURCE_LABELS), format_func=SOURCE_LABELS.__getitem__,
             horizontal=True, key="wf_source")  # fmt: skip
    if ss.get("wf_source") == "draw":
        left, right = st.columns(2)
        with left:
            st.selectbox("Type organisatie", options=list(services.ORG_TYPES),
                         format_func=lambda o: services.ORG_LABELS.get(o, o),
                         placeholder="Kies een type", key="wf_org")  # fmt: skip
        with right:
            st.number_input("Aantal berichten", min_value=1, max_value=MAX_POSTS,
                            value=DRAW_DEFAULT_POSTS, step=1, key="wf_count")  # fmt: skip
    else:
        choices = services.workshop_post_choices()
        st.multiselect(
            "Berichten, in deze volgorde",
            options=list(choices),
            format_func=lambda i: choices.get(i, i),
            key="wf_posts",
            # No max_selections and no "Select all": both show Streamlit's English text; the
            # service refuses more than MAX_POSTS with a Dutch message, the caption says it.
            select_all=False,
            placeholder="Kies een of meer berichten",
        )
        st.caption(
            f"{amount(len(ss.get('wf_posts') or []), 'bericht', 'berichten')} gekozen, "
            f"hoogstens {MAX_POSTS}."
        )
    st.radio("Tempo", options=list(services.WORKSHOP_PACE_LABELS),
             format_func=services.WORKSHOP_PACE_LABELS.__getitem__, key="wf_pace")  # fmt: skip
    st.radio("Feedback voor deelnemers", options=list(services.WORKSHOP_FEEDBACK_LABELS),
             format_func=services.WORKSHOP_FEEDBACK_LABELS.__getitem__, index=1,
             key="wf_feedback")  # fmt: skip
    st.toggle("Ranglijst tonen", key="wf_leaderboard")
    st.toggle("Wachtruimte: ik start het eerste bericht zelf", value=True, key="wf_lobby")
    st.number_input(
        "Aftellen per bericht in seconden (0 = geen; alleen als jij het tempo bepaalt)",
        min_value=0,
        max_value=COUNTDOWN_MAX_S,
        step=10,
        value=0,
        key="wf_countdown",
    )
    moderation.team_settings()
    st.button("Workshop aanmaken", key="wf_create", type="primary", on_click=_create,
              args=(svc, on_created))  # fmt: skip


def _posts() -> dict[str, Any] | None:
    """``create_workshop``'s post arguments from the form; None when none are chosen."""
    if ss.get("wf_source") == "draw":
        return {"org_type": ss.get("wf_org"), "n": int(ss.get("wf_count") or 0)}
    chosen = list(ss.get("wf_posts") or [])
    return {"post_ids": chosen} if chosen else None


def _create(svc: Any, on_created: Callable[[], None]) -> None:
    ss["wf_notice"] = None
    posts = _posts()
    if posts is None:
        ss["wf_notice"] = "Kies minstens één bericht, of trek berichten uit een type."
        return
    try:
        created = svc.create_workshop(
            ss.get("wf_title", ""),
            **posts,
            pace=ss.get("wf_pace", "facilitator"),
            feedback=ss.get("wf_feedback", "after_reveal"),
            leaderboard=bool(ss.get("wf_leaderboard")),
            lobby=bool(ss.get("wf_lobby", True)),
            countdown_s=int(ss.get("wf_countdown") or 0) or None,  # 0 in the form: none
            **moderation.team_arguments(),
        )
    except WorkshopError as exc:
        ss["wf_notice"] = str(exc)
        return
    ss["wf_code"], ss["wf_pin"], ss["wf_new_pin"] = created.code, created.pin, created.pin
    ss["wf_new_recovery"] = created.recovery
    on_created()
