"""The countdown as phones and the projector draw it: seconds left and a bar that runs down.

The server keeps the deadline (``workshop.pacing``); a page only redraws every few seconds, so
the bar runs down by itself with a CSS animation (no script: the app's HTML blocks run none) and
the line says until when answering is open in Amsterdam time, which stays right whatever the
page's refresh rhythm. Once the time is up the line says so; the server refuses late answers.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def countdown_html(
    seconds_left: int | None, total_s: int | None, deadline: datetime | None, *, large: bool = False
) -> str:
    """An HTML block for a running or finished countdown; empty without one."""
    if seconds_left is None or deadline is None or not total_s:
        return ""
    size = "2rem" if large else "1.1rem"
    if seconds_left <= 0:
        return (
            f'<div class="wc-countdown wc-countdown-done" style="font-size:{size};'
            'font-weight:700;color:#8a1c1c">De tijd is om: antwoorden kan niet meer.</div>'
        )
    until = deadline.astimezone(AMSTERDAM).strftime("%H:%M:%S")
    start = min(100.0, 100.0 * seconds_left / total_s)
    # A fresh animation name per second left, so a redraw restarts the bar at the right width.
    name = f"wcCount{seconds_left}"
    return (
        f"<style>@keyframes {name} {{from {{width:{start:.1f}%}} to {{width:0%}}}}</style>"
        f'<div class="wc-countdown" style="font-size:{size};font-weight:700">'
        f"Nog {seconds_left} seconden · antwoorden kan tot {until}</div>"
        '<div style="background:#e4e7eb;border-radius:6px;height:10px;overflow:hidden">'
        f'<div style="background:#c2410c;height:10px;width:0%;'
        f'animation:{name} {seconds_left}s linear forwards"></div></div>'
    )
