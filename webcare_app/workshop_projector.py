"""What the workshop's projector shows, built as plain HTML and charts from service records.

The facilitator page puts these on the shared screen: the lobby with who is in, the podium,
the join code with a QR code of the join link in a corner (presenter view), the spread of
decisions for the current post and the per-post table. They are kept apart from the page so
that what the room may see before a reveal (never the expected decision, the share correct or
the mean score) is decided in one place and tested without a browser. Participant text
(names) goes through ``render``'s escaping.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import segno

from webcare_app import render, services
from workshop.dashboard import answer_key_shown
from workshop.records import Dashboard, PodiumRow
from workshop.teams import PODIUM_DEFAULT, PODIUM_LABELS


def lobby_html(names: Sequence[str]) -> str:
    """Who is in the lobby, by name as typed (escaped), for the projector."""
    if not names:
        return '<div class="wc-lobby">Nog niemand in de wachtruimte.</div>'
    items = "".join(
        '<span style="display:inline-block;margin:4px;padding:6px 12px;border-radius:16px;'
        f'background:#eef2f7">{render.esc(n)}</span>'
        for n in names
    )
    return (
        f'<div class="wc-lobby"><div style="font-weight:700">In de wachtruimte: {len(names)}'
        f"</div>{items}</div>"
    )


QR_SCALE_PX = 6  # pixels per QR module: about 200 px for a join link, readable across a room
QR_ERROR_LEVEL = "m"  # 15% of the code may be unreadable (a glare on the projector screen)


def qr_data_uri(url: str) -> str:
    """The join link as a QR code, an SVG data URI (segno: pure Python, no files)."""
    return str(segno.make(url, error=QR_ERROR_LEVEL).svg_data_uri(scale=QR_SCALE_PX, border=2))


def qr_html(url: str | None, size_px: int = 180) -> str:
    if not url:
        return ""
    return (
        f'<img class="wc-qr" src="{render.esc(qr_data_uri(url))}" width="{size_px}" '
        f'height="{size_px}" alt="QR-code van de link om mee te doen">'
    )


# The presenter view: Streamlit's own chrome (sidebar, header, toolbar) hidden, large type, the
# join code and QR in the top right corner. Full screen itself is the browser's (F11).
PRESENTER_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"]
{display:none !important}
[data-testid="stMainBlockContainer"], .block-container
{max-width:100% !important; padding:1rem 15rem 1rem 2rem !important}
.wc-post {font-size:1.7rem !important; line-height:1.4}
.wc-presenter-head {font-size:2.2rem; font-weight:700; margin:0 0 .4rem 0}
.wc-presenter-line {font-size:1.6rem; margin:.4rem 0}
.wc-podium-row {font-size:1.7rem !important}
.wc-corner {position:fixed; top:12px; right:16px; z-index:1000; background:#fff;
  border:3px solid #1f6feb; border-radius:14px; padding:8px 12px; text-align:center;
  width:13rem}
.wc-corner-code {font-size:2.4rem; font-weight:700; letter-spacing:.12em;
  font-family:ui-monospace,monospace}
@media (max-width: 700px) {
  [data-testid="stMainBlockContainer"], .block-container {padding:1rem !important}
  .wc-corner {position:static; width:auto; margin-bottom:8px}
}
</style>"""


def corner_html(code: str, url: str | None) -> str:
    return (
        '<div class="wc-corner"><div>Doe mee met</div>'
        f'<div class="wc-corner-code">{render.esc(code)}</div>{qr_html(url, 170)}</div>'
    )


HIDDEN_KEY = "nog niet"  # the post table's "verwacht" and "juist" cells before the reveal
# Together with the spread they give the answer away: the expected decision, the share correct
# and the mean score (one decision scoring high while another scores low tells which it is).
HIDDEN_COLUMNS = ("verwacht", "juist (%)", "gem. score")
INTERNAL_COLUMNS = ("id",)  # post ids mean nothing to the room


# Places as numbers, not medal emoji: a projector laptop without an emoji font shows boxes.
PODIUM_COLOURS = {1: "#d4a017", 2: "#9da5ad", 3: "#b87333"}  # gold, silver, bronze


