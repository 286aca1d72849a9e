"""Waiting for a Streamlit page in Chromium to be drawn, on a condition instead of a fixed pause.

A browser test used to sleep a fixed 300-1500 ms after each click or resize "to let the page
redraw". That costs the full pause every time, and is still too short when the machine is busy.
Here the page counts as drawn when Streamlit shows no run (no greyed, stale element and no
running indicator) and the layout has not changed for a quiet spell: the main box's size, the
number of elements and the size of every chart's canvas or svg (Vega redraws a chart after a
resize) were the same on every animation frame for ``quiet_ms``. On an idle machine that is a
little over the quiet spell; on a loaded one it waits as long as the page keeps moving.
"""

from __future__ import annotations

import itertools
from typing import Any

QUIET_MS = 250  # no change in the layout for this long: the run and the redraw are done

# One measure of what a redraw changes; a new ``token`` starts a fresh quiet spell.
_QUIET_JS = """([token, quietMs]) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const running = !!document.querySelector('[data-stale="true"]') ||
    !!document.querySelector('[data-testid="stStatusWidget"]');
  const charts = [...document.querySelectorAll('canvas, svg.marks')].map(
    (c) => c.width + 'x' + c.height + ':' + Math.round(c.getBoundingClientRect().width));
  const sig = [window.innerWidth, window.innerHeight, document.documentElement.scrollWidth,
    main ? main.scrollWidth : -1, main ? main.scrollHeight : -1,
    document.getElementsByTagName('*').length, running, charts.join(',')].join('|');
  const now = performance.now();
  const s = window.__wcQuiet;
  if (!s || s.token !== token || s.sig !== sig || running) {
    window.__wcQuiet = {token: token, sig: sig, since: now};
    return false;
  }
  return now - s.since >= quietMs;
}"""
_tokens = itertools.count()


def wait_drawn(page: Any, quiet_ms: int = QUIET_MS) -> None:
    """Return once Streamlit has finished its run and the layout stood still for ``quiet_ms``
    (checked on every animation frame; the page's default timeout bounds the wait)."""
    page.wait_for_function(_QUIET_JS, arg=[next(_tokens), quiet_ms], polling="raf")
