"""Loading the hand-written training posts from ``scenarios/posts/*.yaml``.

Trainers write scenario posts by hand, one YAML file per organisation type, each file a list of
posts in the shape of ``trainer.posts.Post``. A typo in such a file should never surface as a
traceback: every problem becomes one readable line naming the file, the line, the post (id and
position), the field, the bad value and what was expected, in Dutch. Files are read through
``datafiles`` (any common encoding, at most ``MAX_POSTS_FILE_BYTES``, YAML without duplicate keys
or alias bombs; the shipped files share a brand through an alias). Ids must be unique over all
files, because progress records and the app refer to posts by id alone.
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml
from pydantic import ValidationError

from datafiles import (
    DataFileError,
    describe_kind,
    dotted_path,
    field_problems,
    parse_yaml,
    read_text,
    show_value,
)
from trainer.posts import OrgType, Post

POSTS_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "posts"
ORG_TYPES: tuple[str, ...] = typing.get_args(OrgType)
MAX_POSTS_FILE_BYTES = 5_000_000  # 5 MB per file; the largest shipped one is about 30 kB


class ScenarioError(Exception):
    """A scenario file cannot be used. ``problems`` holds one readable line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class UnknownPostError(ScenarioError, KeyError):
    """No post with the requested id exists."""

    def __str__(self) -> str:  # KeyError would quote the message
        return "\n".join(self.problems)


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
            [f"onbekend organisatietype {org!r}; verwacht een van: {', '.join(ORG_TYPES)}"]
        )
    return [post for post in _default_posts() if post.org == org]


def get_post(post_id: str) -> Post:
    """The post with this id from the default directory; ``UnknownPostError`` if there is none."""
    post = _default_index().get(post_id)
    if post is None:
        raise UnknownPostError([f"geen scenariopost met id {post_id!r} in {POSTS_DIR}"])
    return post


@functools.cache
def _default_posts() -> tuple[Post, ...]:
    return tuple(_load_directory(POSTS_DIR))


@functools.cache
def _default_index() -> dict[str, Post]:
    return {post.id: post for post in _default_posts()}


def _load_directory(directory: Path) -> list[Post]:
    if not directory.is_dir():
        raise ScenarioError(
            [f"{directory}: map niet gevonden; verwacht een map met scenariobestanden (*.yaml)"]
        )
    posts: list[Post] = []
    problems: list[str] = []
    first_seen: dict[str, str] = {}  # post id -> "file, line" where it first appears
    for path in sorted(directory.glob("*.yaml")):
        file_posts, file_problems, lines = _load_file(path)
        problems.extend(file_problems)
        for post, line in zip(file_posts, lines, strict=True):
            where = f"{path.name}, regel {line}"
            if post.id in first_seen:
                problems.append(
                    f"{where}: post-id {post.id!r} staat al op {first_seen[post.id]}; verwacht "
                    "een id die over alle scenariobestanden uniek is"
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
        document = parse_yaml(read_text(path, max_bytes=MAX_POSTS_FILE_BYTES).text, path)
    except DataFileError as exc:
        return [], [f"{path.name}: {exc.message}"], []
    data, root = document.data, document.root
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        return (
            [],
            [
                f"{path.name}: het bestand bevat {_kind(data)}; verwacht een lijst van posts "
                "(- id: ...)"
            ],
            [],
        )

    posts: list[Post] = []
    problems: list[str] = []
    lines: list[int] = []
    for index, (item, node) in enumerate(zip(data, root.value, strict=True)):
        line = node.start_mark.line + 1
        post_name = _post_name(item, index)
        if not isinstance(item, dict):
            problems.append(
                f"{path.name}, regel {line}, {post_name}: dit is {_kind(item)}; "
                "verwacht een blok met de velden van een post (id, org, brand, ...)"
            )
            continue
        try:
            post = Post.model_validate(item)
        except ValidationError as exc:
            problems.extend(
                f"{path.name}, regel {_line_of(node, problem.loc)}, {post_name}, "
                f"veld {_dotted(problem.loc)!r}: {problem.message}"
                for problem in field_problems(exc, Post)
            )
            continue
        regex_problems = [
            f"{path.name}, regel {_line_of(node, loc)}, {post_name}, veld {_dotted(loc)!r}: "
            f"waarde {show_value(pattern)} is geen geldige reguliere expressie ({message}); "
            "verwacht een reguliere expressie van Python"
            for loc, pattern, message in _bad_regexes(post)
        ]
        if regex_problems:
            problems.extend(regex_problems)
            continue
        posts.append(post)
        lines.append(line)
    return posts, problems, lines


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
    return f"post #{index + 1} (zonder id)"


def _dotted(loc: tuple[int | str, ...]) -> str:
    return dotted_path(loc, brackets=True) or "(post)"


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


def _kind(value: object) -> str:
    return describe_kind(value)
