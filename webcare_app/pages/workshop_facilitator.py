"""Workshop leiden: the facilitator creates a workshop and runs it from a live dashboard.

The facilitator's screen is on the projector: the join code is big, the dashboard refreshes
itself every ``DASHBOARD_REFRESH_S`` seconds (a fragment, so only the dashboard redraws). Every
action goes through ``WorkshopService`` with the PIN, which lives in this session's state only,
and with this browser session's random client id (``state``), so wrong PINs typed in another
browser never lock this one out.
Right after creating, a step of its own shows the PIN (and not the join code): the room reads
the join code off the projector, so the PIN must be noted before the dashboard appears. It is not
shown again after that step; the database keeps only its hash.
The join code (never the PIN) is kept in the page's URL (``?code=…``) while this session leads a
workshop, from the moment the PIN is noted: after a server restart or a reload the tab opens on
"Bestaande workshop openen" with the code filled in, so the facilitator only types the PIN again.
Closing the workshop or leaving it takes the code out of the URL.
Participant text (names, replies) reaches the screen only through ``render``'s escaping.

Widget keys: the creation form's (``webcare_app.workshop_create_form``), ``wf_open_code``,
``wf_open_pin``, ``wf_open``, ``wf_recover_code``, ``wf_recover``, ``wf_pin_noted``, ``wf_prev``,
``wf_next``, ``wf_reveal_feedback``,
``wf_close_confirm``, ``wf_close``, ``wf_wall_post``, ``wf_wall_entry_<answer id>`` (the
answer's block) with ``wf_wall_toggle_<answer id>`` ("Toon"/"Verberg"), ``wf_export_csv``,
``wf_export_xlsx``, ``wf_export_html``, ``wf_leave``, ``wf_presenter_on``, ``wf_presenter_off``;
team mode and removing: ``wf_teams_on``, ``wf_team_names``, ``wf_team_mode``, ``wf_remove_who``,
``wf_remove_confirm``, ``wf_remove``, ``wf_restore_who``, ``wf_restore``,
``wf_podium_choice`` (``webcare_app.workshop_moderation``).

The presenter view (``wf_presenter``) is the projector only: no sidebar or controls, large type,
the join code and a QR code of the join link (segno) in a corner. Moving on happens from another
screen (the facilitator's phone or laptop with the PIN); the view follows within seconds.

The answer wall follows the current post unless the facilitator picks another post in
``wf_wall_post`` (to come back to an earlier discussion while everyone is already further).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import streamlit as st

from trainer.nl import amount
from webcare_app import components, render, services
from webcare_app import workshop_create_form as create_form
from webcare_app import workshop_moderation as moderation
from webcare_app import workshop_projector as projector
from webcare_app.state import init_state, workshop_service
from workshop import export, export_xlsx
from workshop.countdown_html import countdown_html
from workshop.dashboard import answer_key_shown
from workshop.errors import WorkshopError

DASHBOARD_REFRESH_S = 3  # the projector catches up within a few seconds, cheap on the server
PARTICIPANT_PATH = "meedoen"  # url_path of the participant page in the router
CODE_MAX_CHARS = 12  # the join code field; a longer code in the URL is cut to fit
NEW_TAB = "Nieuwe workshop"
OPEN_TAB = "Bestaande workshop openen"
# The wall's "current post" option. Not None: a selectbox reads None as "nothing chosen" and
# shows Streamlit's English placeholder instead of the option.
WALL_CURRENT = ""

init_state()
svc = workshop_service()
ss = st.session_state


def _error(message: object) -> None:
    # Service messages may quote typed text (a title): never let it be read as Markdown.
    st.error(render.md_escape(message))


def _code_to_url(code: str | None) -> None:
    """Keep the join code in the URL (None: take it out). Only the code: a PIN in the URL would
    end up in the browser history, bookmarks and on the projector."""
    ss["wf_url_code"] = code
    if code:
        st.query_params["code"] = code
    else:
        st.query_params.pop("code", None)


def _created() -> None:
    ss["wf_wall_post"] = WALL_CURRENT
    # The code goes into the URL only once the PIN is noted (``_pin_noted``): while the PIN is
    # on screen, nothing else on it (the address bar included) may tell which workshop it opens.


def _pin_noted() -> None:
    ss["wf_new_pin"] = None  # never shown again: the database has only its hash
    ss["wf_new_recovery"] = None
    _code_to_url(ss["wf_code"])


def _open() -> None:
    code = str(ss.get("wf_open_code") or "").strip()
    pin = str(ss.get("wf_open_pin") or "").strip()
    ss["wf_notice"] = None
    if not code or not pin:
        ss["wf_notice"] = "Vul de deelcode en de pincode van de workshop in."
        return
    try:
        # checks the PIN (and counts a wrong one against this browser session)
        board = svc.dashboard(code, pin, client=ss["wf_client"])
    except WorkshopError as exc:
        ss["wf_notice"] = str(exc)
        return
    ss["wf_code"], ss["wf_pin"], ss["wf_new_pin"] = board.workshop.code, pin, None
    ss["wf_wall_post"] = WALL_CURRENT
    ss["wf_open_pin"] = ""
    _code_to_url(board.workshop.code)


def _recover() -> None:
    """A new PIN from the recovery code: the facilitator's way in during a PIN lock."""
    code = str(ss.get("wf_open_code") or "").strip()
    typed = str(ss.get("wf_recover_code") or "").strip()
    ss["wf_notice"] = None
    if not code or not typed:
        ss["wf_notice"] = "Vul de deelcode en je herstelcode (XXXX-XXXX-XXXX) in."
        return
    try:
        pin = svc.recover(code, typed, client=ss["wf_client"])
        board = svc.dashboard(code, pin, client=ss["wf_client"])
    except WorkshopError as exc:
        ss["wf_notice"] = str(exc)
        return
    ss["wf_code"], ss["wf_pin"], ss["wf_new_pin"] = board.workshop.code, pin, pin
    ss["wf_new_recovery"] = None  # the recovery code stays as it was; the facilitator has it
    ss["wf_wall_post"] = WALL_CURRENT
    ss["wf_recover_code"] = ""


