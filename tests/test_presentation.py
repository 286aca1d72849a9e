"""The presentation layer: one name per KPI, one draft highlighter, templates that escape."""

from __future__ import annotations

import re
from typing import Any

import pytest

from presentation import labels
from presentation.coverage_report import json_for_script
from presentation.highlight import LEVEL_COLOURS, highlight
from presentation.html import render
from sim.kpis import Kpis
from sim.spec import SlaTarget
from sim.targets import describe, parse_target

# --- the catalogue --------------------------------------------------------------------------


def test_every_kpi_the_simulation_reports_has_a_dutch_name() -> None:
    keys = [name for name in Kpis.__dataclass_fields__ if name != "sla"]
    missing = [key for key in keys if key not in labels.KPIS]
    assert not missing, f"no Dutch name in presentation.labels for {missing}"
    names = [k.label for k in labels.KPIS.values()]
    assert len(names) == len(set(names)), "two KPIs under one name"


def test_one_name_for_the_backlog_and_response_times_say_they_cover_answered_only() -> None:
    for key in ("backlog_mean", "backlog_max", "backlog_monday_0900"):
        assert labels.kpi_label(key)[0].startswith("Wachtrij"), key
    assert not any("Werkvoorraad" in k.label for k in labels.KPIS.values())
    for key, entry in labels.KPIS.items():
        assert key.startswith("first_response_") == entry.label.endswith(labels.ANSWERED_ONLY)


def _target(text: str) -> SlaTarget:
    return parse_target(text)


def test_sla_figures_are_named_by_their_promise() -> None:
    target = _target("first_response<=60min:90%")
    key = f"sla_{target.name}_attainment"
    label, unit = labels.kpi_label(key, [target])
    assert label == f"SLA {describe(target)}: gehaald" == labels.sla_attainment_label(target)
    assert unit == "percent"
    assert labels.kpi_label(f"sla_{target.name}_breached", [target]) == (
        f"SLA {describe(target)}: te laat (aantal)",
        "count",
    )
    # without its target the key still reads as an SLA figure, never as a bare key
    assert labels.kpi_label("sla_reactie-1u_attainment") == ("SLA reactie-1u: gehaald", "percent")
    assert labels.kpi_label("something_new") == ("something_new", "number")
    for metric, word in labels.SLA_METRIC_LABELS.items():
        assert describe(_target(f"{metric}<=1h:80%")).startswith(word)


def test_coverage_channel_decision_and_level_names() -> None:
    assert labels.coverage_label("24-7") == "24/7"
    assert labels.coverage_label("night-owls") == "night-owls"
    assert labels.channel_label("x") == "X (Twitter)"
    assert labels.decision_label("none") == "Niet reageren"
    assert labels.level_label("error") == "fout"
    assert set(labels.LEVEL_LABELS) == set(LEVEL_COLOURS)


# --- the highlighter ------------------------------------------------------------------------


def _alert(
    start: int, end: int, rule: str = "r", level: str = "warning", msg: str = "m"
) -> dict[str, Any]:
    return {"rule": rule, "level": level, "message": msg, "start": start, "end": end}


def _marked(html: str) -> list[str]:
    return re.findall(r"<mark [^>]*>(.*?)</mark>", html)


def test_overlapping_alerts_are_cut_into_pieces_each_marked_once() -> None:
    text = "abcdefghij"
    html = highlight(text, [_alert(0, 6, "a", "suggestion"), _alert(4, 10, "b", "error")])
    assert _marked(html) == ["abcd", "ef", "ghij"]
    assert re.sub(r"<[^>]+>", "", html) == text  # nothing doubled, nothing lost
    pieces = re.findall(
        r'<mark title="([^"]*)" data-rules="([^"]*)" style="background:([^;]*)', html
    )
    assert pieces == [
        ("m", "a", LEVEL_COLOURS["suggestion"]),
        ("m | m", "a b", LEVEL_COLOURS["error"]),  # the worst level of the two colours it
        ("m", "b", LEVEL_COLOURS["error"]),
    ]
    # a span inside another
    assert _marked(highlight(text, [_alert(0, 10, "a"), _alert(3, 5, "b")])) == [
        "abc",
        "de",
        "fghij",
    ]


def test_offsets_at_the_edges_of_the_text() -> None:
    text = "hallo"
    assert _marked(highlight(text, [_alert(0, 1)])) == ["h"]
    assert _marked(highlight(text, [_alert(4, 5)])) == ["o"]
    assert _marked(highlight(text, [_alert(3, 99), _alert(-4, 1)])) == ["h", "lo"]  # clipped
    assert _marked(highlight(text, [_alert(5, 9), _alert(2, 2), _alert(4, 3)])) == []  # empty
    assert _marked(highlight(text, [_alert(0, 5)])) == ["hallo"]
    assert _marked(highlight(text, [_alert(0, 5)], mark_whole_text=False)) == []
    assert _marked(highlight(text, [_alert(0, 5), _alert(1, 2)], mark_whole_text=False)) == ["a"]
    assert highlight("", [_alert(0, 0)]) == ""


def test_a_reply_with_markup_stays_text() -> None:
    reply = "<script>alert('x')</script> & \"zo\"\nregel twee"
    html = highlight(reply, [_alert(0, 8, msg='<b>"x"</b>', rule="<i>")])
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert _marked(html) == ["&lt;script&gt;"]
    assert "&amp; &quot;zo&quot;<br>regel twee" in html
    # the result is safe markup: a template shows it as it is, without escaping it twice
    assert "&amp;lt;" not in str(render("audit_report.html.j2", **_audit_context(html)))


def _audit_context(reply_html: Any) -> dict[str, Any]:
    return {
        "source": "<x>.csv",
        "counts": "1 antwoord beoordeeld, 0 rijen overgeslagen",
        "mean": "50",
        "notes": [],
        "rules": [],
        "worst": [
            {"line": 2, "id": "1", "date": "", "agent": "<b>A</b>", "channel": "x", "score": 50,
             "rules": "r", "reply": reply_html}
        ],
        "errors": [],
    }  # fmt: skip


def test_templates_escape_every_text() -> None:
    page = render("audit_report.html.j2", **_audit_context("<plain text>"))
    assert "<b>A</b>" not in page and "&lt;b&gt;A&lt;/b&gt;" in page
    assert "&lt;x&gt;.csv" in page and "&lt;plain text&gt;" in page


@pytest.mark.parametrize("hostile", ["</script><script>alert(1)</script>", "<!--", "a & b"])
def test_chart_specs_cannot_end_their_script_element(hostile: str) -> None:
    text = json_for_script({"title": hostile})
    assert "<" not in text and ">" not in text and "&" not in text
