"""Voortgang: a trainee's scores over time and the rules they break most, as charts.

Widget keys: ``progress_name``, ``progress_lookup``.
"""

from __future__ import annotations

import streamlit as st

from trainer.progress import RECENT_ATTEMPTS
from webcare_app import charts, render
from webcare_app.state import current_trainee, init_state, training

init_state()
svc = training()

st.title("Voortgang")

trainee = current_trainee()
if trainee is None:
    st.write("Je hebt in deze sessie nog niet geoefend. Zoek je voortgang op met je naam.")
    st.text_input("Je naam", key="progress_name", max_chars=80)
    if st.button("Toon voortgang", key="progress_lookup"):
        found = svc.find_trainee(st.session_state.get("progress_name", ""))
        if found is None:
            st.warning("Geen oefenaar met die naam gevonden. Begin op de pagina Oefenen.")
        else:
            st.session_state["trainee"] = found
            st.rerun()
    st.stop()

st.html(f"<div>Voortgang van <strong>{render.esc(trainee.name)}</strong></div>")
view = svc.progress(trainee)
s = view.summary
c1, c2, c3, c4 = st.columns(4)
c1.metric("Pogingen", s.attempts)
c2.metric("Gemiddelde score", "–" if s.mean_score is None else f"{s.mean_score:.0f}")
recent_delta = None
# Up to RECENT_ATTEMPTS attempts the last ten are all attempts: nothing to compare yet.
if s.attempts > RECENT_ATTEMPTS and s.recent_mean_score is not None and s.mean_score is not None:
    difference = round(s.recent_mean_score - s.mean_score)
    if difference:
        recent_delta = f"{difference:+d} t.o.v. gemiddeld"
c3.metric(
    f"Laatste {RECENT_ATTEMPTS}",
    "–" if s.recent_mean_score is None else f"{s.recent_mean_score:.0f}",
    delta=recent_delta,
)
c4.metric(
    "Goede beslissingen",
    "–" if s.decisions_correct_share is None else f"{s.decisions_correct_share:.0%}",
)

if view.over_time.empty:
    st.info("Nog geen pogingen. Oefen een bericht op de pagina Oefenen.")
    st.stop()

st.subheader("Score per poging")
st.altair_chart(charts.scores_over_time(view.over_time), width="stretch")

st.subheader("Regels die je het vaakst overtreedt")
if view.per_rule.empty:
    st.success("Je antwoorden hebben nog geen enkele regel overtreden.")
else:
    st.altair_chart(charts.rules_broken(view.per_rule), width="stretch")
    st.caption("Uitleg en voorbeelden per regel staan op de pagina Richtlijnen.")
