"""Entry point of the Streamlit app: only routes to the pages."""

import streamlit as st

pages = [st.Page("webcare_app/pages/home.py", title="Start", icon=":material/home:", default=True)]
st.navigation(pages).run()
