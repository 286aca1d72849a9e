"""Loading a profile file: read it safely, validate it, and explain every problem in Dutch.

``read_profile`` reads the file through ``datafiles`` (any encoding a Windows editor saves,
within ``MAX_PROFILE_BYTES``, YAML without duplicate keys, alias bombs or base-60 times),
validates it against the schema and the cross-field checks, and returns the profile with a note
when the file was not plain UTF-8. Anything wrong becomes one ``ProfileError`` naming the file,
the field path, the bad value and what was expected. A small registry finds the profiles
shipped in ``scenarios/orgs`` by short name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from datafiles import (
    DataFileError,
    FieldProblem,
    dotted_path,
    field_problems,
    load_yaml,
    read_text,
    show_value,
)
from datafiles.errors import model_at
from datafiles.read import short_name
from sim import spec
from sim.profile.checks import semantic_checks
from sim.profile.fields import ORGS_DIR, ProfileError
from sim.profile.schema import Profile

MAX_PROFILE_BYTES = 250_000  # 250 kB: 25 times the largest shipped profile (about 10 kB); the
# YAML parser is pure Python, so the size bounds the time before any message (seconds, not minutes)


@dataclass(frozen=True)
class LoadedProfile:
    """A validated profile, the file it came from, and a Dutch note when that file was not
    plain UTF-8 (for example "gelezen als UTF-16 ..."), for the caller to show."""

    profile: Profile
    file: Path
    note: str | None = None


# pydantic error kinds that mean "outside the field's range": the message then quotes the range
# the schema states for the field, with its unit ("1 tot en met 50 berichten per gesprek").
_RANGE_ERRORS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})


def _with_range(problem: FieldProblem) -> FieldProblem:
    if problem.kind not in _RANGE_ERRORS or not problem.loc:
        return problem
    model = model_at(Profile, problem.loc[:-1])
    field = model.model_fields.get(str(problem.loc[-1])) if model is not None else None
    if field is None or not field.description:
        return problem
    expected = f"verwacht {field.description}"
    message = f"waarde {show_value(problem.value)} valt buiten het bereik; {expected}"
    return FieldProblem(problem.loc, problem.kind, problem.value, expected, message)


def _error_from_pydantic(file: Path | str, exc: ValidationError) -> ProfileError:
    problems = [_with_range(p) for p in field_problems(exc, Profile)]
    first = problems[0]
    more = (
        f" (en nog {len(problems) - 1} andere fout(en) in dit bestand)" if len(problems) > 1 else ""
    )
    return ProfileError(
        file,
        first.message + more,
        path=dotted_path(first.loc),
        value=first.value,
        expected=first.expected,
    )


def parse_profile(data: Any, file: Path | str = "<profiel>") -> Profile:
    """Validate already-parsed YAML data; ``file`` only names the source in messages."""
    if not isinstance(data, Mapping):
        raise ProfileError(
            file,
            f"het bestand bevat geen blok met velden maar {type(data).__name__}; "
            "verwacht velden zoals name, volume, channels",
        )
    try:
        profile = Profile.model_validate(dict(data))
    except ValidationError as exc:
        raise _error_from_pydantic(file, exc) from None
    except RecursionError:  # a safety net: datafiles limits nesting before this
        raise ProfileError(file, "het profiel is te diep genest; verwacht gewone blokken") from None
    semantic_checks(profile, file)
    return profile


def read_profile(path: str | Path) -> LoadedProfile:
    """Read and validate one profile file (a short name looks in ``scenarios/orgs``), keeping
    the note on its encoding."""
    file = resolve_profile(path)
    try:
        decoded = read_text(file, max_bytes=MAX_PROFILE_BYTES)
        data = load_yaml(decoded.text, file)
    except DataFileError as exc:
        raise ProfileError(
            exc.file, exc.message, path=exc.path, value=exc.value, expected=exc.expected
        ) from None
    return LoadedProfile(parse_profile(data, file), file, decoded.note)


def load_profile(path: str | Path) -> Profile:
    """Read and validate one profile file; a short name looks in ``scenarios/orgs``."""
    return read_profile(path).profile


# --- registry ---------------------------------------------------------------------------------


def list_profiles(directory: Path | None = None) -> list[str]:
    """Short names of the profiles in ``scenarios/orgs`` (the file names without .yaml)."""
    folder = ORGS_DIR if directory is None else directory
    return sorted(p.stem for p in folder.glob("*.yaml"))


def resolve_profile(name_or_path: str | Path, directory: Path | None = None) -> Path:
    """A short name ("library") or a path to an existing file."""
    folder = ORGS_DIR if directory is None else directory
    candidate = Path(name_or_path)
    if _is_file(candidate):
        return candidate
    by_name = folder / f"{name_or_path}.yaml"
    if _is_file(by_name):
        return by_name
    known = ", ".join(list_profiles(folder)) or "(geen)"
    raise ProfileError(
        short_name(name_or_path),
        f"profiel niet gevonden; geef een pad naar een YAML-bestand of een van: {known}",
        value=str(name_or_path),
        expected=known,
    )


def _is_file(path: Path) -> bool:
    # Path.is_file raises on a name too long for the system or one holding a NUL character.
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def compile_profile(name_or_path: str | Path, coverage: str | None = None) -> spec.ModelSpec:
    """Load and compile in one go; unknown coverage names become a ``ProfileError``."""
    profile = load_profile(name_or_path)
    try:
        return profile.compile(coverage)
    except ProfileError as exc:
        raise ProfileError(
            resolve_profile(name_or_path), exc.message, path=exc.path, value=exc.value
        ) from None