def _leave() -> None:
    for key in ("wf_code", "wf_pin", "wf_new_pin", "wf_notice", "wf_wall_post"):
        ss[key] = None
    ss["wf_presenter"] = False
    _code_to_url(None)


def _act(action: Callable[..., object], *args: object) -> None:
    """Run a PIN action; a refusal becomes a Dutch notice on the dashboard, never a traceback."""
    ss["wf_notice"] = None
    try:
        action(ss["wf_code"], ss["wf_pin"], *args, client=ss["wf_client"])
    except WorkshopError as exc:
        ss["wf_notice"] = str(exc)


def _rename() -> None:
    """Moderation: the chosen participant gets the name typed (the service checks it)."""
    who = ss.get("wf_rename_who")
    if who is None:
        return
    _act(svc.rename_participant, int(who), ss.get("wf_rename_to", ""))
    if not ss["wf_notice"]:
        ss["wf_rename_to"] = ""


def _close() -> None:
    _act(svc.close)
    if ss["wf_notice"] is None:  # closed: the session is over, a reload need not offer it again
        _code_to_url(None)


def _join_url(code: str) -> str | None:
    """Where participants go, from the address this page was opened on (None if unknown)."""
    try:
        url = st.context.url
    except Exception:  # no browser behind the session (tests, scripts)
        return None
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}/{PARTICIPANT_PATH}?code={code}"


if not ss["wf_presenter"]:
    st.title("Workshop leiden")

if not ss["wf_code"] or not ss["wf_pin"]:
    st.write(
        "Maak een workshop aan voor een kenniskring: deelnemers doen mee op hun eigen telefoon "
        "of laptop met een deelcode, jij volgt hun antwoorden live op het scherm."
    )
    # A code in the URL: this tab led that workshop before a restart or reload. Offer to open it
    # again with the code filled in; only the PIN is still to be typed.
    url_code = str(st.query_params.get("code") or "").strip()[:CODE_MAX_CHARS]
    if url_code and "wf_open_code" not in ss:
        ss["wf_open_code"] = url_code
    new_tab, open_tab = st.tabs([NEW_TAB, OPEN_TAB], default=OPEN_TAB if url_code else None)
    with new_tab:
        create_form.form(svc, on_created=_created)
    with open_tab:
        st.text_input("Deelcode", key="wf_open_code", max_chars=CODE_MAX_CHARS)
        st.text_input("Pincode", key="wf_open_pin", type="password", max_chars=12)
        st.button("Openen", key="wf_open", on_click=_open)
        with st.expander("Pincode kwijt of staat de workshop op slot?"):
            st.write(
                "Met de herstelcode die je bij het aanmaken kreeg, krijg je een nieuwe pincode; "
                "de oude werkt dan niet meer. Dat kan ook als de workshop op slot staat."
            )
            st.text_input("Herstelcode", key="wf_recover_code", max_chars=20,
                          placeholder="XXXX-XXXX-XXXX")  # fmt: skip
            st.button("Nieuwe pincode maken", key="wf_recover", on_click=_recover)
    if ss["wf_notice"]:
        _error(ss["wf_notice"])
    st.stop()

