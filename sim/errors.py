"""Bad input to the simulation, said in terms of the domain rather than of a user interface.

A setting the simulation cannot use (weeks <= 0, one replication where an interval is needed,
an empty sweep range) raises an ``InputError`` naming the *field* (``replications``,
``max_agents``, ``vary.agents``), the bad *value* and what was *expected*, in Dutch. The domain
never names a command-line option: ``webcare-sim`` maps the field to its flag (``--replications``)
and the app to its own wording, so the same error reads right wherever it surfaces.
"""

from __future__ import annotations

from typing import Any


class InputError(ValueError):
    """A field's value the simulation cannot use; ``expected`` says what would do (Dutch)."""

    def __init__(self, field: str, value: Any, expected: str) -> None:
        super().__init__(field, value, expected)
        self.field = field
        self.value = value
        self.expected = expected

    def message(self, name: str | None = None) -> str:
        """The Dutch message with ``name`` (a flag, a form label) in place of the field.

        A number reads "replications is 1; geef ...", a typed text "vary agents=4..x: ...".
        """
        label = name or self.field
        if isinstance(self.value, str):
            return f"{label} {self.value}: {self.expected}"
        return f"{label} is {format_value(self.value)}; {self.expected}"

    def __str__(self) -> str:
        return self.message()


def format_value(value: Any) -> str:
    """Numbers the short way (``2`` not ``2.0``), text as given."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


__all__ = ["InputError", "format_value"]
