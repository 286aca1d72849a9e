"""Workshop mode: a facilitator and 10-40 participants answering the same posts, live.

A network of libraries (or any webcare teams) trains together in a knowledge circle: the
facilitator's screen is on the projector, participants answer on their own phones, every answer
is scored by the trainer (``trainer.score``) and stored as it happens. The package has no UI
code; the two workshop pages only draw what it returns. Its rooms:

- ``service``: ``WorkshopService``, the whole flow (create, join, answer, move on, reveal, close),
  made of parts with one idea each: ``service_core`` (shared state and per-process caches),
  ``joining``, ``answering``, ``participant_reading`` (what a phone reads), ``creation``,
  ``facilitation`` (the PIN actions) and ``moderation``.
- ``records``: the flat, read-only records it hands out, with the display and privacy contracts.
- ``tables``: the database tables, on the trainer's storage ``Base``.
- ``queries``: reading a workshop's state inside one session; ``dashboard``: the facilitator's
  live overview and the session report.
- ``security``: join codes, PINs (scrypt), tokens; ``pin_guard``: the PIN check with its limits.
- ``inputs``: what people type, checked; ``errors``: the Dutch errors the page shows.
- ``export``: the session report as CSV (for Python, and for Dutch Excel) and as an HTML page.
- ``creation``: creating a workshop; ``teams``: team mode; ``moderation``: removing participants
  and +1 reactions; ``wordfilter``: abusive words masked on the wall and refused in names.

``workshop`` imports ``trainer`` (scoring, posts, storage); ``trainer`` never imports it.
"""
