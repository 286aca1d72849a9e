"""Start page: what the sandbox offers; the menu on the left leads to each part."""

import streamlit as st

from webcare_app.state import init_state

init_state()

st.title("Webcare Sandbox")
st.write(
    "Oefen met het beantwoorden van klantberichten op sociale media en reken uit hoeveel "
    "webcaremedewerkers je team nodig heeft."
)
st.markdown(
    "- **Oefenen**: beantwoord berichten zoals ze op X, Facebook of WhatsApp binnenkomen en krijg "
    "direct feedback op je keuze en je antwoord.\n"
    "- **Voortgang**: je scores door de tijd en de regels die je het vaakst overtreedt.\n"
    "- **Simulatie**: vergelijk 24/7 met kantooruren: reactietijden, wachtrij en kosten.\n"
    "- **Richtlijnen**: de beslismatrix en alle regels, met goede en foute voorbeelden."
)
st.caption("Kies links in het menu waar je wilt beginnen.")
