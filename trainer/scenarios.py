"""Loading the hand-written training posts from ``scenarios/posts/*.yaml``.

Trainers write scenario posts by hand, one YAML file per organisation type, each file a list of
posts in the shape of ``trainer.posts.Post``. A typo in such a file should never surface as a
traceback: every problem becomes one readable line naming the file, the line, the post (id and
position), the field, the bad value and what was expected. Ids must be unique over all files,
because progress records and the app refer to posts by id alone.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from trainer.posts import OrgType, Post

POSTS_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "posts"
ORG_TYPES: tuple[str, ...] = typing.get_args(OrgType)
_MAX_VALUE_CHARS = 60  # a bad value longer than this is shortened in messages


class ScenarioError(Exception):
    """A scenario file cannot be used. ``problems`` holds one readable line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class UnknownPostError(ScenarioError, KeyError):
    """No post with the requested id exists."""

    def __str__(self) -> str:  # KeyError would quote the message
        return "\n".join(self.problems)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects a key given twice in one mapping (YAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_posts(directory: Path | None = None) -> list[Post]:
    """Every post from every ``*.yaml`` file in ``directory`` (default: ``scenarios/posts``).

    Files are read in name order, posts in file order. Raises ``ScenarioError`` listing every
    problem found in any file. The default directory is read once and cached.
    """
    if directory is None:
        return list(_default_posts())
    return _load_directory(Path(directory))


def posts_by_org(org: str) -> list[Post]:
    """The posts of one organisation type from the default directory."""
    if org not in ORG_TYPES:
        raise ScenarioError(
            [f"unknown organisation type {org!r}; expected one of {', '.join(ORG_TYPES)}"]
        )
    return [post for post in _default_posts() if post.org == org]


def get_post(post_id: str) -> Post:
    """The post with this id from the default directory; ``UnknownPostError`` if there is none."""
    post = _default_index().get(post_id)
    if post is None:
        raise UnknownPostError([f"no scenario post with id {post_id!r} in {POSTS_DIR}"])
    return post


@functools.cache
def _default_posts() -> tuple[Post, ...]:
    return tuple(_load_directory(POSTS_DIR))


@functools.cache
def _default_index() -> dict[str, Post]:
    return {post.id: post for post in _default_posts()}


def _load_directory(directory: Path) -> list[Post]:
    if not directory.is_dir():
        raise ScenarioError([f"{directory}: scenario directory not found"])
    posts: list[Post] = []
    problems: list[str] = []
    first_seen: dict[str, str] = {}  # post id -> "file, line" where it first appears
    for path in sorted(directory.glob("*.yaml")):
        file_posts, file_problems, lines = _load_file(path)
        problems.extend(file_problems)
        for post, line in zip(file_posts, lines, strict=True):
            where = f"{path.name}, line {line}"
            if post.id in first_seen:
                problems.append(
                    f"{where}: duplicate post id {post.id!r}, already used at {first_seen[post.id]}"
                    "; expected every id to be unique over all scenario files"
                )
                continue
            first_seen[post.id] = where
            posts.append(post)
    if problems:
        raise ScenarioError(problems)
    return posts


def _load_file(path: Path) -> tuple[list[Post], list[str], list[int]]:
    """The valid posts of one file, the problems found, and the line each valid post starts on."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path.name}: cannot read the file ({exc}); expected UTF-8 text"], []
    loader = _UniqueKeyLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        return [], [_yaml_problem(path, exc)], []
    finally:
        loader.dispose()

    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        return [], [f"{path.name}: got {_kind(data)}; expected a list of posts (- id: ...)"], []

    posts: list[Post] = []
    problems: list[str] = []
    lines: list[int] = []
    for index, (item, node) in enumerate(zip(data, root.value, strict=True)):
        line = node.start_mark.line + 1
        post_name = _post_name(item, index)
        if not isinstance(item, dict):
            problems.append(
                f"{path.name}, line {line}, {post_name}: got {_kind(item)}; "
                "expected a mapping of post fields (id, org, brand, ...)"
            )
            continue
        try:
            post = Post.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                problems.append(
                    f"{path.name}, line {_line_of(node, loc)}, {post_name}, "
                    f"field {_dotted(loc)!r}: {_explain(error, loc)}"
                )
            continue
        regex_problems = [
            f"{path.name}, line {_line_of(node, loc)}, {post_name}, field {_dotted(loc)!r}: "
            f"got {_show(pattern)}, which is not a valid regular expression ({message}); "
            "expected a Python regular expression"
            for loc, pattern, message in _bad_regexes(post)
        ]
        if regex_problems:
            problems.extend(regex_problems)
            continue
        posts.append(post)
        lines.append(line)
    return posts, problems, lines


def _yaml_problem(path: Path, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"{path.name}, line {mark.line + 1}, column {mark.column + 1}" if mark else path.name
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark is not mark:
        # e.g. an unclosed quote: the problem shows at the end, the cause where it started
        context = f"{context} that started at line {context_mark.line + 1}"
    detail = f"{context}: {problem}" if context else problem
    return f"{where}: YAML syntax error ({detail}); expected valid YAML (check indentation, quotes)"


def _bad_regexes(post: Post) -> Iterable[tuple[tuple[int | str, ...], str, str]]:
    for k, point in enumerate(post.key_points):
        for r, pattern in enumerate(point.any):
            try:
                re.compile(pattern)
            except re.error as exc:
                yield ("key_points", k, "any", r), pattern, str(exc)


def _post_name(item: object, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"post {item['id']!r} (#{index + 1})"
    return f"post #{index + 1} (no id)"


def _dotted(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(post)"


def _line_of(node: yaml.Node, loc: tuple[int | str, ...]) -> int:
    """The line of the deepest YAML node along ``loc``, so an error points at the field itself."""
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            child = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if 0 <= part < len(node.value) else None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def _explain(error: Any, loc: tuple[int | str, ...]) -> str:
    """One pydantic error as 'got <value>; expected <what>'."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "missing; expected this required field to be given"
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        hint = f"one of {', '.join(allowed)}" if allowed else "a known field name"
        return f"unknown field; expected {hint}"
    if kind == "literal_error":
        return f"got {_show(value)}; expected one of {ctx.get('expected', '?')}"
    message = str(error["msg"])
    prefix = "Input should be "
    expected = (
        message[len(prefix) :] if message.startswith(prefix) else message[0].lower() + message[1:]
    )
    return f"got {_show(value)}; expected {expected}"


def _fields_at(loc: tuple[int | str, ...]) -> list[str]:
    """The field names of the model found at ``loc`` inside a post (for 'unknown field' hints)."""
    model: Any = Post
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = model.model_fields.get(part)
        if field is None:
            return []
        model = _unwrap(field.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """The model inside ``list[X]`` or ``X | None``, or the annotation itself."""
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
    return annotation


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 3] + "..."


def _kind(value: object) -> str:
    if value is None:
        return "an empty document"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {_show(value)}"
