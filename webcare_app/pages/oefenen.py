"""Oefenen: a new agent answers one post at a time and gets feedback on decision and draft.

Widget keys: ``practice_name``, ``practice_org_select``, ``practice_start``, ``practice_switch``,
``practice_decision``, ``practice_draft``, ``practice_submit``, ``practice_next``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from webcare_app import components, render, services
from webcare_app.state import current_trainee, init_state, training

init_state()
svc = training()


def _show_new_post() -> None:
    trainee = current_trainee()
    if trainee is None:
        return
    st.session_state["practice_post"] = svc.next_post(trainee)
    st.session_state["practice_post_shown_at"] = datetime.now(UTC)
    st.session_state["practice_feedback"] = None
    st.session_state["practice_notice"] = None
    st.session_state["practice_draft"] = ""
    st.session_state["practice_decision"] = None


def _start() -> None:
    name = st.session_state.get("practice_name", "")
    org = st.session_state.get("practice_org_select", "library")
    try:
        st.session_state["trainee"] = svc.start(name, org)
    except services.ServiceInputError as exc:
        st.session_state["practice_notice"] = str(exc)
        return
    st.session_state["practice_org"] = org
    _show_new_post()


def _switch() -> None:
    st.session_state["trainee"] = None
    st.session_state["practice_post"] = None
    st.session_state["practice_feedback"] = None
    st.session_state["practice_notice"] = None


def _submit() -> None:
    trainee = current_trainee()
    post = st.session_state.get("practice_post")
    if trainee is None or post is None:
        return
    decision = st.session_state.get("practice_decision")
    if decision is None:
        st.session_state["practice_notice"] = "Kies eerst of je openbaar, privé of niet reageert."
        return
    st.session_state["practice_notice"] = None
    st.session_state["practice_feedback"] = svc.submit(
        trainee, post, decision, st.session_state.get("practice_draft", "")
    )


st.title("Oefenen")

trainee = current_trainee()
if trainee is None:
    st.write(
        "Vul je naam in en kies voor welk soort organisatie je webcare doet. Er is geen "
        "wachtwoord: je voortgang wordt op deze computer bewaard onder je naam."
    )
    st.text_input("Je naam", key="practice_name", max_chars=80)
    st.selectbox(
        "Organisatie",
        options=list(services.ORG_TYPES),
        format_func=lambda o: services.ORG_LABELS.get(o, o),
        key="practice_org_select",
        index=list(services.ORG_TYPES).index(st.session_state["practice_org"]),
    )
    st.button("Begin met oefenen", key="practice_start", type="primary", on_click=_start)
    if st.session_state["practice_notice"]:
        st.warning(st.session_state["practice_notice"])
    st.stop()

if st.session_state["practice_post"] is None:
    _show_new_post()
post = st.session_state["practice_post"]

head, switch = st.columns([4, 1])
with head:
    st.html(
        f"<div>Je oefent als <strong>{render.esc(trainee.name)}</strong> · "
        f"{render.esc(services.ORG_LABELS.get(trainee.org_type, trainee.org_type))}</div>"
    )
with switch:
    st.button("Andere naam", key="practice_switch", on_click=_switch)

st.subheader("Het bericht")
components.post_card(post, shown_at=st.session_state["practice_post_shown_at"])

feedback: services.Feedback | None = st.session_state["practice_feedback"]
answered = feedback is not None and feedback.post.id == post.id

st.subheader("Jouw antwoord")
components.answer_inputs(
    decision_key="practice_decision",
    draft_key="practice_draft",
    channel=post.channel,
    disabled=answered,
)
st.button("Versturen", key="practice_submit", type="primary", on_click=_submit, disabled=answered)
if st.session_state["practice_notice"]:
    st.warning(st.session_state["practice_notice"])

if feedback is not None and answered:
    st.divider()
    st.subheader("Feedback")
    components.feedback(feedback)
    st.button("Volgend bericht", key="practice_next", type="primary", on_click=_show_new_post)
