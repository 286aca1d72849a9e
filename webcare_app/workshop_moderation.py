"""The workshop pages' controls for team mode, removing participants and +1 reactions.

Kept apart from the two page files (each near the project's ~600-line limit); every function
draws into the page where it is called, with stable widget keys:

- creating (facilitator): ``wf_teams_on`` (toggle), ``wf_team_names`` (one name a line),
  ``wf_team_mode`` (participants pick, or assigned automatically);
- the dashboard (facilitator): ``wf_remove_who``, ``wf_remove_confirm`` and ``wf_remove``
  ("Verwijderen", only once confirmed), ``wf_restore_who`` and ``wf_restore`` ("Terugzetten",
  undoing a removal); the team podium with ``wf_podium_choice`` (which podium
  the presenter view shows: teams, people or both, kept with the workshop);
- joining (participant): ``wp_team`` (the team to play for, in team mode "pick");
- the wall (participant): ``wp_react_<answer id>`` ("+1"), disabled on one's own answer and
  once given.

Participant text (names, team names) reaches the screen only through ``render``'s escaping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from webcare_app import render, services
from webcare_app import workshop_projector as projector
from workshop.errors import WorkshopError
from workshop.records import Dashboard, Participant, ParticipantStatus, WallEntry
from workshop.security import JOIN_CODE_LENGTH, normalise_code
from workshop.teams import MODE_LABELS

ss = st.session_state
# A selectbox's search box shows this when emptied; Streamlit's own is "Choose an option".
PICK_PERSON = "Kies een deelnemer"


def team_settings() -> None:
    """The team switch and names in the facilitator's creation form."""
    st.toggle("Teams (bijvoorbeeld de vestigingen van een netwerk)", key="wf_teams_on")
    if ss.get("wf_teams_on"):
        st.text_area("Teamnamen, één per regel", key="wf_team_names", height=120,
                     placeholder="Centrale\nNoord\nZuid")  # fmt: skip
        st.radio("Indeling", options=list(MODE_LABELS), format_func=MODE_LABELS.__getitem__,
                 key="wf_team_mode", horizontal=True)  # fmt: skip


def team_arguments() -> dict[str, Any]:
    """``create_workshop``'s team arguments from the form ({} with teams off)."""
    if not ss.get("wf_teams_on"):
        return {}
    names = [n for n in str(ss.get("wf_team_names") or "").splitlines() if n.strip()]
    return {"teams": names or ["", ""], "team_mode": ss.get("wf_team_mode") or "pick"}


def remove_panel(
    board: Dashboard,
    act: Callable[..., None],
    remove: Callable[..., Any],
    restore: Callable[..., Any],
) -> None:
    """Remove a participant, after a confirmation tick; restore one removed by mistake (the
    last one removed comes first, so undoing is one click)."""
    names = {p.id: _label(p) for p in board.participants}
    with st.expander("Deelnemer verwijderen"):
        if names:
            st.caption("Zijn of haar antwoorden verdwijnen van de muur, het podium, de cijfers "
                       "en de export; meedoen met dezelfde link kan niet meer.")  # fmt: skip
            who = st.selectbox("Deelnemer", options=list(names), format_func=names.__getitem__,
                               placeholder=PICK_PERSON, key="wf_remove_who")  # fmt: skip
            sure = st.checkbox("Zeker weten", key="wf_remove_confirm")
            st.button("Verwijderen", key="wf_remove", disabled=not sure or who is None,
                      on_click=_remove, args=(act, remove))  # fmt: skip
        if board.removed:
            gone = {p.id: _label(p) for p in board.removed}
            st.caption("De verkeerde verwijderd? Zet hem of haar terug: de antwoorden zijn "
                       "bewaard en tellen weer mee.")  # fmt: skip
            st.selectbox("Verwijderd", options=list(gone), format_func=gone.__getitem__,
                         placeholder=PICK_PERSON, key="wf_restore_who")  # fmt: skip
            st.button("Terugzetten", key="wf_restore", on_click=_restore, args=(act, restore))


def _label(p: Participant | ParticipantStatus) -> str:
    return p.display_name + (f" ({p.team})" if p.team else "")


def _remove(act: Callable[..., None], remove: Callable[..., Any]) -> None:
    who = ss.get("wf_remove_who")
    if who is not None and ss.get("wf_remove_confirm"):
        act(remove, int(who))
    ss["wf_remove_confirm"] = False  # the next removal asks again
    # Both lists change: each selectbox starts again at its first option (the one just
    # removed is first among the removed).
    for key in ("wf_remove_who", "wf_restore_who"):
        ss.pop(key, None)


def _restore(act: Callable[..., None], restore: Callable[..., Any]) -> None:
    who = ss.get("wf_restore_who")
    if who is not None:
        act(restore, int(who))
    for key in ("wf_remove_who", "wf_restore_who"):
        ss.pop(key, None)


def team_podium(board: Dashboard, act: Callable[..., None], set_choice: Callable[..., Any]) -> None:
    """The team podium, and which podium the presenter view shows. The choice is the
    workshop's (``WorkshopService.set_podium_choice``), not this browser session's: a presenter
    view on another device shows it too. The radio is set from the workshop on every refresh,
    so a choice made on another dashboard shows here as well."""
    if board.team_podium is None:
        return
    st.subheader(projector.TEAM_PODIUM_HEAD)
    st.caption(projector.TEAM_PODIUM_NOTE)
    st.html(projector.podium_html(board.team_podium, css_class="wc-team-podium"))
    ss["wf_podium_choice"] = board.workshop.podium_choice
    st.radio("Podium op het presentatiescherm", options=list(projector.PODIUM_CHOICES),
             format_func=projector.PODIUM_CHOICES.__getitem__, key="wf_podium_choice",
             horizontal=True, on_change=_keep_podium_choice, args=(act, set_choice))  # fmt: skip


def _keep_podium_choice(act: Callable[..., None], set_choice: Callable[..., Any]) -> None:
    act(set_choice, ss.get("wf_podium_choice") or projector.PODIUM_DEFAULT)


def reactions_caption(entry: WallEntry) -> None:
    if entry.reactions:
        st.caption(f"+1 van {entry.reactions}")


def join_team_picker(svc: Any, code: str) -> None:
    """The team to play for, once the code is complete and the workshop lets people pick."""
    if len(normalise_code(code)) != JOIN_CODE_LENGTH:
        return
    try:
        teams = svc.join_teams(code, client=ss["wf_client"])
    except WorkshopError:
        return  # the join itself says what is wrong with the code
    if teams:
        st.selectbox("Je team", options=list(teams), index=None, placeholder="Kies je team",
                     key="wp_team")  # fmt: skip


def wall_with_reactions(svc: Any, entries: tuple[WallEntry, ...]) -> None:
    """The revealed answers with a +1 button each (not on one's own, once per answer)."""
    for entry in entries:
        card, button = st.columns([5, 1], vertical_alignment="center")
        with card:
            st.html(render.wall_card(services.DECISION_LABELS[entry.decision], entry.reply))
        with button:
            label = f"+1 · {entry.reactions}" if entry.reactions else "+1"
            st.button(label, key=f"wp_react_{entry.answer_id}", on_click=_react,
                      args=(svc, entry.answer_id), disabled=entry.own or entry.reacted,
                      help="Je eigen antwoord" if entry.own else None)  # fmt: skip


def _react(svc: Any, answer_id: int) -> None:
    try:
        svc.react(ss["wp_code"], ss["wp_token"], answer_id)
    except WorkshopError as exc:
        ss["wp_notice"] = str(exc)
