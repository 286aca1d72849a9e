"""Team: the team lead's view of everyone's practice, behind a team PIN.

The first team lead to open the page chooses the team PIN; after that the page asks for it,
with the workshop's limits on wrong PINs (``trainer.team_pin``). Once unlocked it shows, for the
chosen organisation type and period, the team's figures, the rules the team breaks most, and per
member their attempts, scores and weakest rules, lowest score first; both tables download as a
CSV that Dutch Excel opens as it is (``trainer.team``).

Widget keys: ``team_new_pin``, ``team_new_pin_repeat``, ``team_set_pin``, ``team_pin``,
``team_unlock``, ``team_lock``, ``team_org``, ``team_period``, ``team_download_members``,
``team_download_attempts``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import streamlit as st

from trainer.nl import amount
from trainer.rules import rule_title
from trainer.team import attempts_csv, member_stats, members_csv, team_attempts, team_rule_shares
from trainer.team_pin import TeamPinGuard, TeamPinInputError
from webcare_app import components, render, services
from webcare_app.state import database, init_state
from workshop.errors import WorkshopError

init_state()
components.dutch_widgets()

ALL_ORGS = "alle"
PERIODS: dict[str, int | None] = {  # label -> days back (None: everything)
    "Afgelopen 7 dagen": 7,
    "Afgelopen 30 dagen": 30,
    "Afgelopen 90 dagen": 90,
    "Alles": None,
}


@st.cache_resource(show_spinner=False)
def _guard(url: str) -> TeamPinGuard:
    # One guard per database; its tables are created on first use.
    return TeamPinGuard(database())


def _set_pin() -> None:
    try:
        guard.set_pin(
            st.session_state.get("team_new_pin", ""),
            st.session_state.get("team_new_pin_repeat", ""),
        )
    except TeamPinInputError as exc:
        st.session_state["team_notice"] = str(exc)
        return
    st.session_state["team_notice"] = None
    st.session_state["team_unlocked"] = True
    st.session_state["team_new_pin"] = ""
    st.session_state["team_new_pin_repeat"] = ""


def _unlock() -> None:
    try:
        guard.check(st.session_state.get("team_pin", ""), st.session_state["wf_client"])
    except (WorkshopError, TeamPinInputError) as exc:
        st.session_state["team_notice"] = str(exc)
        return
    st.session_state["team_notice"] = None
    st.session_state["team_unlocked"] = True
    st.session_state["team_pin"] = ""  # the PIN is not kept, not even in the session


def _lock() -> None:
    st.session_state["team_unlocked"] = False


st.title("Team")
guard = _guard(database().url)

if not st.session_state["team_unlocked"]:
    if not guard.is_set():
        st.write(
            "Hier zie je als teamleider hoe je team oefent. Er is nog geen teampincode: kies er "
            "nu een. Iedereen die daarna dit overzicht wil zien, heeft die pincode nodig; geef "
            "hem alleen aan andere teamleiders."
        )
        st.text_input(
            "Kies een teampincode (6 tot 12 cijfers)",
            key="team_new_pin",
            type="password",
            max_chars=12,
        )
        st.text_input("Typ de pincode nog een keer", key="team_new_pin_repeat", type="password")
        st.button("Pincode instellen", key="team_set_pin", type="primary", on_click=_set_pin)
    else:
        st.write("Dit overzicht is voor teamleiders. Vul de teampincode in.")
        st.text_input("Teampincode", key="team_pin", type="password", max_chars=12)
        st.button("Open het teamoverzicht", key="team_unlock", type="primary", on_click=_unlock)
    if st.session_state["team_notice"]:
        st.error(render.md_escape(st.session_state["team_notice"]))
    st.stop()

top, lock = st.columns([4, 1], vertical_alignment="center")
top.write("Pogingen, scores en zwakke punten van iedereen die oefent.")
lock.button("Vergrendel", key="team_lock", on_click=_lock)

org_col, period_col = st.columns(2)
org = org_col.selectbox(
    "Organisatietype",
    options=[ALL_ORGS, *services.ORG_TYPES],
    format_func=lambda o: "Alle organisatietypes" if o == ALL_ORGS else services.ORG_LABELS[o],
    key="team_org",
    placeholder="Kies een organisatietype",
)
period = period_col.selectbox(
    "Periode", options=list(PERIODS), index=1, key="team_period", placeholder="Kies een periode"
)
days = PERIODS[period]
since = None if days is None else datetime.now(UTC) - timedelta(days=days)
attempts = team_attempts(database(), org_type=None if org == ALL_ORGS else org, since=since)
members = member_stats(attempts)

if not attempts:
    st.info("Geen pogingen in deze periode en voor dit organisatietype.")
    st.stop()

c1, c2, c3 = st.columns(3)
c1.metric("Teamleden", len(members))
c2.metric("Pogingen", len(attempts))
mean = sum(a.score for a in attempts) / len(attempts)
c3.metric("Gemiddelde score", f"{mean:.0f}")

st.subheader("Regels die het team het vaakst overtreedt")
shares = team_rule_shares(attempts)
if shares:
    st.html(
        render.share_bars(
            [
                (rule_title(rule), share, f"{n} van {amount(base, 'antwoord', 'antwoorden')}")
                for rule, share, n, base in shares[:8]
            ]
        )
    )
else:
    st.success("In deze periode is geen enkele regel overtreden.")

st.subheader("Per teamlid")
st.caption("Laagste gemiddelde score eerst: wie het meest aan coaching heeft.")
for m in members:
    st.html(
        render.member_card(
            name=m.trainee,
            org=services.ORG_LABELS.get(m.org_type, m.org_type),
            facts=(
                amount(m.attempts, "poging", "pogingen"),
                f"score {m.mean_score:.0f}",
                f"{m.decisions_correct_share * 100:.0f}% goede beslissingen",
            ),
            weakest=[f"{rule_title(r)} ({share * 100:.0f}%)" for r, share in m.weakest_rules],
            last=render.dutch_datetime(m.last_attempt),
        )
    )

st.subheader("Downloaden voor Excel")
st.caption(
    "Puntkomma als scheidingsteken en decimale komma's, zodat Nederlandse Excel het bestand "
    "meteen goed opent."
)
d1, d2 = st.columns(2)
stamp = datetime.now(UTC).astimezone(render.DUTCH_TZ).strftime("%Y-%m-%d")
d1.download_button(
    "Teamleden (CSV)",
    data=members_csv(members, services.ORG_LABELS),
    file_name=f"team-{stamp}.csv",
    mime="text/csv",
    key="team_download_members",
    width="stretch",
)
d2.download_button(
    "Alle pogingen (CSV)",
    data=attempts_csv(attempts, services.ORG_LABELS),
    file_name=f"team-pogingen-{stamp}.csv",
    mime="text/csv",
    key="team_download_attempts",
    width="stretch",
)
