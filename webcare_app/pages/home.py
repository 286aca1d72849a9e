"""Start page: what the sandbox offers; the navigation menu leads to each part."""

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
    "- **Richtlijnen**: de beslismatrix en alle regels, met goede en foute voorbeelden.\n"
    "- **Workshop leiden**: start als trainer een workshop met een deelcode en bespreek de "
    "antwoorden van de groep.\n"
    "- **Workshop meedoen**: doe met de deelcode van je trainer mee aan een workshop."
)
st.caption(
    "Kies in het menu waar je wilt beginnen. Op een telefoon open je het menu met het "
    "pictogram linksboven."
)
