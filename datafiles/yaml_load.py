"""The one YAML loader for data files: safe, strict about keys, bounded in depth and aliases.

Plain ``yaml.safe_load`` has four habits that hurt people who edit files by hand:

* a key given twice in one block silently keeps the last value, so an edited copy can quietly
  ignore the manager's first value: here it is an error naming the key and its line;
* YAML 1.1 reads an unquoted ``13:30`` as the base-60 number 810: here it stays the text
  "13:30", which is what every person writing it meant (``0x1F``, ``1_000`` and ``.5`` still
  read as numbers);
* nesting has no limit, and building deep structures recurses: here more than
  ``MAX_NESTING_DEPTH`` levels is refused before anything deep is built;
* aliases (``&name`` / ``*name``) may nest into a "billion laughs" file of a few hundred bytes
  that expands to billions of values: here aliases are allowed (the post files share a brand
  that way) but what they add when expanded is counted and capped.

Every failure is a ``DataFileError`` with the line, in Dutch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from datafiles.errors import DataFileError

MAX_NESTING_DEPTH = 20  # levels of blocks and lists; the shipped files use at most 7
MAX_ALIAS_EXPANSION_NODES = 10_000  # values that aliases may add once expanded

_INT_NO_SEXAGESIMAL = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+)$""",
    re.X,
)
_FLOAT_NO_SEXAGESIMAL = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


def _resolvers_without_sexagesimal() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    """SafeLoader's implicit resolvers with PyYAML's own int and float patterns minus their
    base-60 branch (the patterns above are PyYAML's, that branch removed)."""
    table: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = []
        for tag, pattern in entries:
            if tag == _INT_TAG:
                pattern = _INT_NO_SEXAGESIMAL
            elif tag == _FLOAT_TAG:
                pattern = _FLOAT_NO_SEXAGESIMAL
            kept.append((tag, pattern))
        table[first] = kept
    return table


class _Refused(Exception):
    """A structural limit hit while composing, with the place it was hit."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class _DataLoader(yaml.SafeLoader):
    """SafeLoader with unique keys, a nesting limit and no base-60 numbers."""

    yaml_implicit_resolvers = _resolvers_without_sexagesimal()

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        # Composing recurses once per level: stop before a deep file can exhaust the stack.
        if self._depth >= MAX_NESTING_DEPTH:
            raise _Refused(
                f"het bestand is dieper genest dan {MAX_NESTING_DEPTH} niveaus; verwacht "
                f"hoogstens {MAX_NESTING_DEPTH} niveaus van blokken en lijsten",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                continue  # an unhashable key: SafeConstructor reports it
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"de sleutel {key!r:.60} staat twee keer in hetzelfde blok; verwacht elke "
                    "sleutel één keer",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@dataclass(frozen=True)
class YamlDocument:
    """Parsed data and the node tree it came from (for line numbers of fields)."""

    data: Any
    root: yaml.Node | None


def load_yaml(text: str, file: str | Path | None = None) -> Any:
    """The data of one YAML document; ``file`` only names the source in messages."""
    return parse_yaml(text, file).data


def parse_yaml(text: str, file: str | Path | None = None) -> YamlDocument:
    """Parse one YAML document within the limits; every failure is a ``DataFileError``."""
    loader = _DataLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return YamlDocument(None, None)
        _check_expansion(root)
        data = loader.construct_document(root)
    except _Refused as exc:
        line = exc.mark.line + 1 if exc.mark is not None else None
        where = f"regel {line}: " if line is not None else ""
        raise DataFileError(file, where + exc.message, line=line) from None
    except yaml.YAMLError as exc:
        raise _yaml_error(file, exc) from None
    except RecursionError:  # a safety net: the depth limit above should stop this first
        raise DataFileError(
            file,
            f"het bestand is te diep genest; verwacht hoogstens {MAX_NESTING_DEPTH} niveaus",
        ) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # SafeConstructor on e.g. a date 2024-13-45 or an integer of 5,000 digits
        raise DataFileError(
            file,
            f"een waarde kan niet gelezen worden ({str(exc)[:80]}); verwacht gewone tekst, "
            "getallen of datums (zet twijfelgevallen tussen aanhalingstekens)",
        ) from None
    finally:
        loader.dispose()
    return YamlDocument(data, root)


def _check_expansion(root: yaml.Node) -> None:
    """Refuse alias cycles, alias bombs and aliases that nest deeper than allowed.

    Composed nodes reached through an alias are the same object as the anchored one, so the
    expanded size and depth follow from one walk over the distinct nodes (iterative: the
    expanded depth is what is being checked, so it must not be recursed).
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    distinct = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _children(node)
        if finished:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            continue
        if key in size:
            continue
        if key in on_path:
            raise _Refused(
                "een alias (*naam) verwijst naar het blok waar hij zelf in staat; verwacht "
                "verwijzingen zonder kring",
                node.start_mark,
            )
        on_path.add(key)
        distinct += 1
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in size)
    added = size[id(root)] - distinct
    if added > MAX_ALIAS_EXPANSION_NODES:
        raise _Refused(
            f"de aliassen (*naam) in dit bestand breiden uit tot meer dan "
            f"{MAX_ALIAS_EXPANSION_NODES:,} extra waarden".replace(",", ".")
            + "; verwacht weinig en kleine verwijzingen (of schrijf de waarden uit)",
            None,
        )
    if depth[id(root)] > MAX_NESTING_DEPTH:
        raise _Refused(
            f"met de aliassen (*naam) uitgevouwen is het bestand dieper genest dan "
            f"{MAX_NESTING_DEPTH} niveaus; verwacht hoogstens {MAX_NESTING_DEPTH}",
            None,
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _yaml_error(file: str | Path | None, exc: yaml.YAMLError) -> DataFileError:
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    mark = problem_mark or context_mark
    problem = getattr(exc, "problem", None) or "ongeldige YAML"
    context = getattr(exc, "context", None)
    if context and context_mark is not None and context_mark is not mark:
        # e.g. an unclosed quote: the problem shows at the end, the cause where it started
        problem = f"{problem} ({context}, begonnen op regel {context_mark.line + 1})"
    line = mark.line + 1 if mark is not None else None
    where = f" op regel {line}, kolom {mark.column + 1}" if mark is not None else ""
    if "verwacht" not in problem:  # our own problems (a key given twice) say it already
        problem += "; verwacht geldige YAML (let op inspringen, dubbele punten en aanhalingstekens)"
    return DataFileError(file, f"YAML-fout{where}: {problem}", line=line)