code: str = ss["wf_code"]
pin: str = ss["wf_pin"]
client: str = ss["wf_client"]
# Put the code back when the URL lost it (another page in the menu and back), unless the
# facilitator closed the workshop here.
if ss["wf_url_code"] and st.query_params.get("code") != ss["wf_url_code"]:
    st.query_params["code"] = ss["wf_url_code"]

# Right after creating: a step of its own that shows the PIN and nothing else, before the join
# code or the dashboard. The room looks at the projector to read the join code; the PIN must
# not be on it then. Continuing forgets the PIN's display copy for good.
if ss["wf_new_pin"]:
    st.success("De workshop is aangemaakt.")
    st.write("Je pincode:")
    st.html(
        '<div class="wc-pin" style="font-size:3.2em;font-weight:700;letter-spacing:0.25em;'
        f'font-family:monospace;margin:4px 0 12px">{render.esc(ss["wf_new_pin"])}</div>'
    )
    if ss["wf_new_recovery"]:
        st.write("Je herstelcode:")
        st.html(
            '<div class="wc-recovery" style="font-size:1.8em;font-weight:700;'
            'letter-spacing:0.12em;font-family:monospace;margin:4px 0 12px">'
            f"{render.esc(ss['wf_new_recovery'])}</div>"
        )
    st.warning(
        "Schrijf je pincode nu op. Je ziet hem maar één keer. Je hebt hem nodig om de workshop "
        "later opnieuw te openen, bijvoorbeeld na het herladen van de pagina of op een andere "
        "computer. Zet dit scherm pas op de beamer als de pincode weg is."
        + (
            " Bewaar ook de herstelcode, los van de pincode: daarmee maak je een nieuwe "
            "pincode als je hem kwijt bent of als grappenmakers de workshop op slot zetten."
            if ss["wf_new_recovery"]
            else ""
        )
    )
    st.button("Ik heb de pincode genoteerd – naar het dashboard", key="wf_pin_noted",
              type="primary", on_click=_pin_noted)  # fmt: skip
    st.stop()


