"""Workshop meedoen: a participant joins with the join code and a name, and answers the posts.

The join code and the participant's token are kept in the page's URL (``?code=…&token=…``), so a
refresh, a dropped connection or a reopened tab with the same address rejoins and goes on where
the participant was. While the screen waits (for the next post or for the facilitator's
explanation) a small fragment checks every ``WAIT_REFRESH_S`` seconds whether anything changed
and redraws the page when it did; while the participant writes, nothing redraws under them
unless the facilitator moves on. Text typed by anyone is shown through ``render``'s escaping.

Widget keys: ``wp_join_code``, ``wp_name``, ``wp_join``, ``wp_decision_<position>``,
``wp_draft_<position>``, ``wp_submit``, ``wp_continue``, ``wp_restart``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from trainer.posts import Post
from trainer.workshop import Answer, ParticipantView, WallEntry, WorkshopError
from webcare_app import render, services
from webcare_app.state import init_state, workshop_service

WAIT_REFRESH_S = 3  # how soon a waiting phone notices the facilitator moved on

init_state()
svc = workshop_service()
ss = st.session_state

# The URL wins: it is what survives a closed tab. Session state mirrors it for the callbacks.
if st.query_params.get("token") and st.query_params.get("code"):
    ss["wp_code"] = st.query_params["code"]
    ss["wp_token"] = st.query_params["token"]


def _error(message: object) -> None:
    st.error(render.md_escape(message))


def _join() -> None:
    code = str(ss.get("wp_join_code") or "").strip()
    ss["wp_notice"] = None
    if not code:
        ss["wp_notice"] = "Vul de deelcode in die de begeleider laat zien."
        return
    try:
        joined = svc.join(code, ss.get("wp_name", ""))
    except WorkshopError as exc:
        ss["wp_notice"] = str(exc)
        return
    ss["wp_code"], ss["wp_token"], ss["wp_last"] = code, joined.token, None
    st.query_params["code"] = code
    st.query_params["token"] = joined.token


def _restart() -> None:
    for key in ("wp_code", "wp_token", "wp_notice", "wp_last"):
        ss[key] = None
    st.query_params.pop("token", None)


def _submit(position: int, post: Post) -> None:
    decision = ss.get(f"wp_decision_{position}")
    ss["wp_notice"] = None
    if decision is None:
        ss["wp_notice"] = "Kies eerst of je openbaar, privé of niet reageert."
        return
    try:
        answer = svc.submit(
            ss["wp_code"], ss["wp_token"], post.id, decision, ss.get(f"wp_draft_{position}") or ""
        )
    except WorkshopError as exc:
        ss["wp_notice"] = str(exc)
        return
    ss["wp_last"] = (post, answer)


def _signature(view: ParticipantView) -> tuple[Any, ...]:
    c = view.current
    writing = c.accepting and not c.answered
    # While writing, a newly revealed wall answer is no reason to redraw under the typing.
    return (c.position, c.answered, c.feedback_visible, c.accepting, c.closed,
            None if writing else len(view.wall))  # fmt: skip


def _post_card(post: Post) -> None:
    st.html(
        render.post_card(
            channel=post.channel,
            author_name=post.author.name,
            author_handle=post.author.handle,
            reach=post.author.reach,
            text=post.text,
            brand_name=post.brand.name,
        )
    )


def _feedback(feedback: services.Feedback) -> None:
    """The scorer's feedback, laid out as on the practice page."""
    verdict = feedback.result["decision"]
    score = feedback.score
    st.metric("Score", "–" if score is None else f"{score} / 100")
    given = services.DECISION_LABELS.get(str(verdict.get("given")), "geen keuze")
    expected = services.DECISION_LABELS[verdict["expected"]]
    if verdict.get("correct"):
        st.success(f"Goede keuze: {given}.")
    else:
        st.error(f"Jij koos: {given}. Beter was: {expected}.")
    st.html(render.plain_block(str(verdict.get("reason", "")), css_class="wc-reason"))
    if feedback.draft.strip():
        st.markdown("**Je antwoord, met opmerkingen gemarkeerd**")
        st.html(render.highlight_draft(feedback.draft, feedback.alerts))
        st.html(render.alert_list(feedback.alerts))
    covered, missed = st.columns(2)
    with covered:
        st.markdown("**Kernpunten die je noemt**")
        st.html(render.plain_block("\n".join(f"✓ {k}" for k in feedback.covered) or "–"))
    with missed:
        st.markdown("**Kernpunten die ontbreken**")
        st.html(render.plain_block("\n".join(f"✗ {k}" for k in feedback.missed) or "–"))
    _model_answer(feedback.post, feedback.result.get("instead"))


def _model_answer(post: Post, instead: object = None) -> None:
    st.markdown("**Voorbeeldantwoord**")
    text = post.model_answer or "Op dit bericht reageer je niet. " + str(instead or "")
    st.html(render.plain_block(text, css_class="wc-model-answer"))