def podium_html(rows: Sequence[PodiumRow], css_class: str = "wc-podium") -> str:
    """The podium in large type: place (gold, silver and bronze for the first three), name
    (escaped), total."""
    if not rows:
        return (
            f'<div class="{css_class}" style="color:#57606a">Het podium vult zich zodra de '
            "uitleg bij een bericht is getoond.</div>"
        )
    lines = "".join(
        '<div class="wc-podium-row" style="display:flex;gap:12px;font-size:1.25em;'
        'padding:3px 0;border-bottom:1px solid #eee">'
        '<span style="width:1.8em;height:1.8em;border-radius:50%;display:inline-flex;'
        "align-items:center;justify-content:center;font-weight:700;"
        f'background:{PODIUM_COLOURS.get(r.place, "#eaeef2")}">{r.place}</span>'
        f'<span style="flex:1;overflow-wrap:anywhere">{render.esc(r.display_name)}</span>'
        f"<strong>{r.total_score:.0f}</strong></div>"
        for r in rows
    )
    return f'<div class="{css_class}">{lines}</div>'


# Which podium the presenter view shows in team mode: the facilitator's choice on the dashboard,
# kept with the workshop (``workshop.teams``), so every projector shows the same.
PODIUM_CHOICES = PODIUM_LABELS
TEAM_PODIUM_HEAD = "Podium per team"
TEAM_PODIUM_NOTE = "gemiddelde punten per teamlid"


def presenter_podiums_html(board: Dashboard, choice: str = PODIUM_DEFAULT) -> str:
    """The presenter view's podium column: the team podium (team mode), the person podium, or
    both (teams first), as ``choice`` says; "" with the leaderboard off. Both podiums count
    only posts whose answer key the room may see (``workshop.dashboard``), so neither gives an
    answer away before the reveal."""
    parts = []
    # "Alleen teams" without team mode still shows the person podium: better than nothing.
    teams = board.team_podium if choice in ("both", "teams") else None
    if teams is not None:
        parts.append(
            f'<div class="wc-presenter-head">{TEAM_PODIUM_HEAD}</div>'
            f'<div class="wc-presenter-note" style="color:#57606a">{TEAM_PODIUM_NOTE}</div>'
            + podium_html(teams, css_class="wc-team-podium")
        )
    if board.podium is not None and (teams is None or choice == "both"):
        parts.append('<div class="wc-presenter-head">Podium</div>' + podium_html(board.podium))
    return "".join(parts)


def spread_chart(board: Dashboard) -> alt.Chart | None:
    stats = next((s for s in board.posts if s.position == board.workshop.current_index), None)
    if stats is None or stats.answers == 0:
        return None  # an empty chart says nothing and drew "0.000000" on its axis
    data = services.decision_spread(stats)
    color: alt.Color | alt.ColorValue
    if answer_key_shown(board.workshop, stats):
        color = alt.Color(
            "verwacht:N",
            title=None,
            scale=alt.Scale(domain=["verwacht", "anders"], range=["#2da44e", "#afb8c1"]),
        )
    else:  # one colour for every bar: the chart is on the projector
        data = data.drop(columns=["verwacht"])
        color = alt.ColorValue("#8c959f")
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("aantal:Q", title="Aantal", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("keuze:N", title=None, sort=alt.SortField("volgorde")),
            color=color,
            tooltip=[alt.Tooltip("keuze:N", title="Keuze"), alt.Tooltip("aantal:Q")],
        )
        .properties(height=140)
    )


def projected_post_table(board: Dashboard) -> pd.DataFrame:
    """The per-post table as the room may see it: no internal ids, and the expected decision
    (and the share correct, which with the spread tells it too) only where it may be shown."""
    table = services.workshop_post_table(board).drop(columns=list(INTERNAL_COLUMNS))
    hidden = [not answer_key_shown(board.workshop, s) for s in board.posts]
    for column in HIDDEN_COLUMNS:
        table[column] = table[column].astype(object)
        table.loc[hidden, column] = HIDDEN_KEY
    return table


# Right-aligned in the table, "nog niet" and "–" included, so the figures line up.
POST_TABLE_NUMBERS = ("antwoorden", "openbaar", "privé", "niet", "juist (%)", "gem. score")


def post_table_html(board: Dashboard) -> str:
    """``projected_post_table`` as the dashboard draws it: a table on a laptop, a card per post
    on a phone ("Bericht 2" over its figures, the expected decision on a line of its own)."""
    rows = projected_post_table(board).to_dict("records")
    return render.stacked_table(
        rows, css_class="wc-post-table", heading="bericht", heading_prefix="Bericht ",
        wide=("verwacht",), numbers=POST_TABLE_NUMBERS,
    )  # fmt: skip
