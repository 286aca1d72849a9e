"""Safe HTML for the app: every piece of text is escaped first, then wrapped in markup we build.

Trainees type drafts, customers wrote the scenario posts, and rule messages quote words from the
draft. None of that may ever be read as HTML or Markdown by the browser: a draft with
``<script>`` or ``**vet**`` must show exactly those characters. So the app never passes such text
to ``st.markdown``; it builds small HTML fragments here, where all text goes through
``html.escape`` and the only tags are the ones written in this module. ``st.html`` then shows
them (and Streamlit sanitises once more with DOMPurify).

Alert spans are marked by ``presentation.highlight`` (the audit report uses the same marking);
its docstring says how overlapping spans are handled. Level and channel names come from the
catalogue ``presentation.labels``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from presentation.highlight import LEVEL_COLOURS as LEVEL_COLOURS  # re-exported for pages
from presentation.highlight import highlight, multiline
from presentation.labels import LEVEL_LABELS as LEVEL_LABELS  # re-exported for pages
from presentation.labels import channel_label
from trainer.posts import CLOSED_CHANNELS
from trainer.rules import rule_title

DUTCH_TZ = ZoneInfo("Europe/Amsterdam")  # every time a user reads is on the Dutch clock
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def esc(text: object) -> str:
    """Text as HTML that shows exactly these characters (quotes too, for attributes)."""
    return html.escape(str(text), quote=True)


def _multiline(text: str) -> str:
    return str(multiline(text))


def highlight_draft(draft: str, alerts: Sequence[Mapping[str, Any]]) -> str:
    """The draft as HTML with every alert span in a ``<mark>`` whose tooltip gives the message.

    The marking is ``presentation.highlight.highlight`` (overlaps cut into pieces, spans
    clipped to the draft, empty spans skipped); the alerts are still listed under the draft.
    """
    body = str(highlight(draft, alerts)) if draft else "<em>(leeg antwoord)</em>"
    return (
        '<div class="wc-draft" style="white-space:pre-wrap;border:1px solid #ddd;'
        f'border-radius:8px;padding:10px 12px;line-height:1.6">{body}</div>'
    )


def dutch_datetime(moment: datetime, *, with_year: bool = True) -> str:
    """A moment as the Dutch read it on their own clock: "3 december 2026, 17:47".

    Stored times are UTC; a naive datetime is taken as UTC too (the storage never hands one
    out, but a bad caller must not shift the clock by an hour).
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    local = moment.astimezone(DUTCH_TZ)
    day = f"{local.day} {MONTHS[local.month - 1]}"
    if with_year:
        day += f" {local.year}"
    return f"{day}, {local:%H:%M}"


def followers(channel: str, reach: int | None) -> str:
    """The reach as a card shows it ("1.234 volgers", "1 volger"), or "" where a follower count
    means nothing: a private chat (WhatsApp, Messenger) or no known followers."""
    if channel in CLOSED_CHANNELS or not reach:
        return ""
    return f"{reach:,}".replace(",", ".") + (" volger" if reach == 1 else " volgers")


def post_card(
    *,
    channel: str,
    author_name: str,
    author_handle: str | None,
    reach: int | None,
    text: str,
    brand_name: str,
    shown_at: datetime | None = None,
) -> str:
    """A post as it would look on its channel: channel, author, reach, time and the text."""
    label = channel_label(channel)
    handle = f' <span style="color:#666">{esc(author_handle)}</span>' if author_handle else ""
    when = dutch_datetime(shown_at) if shown_at is not None else ""
    reach_text = followers(channel, reach)
    reach_html = (
        f' <span class="wc-reach" style="color:#666;font-size:0.85em">· {esc(reach_text)}</span>'
        if reach_text
        else ""
    )
    return (
        '<div class="wc-post" style="border:1px solid #ccd;border-radius:12px;padding:12px 14px;'
        'margin-bottom:8px;background:#fafbff">'
        f'<div style="font-size:0.85em;color:#555">{esc(label)} · over {esc(brand_name)}'
        f"{' · ' + esc(when) if when else ''}</div>"
        f'<div style="margin-top:4px"><strong>{esc(author_name)}</strong>{handle}{reach_html}</div>'
        f'<div class="wc-post-text" style="white-space:pre-wrap;margin-top:8px">'
        f"{_multiline(text)}</div></div>"
    )


