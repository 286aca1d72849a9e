"""Richtlijnen: every reply rule with explanation, a good and a bad example, and its source;
and the respond-or-not decision matrix."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from webcare_app import render, services
from webcare_app.state import init_state

init_state()


@st.cache_data(show_spinner=False)
def _rulebook() -> list[services.RuleEntry]:
    return services.rulebook()


@st.cache_data(show_spinner=False)
def _matrix() -> pd.DataFrame:
    return services.decision_matrix()


st.title("Richtlijnen")
st.write(
    "Eerst beslis je óf en waar je reageert, daarna hoe. Hieronder de beslismatrix en elke regel "
    "waarop je antwoord wordt beoordeeld, met een goed en een fout voorbeeld."
)

st.subheader("Reageren of niet: de beslismatrix")
st.html(render.wrapping_table(_matrix().to_dict("records"), css_class="wc-matrix"))
st.caption(
    "Bronnen: 'Wat is webcare?' (de matrix), 'Webcare: zullen we anders gewoon even appen?' "
    "(privé en besloten kanalen) en onderzoek naar webcare-reacties (lof voor anderen)."
)

st.subheader("Regels voor je antwoord")
for entry in _rulebook():
    level = render.LEVEL_LABELS.get(entry.level, entry.level)
    with st.expander(f"{entry.title} ({level})"):
        st.html(render.plain_block(entry.explanation, css_class="wc-explanation"))
        st.markdown("**Goed voorbeeld**")
        st.html(render.highlight_draft(entry.good, []))
        st.markdown("**Fout voorbeeld**")
        st.html(render.highlight_draft(entry.bad, entry.bad_alerts))
        st.html(render.alert_list(entry.bad_alerts))
        st.html(
            render.plain_block(
                f"Bron: {entry.source} · regel-id: {entry.id}", css_class="wc-source"
            )
        )
