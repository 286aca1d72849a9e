"""Presentation: how results are shown to Dutch users, kept apart from the domain.

`sim/` and `trainer/` compute; this package names and formats what they computed, for the CLI, the
app and the HTML reports alike: one catalogue of labels (`labels`), Dutch number and date formats,
and HTML pages rendered from Jinja2 templates with autoescaping (`html`). Domain modules never
import it; the edges (CLIs, Streamlit pages, exporters) do.
"""