def _grouped_alerts(
    alerts: Sequence[Mapping[str, Any]],
) -> list[tuple[Mapping[str, Any], int]]:
    """Alerts with the same rule, level and message as one entry with the number of places.

    The draft marks every span; the list explains each remark once, however often it fires
    (the same stock apology three times is one lesson, not three), and an alert repeated on
    the very same span counts once.
    """
    places: dict[tuple[str, str, str], set[tuple[object, object]]] = {}
    first: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for alert in alerts:
        key = (str(alert.get("rule", "")), str(alert.get("level", "")), str(alert.get("message")))
        first.setdefault(key, alert)
        places.setdefault(key, set()).add((alert.get("start"), alert.get("end")))
    return [(first[key], len(places[key])) for key in first]


def alert_list(alerts: Sequence[Mapping[str, Any]]) -> str:
    """Each remark's level, message and source as an HTML list (all text escaped), once per
    remark with the number of places it applies to."""
    if not alerts:
        return '<p class="wc-alerts">Geen opmerkingen bij je antwoord.</p>'
    items = []
    for alert, count in _grouped_alerts(alerts):
        level = str(alert.get("level", ""))
        colour = LEVEL_COLOURS.get(level, "#eee")
        times = f" <strong>({count} keer)</strong>" if count > 1 else ""
        items.append(
            f'<li style="margin-bottom:6px"><span style="background:{colour};border-radius:3px;'
            f'padding:0 4px;font-size:0.85em">{esc(LEVEL_LABELS.get(level, level))}</span> '
            f"{esc(alert.get('message', ''))}{times}"
            f'<br><span style="color:#666;font-size:0.85em">Bron: {esc(alert.get("source", ""))}'
            f" · regel: {esc(rule_title(str(alert.get('rule', ''))))}</span></li>"
        )
    return f'<ul class="wc-alerts" style="padding-left:1.2em">{"".join(items)}</ul>'


def plain_block(text: str, *, css_class: str = "wc-text") -> str:
    """Any text as a plain paragraph, line breaks kept, nothing interpreted."""
    return f'<div class="{esc(css_class)}" style="white-space:pre-wrap">{_multiline(text)}</div>'


def _chars(n: int) -> str:
    return "teken" if n == 1 else "tekens"


def char_counter(count: int, limit: int | None, *, textarea_key: str) -> str:
    """The draft's character count against the channel's limit, updated live as one types.

    The server renders the count of the last rerun; a small script (our own, no user text in it)
    then follows the text area's ``input`` events so the count moves with every keystroke, and
    recounts on the next animation frame after a rerun, once the text area shows its new value.
    """
    # With a limit the noun goes with the limit ("1 / 280 tekens"); alone, with the count.
    shown = f"{count} / {limit} tekens" if limit else f"{count} {_chars(count)}"
    over = limit is not None and count > limit
    colour = "#c00" if over else "#555"
    limit_js = "null" if limit is None else str(int(limit))
    key_js = esc(textarea_key)
    return (
        f'<div id="wc-count-{key_js}" class="wc-count" data-limit="{limit_js}" '
        f'style="font-size:0.85em;color:{colour}">{esc(shown)}</div>'
        # One listener on the document, installed once per browser tab: it survives Streamlit
        # re-rendering the text area and the counter, and reads the limit at typing time.
        "<script>(function(){"
        f'const sel=".st-key-{key_js} textarea",id="wc-count-{key_js}";'
        "const show=(box)=>{const out=document.getElementById(id);if(!out||!box){return;}"
        "const limit=parseInt(out.dataset.limit,10);const n=[...box.value].length;"
        "out.textContent=limit?`${n} / ${limit} tekens`:`${n} ${n===1?'teken':'tekens'}`;"
        'out.style.color=(limit&&n>limit)?"#c00":"#555";};'
        'const flag="wcCount_"+id;'
        "if(!window[flag]){window[flag]=true;"
        'document.addEventListener("input",(e)=>{if(e.target.matches&&e.target.matches(sel))'
        "{show(e.target);}},true);}"
        # After a rerun (say "Volgend bericht" emptying the draft) this script can run before
        # the text area shows its new value: recount once the page has been painted.
        "const recount=()=>show(document.querySelector(sel));"
        "requestAnimationFrame(()=>requestAnimationFrame(recount));"
        "setTimeout(recount,300);})();</script>"
    )


