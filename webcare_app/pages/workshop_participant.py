"""Workshop meedoen: a participant joins with the join code and a name, and answers the posts.

The join code and the participant's token are kept in the page's URL (``?code=…&token=…``), so a
refresh, a dropped connection or a reopened tab with the same address rejoins and goes on where
the participant was. While the screen waits (for the next post or for the facilitator's
explanation) a small fragment checks every few seconds whether anything changed and redraws the
page when it did: every 3 s in a small room, less often in a large one so the whole room's polls
stay within what one app process can serve (``workshop.live_refresh``: 5 s at 200 people);
while the participant writes, nothing redraws under them unless the facilitator moves on. A
poll first reads one statement (``workshop.live_poll``: the workshop's state, this participant's
answer and the wall's count) and reads the whole view only when that changed since the last full
read, so a waiting room's polls cost the server little. Text typed by anyone is shown through
``render``'s escaping.

Earlier answers stay within reach: below the post, a participant picks any post they answered
and sees their answer again, with its feedback as soon as the workshop allows it for that post
(the feedback stored at submit time, from ``WorkshopService.answer_feedback``).

Widget keys: ``wp_join_code``, ``wp_name``, ``wp_join``, ``wp_decision_<position>``,
``wp_draft_<position>``, ``wp_submit``, ``wp_continue``, ``wp_review``, ``wp_restart``,
``wp_go_current``; team mode and reactions: ``wp_team``, ``wp_react_<answer id>``
(``webcare_app.workshop_moderation``).

A draft is never lost when the facilitator moves on: while a participant has the answer form of
a post open and that post still takes answers, the page does not redraw under them; the waiting
fragment says that the next post is there, and the participant sends the draft (a late answer
counts) or goes on with "Naar bericht N". The form stays on that post until then.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from webcare_app import components, render, services
from webcare_app import workshop_moderation as moderation
from webcare_app.state import init_state, workshop_service
from workshop.countdown_html import countdown_html
from workshop.errors import WorkshopError
from workshop.live_poll import Stamp, stamp
from workshop.live_refresh import MIN_REFRESH_S, wait_refresh_s
from workshop.records import (
    Answer,
    AnswerFeedback,
    CurrentPost,
    ParticipantView,
    ShownPost,
    WallEntry,
)

CLOSED = "De workshop is afgesloten. Dank je wel voor het meedoen!"

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
        # the session's random client id: unknown codes are limited per browser session
        joined = svc.join(
            code, ss.get("wp_name", ""), team=ss.get("wp_team"), client=ss["wf_client"]
        )
    except WorkshopError as exc:
        ss["wp_notice"] = str(exc)
        return
    ss["wp_code"], ss["wp_token"], ss["wp_last"], ss["wp_review"] = code, joined.token, None, None
    st.query_params["code"] = code
    st.query_params["token"] = joined.token


def _restart() -> None:
    for key in ("wp_code", "wp_token", "wp_notice", "wp_last", "wp_review"):
        ss[key] = None
    st.query_params.pop("token", None)


def _submit(position: int, post: ShownPost) -> None:
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
    if ss.get("wp_working") == position:
        ss["wp_working"] = None
    if ss.get("_wp_current") != position:  # a draft for a post the facilitator moved past
        ss["wp_sent"] = f"Je antwoord op bericht {position + 1} is opgeslagen en telt mee."


def _held(pace: str, current: CurrentPost) -> CurrentPost | None:
    """The post whose answer form is on screen, when the facilitator moved past it and it still
    takes answers: its draft stays, and the participant may still send it (late answers count)."""
    working = ss.get("wp_working")
    if pace != "facilitator" or working is None or current.closed or working == current.position:
        return None
    try:
        held = svc.post_state(ss["wp_code"], ss["wp_token"], working)
    except WorkshopError:
        return None
    return held if held.accepting else None


def _started(position: int) -> bool:
    """Whether the participant began answering the post at ``position``: a decision or draft
    reached the server, or the page already said the next post is there (text typed since is
    only in the browser)."""
    return bool(
        ss.get(f"wp_decision_{position}")
        or str(ss.get(f"wp_draft_{position}") or "").strip()
        or ss.get("_wp_noted") == position
    )


def _next_ready(held: CurrentPost, current: CurrentPost) -> None:
    """Say that the next post is there while the draft for the held one stays on screen."""
    assert held.position is not None and current.position is not None
    st.info(
        f"Bericht {current.position + 1} staat klaar. Je concept voor bericht "
        f"{held.position + 1} blijft bewaard: verstuur het nog (het telt mee), of ga door."
    )
    if st.button(f"Naar bericht {current.position + 1}", key="wp_go_current"):
        ss["wp_working"] = None
        st.rerun(scope="app")


def _refresh_s() -> int:
    """Seconds between two polls of this waiting phone, by the size of its room."""
    try:
        return wait_refresh_s(svc.room_size(ss["wp_code"]))
    except WorkshopError:
        return MIN_REFRESH_S


def _stamp() -> Stamp | None:
    """What this screen depends on, in one read (``workshop.live_poll``); ``None``: read all."""
    return stamp(svc.db, ss["wp_code"], ss["wp_token"], svc.now())


def _signature(view: ParticipantView) -> tuple[Any, ...]:
    c = view.current
    writing = c.accepting and not c.answered
    # While writing, a newly revealed wall answer is no reason to redraw under the typing.
    return (c.position, c.answered, c.feedback_visible, c.accepting, c.closed, c.lobby,
            None if writing else len(view.wall))  # fmt: skip


def _my_answer(answer: Answer) -> None:
    st.markdown("**Jouw antwoord**")
    st.caption(services.DECISION_LABELS.get(answer.decision, answer.decision))
    st.html(render.plain_block(answer.reply or "(geen tekst)", css_class="wc-my-answer"))


def _answer_feedback(got: AnswerFeedback) -> None:
    """My stored answer to one post: its feedback when the workshop allows it, else the answer."""
    if got.answer is not None and got.feedback is not None and got.key is not None:
        components.feedback(services.workshop_feedback(got.key, got.answer, got.feedback))
    elif got.answer is not None:
        _my_answer(got.answer)
        st.info("Je antwoord is opgeslagen. De uitleg volgt tijdens de bespreking.")


def _earlier(view: ParticipantView) -> None:
    """Pick any post answered before and see that answer with its feedback, when allowed."""
    current = view.current.position
    if not any(a.position != current for a in view.answered):
        return
    labels = {a.post_id: f"Bericht {a.position + 1}" for a in view.answered}
    st.divider()
    st.subheader("Je eerdere antwoorden")
    chosen = st.selectbox(
        "Bekijk je antwoord en de feedback bij",
        options=list(labels),
        format_func=lambda i: labels.get(i, i),
        index=None,
        placeholder="Kies een bericht",
        key="wp_review",
    )
    if chosen is None:
        return
    try:
        got = svc.answer_feedback(ss["wp_code"], ss["wp_token"], chosen)
    except WorkshopError as exc:
        _error(exc)
        return
    components.post_card(got.post)
    _answer_feedback(got)


def _wall(entries: tuple[WallEntry, ...]) -> None:
    if entries:
        st.subheader("Besproken antwoorden")
        moderation.wall_with_reactions(svc, entries)


st.title("Workshop meedoen")
# Streamlit's English typing hint under the draft ("Press Ctrl+Enter to apply") hidden: the
# draft is sent with the button, and every word on this screen is Dutch.
st.html("<style>[data-testid='InputInstructions']{display:none}</style>")

if not ss["wp_token"]:
    st.write("Vul de deelcode in die de begeleider laat zien, en de naam waarmee je meedoet.")
    if "wp_join_code" not in ss and st.query_params.get("code"):
        ss["wp_join_code"] = st.query_params["code"]
    st.text_input("Deelcode", key="wp_join_code", max_chars=12)
    st.text_input("Je naam", key="wp_name", max_chars=40)
    moderation.join_team_picker(svc, str(ss.get("wp_join_code") or ""))
    st.button("Meedoen", key="wp_join", type="primary", on_click=_join)
    if ss["wp_notice"]:
        _error(ss["wp_notice"])
    st.stop()

# Read before the view: a change in between then shows as a changed stamp at the next poll.
page_stamp = _stamp()
try:
    view = svc.participant_view(ss["wp_code"], ss["wp_token"])
except WorkshopError as exc:
    _error(exc)
    st.button("Opnieuw meedoen", key="wp_restart", on_click=_restart)
    st.stop()

info, current = view.workshop, view.current
st.html(
    f'<div class="wc-ws-head">Workshop <strong>{render.esc(info.title)}</strong> · je doet mee '
    f"als <strong>{render.esc(view.me.display_name)}</strong>"
    + (f" · team <strong>{render.esc(view.me.team)}</strong>" if view.me.team else "")
    + "</div>"
)
ss["_wp_signature"] = _signature(view)
ss["_wp_stamp"] = page_stamp
ss["_wp_current"] = current.position
held = _held(info.pace, current)
if held is not None and held.position is not None and not _started(held.position):
    held = None  # nothing begun on the post left behind: straight to the current one
ss["_wp_held"] = None if held is None else held.position
refresh_s = _refresh_s()
ss["_wp_refresh_s"] = refresh_s  # what the timer below is set to (tests read it)


@st.fragment(run_every=refresh_s)
def watch() -> None:
    """Redraw the page as soon as the workshop moved on; silent otherwise."""
    fresh_stamp = _stamp()
    working = ss.get("wp_working")
    if (
        fresh_stamp is not None
        and fresh_stamp == ss.get("_wp_stamp")
        and ss.get("_wp_held") is None
        and (
            working is None or working == fresh_stamp.current_index
        )  # the form is on the current post
    ):
        # Nothing this screen shows has changed since the last full read (one statement
        # instead of the whole view: most polls of a waiting room end here).
        if _refresh_s() != refresh_s:
            st.rerun(scope="app")
        return
    try:
        fresh = svc.participant_view(ss["wp_code"], ss["wp_token"])
    except WorkshopError:
        return  # the page shows the error on its next full run
    held = _held(fresh.workshop.pace, fresh.current)
    if held is not None:
        # The facilitator moved on while this participant has an answer form open: no redraw
        # (a redraw would lose what is typed but not yet sent), only a note in this slot.
        _next_ready(held, fresh.current)
        ss["_wp_noted"] = held.position
        return
    if ss.get("_wp_held") is not None or _signature(fresh) != ss.get("_wp_signature"):
        st.rerun(scope="app")
    ss["_wp_stamp"] = fresh_stamp  # read before this view, which left the screen as it is
    if _refresh_s() != refresh_s:  # the room grew or shrank: the timer is set by a page run
        st.rerun(scope="app")


# Drawn once, in a fixed slot right under the header, in every state: a fragment that moves
# between states shifts the delta path and blanks the page in the browser ("Bad delta path").
watch()

if ss["wp_notice"]:
    _error(ss["wp_notice"])
if ss["wp_sent"]:
    st.success(ss["wp_sent"])
    ss["wp_sent"] = None
if current.closed:
    # First on the screen, above the fold on a phone: why nothing can be answered any more.
    st.info(CLOSED)

# Self pace moves on as soon as an answer is in: show the feedback of the one just sent first.
last = ss.get("wp_last")
if info.pace == "self" and last is not None and last[0] is not None:
    st.subheader("Je vorige antwoord")
    try:
        _answer_feedback(svc.answer_feedback(ss["wp_code"], ss["wp_token"], last[1].post_id))
    except WorkshopError as exc:
        _error(exc)
    st.button("Verder", key="wp_continue", on_click=ss.__setitem__, args=("wp_last", None),
              type="primary")  # fmt: skip
    st.stop()

if held is not None and held.post is not None and held.position is not None:
    current = held  # the form stays on the post the draft is for; the note above says why

if current.lobby:
    st.info(
        "Je zit in de wachtruimte. Je naam staat op het scherm van de begeleider; het eerste "
        "bericht verschijnt vanzelf zodra de workshop begint."
    )
    st.stop()

if current.post is None or current.position is None:
    if not current.closed:
        st.success("Je hebt alle berichten beantwoord. Dank je wel!")
    _earlier(view)
    st.stop()

post = current.post
position = current.position
st.subheader(f"Bericht {position + 1} van {current.total}")
if not current.answered and current.deadline is not None:
    st.html(countdown_html(current.seconds_left, info.countdown_s, current.deadline))
components.post_card(post)

if not current.answered and current.accepting:
    ss["wp_working"] = position
    components.answer_inputs(
        decision_key=f"wp_decision_{position}",
        draft_key=f"wp_draft_{position}",
        channel=post.channel,
    )
    st.button("Versturen", key="wp_submit", type="primary", on_click=_submit,
              args=(position, post))  # fmt: skip
    _earlier(view)
    st.stop()

ss["wp_working"] = None
if view.my_answer is not None and view.feedback is not None and current.key is not None:
    st.divider()
    st.subheader("Feedback")
    components.feedback(services.workshop_feedback(current.key, view.my_answer, view.feedback))
elif view.my_answer is not None:
    _my_answer(view.my_answer)
    # The one waiting line on this screen: it covers the next post too.
    st.info(
        "Je antwoord is binnen. Wacht op de begeleider: de uitleg en het volgende bericht "
        "verschijnen vanzelf."
    )
else:
    if not current.closed:  # closed: the line at the top already says why
        st.info("Op dit bericht kun je niet meer antwoorden.")
    if current.key is not None:
        components.model_answer(current.key)
_wall(view.wall)
_earlier(view)

if (
    not current.closed
    and info.pace == "facilitator"
    and not (view.my_answer is not None and view.feedback is None)
):
    st.caption("Wacht op de begeleider: het volgende bericht verschijnt vanzelf.")
