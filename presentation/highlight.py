"""Marking where a reply breaks the rubric: the reply as safe HTML with every alert span marked.

The scorer reports each alert with a span: character offsets into the reply (Python string
indices, end exclusive). The practice page shows a trainee's draft with those spans marked, and
the audit report shows the worst real replies the same way; both call ``highlight``.

Overlapping alerts (a spelling error inside a jargon word): the text is cut at every span
boundary and each piece is marked once, with all alerts that cover it: its tooltip lists their
messages, ``data-rules`` their rule ids and its colour is the worst level among them. So no
character is marked twice and no alert is lost. Spans reaching outside the text are clipped to
it; empty spans mark nothing (the alert is still listed beside the text). An alert about the
reply as a whole (span 0..len, "te lang", "geen afsluiting") marks every character; a caller that
only wants the spots pointed at (the audit's table of worst replies) passes
``mark_whole_text=False``.

All text is escaped: a reply containing ``<script>`` shows those characters and runs nothing.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

LEVEL_COLOURS: Mapping[str, str] = {  # background of a marked piece, by the worst level in it
    "error": "#ffc9c9",
    "warning": "#ffe8a3",
    "suggestion": "#d3ecff",
}
LEVEL_ORDER: tuple[str, ...] = ("error", "warning", "suggestion")  # worst first


def _worst(levels: Sequence[str]) -> str:
    for level in LEVEL_ORDER:
        if level in levels:
            return level
    return LEVEL_ORDER[-1]


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def multiline(text: str) -> Markup:
    """Text as HTML, escaped, its line breaks kept as ``<br>``."""
    return Markup(_attr(text).replace("\n", "<br>"))


def _spans(
    text: str, alerts: Sequence[Mapping[str, Any]], mark_whole_text: bool
) -> list[tuple[int, int, Mapping[str, Any]]]:
    n = len(text)
    spans = []
    for alert in alerts:
        start = max(0, min(n, int(alert.get("start", 0))))
        end = max(start, min(n, int(alert.get("end", 0))))
        if end > start and (mark_whole_text or end - start < n):
            spans.append((start, end, alert))
    return spans


def highlight(
    text: str, alerts: Sequence[Mapping[str, Any]], *, mark_whole_text: bool = True
) -> Markup:
    """``text`` as HTML with every alert span in a ``<mark>`` (see the module docstring).

    ``alerts`` are mappings with ``start`` and ``end`` and optionally ``rule``, ``level`` and
    ``message``, as the scorer returns them.
    """
    spans = _spans(text, alerts, mark_whole_text)
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    parts: list[str] = []
    for a, b in itertools.pairwise(cuts):
        piece = multiline(text[a:b])
        covering = [alert for s, e, alert in spans if s <= a and b <= e]
        if not covering:
            parts.append(piece)
            continue
        level = _worst([str(c.get("level", "")) for c in covering])
        tip = " | ".join(str(c.get("message", "")) for c in covering)
        rules = " ".join(str(c.get("rule", "")) for c in covering)
        parts.append(
            f'<mark title="{_attr(tip)}" data-rules="{_attr(rules)}" '
            f'style="background:{LEVEL_COLOURS[level]};border-radius:3px;padding:0 1px">'
            f"{piece}</mark>"
        )
    return Markup("".join(parts))


__all__ = ["LEVEL_COLOURS", "LEVEL_ORDER", "highlight", "multiline"]
