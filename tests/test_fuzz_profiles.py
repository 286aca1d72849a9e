"""Hostile and careless profiles through `webcare-sim run FILE`: a message or a run, never a crash.

Each case takes a shipped profile and breaks one thing the way a manager with a text editor (or
someone trying) might: a number typed a million times too large, a number written as text, a
huge integer, markup or escape sequences in a name, a list copied a thousand times, a field
deleted or replaced by something of another type. Whatever happens, the command must answer
with exit code 0 or 2 within a bound, print no traceback and no escape sequence; a number made a
million times larger, a number given as text and a huge integer must be refused with a message
that names the file. Hypothesis draws the cases from a fixed seed (``derandomize``); 200 cases,
marked slow (about 30 s of CPU, minutes on a loaded machine).
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
import typer.testing
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.main import get_command
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()
# Typer builds the click command anew on every ``invoke`` (about 50 ms, a third of a case):
# built once here, 200 cases pay for it once. The command holds no state between runs.
COMMAND = get_command(app)


@pytest.fixture(autouse=True, scope="module")
def _command_built_once() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            typer.testing,
            "_get_command",
            lambda given: COMMAND if given is app else get_command(given),
        )
        yield


BASE: dict[str, Any] = yaml.safe_load(
    Path("scenarios/orgs/library.yaml").read_text(encoding="utf-8")
)
CASE_SECONDS = 20.0  # the bar of issue 18: no answer may take longer
# Relative weights: only their ratios count, so a scaled one is not absurd.
RELATIVE = ("weights", "day_weights")

FUZZ = settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaves(v, (*path, k))] or [path]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _leaves(v, (*path, i))] or [path]
    return [path]


LEAVES = [p for p in _leaves(BASE) if p]


def _value(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


NUMBERS = [
    p
    for p in LEAVES
    if isinstance(_value(BASE, p), int | float)
    and not isinstance(_value(BASE, p), bool)
    and _value(BASE, p) != 0
    and not any(str(step).endswith(RELATIVE) for step in p)
]
LISTS = [p for p in _leaves(BASE) for q in [p[:-1]] if q and isinstance(_value(BASE, q), list)]


# Answers per profile file. Many drawn cases make the same file: "copy list" ignores the drawn
# value, and every leaf inside one list copies that same list (a thousandfold copy takes
# seconds to read). The command is deterministic, so a file already checked at the same place
# is not run again: every distinct file is still run and checked once (18 thousandfold copies
# took 38 of the test's 42 s, and most of them were repeats).
_ANSWERS: dict[tuple[Path, str], tuple[int, str, str]] = {}


def _run(tmp_path: Path, data: Any) -> tuple[int, str, str]:
    file = tmp_path / "profiel.yaml"
    text = yaml.dump(data, Dumper=_NoAliases, allow_unicode=True)
    if (file, text) in _ANSWERS:  # the same file, at the same place: the same answer
        return _ANSWERS[file, text]
    file.write_text(text, encoding="utf-8")
    start = time.monotonic()
    result = runner.invoke(app, ["run", str(file), "--weeks", "0.25", "--warmup-weeks", "0"])
    elapsed = time.monotonic() - start
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert elapsed < CASE_SECONDS
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output and "\x1b" not in result.output
    _ANSWERS[file, text] = (result.exit_code, result.stdout, result.stderr)
    return _ANSWERS[file, text]


def _text() -> st.SearchStrategy[str]:
    hostile = st.sampled_from(
        ["[/]", "[bold]x[/bold]", "\x1b[31mrood\x1b[0m", "\x1b]0;titel\x07", "=1+1", "1e3",
         "NaN", "13:30", "-1", "", " ", "a" * 5_000]
    )  # fmt: skip
    plain = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
    return st.one_of(hostile, plain)


ANY_VALUE = st.one_of(
    _text(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.sampled_from(["a", "share", "mean_min"]), st.integers(0, 3), max_size=2),
)


@pytest.mark.slow
@FUZZ
@given(path=st.sampled_from(NUMBERS), how=st.sampled_from(["times 1e6", "as text", "huge"]))
def test_absurd_numbers_are_refused_with_a_message(tmp_path: Path, path: Any, how: str) -> None:
    data = copy.deepcopy(BASE)
    value = _value(data, path)
    new = {"times 1e6": value * 1_000_000, "as text": f"{value}", "huge": 10**30}[how]
    _set(data, path, new)
    code, _, err = _run(tmp_path, data)
    assert code == 2, f"{'.'.join(map(str, path))} = {new!r} was accepted"
    assert err.startswith("Fout: Profiel ") and "profiel.yaml" in err


@pytest.mark.slow
@FUZZ
@given(
    path=st.sampled_from(LEAVES),
    action=st.sampled_from(["replace", "delete", "copy list"]),
    value=ANY_VALUE,
)
def test_any_broken_field_gets_a_run_or_a_message(
    tmp_path: Path, path: Any, action: str, value: Any
) -> None:
    data = copy.deepcopy(BASE)
    if action == "replace":
        _set(data, path, value)
    elif action == "delete":
        parent = _value(data, path[:-1])
        del parent[path[-1]]
    else:
        for q in range(len(path) - 1, 0, -1):
            if isinstance(items := _value(data, path[:q]), list):
                items.extend(copy.deepcopy(items) * 1000)
                break
    code, out, err = _run(tmp_path, data)
    if code == 2:
        assert err.startswith("Fout:") and len(err) < 2_000  # one paragraph, value shortened
    else:
        assert "Kerncijfer" in out


def test_the_fuzz_reaches_every_kind_of_field() -> None:
    # Guards the generators above: the cases cover the profile, not one corner of it.
    sections = {p[0] for p in NUMBERS}
    assert {"volume", "channels", "conversation", "reach", "coverages", "costs"} <= sections
    assert LISTS


pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