def final_count(count: int, limit: int | None) -> str:
    """The character count of a sent draft (no live script: it cannot change any more)."""
    shown = f"{count} / {limit} tekens" if limit else f"{count} {_chars(count)}"
    over = limit is not None and count > limit
    colour = "#c00" if over else "#555"
    return f'<div class="wc-count-final" style="font-size:0.85em;color:{colour}">{esc(shown)}</div>'


def score_badge(score: float) -> str:
    """A score out of 100 as a small coloured badge: green from 80, amber from 55, else red."""
    colour = "#dafbe1" if score >= 80 else "#fff8c5" if score >= 55 else "#ffebe9"
    return (
        f'<span class="wc-score-badge" style="background:{colour};border-radius:10px;'
        f'padding:1px 8px;font-weight:600;white-space:nowrap">{score:.0f} / 100</span>'
    )


def attempt_row(
    *, when: str, channel: str, snippet: str, score: float, decision_correct: bool
) -> str:
    """One earlier attempt: when, channel, the start of the post, its score and decision."""
    mark = "✓ goede keuze" if decision_correct else "✗ andere keuze was beter"
    return (
        '<div class="wc-attempt" style="line-height:1.4">'
        f'<div style="font-size:0.85em;color:#555">{esc(when)} · {esc(channel_label(channel))}'
        f" · {esc(mark)}</div>"
        f'<div>{score_badge(score)} <span class="wc-attempt-text">{esc(snippet)}</span></div>'
        "</div>"
    )


def due_text(due: datetime, now: datetime) -> str:
    """When a skill comes up again, as a trainee reads it: "nu", "over 3 uur", "morgen",
    "over 4 dagen (7 december)"."""
    ahead = (due - now).total_seconds()
    if ahead <= 0:
        return "nu herhalen"
    hours = ahead / 3600
    if hours < 1:
        minutes = max(1, round(ahead / 60))
        return f"over {minutes} {'minuut' if minutes == 1 else 'minuten'}"
    local_due = due.astimezone(DUTCH_TZ)
    days = (local_due.date() - now.astimezone(DUTCH_TZ).date()).days
    if days == 0:
        whole = round(hours)
        return f"over {whole} uur"
    if days == 1:
        return f"morgen ({local_due:%H:%M})"
    return f"over {days} dagen ({local_due.day} {MONTHS[local_due.month - 1]})"


def share_bars(rows: Sequence[tuple[str, float, str]], *, colour: str = "#d4a72c") -> str:
    """Horizontal bars, one per row: a label on its own line (wrapping, never cut off), a bar
    for a share (0-1) and a detail after the percentage. Every label shows, however many rows
    and however narrow the screen, which an axis of a chart cannot promise."""
    items = []
    for label, share, detail in rows:
        width = max(0.0, min(1.0, share)) * 100
        percent = f"{width:.0f}%"
        items.append(
            '<div class="wc-bar" style="margin-bottom:10px">'
            f'<div class="wc-bar-label" style="overflow-wrap:break-word">{esc(label)}</div>'
            '<div style="display:flex;align-items:center;gap:8px">'
            '<div style="flex:1;background:#f0f0f0;border-radius:4px;height:14px;min-width:60px">'
            f'<div style="width:{width:.1f}%;background:{colour};height:14px;border-radius:4px">'
            "</div></div>"
            f'<div style="font-size:0.85em;color:#444;white-space:nowrap">{esc(percent)}</div>'
            "</div>"
            f'<div style="font-size:0.8em;color:#666">{esc(detail)}</div></div>'
        )
    return f'<div lang="nl" class="wc-bars">{"".join(items)}</div>'


