"""One error shape for every data file, and one translator from pydantic's errors to Dutch.

A manager who mistypes a profile, or a trainer who breaks a post file, should read what is
wrong in their own terms: which file, which field (as the file spells it), which value and
what was expected. ``DataFileError`` carries exactly those four facts; ``field_problems`` turns
a pydantic ``ValidationError`` into them, with the Dutch wording the profile messages have used
since the start. Values are shown shortened, never in full: a value can be megabytes long.
"""

from __future__ import annotations

import reprlib
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

VALUE_MAX_CHARS = 80  # a value longer than this is cut off with "…" in messages

_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxlevel = 3
_SHORT_REPR.maxlist = _SHORT_REPR.maxtuple = _SHORT_REPR.maxset = 8
_SHORT_REPR.maxdict = 6
_SHORT_REPR.maxstring = VALUE_MAX_CHARS + 2
_SHORT_REPR.maxother = VALUE_MAX_CHARS + 2
_SHORT_REPR.maxlong = 40


class DataFileError(Exception):
    """A data file that cannot be used, with one Dutch message naming file, field, value and
    what was expected. ``label`` names the kind of file in the message ("Profiel", "Bestand")."""

    label = "Bestand"

    def __init__(
        self,
        file: str | Path | None,
        message: str,
        *,
        path: str | None = None,
        value: Any = None,
        expected: str | None = None,
        line: int | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.path = path
        self.value = value
        self.expected = expected
        self.message = message
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [f"{self.label} {self.file}" if self.file else self.label]
        if self.path:
            parts.append(f", veld `{self.path}`")
        parts.append(f": {self.message}")
        return "".join(parts)


def show_value(value: Any) -> str:
    """A value as the file would show it, cut to ``VALUE_MAX_CHARS`` with "…" (never formatting
    a whole huge value: an expanded YAML alias or a pasted document can be enormous)."""
    try:
        text = _SHORT_REPR.repr(value)
    except ValueError:  # an int too long to print (Python refuses over 4,300 digits)
        return "(een getal van duizenden cijfers)"
    return text if len(text) <= VALUE_MAX_CHARS else text[: VALUE_MAX_CHARS - 1] + "…"


def describe_kind(value: Any) -> str:
    """What sort of value this is, in Dutch, for "het bestand bevat ..." messages."""
    if value is None:
        return "een leeg document"
    if isinstance(value, dict):
        return "een blok met velden"
    if isinstance(value, list):
        return "een lijst"
    if isinstance(value, bool):
        return f"de waarde {value!r}"
    if isinstance(value, int | float):
        return f"het getal {show_value(value)}"
    if isinstance(value, str):
        return f"tekst {show_value(value)}"
    return f"{type(value).__name__} {show_value(value)}"


@dataclass(frozen=True)
class FieldProblem:
    """One pydantic error in plain Dutch: where (``loc`` as pydantic gives it), the bad value,
    what was expected and a one-line message built from those."""

    loc: tuple[int | str, ...]
    kind: str
    value: Any
    expected: str
    message: str


def field_problems(exc: ValidationError, model: type[BaseModel]) -> list[FieldProblem]:
    """Every error of ``exc`` (raised validating ``model``) translated to Dutch."""
    return [_problem(err, model) for err in exc.errors()]


def _problem(err: Mapping[str, Any], model: type[BaseModel]) -> FieldProblem:
    loc = tuple(err["loc"])
    kind = str(err["type"])
    if kind == "missing":
        return FieldProblem(loc, kind, None, "verplicht veld", "verplicht veld ontbreekt")
    if kind == "extra_forbidden":
        found = model_at(model, loc[:-1])
        allowed = ", ".join(found.model_fields) if found is not None else "zie de voorbeelden"
        key = loc[-1] if loc else None
        return FieldProblem(
            loc, kind, key, allowed, f"onbekend veld {key!r}; toegestaan zijn: {allowed}"
        )
    expected = expected_text(err)
    value = err.get("input")
    return FieldProblem(
        loc, kind, value, expected, f"waarde {show_value(value)} is ongeldig; {expected}"
    )


def expected_text(err: Mapping[str, Any]) -> str:
    """What was expected, in plain Dutch, for one pydantic error."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in ("float_parsing", "float_type"):
        return "verwacht een getal"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "verwacht een geheel getal"
    if kind == "int_parsing_size":
        return "verwacht een geheel getal van redelijke grootte"
    if kind in ("bool_parsing", "bool_type"):
        return "verwacht true of false"
    if kind in ("string_type", "str_type"):
        return "verwacht tekst"
    if kind == "greater_than_equal":
        return f"verwacht een getal van minstens {ctx.get('ge')}"
    if kind == "greater_than":
        return f"verwacht een getal groter dan {ctx.get('gt')}"
    if kind == "less_than_equal":
        if ctx.get("le") == 1.0:
            return "verwacht een aandeel van hoogstens 100% (als getal hoogstens 1)"
        return f"verwacht een getal van hoogstens {ctx.get('le')}"
    if kind == "finite_number":
        return "verwacht een eindig getal (geen .inf of .nan)"
    if kind == "less_than":
        return f"verwacht een getal kleiner dan {ctx.get('lt')}"
    if kind == "literal_error":
        return "verwacht een van: " + str(ctx.get("expected")).replace(" or ", ", ")
    if kind in ("union_tag_invalid", "enum"):
        return "verwacht een van: " + str(ctx.get("expected_tags", ctx.get("expected"))).replace(
            " or ", ", "
        )
    if kind in ("too_short", "too_long"):
        actual = ctx.get("actual_length")
        lo, hi = ctx.get("min_length"), ctx.get("max_length")
        if kind == "too_short" and lo is not None:
            return f"verwacht minstens {lo} elementen, gevonden {actual}"
        return f"verwacht hoogstens {hi} elementen, gevonden {actual}"
    if kind == "string_too_short":
        return f"verwacht tekst van minstens {ctx.get('min_length')} teken(s)"
    if kind == "string_too_long":
        return f"verwacht tekst van hoogstens {ctx.get('max_length')} tekens"
    if kind == "string_pattern_mismatch":
        return f"verwacht tekst volgens het patroon {ctx.get('pattern')}"
    if kind == "list_type":
        return "verwacht een lijst"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "verwacht een blok met velden (sleutel: waarde)"
    if kind == "value_error":
        message = str(err.get("msg", ""))
        return message.removeprefix("Value error, ")
    return str(err.get("msg", "ongeldige waarde"))


def dotted_path(
    loc: Sequence[int | str], *, brackets: bool = False, skip: frozenset[str] = frozenset()
) -> str:
    """A field path as the file spells it: ``a.b.0.c`` or, with ``brackets``, ``a.b[0].c``.

    pydantic marks an invalid map key with a trailing "[key]"; the key itself names the field.
    ``skip`` drops schema-internal steps (a tagged union's tag) that the file does not show.
    """
    text = ""
    for part in loc:
        if part == "[key]" or (isinstance(part, str) and part in skip):
            continue
        if brackets and isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def model_at(root: type[BaseModel], loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The schema model that sits at a field path, to list its allowed fields."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        else:
            origin = get_origin(current)
            args = get_args(current)
            if origin is dict and len(args) == 2:
                current = args[1]
            elif origin is list and args:
                current = args[0]
            elif origin is Union or origin is types.UnionType:
                # a tagged union: pydantic names the member by its tag value or class name
                current = _union_member(args, part)
                if current is None:
                    return None
            else:
                return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _union_member(members: Sequence[Any], tag: int | str) -> type[BaseModel] | None:
    for member in members:
        if not (isinstance(member, type) and issubclass(member, BaseModel)):
            continue
        if member.__name__ == tag:
            return member
        for field in member.model_fields.values():
            if get_origin(field.annotation) is Literal and tag in get_args(field.annotation):
                return member
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] and Annotated[...] wrappers."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin is Union or origin is types.UnionType:
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation
