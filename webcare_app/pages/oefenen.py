"""Oefenen: a new agent answers one post at a time and gets feedback on decision and draft.

Once sent, the answer stays on screen read-only with its remarks marked, beside the feedback,
and the page scrolls the score into view (on a phone it is below the fold). From there the
trainee goes on to the next post or tries the same one again; a post they would rather not
answer can be skipped. Their last attempts are listed with their scores, each to reopen.

Widget keys: ``practice_name``, ``practice_org_select``, ``practice_start``, ``practice_switch``,
``practice_decision``, ``practice_draft``, ``practice_submit``, ``practice_skip``,
``practice_next``, ``practice_retry``, ``practice_reopen_<attempt id>``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from trainer.posts import Post
from trainer.practice import PracticeInputError
from trainer.progress import recent_attempts
from webcare_app import components, render, services
from webcare_app.state import current_trainee, init_state, training

init_state()
svc = training()
components.dutch_widgets()

DECISION_MISSING = "Kies eerst of je openbaar, privé of niet reageert."


def _show(post: Post) -> None:
    st.session_state["practice_post"] = post
    st.session_state["practice_post_shown_at"] = datetime.now(UTC)
    st.session_state["practice_feedback"] = None
    st.session_state["practice_notice"] = None
    st.session_state["practice_draft"] = ""
    st.session_state["practice_decision"] = None


def _show_new_post(avoid: tuple[str, ...] = ()) -> None:
    trainee = current_trainee()
    if trainee is None:
        return
    _show(svc.practice.next_post(trainee, avoid=avoid))


def _skip() -> None:
    post = st.session_state.get("practice_post")
    _show_new_post(avoid=(post.id,) if post is not None else ())


def _retry() -> None:
    post = st.session_state.get("practice_post")
    if post is not None:
        _show(post)


def _reopen(attempt_id: int) -> None:
    try:
        post = svc.practice.attempt_post(attempt_id)
    except PracticeInputError:
        st.session_state["practice_notice"] = "Die poging kan niet meer worden geopend."
        return
    _show(post)


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


def _decided() -> None:
    # The warning asked for a choice; once made, it has done its job.
    if st.session_state.get("practice_notice") == DECISION_MISSING:
        st.session_state["practice_notice"] = None


def _submit() -> None:
    trainee = current_trainee()
    post = st.session_state.get("practice_post")
    if trainee is None or post is None:
        return
    decision = st.session_state.get("practice_decision")
    if decision is None:
        st.session_state["practice_notice"] = DECISION_MISSING
        return
    st.session_state["practice_notice"] = None
    st.session_state["practice_feedback"] = svc.submit(
        trainee, post, decision, st.session_state.get("practice_draft", "")
    )


def _scroll_to_score(attempt_id: int) -> None:
    """Bring the score into view once per answer (our own script, no user text in it)."""
    st.html(
        "<script>(function(){"
        f"const id={int(attempt_id)};"
        "if(window.wcScoreShown===id){return;}"
        "const go=()=>{const el=document.getElementById('wc-score');"
        "if(!el){return false;}window.wcScoreShown=id;"
        "el.scrollIntoView({behavior:'smooth',block:'start'});return true;};"
        "requestAnimationFrame(()=>requestAnimationFrame(()=>{if(!go()){setTimeout(go,300);}}));"
        "})();</script>",
        unsafe_allow_javascript=True,
    )


def _answered_view(feedback: services.Feedback, channel: str) -> None:
    st.html('<div id="wc-score" class="wc-score-anchor"></div>')
    st.subheader("Feedback")
    said = components.verdict(feedback)
    _scroll_to_score(feedback.attempt_id)
    mine, theirs = st.columns(2, gap="large")
    with mine:
        st.markdown("**Jouw antwoord**")
        given = services.DECISION_LABELS.get(str(feedback.decision), "geen keuze")
        st.html(render.plain_block(f"Je koos: {given}", css_class="wc-given"))
        if feedback.draft.strip():
            st.html(render.highlight_draft(feedback.draft, feedback.alerts))
            count = len(feedback.draft)
            st.html(render.final_count(count, services.channel_limit(channel)))
            st.caption("De gemarkeerde stukken worden in de lijst hieronder uitgelegd.")
            st.html(render.alert_list(feedback.alerts))
        else:
            st.html(render.plain_block("Je schreef geen antwoord.", css_class="wc-given"))
    with theirs:
        components.key_points(feedback)
        instead = feedback.result.instead or ""
        components.model_answer(feedback.post, None if said else instead, instead_above=said)
    left, right = st.columns(2)
    left.button(
        "Naar het volgende bericht",
        key="practice_next",
        type="primary",
        on_click=_show_new_post,
        width="stretch",
    )
    right.button("Dit bericht nog eens", key="practice_retry", on_click=_retry, width="stretch")


def _last_attempts(trainee_id: int) -> None:
    attempts = recent_attempts(svc.db, trainee_id)
    if not attempts:
        return
    st.divider()
    st.subheader("Je laatste pogingen")
    for attempt in attempts:
        text, button = st.columns([5, 2], vertical_alignment="center")
        with text:
            st.html(
                render.attempt_row(
                    when=render.dutch_datetime(attempt.time, with_year=False),
                    channel=attempt.channel,
                    snippet=attempt.snippet,
                    score=attempt.score,
                    decision_correct=attempt.decision_correct,
                )
            )
        button.button(
            "Opnieuw proberen",
            key=f"practice_reopen_{attempt.attempt_id}",
            on_click=_reopen,
            args=(attempt.attempt_id,),
            width="stretch",
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
        placeholder="Kies een organisatie",
    )
    st.button("Begin met oefenen", key="practice_start", type="primary", on_click=_start)
    if st.session_state["practice_notice"]:
        st.warning(st.session_state["practice_notice"])
    st.stop()

if st.session_state["practice_post"] is None:
    _show_new_post()
post = st.session_state["practice_post"]

head, switch = st.columns([4, 1], vertical_alignment="center")
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

if feedback is not None and answered:
    _answered_view(feedback, post.channel)
else:
    st.subheader("Jouw antwoord")
    st.radio(
        "Hoe reageer je?",
        options=list(services.DECISIONS),
        format_func=lambda d: services.DECISION_LABELS[d],
        index=None,
        horizontal=True,
        key="practice_decision",
        on_change=_decided,
    )
    st.text_area(
        "Je concept-antwoord",
        key="practice_draft",
        height=140,
        max_chars=components.DRAFT_MAX_CHARS,
        placeholder="Schrijf hier je antwoord. Reageer je niet? Laat dit veld dan leeg.",
    )
    st.html(
        render.char_counter(
            len(st.session_state.get("practice_draft") or ""),
            services.channel_limit(post.channel),
            textarea_key="practice_draft",
        ),
        unsafe_allow_javascript=True,
    )
    send, skip = st.columns(2)
    send.button(
        "Versturen", key="practice_submit", type="primary", on_click=_submit, width="stretch"
    )
    skip.button("Sla over", key="practice_skip", on_click=_skip, width="stretch")
    if st.session_state["practice_notice"]:
        st.warning(st.session_state["practice_notice"])

_last_attempts(trainee.id)
