"""Dutch counts in the trainer's messages: "1 antwoord", "2 antwoorden", "0 antwoorden".

Dutch puts a noun in the singular after exactly one and in the plural otherwise (zero too).
Every count the trainer writes for a person (workshop screens and report, PIN messages, the
audit's summary and report) goes through ``amount``, so none of them says "1 antwoorden" or
hedges with "antwoord(en)". ``sim.nl`` does the same for the simulation's figures; the trainer
keeps its own so it does not depend on the simulation.
"""

from __future__ import annotations


def amount(n: int, one: str, many: str) -> str:
    """A count with its Dutch noun, singular for exactly one: "1 deelnemer", "0 deelnemers"."""
    return f"{n} {one if n == 1 else many}"
