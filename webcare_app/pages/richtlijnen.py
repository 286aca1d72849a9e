"""Richtlijnen: the respond-or-not decision matrix, and every reply rule with explanation, a good
and a bad example, and its source, grouped by what the rule judges (tone, content, form).

On a phone the matrix is a card per cell and the rules are closed sections, so the page stays
short; a search box narrows the rules to those that mention a word.

Widget keys: ``rules_search``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from trainer.skills import RULE_GROUP_LABELS, rule_group
from webcare_app import components, render, services
from webcare_app.state import init_state

init_state()
components.dutch_widgets()


@st.cache_data(show_spinner=False)
def _rulebook() -> list[services.RuleEntry]:
    return services.rulebook()


@st.cache_data(show_spinner=False)
def _matrix() -> pd.DataFrame:
    return services.decision_matrix()


def _matches(entry: services.RuleEntry, words: list[str]) -> bool:
    """Every search word occurs in the rule's title, message, explanation or examples."""
    haystack = " ".join(
        (entry.title, entry.message, entry.explanation, entry.good, entry.bad, entry.source)
    ).casefold()
    return all(word in haystack for word in words)


st.title("Richtlijnen")
st.write(
    "Eerst beslis je óf en waar je reageert, daarna hoe. Hieronder de beslismatrix en elke regel "
    "waarop je antwoord wordt beoordeeld, met een goed en een fout voorbeeld."
)

st.subheader("Reageren of niet: de beslismatrix")
st.html(render.matrix_cards(_matrix().to_dict("records")))
st.caption(
    "Bronnen: 'Wat is webcare?' (de matrix), 'Webcare: zullen we anders gewoon even appen?' "
    "(privé en besloten kanalen) en onderzoek naar webcare-reacties (lof voor anderen)."
)

st.subheader("Regels voor je antwoord")
query = st.text_input(
    "Zoek in de regels",
    key="rules_search",
    placeholder="Bijvoorbeeld: excuses, privé, emoji",
)
words = query.casefold().split()
entries = [e for e in _rulebook() if _matches(e, words)]
if not entries:
    st.info("Geen regel gevonden met die woorden. Probeer een ander woord.")
for group, group_label in RULE_GROUP_LABELS.items():
    in_group = [e for e in entries if rule_group(e.id) == group]
    if not in_group:
        continue
    st.markdown(f"#### {group_label}")
    for entry in in_group:
        level = render.LEVEL_LABELS.get(entry.level, entry.level)
        # A search opens what it found: the trainee came for that text.
        with st.expander(f"{entry.title} ({level})", expanded=bool(words)):
            st.html(render.plain_block(entry.explanation, css_class="wc-explanation"))
            st.markdown("**Goed voorbeeld**")
            st.html(render.highlight_draft(entry.good, []))
            st.markdown("**Fout voorbeeld**")
            st.html(render.highlight_draft(entry.bad, entry.bad_alerts))
            st.html(render.alert_list(entry.bad_alerts))
            st.html(render.plain_block(f"Bron: {entry.source}", css_class="wc-source"))
