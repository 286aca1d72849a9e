"""Entry point of the Streamlit app: only routes to the pages."""

import streamlit as st

from webcare_app.state import init_state, warm_up_in_background

st.set_page_config(page_title="Webcare Sandbox", page_icon=":material/forum:", layout="wide")
init_state()

pages = [
    st.Page("webcare_app/pages/home.py", title="Start", icon=":material/home:", default=True),
    st.Page("webcare_app/pages/oefenen.py", title="Oefenen", icon=":material/edit_note:"),
    st.Page("webcare_app/pages/voortgang.py", title="Voortgang", icon=":material/trending_up:"),
    st.Page("webcare_app/pages/simulatie.py", title="Simulatie", icon=":material/query_stats:"),
    st.Page(
        "webcare_app/pages/eigen_gegevens.py",
        title="Eigen gegevens",
        icon=":material/upload_file:",
        url_path="eigen-gegevens",
    ),
    st.Page("webcare_app/pages/richtlijnen.py", title="Richtlijnen", icon=":material/menu_book:"),
    st.Page("webcare_app/pages/team.py", title="Team", icon=":material/groups_3:"),
    st.Page(
        "webcare_app/pages/workshop_facilitator.py",
        title="Workshop leiden",
        icon=":material/co_present:",
        url_path="workshop",
    ),
    st.Page(
        "webcare_app/pages/workshop_participant.py",
        title="Workshop meedoen",
        icon=":material/groups:",
        url_path="meedoen",
    ),
]
try:
    st.navigation(pages).run()
finally:
    # After the page: the first visitor sees it at once, the heavy modules load meanwhile. In
    # a finally, because the join and PIN forms end their run early with st.stop().
    warm_up_in_background()