@st.fragment(run_every=DASHBOARD_REFRESH_S)
def dashboard() -> None:
    try:
        wall_post = ss.get("wf_wall_post") or None  # WALL_CURRENT: the current post
        board = svc.dashboard(code, pin, wall_post=wall_post, client=client)
    except WorkshopError as exc:
        _error(exc)
        st.button("Andere workshop openen", key="wf_leave_error", on_click=_leave)
        return
    info = board.workshop
    if info.status == "open":
        url = _join_url(info.code)
        if url:
            banner, qr = st.columns([4, 1], vertical_alignment="center")
            with banner:
                st.html(render.join_banner(info.code, url))
            with qr:
                st.html(projector.qr_html(url))
        else:
            st.html(render.join_banner(info.code, url))
    else:  # nobody can join any more: no big code inviting them to
        st.html(
            '<div class="wc-closed" style="text-align:center;border:2px solid #888;'
            'border-radius:14px;padding:12px;background:#f6f8fa;font-size:1.6em">'
            "Deze workshop is afgesloten. Dank jullie wel!</div>"
        )
    st.html(
        f'<div class="wc-ws-title" style="font-size:1.4em;margin-top:8px">'
        f"<strong>{render.esc(info.title)}</strong> · bericht {info.current_index + 1} van "
        f"{info.post_count} · "
        f"{'afgesloten' if info.status != 'open' else 'wachtruimte' if info.lobby else 'open'}"
        "</div>"
    )
    if ss["wf_notice"]:
        _error(ss["wf_notice"])

    current = board.posts[info.current_index]
    is_open = info.status == "open"
    if info.lobby:
        st.html(projector.lobby_html([p.display_name for p in board.participants]))
        st.button("Start het eerste bericht", key="wf_start", type="primary", on_click=_act,
                  args=(svc.start,))  # fmt: skip
    elif info.deadline is not None:
        st.html(countdown_html(info.seconds_left, info.countdown_s, info.deadline))
    prev_col, next_col, reveal_col, close_col = st.columns(4)
    with prev_col:
        st.button("◀ Vorig bericht", key="wf_prev", on_click=_act, args=(svc.previous_post,),
                  disabled=not is_open or info.current_index == 0)  # fmt: skip
    with next_col:
        st.button("Volgend bericht ▶", key="wf_next", type="primary", on_click=_act,
                  args=(svc.next_post,),
                  disabled=not is_open or info.lobby
                  or info.current_index >= info.post_count - 1)  # fmt: skip
    with reveal_col:
        st.button("Toon uitleg bij dit bericht", key="wf_reveal_feedback", on_click=_act,
                  args=(svc.reveal_feedback, current.post_id),
                  disabled=not is_open or current.feedback_revealed)  # fmt: skip
    with close_col:
        sure = st.checkbox("Zeker weten", key="wf_close_confirm", disabled=not is_open)
        st.button("Workshop afsluiten", key="wf_close", on_click=_close,
                  disabled=not is_open or not sure)  # fmt: skip

    post = current.post
    left, right = st.columns([3, 2])
    with left:
        st.subheader(f"Bericht {info.current_index + 1}")
        components.post_card(post)
        expected = (
            f"Verwacht: {services.DECISION_LABELS[current.expected]} · "
            if answer_key_shown(info, current)
            else ""
        )
        st.caption(
            expected
            + f"{amount(current.answers, 'antwoord', 'antwoorden')} · "
            + ("uitleg getoond" if current.feedback_revealed else "uitleg nog niet getoond")
        )
        chart = projector.spread_chart(board)
        if chart is not None:
            st.altair_chart(chart, width="stretch")
    with right:
        answered = sum(p.answered_current for p in board.participants)
        # Small enough for one line on a 1280 px projector next to the post
        st.markdown(f"**Deelnemers {len(board.participants)} · {answered} beantwoord**")
        st.html(
            render.name_chips([(p.display_name, p.answered_current) for p in board.participants])
        )
        if board.participants:
            with st.expander("Deelnemer hernoemen"):
                names = {p.id: p.display_name for p in board.participants}
                st.selectbox("Deelnemer", options=list(names), format_func=names.__getitem__,
                             placeholder=moderation.PICK_PERSON, key="wf_rename_who")  # fmt: skip
                st.text_input("Nieuwe naam", key="wf_rename_to", max_chars=40)
                st.button("Hernoemen", key="wf_rename", on_click=_rename)
        if board.participants or board.removed:
            moderation.remove_panel(board, _act, svc.remove_participant, svc.restore_participant)
        if board.podium is not None:
            st.subheader("Podium")
            st.html(projector.podium_html(board.podium))
        moderation.team_podium(board, _act, svc.set_podium_choice)

    st.subheader("Antwoordmuur (anoniem)")
    wall_labels = {s.post_id: f"Bericht {s.position + 1}" for s in board.posts}
    st.selectbox(
        "Antwoorden op",
        options=[WALL_CURRENT, *wall_labels],
        format_func=lambda i: (
            f"het huidige bericht (nu bericht {info.current_index + 1})"
            if i == WALL_CURRENT
            else wall_labels.get(i, i)
        ),
        placeholder="Kies een bericht",  # the search box's empty text; Streamlit's is English
        key="wf_wall_post",
    )
    if not board.wall:
        st.caption(f"Nog geen antwoorden op bericht {board.wall_position + 1}.")
    for entry in board.wall:
        # One keyed block per answer with one button whose key never changes: a "Toon" and a
        # "Verberg" under two keys left the old one greyed out under the new one in the
        # auto-refreshing fragment.
        with st.container(key=f"wf_wall_entry_{entry.answer_id}"):
            card, button = st.columns([6, 1], vertical_alignment="center")
            with card:
                st.html(render.wall_card(services.DECISION_LABELS[entry.decision], entry.reply))
                moderation.reactions_caption(entry)
            with button:
                st.button("Verberg" if entry.revealed else "Toon",
                          key=f"wf_wall_toggle_{entry.answer_id}", on_click=_act,
                          args=(svc.hide_answer if entry.revealed else svc.reveal_answer,
                                entry.answer_id))  # fmt: skip

    # Both tables are HTML that turns into cards on a phone: a data grid of nine columns
    # scrolled sideways inside its own box at 390 px (``render.stacked_table``).
    st.subheader("Keuzes per bericht")
    st.html(projector.post_table_html(board))
    st.subheader("Vaakst overtreden regels")
    if board.rules:
        # The Dutch description only: the rule ids are the program's, not the room's.
        rules = services.workshop_rule_table(board.rules).drop(columns=["regel"])
        st.html(render.stacked_table(rules.to_dict("records"), css_class="wc-rule-table",
                                     heading="omschrijving"))  # fmt: skip
    else:
        st.caption("Nog geen regels overtreden in geschreven antwoorden.")