def member_card(
    *, name: str, org: str, facts: Sequence[str], weakest: Sequence[str], last: str
) -> str:
    """One team member for the team lead: name and organisation, key figures as chips, their
    weakest rules and when they last practised. A card, not a table row, so a phone shows it
    whole without scrolling sideways."""
    chips = "".join(
        '<span style="display:inline-block;background:#f6f8fa;border:1px solid #ddd;'
        f'border-radius:10px;padding:0 8px;margin:2px 4px 2px 0;font-size:0.9em">{esc(f)}</span>'
        for f in facts
    )
    weak = ", ".join(weakest) or "geen"
    return (
        '<div class="wc-member" style="border:1px solid #ddd;border-radius:10px;padding:8px 12px;'
        'margin-bottom:8px;overflow-wrap:break-word">'
        f'<div><strong>{esc(name)}</strong> <span style="color:#555">· {esc(org)}</span></div>'
        f"<div>{chips}</div>"
        f'<div style="font-size:0.9em">Zwakste regels: {esc(weak)}</div>'
        f'<div style="font-size:0.85em;color:#666">Laatst geoefend: {esc(last)}</div></div>'
    )


DECISION_COLOURS = {  # background of a decision's badge, by its Dutch label's first word
    "Openbaar": "#dafbe1",
    "Privé": "#ddf4ff",
    "Niet": "#ffebe9",
}


def matrix_cards(rows: Sequence[Mapping[str, object]]) -> str:
    """The decision matrix as one card per cell: the situation as a heading, the platform and
    the decision as badges, the reason as text. Reads on a phone without columns to squeeze;
    words wrap between words, never inside one."""
    cards = []
    for row in rows:
        decision = str(row.get("Beslissing", ""))
        colour = DECISION_COLOURS.get(decision.split(" ", 1)[0], "#eee")
        cards.append(
            '<div class="wc-matrix-card" style="border:1px solid #ddd;border-radius:10px;'
            'padding:10px 12px;margin-bottom:10px;overflow-wrap:break-word;hyphens:auto">'
            f'<div style="font-weight:600">{esc(row.get("Situatie", ""))}</div>'
            '<div style="margin:4px 0 6px 0">'
            '<span class="wc-matrix-platform" style="background:#f6f8fa;border:1px solid #ddd;'
            f'border-radius:10px;padding:0 8px;font-size:0.85em">{esc(row.get("Platform", ""))}'
            "</span> → "
            f'<span class="wc-matrix-decision" style="background:{colour};border-radius:10px;'
            f'padding:0 8px;font-weight:600">{esc(decision)}</span></div>'
            f'<div class="wc-matrix-reason" style="font-size:0.92em;color:#333">'
            f"{esc(row.get('Waarom', ''))}</div></div>"
        )
    return f'<div lang="nl" class="wc-matrix">{"".join(cards)}</div>'


