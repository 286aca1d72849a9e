"""Start page: what the sandbox offers, each part a link to its page."""

import streamlit as st

from webcare_app import components
from webcare_app.state import init_state

init_state()
components.dutch_widgets()

# (page file, menu title, icon, what it offers): the titles match the router's menu.
PARTS = (
    (
        "webcare_app/pages/oefenen.py",
        "Oefenen",
        ":material/edit_note:",
        "Beantwoord berichten zoals ze op X, Facebook of WhatsApp binnenkomen en krijg direct "
        "feedback op je keuze en je antwoord.",
    ),
    (
        "webcare_app/pages/voortgang.py",
        "Voortgang",
        ":material/trending_up:",
        "Je reeks, je weekdoel, hoe goed je elke vaardigheid beheerst en wat je binnenkort "
        "herhaalt.",
    ),
    (
        "webcare_app/pages/richtlijnen.py",
        "Richtlijnen",
        ":material/menu_book:",
        "De beslismatrix en alle regels, met goede en foute voorbeelden.",
    ),
    (
        "webcare_app/pages/team.py",
        "Team",
        ":material/groups_3:",
        "Voor teamleiders: pogingen, scores en zwakke punten van het hele team, met export.",
    ),
    (
        "webcare_app/pages/simulatie.py",
        "Simulatie",
        ":material/query_stats:",
        "Vergelijk 24/7 met kantooruren: reactietijden, wachtrij en kosten.",
    ),
    (
        "webcare_app/pages/eigen_gegevens.py",
        "Eigen gegevens",
        ":material/upload_file:",
        "Lees de export van je webcaretool in en krijg een profiel en een prognose voor de "
        "simulatie.",
    ),
    (
        "webcare_app/pages/workshop_facilitator.py",
        "Workshop leiden",
        ":material/co_present:",
        "Start als trainer een workshop met een deelcode en bespreek de antwoorden van de groep.",
    ),
    (
        "webcare_app/pages/workshop_participant.py",
        "Workshop meedoen",
        ":material/groups:",
        "Doe met de deelcode van je trainer mee aan een workshop.",
    ),
)

st.title("Webcare Sandbox")
st.write(
    "Oefen met het beantwoorden van klantberichten op sociale media en reken uit hoeveel "
    "webcaremedewerkers je team nodig heeft."
)
for path, title, icon, what in PARTS:
    components.page_link(path, title, icon)
    st.caption(what)
st.caption(
    "Je vindt dezelfde pagina's ook in het menu. Op een telefoon open je het menu met het "
    "pictogram linksboven."
)