def _my_answer(answer: Answer) -> None:
    st.markdown("**Jouw antwoord**")
    st.caption(services.DECISION_LABELS.get(answer.decision, answer.decision))
    st.html(render.plain_block(answer.reply or "(geen tekst)", css_class="wc-my-answer"))


def _wall(entries: tuple[WallEntry, ...]) -> None:
    if entries:
        st.subheader("Besproken antwoorden")
        for entry in entries:
            st.html(render.wall_card(services.DECISION_LABELS[entry.decision], entry.reply))


st.title("Workshop meedoen")

if not ss["wp_token"]:
    st.write("Vul de deelcode in die de begeleider laat zien, en de naam waarmee je meedoet.")
    if "wp_join_code" not in ss and st.query_params.get("code"):
        ss["wp_join_code"] = st.query_params["code"]
    st.text_input("Deelcode", key="wp_join_code", max_chars=12)
    st.text_input("Je naam", key="wp_name", max_chars=40)
    st.button("Meedoen", key="wp_join", type="primary", on_click=_join)
    if ss["wp_notice"]:
        _error(ss["wp_notice"])
    st.stop()

try:
    view = svc.participant_view(ss["wp_code"], ss["wp_token"])
except WorkshopError as exc:
    _error(exc)
    st.button("Opnieuw meedoen", key="wp_restart", on_click=_restart)
    st.stop()

info, current = view.workshop, view.current
st.html(
    f'<div class="wc-ws-head">Workshop <strong>{render.esc(info.title)}</strong> · je doet mee '
    f"als <strong>{render.esc(view.me.display_name)}</strong></div>"
)
ss["_wp_signature"] = _signature(view)


@st.fragment(run_every=WAIT_REFRESH_S)
def watch() -> None:
    """Redraw the page as soon as the workshop moved on; silent otherwise."""
    try:
        fresh = svc.participant_view(ss["wp_code"], ss["wp_token"])
    except WorkshopError:
        return  # the page shows the error on its next full run
    if _signature(fresh) != ss.get("_wp_signature"):
        st.rerun(scope="app")


if ss["wp_notice"]:
    _error(ss["wp_notice"])

# Self pace moves on as soon as an answer is in: show the feedback of the one just sent first.
last = ss.get("wp_last")
if info.pace == "self" and last is not None and last[0] is not None:
    last_post, last_answer = last
    st.subheader("Je vorige antwoord")
    if info.feedback == "immediate":
        _feedback(services.rescored_feedback(last_post, last_answer))
    else:
        _my_answer(last_answer)
        st.info("Je antwoord is opgeslagen. De uitleg volgt tijdens de bespreking.")
    st.button("Verder", key="wp_continue", on_click=ss.__setitem__, args=("wp_last", None),
              type="primary")  # fmt: skip
    st.stop()

if current.post is None or current.position is None:
    if current.closed:
        st.info("De workshop is afgesloten. Dank je wel voor het meedoen!")
    else:
        st.success("Je hebt alle berichten beantwoord. Dank je wel!")
        watch()
    st.stop()

post = current.post
position = current.position
st.subheader(f"Bericht {position + 1} van {current.total}")
_post_card(post)

if not current.answered and current.accepting:
    st.radio(
        "Hoe reageer je?",
        options=list(services.DECISIONS),
        format_func=lambda d: services.DECISION_LABELS[d],
        index=None,
        horizontal=True,
        key=f"wp_decision_{position}",
    )
    draft_key = f"wp_draft_{position}"
    st.text_area(
        "Je concept-antwoord",
        key=draft_key,
        height=140,
        placeholder="Schrijf hier je antwoord. Reageer je niet? Laat dit veld dan leeg.",
    )
    st.html(
        render.char_counter(
            len(ss.get(draft_key) or ""), services.channel_limit(post.channel),
            textarea_key=draft_key,
        ),
        unsafe_allow_javascript=True,
    )  # fmt: skip
    st.button("Versturen", key="wp_submit", type="primary", on_click=_submit,
              args=(position, post))  # fmt: skip
    watch()
    st.stop()

if view.my_answer is not None and view.feedback is not None:
    st.divider()
    st.subheader("Feedback")
    _feedback(services.workshop_feedback(post, view.my_answer, view.feedback))
elif view.my_answer is not None:
    _my_answer(view.my_answer)
    st.info("Je antwoord is binnen. Wacht op de facilitator: die laat de uitleg zien.")
else:
    st.info("Op dit bericht kun je niet meer antwoorden.")
    if current.feedback_visible:
        _model_answer(post)
_wall(view.wall)

if current.closed:
    st.info("De workshop is afgesloten. Dank je wel voor het meedoen!")
else:
    if info.pace == "facilitator":
        st.caption("Wacht op de facilitator: het volgende bericht verschijnt vanzelf.")
    watch()
