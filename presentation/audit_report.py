"""The audit report as a page: which rubric rules the team breaks, and the worst replies.

``trainer.audit`` scores a month of real replies into a flat record (``AuditReport``); this
module shows it as one self-contained HTML page (``templates/audit_report.html.j2``): per rule
how many replies broke it with examples, the worst replies with the spots the rules point at
marked (``presentation.highlight``, the same marking as the practice page), and the rows that
could not be scored. Every text from the log is escaped by the template.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from presentation.highlight import highlight
from presentation.html import render
from trainer.audit import AuditReport, ScoredReply, counts_text

TEMPLATE = "audit_report.html.j2"


def _marked_reply(reply: ScoredReply, levels: Mapping[str, str]) -> Markup:
    """The reply with its alerts marked; an alert about the whole reply marks nothing, so the
    spots a rule points at stand out in a table of many replies."""
    alerts = [
        {"rule": rule, "start": start, "end": end, "level": levels.get(rule, ""), "message": rule}
        for rule, start, end in reply.alerts
    ]
    return highlight(reply.reply, alerts, mark_whole_text=False)


def context(report: AuditReport) -> dict[str, Any]:
    """Everything the template shows, as plain values."""
    mean = report.mean_score
    levels = {s.rule: s.level for s in report.rules}
    return {
        "source": report.source,
        "counts": counts_text(report),
        "mean": None if mean is None else f"{mean:.0f}",
        "notes": list(report.notes),
        "rules": [
            {
                "rule": s.rule,
                "level": s.level,
                "replies": s.replies,
                "share": f"{s.share:.0%}",
                "alerts": s.alerts,
                "message": s.message,
                "examples": list(s.examples),
            }
            for s in report.rules
        ],
        "worst": [
            {
                "line": r.line,
                "id": r.id,
                "date": r.date,
                "agent": r.agent,
                "channel": r.channel,
                "score": r.score,
                "rules": ", ".join(dict.fromkeys(r.rules)),
                "reply": _marked_reply(r, levels),
            }
            for r in report.worst()
        ],
        "errors": [e.message for e in report.errors],
    }


def render_html(report: AuditReport) -> str:
    """A self-contained HTML page (no external files); every text from the log is escaped."""
    return render(TEMPLATE, **context(report))


__all__ = ["context", "render_html"]
