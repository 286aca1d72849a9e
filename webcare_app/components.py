"""Screen parts that more than one page draws the same way, so they look and read alike.

A trainee on the practice page and a participant in a workshop see a post, answer it with the
same decision buttons and draft box (with a live character count), and get the scorer's
feedback on their answer in one layout: the score, the verdict on the decision with its reason,
the draft with its alerts marked, the key points named and missed, and the model answer. All
text goes through ``render`` (escaped HTML), never through Markdown, so nothing a trainee typed
or a post contains is read as markup.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import streamlit as st

from trainer.posts import Post
from trainer.score import DRAFT_MAX_CHARS
from webcare_app import render, services

if TYPE_CHECKING:
    from workshop.records import ShownPost


def post_card(post: Post | ShownPost, *, shown_at: datetime | None = None) -> None:
    """The post as it would look on its channel."""
    st.html(
        render.post_card(
            channel=post.channel,
            author_name=post.author.name,
            author_handle=post.author.handle,
            reach=post.author.reach,
            text=post.text,
            brand_name=post.brand.name,
            shown_at=shown_at,
        )
    )


def answer_inputs(
    *, decision_key: str, draft_key: str, channel: str, disabled: bool = False
) -> None:
    """The decision (public, private, none) and the draft, with a live count against the
    channel's character limit; the values are in session state under the two keys."""
    st.radio(
        "Hoe reageer je?",
        options=list(services.DECISIONS),
        format_func=lambda d: services.DECISION_LABELS[d],
        index=None,
        horizontal=True,
        key=decision_key,
        disabled=disabled,
    )
    st.text_area(
        "Je concept-antwoord",
        key=draft_key,
        height=140,
        max_chars=DRAFT_MAX_CHARS,
        disabled=disabled,
        placeholder="Schrijf hier je antwoord. Reageer je niet? Laat dit veld dan leeg.",
    )
    st.html(
        render.char_counter(
            len(st.session_state.get(draft_key) or ""),
            services.channel_limit(channel),
            textarea_key=draft_key,
        ),
        unsafe_allow_javascript=True,
    )


def verdict(fb: services.Feedback) -> bool:
    """The score, the verdict on the decision with its reason, and the scorer's note.

    True when the reason already says what to do instead of replying (then the model answer
    need not say it again).
    """
    result = fb.result
    score = fb.score
    st.metric("Score", "–" if score is None else f"{score} / 100")
    given = services.DECISION_LABELS.get(str(result.given), "geen keuze")
    expected = services.DECISION_LABELS[result.expected]
    if result.correct:
        st.success(f"Goede keuze: {given}.")
    else:
        st.error(f"Jij koos: {given}. Beter was: {expected}.")
    reason = result.reason
    st.html(render.plain_block(reason, css_class="wc-reason"))
    # For a post that needs no reply the scorer ends the reason, the note and the model answer
    # alike with what to do instead: say it once, in the reason.
    instead = result.instead or ""
    said = bool(instead) and instead in reason
    note = result.note or ""
    if said:
        note = note.replace(instead, "").strip()
    if note:
        st.html(render.plain_block(note, css_class="wc-note"))
    if result.breakdown:
        # Every point explained: what earned it and what cost it, adding up to the score.
        st.markdown("**Zo is je score opgebouwd**")
        st.html(
            render.plain_block(
                "\n".join(
                    f"{line.points:+d}"
                    + (f" van {line.max_points}" if line.max_points else "")
                    + f": {line.text}"
                    for line in result.breakdown
                ),
                css_class="wc-breakdown",
            )
        )
    return said


def marked_draft(fb: services.Feedback) -> None:
    """The submitted draft, read-only, with the remarks marked and listed under it."""
    if fb.draft.strip():
        # No hover hint: a phone shows no tooltip, and the list below names every remark.
        st.markdown("**Je antwoord, met opmerkingen gemarkeerd** (uitleg in de lijst eronder)")
        st.html(render.highlight_draft(fb.draft, fb.alerts))
        st.html(render.alert_list(fb.alerts))


def key_points(fb: services.Feedback) -> None:
    """The post's key points the draft names and misses, side by side."""
    covered, missed = st.columns(2)
    with covered:
        st.markdown("**Kernpunten die je noemt**")
        st.html(
            render.plain_block(
                "\n".join(f"✓ {k}" for k in fb.covered) or "–", css_class="wc-covered"
            )
        )
    with missed:
        st.markdown("**Kernpunten die ontbreken**")
        st.html(
            render.plain_block("\n".join(f"✗ {k}" for k in fb.missed) or "–", css_class="wc-missed")
        )


def feedback(fb: services.Feedback) -> None:
    """The scorer's feedback on one answer, ending with the post's model answer."""
    said = verdict(fb)
    marked_draft(fb)
    key_points(fb)
    instead = fb.result.instead or ""
    model_answer(fb.post, None if said else instead, instead_above=said)


HIDE_ENGLISH_HINTS_CSS = (
    "<style>"
    # Streamlit's own English hints under text boxes ("Press Enter to apply", "Press Ctrl+Enter
    # to apply"): a Dutch screen must not show them, and the pages say what to do themselves.
    '[data-testid="InputInstructions"]{display:none !important;}'
    "</style>"
)


def dutch_widgets() -> None:
    """Hide the English hints Streamlit's widgets show on their own (once per page run)."""
    st.html(HIDE_ENGLISH_HINTS_CSS)


def model_answer(post: Post, instead: object = None, *, instead_above: bool = False) -> None:
    """The post's model answer; for a post that needs no reply, what to do instead (or, with
    ``instead_above``, that this was said above)."""
    st.markdown("**Voorbeeldantwoord**")
    text = post.model_answer
    if not text:
        text = "Op dit bericht reageer je niet."
        if instead_above:
            text += " Wat je wel doet, staat hierboven."
        elif instead:
            text += f" {instead}"
    st.html(render.plain_block(text, css_class="wc-model-answer"))


def page_link(path: str, title: str, icon: str) -> None:
    """A link to another page of the app; its bold title where the page is not in the menu
    (a page run on its own, as in a test, knows no other pages)."""
    from streamlit.errors import StreamlitPageNotFoundError

    try:
        st.page_link(path, label=title, icon=icon)
    except StreamlitPageNotFoundError:
        st.markdown(f"**{title}**")
