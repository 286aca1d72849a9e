"""Voortgang: a trainee's streak and weekly goal, how well they master each ability and when it
comes up again (from the spaced-repetition scheduler), their scores over time and the rules
they break most.

Widget keys: ``progress_name``, ``progress_lookup``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from trainer.nl import amount
from trainer.progress import RECENT_ATTEMPTS, skill_mastery, streak
from trainer.rules import rule_title
from webcare_app import charts, components, render
from webcare_app.state import current_trainee, init_state, training

init_state()
svc = training()
components.dutch_widgets()

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

now = datetime.now(UTC)
st.html(f"<div>Voortgang van <strong>{render.esc(trainee.name)}</strong></div>")
view = svc.progress(trainee)
s = view.summary
run = streak(svc.db, trainee, now)

left, right = st.columns(2)
left.metric(
    "Reeks",
    amount(run.current_days, "dag", "dagen"),
    help="Dagen achter elkaar waarop je minstens één bericht hebt geoefend.",
)
left.caption(
    ("Vandaag al geoefend. " if run.practised_today else "Oefen vandaag om je reeks te houden. ")
    + f"Langste reeks: {amount(run.best_days, 'dag', 'dagen')}."
)
right.metric("Deze week", f"{run.week_attempts} / {run.weekly_goal}")
left_to_go = max(0, run.weekly_goal - run.week_attempts)
right.progress(
    run.goal_share,
    text="Weekdoel gehaald!"
    if not left_to_go
    else f"Weekdoel: nog {amount(left_to_go, 'bericht', 'berichten')}",
)

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

st.subheader("Wat je beheerst")
st.caption(
    "Per vaardigheid de kans dat je het over een week zonder oefenen nog goed doet, volgens het "
    "herhaalschema dat je oefenberichten kiest. Wat het eerst weer aan de beurt is, komt bij "
    "Oefenen vanzelf terug."
)
mastery = skill_mastery(svc.db, trainee, now)
st.html(
    render.share_bars(
        [
            (
                m.label,
                m.retention_ahead,
                f"{render.due_text(m.next_due, now)} · {amount(m.reviews, 'keer', 'keer')} "
                f"geoefend, {amount(m.lapses, 'keer', 'keer')} fout",
            )
            for m in mastery
        ],
        colour="#2da44e",
    )
)

st.subheader("Score per poging")
st.altair_chart(charts.scores_over_time(view.over_time), width="stretch")

st.subheader("Regels die je het vaakst overtreedt")
if view.per_rule.empty:
    st.success("Je antwoorden hebben nog geen enkele regel overtreden.")
else:
    st.html(
        render.share_bars(
            [
                (
                    rule_title(row.rule),
                    row.share,
                    f"{row.times_broken} van je {amount(row.attempts, 'antwoord', 'antwoorden')}",
                )
                for row in view.per_rule.itertuples()
            ]
        )
    )
    st.caption("Uitleg en voorbeelden per regel staan op de pagina Richtlijnen.")