def wrapping_table(rows: list[dict[str, object]], *, css_class: str = "wc-table") -> str:
    """Rows as an escaped HTML table whose cells wrap, readable on a laptop and a phone."""
    if not rows:
        return ""
    columns = list(rows[0])
    cell = "padding:6px 8px;border-bottom:1px solid #ddd;vertical-align:top;text-align:left;"
    # Wrap between words; a word longer than its column is hyphenated (Dutch rules, lang="nl"),
    # never cut at an arbitrary letter ("merkplatfor|m").
    wrap = f'style="{cell}white-space:normal;overflow-wrap:break-word;hyphens:auto"'
    head = "".join(f'<th style="{cell}">{esc(c)}</th>' for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td {wrap}>{esc(row.get(c, ''))}</td>" for c in columns) + "</tr>"
        for row in rows
    )
    return (
        f'<table lang="nl" class="{esc(css_class)}" style="width:100%;border-collapse:collapse;'
        f'table-layout:auto;font-size:0.95em"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


# A table that is a table on a laptop and a pile of cards on a phone: below this width (CSS
# pixels) a table of eight columns either scrolls sideways in its own box or squeezes its
# headers letter by letter, so each row becomes a card of "label value" pairs instead.
STACK_BELOW_PX = 640
STACKED_TABLE_CSS = f"""<style>
.wc-stack {{width:100%;border-collapse:collapse;font-size:0.95em}}
.wc-stack th, .wc-stack td {{padding:6px 8px;border-bottom:1px solid #ddd;text-align:left;
  vertical-align:top;white-space:normal;overflow-wrap:break-word;hyphens:auto}}
.wc-stack th {{font-weight:600;color:#444}}
.wc-stack .wc-num {{text-align:right}}
.wc-stack .wc-stack-prefix {{display:none}}
@media (max-width: {STACK_BELOW_PX}px) {{
  .wc-stack thead {{display:none}}
  .wc-stack, .wc-stack tbody {{display:block;width:100%}}
  .wc-stack tr {{display:grid;grid-template-columns:1fr 1fr;column-gap:14px;
    border:1px solid #ddd;border-radius:10px;padding:6px 12px;margin-bottom:10px}}
  .wc-stack td, .wc-stack .wc-num {{display:flex;justify-content:space-between;gap:8px;
    border:none;padding:2px 0;text-align:right;min-width:0}}
  .wc-stack td::before {{content:attr(data-label);color:#57606a;text-align:left}}
  .wc-stack td.wc-stack-wide {{grid-column:1 / -1}}
  .wc-stack td.wc-stack-head {{grid-column:1 / -1;display:block;text-align:left;
    font-weight:700}}
  .wc-stack td.wc-stack-head::before {{content:none}}
  .wc-stack .wc-stack-prefix {{display:inline}}
}}
</style>"""


def stacked_table(
    rows: Sequence[Mapping[str, object]],
    *,
    css_class: str,
    heading: str | None = None,
    heading_prefix: str = "",
    wide: Sequence[str] = (),
    numbers: Sequence[str] | None = None,
) -> str:
    """Rows as an escaped HTML table on a laptop that becomes one card per row on a phone
    (narrower than ``STACK_BELOW_PX``): the ``heading`` column's value titles the card (after
    ``heading_prefix``, shown on the card only: "Bericht 3"), every other cell reads
    "label  value", two to a line, a ``wide`` column on a line of its own. The ``numbers``
    columns (default: those holding only numbers) are right-aligned in the table. Nothing
    scrolls sideways at either width."""
    if not rows:
        return ""
    columns = list(rows[0])

    if numbers is None:
        numbers = [c for c in columns if all(isinstance(r.get(c), int | float) for r in rows)]
    classes = {c: ("wc-num" if c in numbers else "") for c in columns}
    for c in wide:
        classes[c] = (classes.get(c, "") + " wc-stack-wide").strip()
    if heading is not None:
        classes[heading] = "wc-stack-head"
    head = "".join(
        f"<th>{esc(c)}</th>" if c == heading else f'<th class="{classes[c]}">{esc(c)}</th>'
        for c in columns
    )
    prefix = f'<span class="wc-stack-prefix">{esc(heading_prefix)}</span>' if heading_prefix else ""

    def cell(row: Mapping[str, object], c: str) -> str:
        value = esc(row.get(c, ""))
        if c == heading:
            value = prefix + value
        return f'<td class="{classes[c]}" data-label="{esc(c)}">{value}</td>'

    body = "".join("<tr>" + "".join(cell(r, c) for c in columns) + "</tr>" for r in rows)
    return (
        f'{STACKED_TABLE_CSS}<table lang="nl" class="wc-stack {esc(css_class)}">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~$:")


def md_escape(text: object) -> str:
    """Text for ``st.error``/``st.info`` (which read Markdown) that shows exactly these
    characters: every Markdown sign gets a backslash. Service messages can quote what a user
    typed (a display name, a title), so they go through here before such a call."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text))


def join_banner(code: str, join_url: str | None) -> str:
    """The join code in letters big enough for a projector, with where to go."""
    where = (
        f'<div style="font-size:1.1em;margin-top:6px">Ga naar <strong>{esc(join_url)}</strong>'
        "</div>"
        if join_url
        else '<div style="font-size:1.1em;margin-top:6px">Open de pagina '
        "<strong>Workshop meedoen</strong></div>"
    )
    return (
        '<div class="wc-join" style="text-align:center;border:2px solid #1f6feb;border-radius:14px;'
        'padding:12px;background:#f3f8ff">'
        '<div style="font-size:1.1em">Doe mee met deelcode</div>'
        '<div class="wc-join-code" style="font-size:4.5em;font-weight:700;letter-spacing:0.15em;'
        f'font-family:ui-monospace,monospace;line-height:1.1">{esc(code)}</div>{where}</div>'
    )


def name_chips(people: Sequence[tuple[str, bool]]) -> str:
    """Participants as chips: a display name (escaped) and whether they answered (green, ✓)."""
    if not people:
        return '<div class="wc-people">Nog niemand doet mee.</div>'
    chips = []
    for name, done in people:
        style = "background:#dafbe1;border-color:#2da44e" if done else "background:#f6f8fa"
        mark = " ✓" if done else ""
        chips.append(
            f'<span class="wc-person" style="display:inline-block;border:1px solid #ccc;'
            f'border-radius:12px;padding:2px 10px;margin:2px;{style}">{esc(name)}{mark}</span>'
        )
    return f'<div class="wc-people">{"".join(chips)}</div>'


RANK_CELL = "padding:4px 12px;text-align:left;border-bottom:1px solid #ddd"


def ranking_table(rows: Sequence[tuple[str, float, int]]) -> str:
    """A leaderboard: place, display name (escaped), total score, answers.

    Only who answered gets a place; who has not answered yet is listed after them without one,
    so an empty score never reads as a ranking.
    """
    ranked = [r for r in rows if r[2] > 0]
    waiting = [r for r in rows if r[2] <= 0]
    cells = [(str(k), *r) for k, r in enumerate(ranked, start=1)] + [("", *r) for r in waiting]
    body = "".join(
        f'<tr><td style="{RANK_CELL}">{place}</td><td style="{RANK_CELL}">{esc(name)}</td>'
        f'<td style="{RANK_CELL}">{total:.0f}</td><td style="{RANK_CELL}">{answered}</td></tr>'
        for place, name, total, answered in cells
    )
    head = "".join(
        f'<th style="{RANK_CELL}">{title}</th>' for title in ("#", "Naam", "Totaal", "Antwoorden")
    )
    return (
        '<table class="wc-ranking" style="border-collapse:collapse">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def wall_card(decision_label: str, reply: str | None) -> str:
    """One anonymous answer on the wall: the decision, and the reply once revealed."""
    if reply is None:
        body = '<span style="color:#888">(verborgen)</span>'
    elif reply.strip():
        body = _multiline(reply)
    else:
        body = "<em>(geen tekst)</em>"
    return (
        '<div class="wc-wall" style="border:1px solid #ddd;border-radius:8px;padding:8px 10px;'
        'background:#fffbea">'
        f'<div style="font-size:0.85em;color:#555">{esc(decision_label)}</div>'
        f'<div class="wc-wall-text" style="white-space:pre-wrap">{body}</div></div>'
    )