@st.fragment(run_every=DASHBOARD_REFRESH_S)
def presenter() -> None:
    """The projector only: the post in large type, the spread, the podium, the code and QR in
    a corner; no controls (the facilitator moves on from another screen, or closes this view)."""
    try:
        board = svc.dashboard(code, pin, client=client)
    except WorkshopError as exc:
        _error(exc)
        return
    info = board.workshop
    current = board.posts[info.current_index]
    if info.status == "open":
        st.html(projector.corner_html(info.code, _join_url(info.code)))
    if info.lobby:  # before the first post: the room sees its names appear, no post yet
        st.html(
            f'<div class="wc-presenter-head">{render.esc(info.title)}</div>'
            '<div class="wc-presenter-line">Doe mee met de code of de QR-code; het eerste '
            "bericht volgt zodra iedereen er is.</div>"
            + projector.lobby_html([p.display_name for p in board.participants])
        )
        return
    answered = sum(p.answered_current for p in board.participants)
    state = "afgesloten" if info.status != "open" else (
        f"{answered} van {len(board.participants)} beantwoord"
    )  # fmt: skip
    st.html(
        f'<div class="wc-presenter-head">{render.esc(info.title)} · bericht '
        f"{info.current_index + 1} van {info.post_count}</div>"
        f'<div class="wc-presenter-line">{state}'
        + (
            f" · verwacht: {services.DECISION_LABELS[current.expected]}"
            if answer_key_shown(info, current)
            else ""
        )
        + "</div>"
    )
    if info.deadline is not None and info.status == "open":
        st.html(countdown_html(info.seconds_left, info.countdown_s, info.deadline, large=True))
    components.post_card(current.post)
    left, right = st.columns([3, 2])
    with left:
        chart = projector.spread_chart(board)
        if chart is not None:
            st.altair_chart(chart.properties(height=220), width="stretch")
    # The choice kept with the workshop: this projector may be another device than the dashboard.
    podiums = projector.presenter_podiums_html(board, info.podium_choice)
    if podiums:  # team mode: the team podium, the person podium or both, as chosen
        with right:
            st.html(podiums)


if ss["wf_presenter"]:
    st.html(projector.PRESENTER_CSS)
    presenter()
    st.caption("Volledig scherm: F11. Verder gaan doe je vanaf een ander scherm met de pincode.")
    st.button("Presentatiescherm sluiten", key="wf_presenter_off", on_click=ss.__setitem__,
              args=("wf_presenter", False))  # fmt: skip
    st.stop()

dashboard()

st.subheader("Presentatiescherm")
st.button("Presentatiescherm openen", key="wf_presenter_on", on_click=ss.__setitem__,
          args=("wf_presenter", True),
          help="Alleen het bericht, de keuzes en het podium in grote letters, met de deelcode "
          "en QR-code in de hoek; zonder zijbalk en knoppen.")  # fmt: skip

st.subheader("Exporteren")
csv_col, xlsx_col, html_col, leave_col = st.columns(4)
with csv_col:
    st.download_button(
        "Alle antwoorden (CSV)",
        data=lambda: export.for_spreadsheet(svc.report(code, pin, client=client)),
        file_name=f"workshop-{code}-antwoorden.csv",
        mime="text/csv",
        key="wf_export_csv",
        on_click="ignore",
    )
with xlsx_col:
    st.download_button(
        "Werkmap (Excel)",
        data=lambda: export_xlsx.workbook(svc.report(code, pin, client=client)),
        file_name=f"workshop-{code}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="wf_export_xlsx",
        on_click="ignore",
    )
with html_col:
    st.download_button(
        "Verslag (HTML)",
        data=lambda: export.summary_html(svc.report(code, pin, client=client)),
        file_name=f"workshop-{code}-verslag.html",
        mime="text/html",
        key="wf_export_html",
        on_click="ignore",
    )
with leave_col:
    st.button("Andere workshop", key="wf_leave", on_click=_leave)
