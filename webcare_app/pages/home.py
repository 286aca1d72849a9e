"""Start page: what the sandbox offers."""

import streamlit as st

st.title("Webcare Sandbox")
st.write(
    "Oefen met het beantwoorden van klantberichten op sociale media en reken uit hoeveel "
    "webcaremedewerkers je team nodig heeft."
)
