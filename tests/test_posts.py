"""The scenario posts: the loader's error messages, and the hand-written posts themselves.

A trainer fixing a scenario file needs the file, line, post, field, bad value and expectation in
one message; the data tests check that the posts teach what the issue asks (every cell of the
decision matrix, closed channels, privacy, ...) and that every model answer is itself a good
reply by the standards the rubric will hold trainees to.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from trainer.posts import Post
from trainer.scenarios import ScenarioError, UnknownPostError, get_post, load_posts, posts_by_org

VALID_POST = """\
- id: test-001
  org: webshop
  brand: {name: Koopgoed, handles: ["@koopgoed_nl"], hashtags: ["#koopgoed"]}
  channel: x
  platform: consumer
  kind: question
  author: {name: Sanne de Vries, handle: "@sannedv", reach: 120}
  text: "@koopgoed_nl wanneer komt mijn pakketje?"
  wants_solution: true
  key_points:
    - label: noemt de levertijd
      any: ["morgen", "vandaag"]
  model_answer: "Hoi Sanne, je pakketje komt morgen. ^MK"
  expected_decision: public
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_error(directory: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_posts(directory)
    return str(info.value)


# --- loader -------------------------------------------------------------------------------------


def test_valid_file_loads(tmp_path: Path) -> None:
    write(tmp_path, "webshop.yaml", VALID_POST)
    posts = load_posts(tmp_path)
    assert [p.id for p in posts] == ["test-001"]
    assert isinstance(posts[0], Post)
    assert posts[0].brand.handles == ["@koopgoed_nl"]


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "bank.yaml", VALID_POST + "  notes: een: twee\n")
    message = load_error(tmp_path)
    assert message.startswith("bank.yaml, line 15, column 13: YAML syntax error")
    assert "expected valid YAML" in message


def test_unclosed_quote_names_where_it_started(tmp_path: Path) -> None:
    write(tmp_path, "bank.yaml", VALID_POST + '  notes: "niet gesloten\n  tags: [a]\n')
    message = load_error(tmp_path)
    assert "bank.yaml, line 17" in message
    assert "started at line 15" in message


def test_wrong_field_type_names_post_field_value_and_expectation(tmp_path: Path) -> None:
    write(tmp_path, "webshop.yaml", VALID_POST.replace("reach: 120", "reach: veel"))
    message = load_error(tmp_path)
    assert "webshop.yaml" in message
    assert "'test-001'" in message
    assert "author.reach" in message
    assert "'veel'" in message
    assert "expected a valid integer" in message
    assert "line 7" in message  # the author line, not the start of the post
    assert "Traceback" not in message and "pydantic" not in message


def test_unknown_channel_lists_the_allowed_channels(tmp_path: Path) -> None:
    write(tmp_path, "webshop.yaml", VALID_POST.replace("channel: x", "channel: tiktok"))
    message = load_error(tmp_path)
    assert "field 'channel'" in message
    assert "'tiktok'" in message
    for channel in ("'x'", "'whatsapp'", "'messenger'", "'reviews'"):
        assert channel in message


def test_unknown_and_missing_fields_are_reported_one_line_each(tmp_path: Path) -> None:
    broken = VALID_POST.replace("kind: question", "soort: vraag").replace(
        "expected_decision: public", "expected_decison: public"
    )
    write(tmp_path, "webshop.yaml", broken)
    with pytest.raises(ScenarioError) as info:
        load_posts(tmp_path)
    error = info.value
    assert len(error.problems) == 4
    text = str(error)
    assert "field 'soort': unknown field; expected one of id, org, brand" in text
    assert "field 'kind': missing" in text
    assert "field 'expected_decison': unknown field" in text
    assert "field 'expected_decision': missing" in text


def test_nested_unknown_field_names_the_nested_fields(tmp_path: Path) -> None:
    write(tmp_path, "webshop.yaml", VALID_POST.replace("reach: 120", "followers: 120"))
    message = load_error(tmp_path)
    assert "field 'author.followers': unknown field; expected one of name, handle, reach" in message


def test_key_point_field_path_has_indices(tmp_path: Path) -> None:
    write(tmp_path, "webshop.yaml", VALID_POST.replace('any: ["morgen", "vandaag"]', "any: []"))
    message = load_error(tmp_path)
    assert "key_points[0].any" in message
    assert "at least 1 item" in message


def test_invalid_key_point_regex_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "webshop.yaml", VALID_POST.replace('"vandaag"', '"(vandaag"'))
    message = load_error(tmp_path)
    assert "key_points[0].any[1]" in message
    assert "'(vandaag'" in message
    assert "regular expression" in message


def test_duplicate_id_across_files_names_both_files(tmp_path: Path) -> None:
    write(tmp_path, "bank.yaml", VALID_POST)
    write(tmp_path, "webshop.yaml", VALID_POST)
    message = load_error(tmp_path)
    assert "duplicate post id 'test-001'" in message
    assert "bank.yaml" in message and "webshop.yaml" in message


def test_duplicate_key_within_a_post_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "webshop.yaml", VALID_POST + "  channel: facebook\n")
    message = load_error(tmp_path)
    assert "webshop.yaml" in message
    assert "duplicate key 'channel'" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "got an empty document; expected a list of posts"),
        ("id: x\norg: bank\n", "got a mapping; expected a list of posts"),
        ("- just a string\n", "post #1 (no id): got str 'just a string'; expected a mapping"),
    ],
)
def test_wrong_document_shape(tmp_path: Path, content: str, expected: str) -> None:
    write(tmp_path, "bank.yaml", content)
    assert expected in load_error(tmp_path)


def test_problems_from_several_files_are_reported_together(tmp_path: Path) -> None:
    write(tmp_path, "bank.yaml", VALID_POST.replace("org: webshop", "org: casino"))
    write(tmp_path, "webshop.yaml", VALID_POST.replace("platform: consumer", "platform: own"))
    message = load_error(tmp_path)
    assert "bank.yaml" in message and "'casino'" in message
    assert "webshop.yaml" in message and "'own'" in message


def test_missing_directory(tmp_path: Path) -> None:
    assert "scenario directory not found" in load_error(tmp_path / "nope")


def test_lookup_errors_are_clear() -> None:
    with pytest.raises(UnknownPostError, match="no scenario post with id 'bestaat-niet'"):
        get_post("bestaat-niet")
    with pytest.raises(ScenarioError, match="unknown organisation type 'zoo'; expected one of"):
        posts_by_org("zoo")
