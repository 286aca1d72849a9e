"""Eigen gegevens: a manager uploads the export of their webcare tool and gets a fitted profile.

The page shows what was fitted (volume, channel mix, response times now), the fitted week over
the history's own mean week, the forecast of the coming weeks with each method's backtest error,
and the profile to download for ``webcare-sim run`` or the Simulatie page's own copy.

Widget keys: ``own_upload``, ``own_base``, ``own_name``, ``own_mapping``, ``own_fit``,
``own_download``, ``own_week``, ``own_download_week``.
"""

from __future__ import annotations

import streamlit as st

from webcare_app import owndata, render, services
from webcare_app.state import init_state

init_state()

# Streamlit's upload box has English texts of its own; these rules replace them by Dutch ones
# (the texts are CSS content, so nothing the manager uploads is ever placed in them).
st.html(
    """<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > span,
[data-testid="stFileUploaderDropzoneInstructions"] > div > small { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::before {
  content: "Sleep je export hierheen: .csv of .xlsx, hoogstens 50 MB"; }
[data-testid="stFileUploaderDropzone"] > span > button [data-testid="stMarkdownContainer"] p {
  font-size: 0; }
[data-testid="stFileUploaderDropzone"] > span > button
  [data-testid="stMarkdownContainer"] p::after {
  content: "Kies bestand"; font-size: 1rem; }
[data-testid="stFileChipName"] + div { display: none; }
</style>"""
)

st.title("Eigen gegevens")
st.write(
    "Gebruik je eigen cijfers in plaats van de schattingen: upload de export van berichten uit "
    "je webcaretool (een CSV uit Excel, ook met puntkomma's, of een .xlsx; één regel per "
    "bericht met in elk geval het moment van binnenkomst). Wat de export niet bevat, neemt het "
    "profiel over van een basisprofiel en blijft een schatting."
)

names = services.profile_names()
with st.form("own_form", border=False):
    st.file_uploader("Export van berichten", type=["csv", "txt", "xlsx", "xlsm"], key="own_upload")
    left, right = st.columns(2)
    left.selectbox(
        "Basisprofiel (voor wat de export niet bevat)",
        options=names,
        index=names.index("telecom") if "telecom" in names else 0,
        format_func=lambda n: services.profile_overview(n).title,
        key="own_base",
    )
    right.text_input(
        "Naam van je profiel",
        value="mijn-organisatie",
        max_chars=40,
        key="own_name",
        help="Kleine letters, cijfers en streepjes.",
    )
    with st.expander("Kolommen met een eigen naam"):
        st.text_area(
            "Eén per regel: VELD=KOLOM",
            key="own_mapping",
            placeholder="created_at=Datum binnengekomen\nchannel=Bron",
            help=(
                "Velden: created_at, channel, kind, answered, first_response, resolved, "
                "handling, agent, conversation. Alleen nodig als een kolom niet herkend wordt."
            ),
        )
    submitted = st.form_submit_button("Profiel fitten", key="own_fit", type="primary")

if submitted:
    upload = st.session_state.get("own_upload")
    if upload is None:
        st.session_state["own_outcome"] = None
        st.session_state["own_error"] = "Kies eerst een export om te uploaden."
    else:
        try:
            with st.spinner("Export lezen en profiel fitten…"):
                fitted = owndata.fit_upload(
                    upload.getvalue(),
                    upload.name,
                    base=st.session_state["own_base"],
                    name=st.session_state["own_name"],
                    mapping=owndata.parse_mapping(st.session_state.get("own_mapping", "")),
                )
        except owndata.OwnDataError as exc:
            st.session_state["own_outcome"] = None
            st.session_state["own_error"] = str(exc)
        else:
            st.session_state["own_outcome"] = fitted
            st.session_state["own_error"] = None

if st.session_state.get("own_error"):
    st.error(st.session_state["own_error"])

outcome: owndata.FitOutcome | None = st.session_state.get("own_outcome")
if outcome is not None:
    fit = outcome.fit
    st.success(
        f"{outcome.file}: profiel {outcome.profile.name} gefit uit "
        f"{owndata.number(fit.messages, 0)} berichten."
    )
    if outcome.problems:
        st.warning(
            f"{owndata.number(len(outcome.problems), 0)} regel(s) of waarde(n) niet gelezen; "
            "de rest is wel gebruikt.\n\n" + "\n\n".join(owndata.problem_lines(outcome))
        )
    st.subheader("Wat uit je export komt")
    # wrapping HTML tables: st.dataframe cuts the second column off on a phone
    st.html(render.wrapping_table(owndata.fit_rows(fit).to_dict("records")))
    st.subheader("Je week: export tegen het gefitte profiel")
    st.altair_chart(owndata.week_chart(outcome.week), use_container_width=True)
    st.caption(
        "Gemiddeld aantal nieuwe gesprekken per uur in de volle weken van je export "
        "(incidentdagen vervangen door een gewone dag) en wat het profiel verwacht."
    )
    st.subheader("De komende weken")
    if outcome.forecast is None:
        st.info(outcome.forecast_note or "Geen voorspelling mogelijk.")
    else:
        st.html(render.wrapping_table(owndata.forecast_rows(outcome.forecast).to_dict("records")))
        st.caption(owndata.backtest_line(outcome.forecast))
        choices = owndata.week_choices(outcome.forecast)
        week = st.selectbox(
            "Reken met een voorspelde week",
            options=list(choices),
            format_func=choices.__getitem__,
            key="own_week",
            help="Het profiel krijgt het volume en weekpatroon van die week (methode met de "
            "laagste fout); de rest blijft zoals gefit.",
        )
        week_file, week_text = owndata.forecast_week_yaml(outcome, int(week))
        st.download_button(
            "Download het profiel van die week (.yaml)",
            data=week_text.encode("utf-8"),
            file_name=week_file,
            mime="application/x-yaml",
            key="own_download_week",
        )
    st.download_button(
        "Download het profiel (.yaml)",
        data=outcome.yaml_text.encode("utf-8"),
        file_name=f"{outcome.profile.name}.yaml",
        mime="application/x-yaml",
        key="own_download",
    )
    st.caption(
        f"Zet het bestand bij je profielen en reken ermee: webcare-sim run "
        f"{outcome.profile.name}.yaml. Wat nog een schatting is, staat in het bestand onder "
        "sources."
    )
