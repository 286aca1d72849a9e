"""Spelling rule on its own validation set: false alerts on good replies, recall on errors, time.

``bench/rubric/spelling_validation.yaml`` holds Dutch webcare replies written for the spelling
rule alone (README.md there): most are spelled right and full of what real replies contain
(brand and product names, new compounds, loanwords, abbreviations, handles, Flemish), some hold
one real typo or d/t error. Each reply is checked as the rule does in ``trainer.engine``: the
d/t findings plus the dictionary's misspellings, with the brand's name and handles and the
customer's name as words to leave alone.

- false alerts: every finding on a reply labelled ``error: null``, per 100 good replies;
- recall: the share of labelled errors whose word is among the findings;
- stray: findings on a reply with an error that are not that error;
- time: p95 per reply, cold (first time in this process, dictionary loaded) in ms.

Target (tests/test_spelling.py): at most 2 false alerts per 100 good replies, recall >= 0.85.
Run:  .venv/bin/python -m bench.bench_spelling  [--show]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from trainer import dt, spelling

VALIDATION = Path(__file__).parent / "rubric" / "spelling_validation.yaml"


@dataclass
class ValidationResult:
    good: int = 0
    false_alerts: int = 0
    errors: int = 0
    caught: int = 0
    stray: int = 0
    seconds: list[float] = field(default_factory=list)
    false_words: list[tuple[str, str]] = field(default_factory=list)  # (id, word)
    missed: list[tuple[str, str]] = field(default_factory=list)  # (id, word)

    @property
    def false_per_100_good(self) -> float:
        return 100 * self.false_alerts / self.good if self.good else 0.0

    @property
    def recall(self) -> float:
        return self.caught / self.errors if self.errors else 1.0


def findings(item: dict[str, Any]) -> list[str]:
    """The words the spelling rule reports in the item's reply (as the engine checks it)."""
    brand = item.get("brand") or {}
    ignore = [brand.get("name", ""), *brand.get("handles", [])]
    ignore += str(item.get("customer") or "").split()
    reply = str(item["reply"])
    found = dt.dt_errors(reply)
    taken = [(f.start, f.end) for f in found]
    words = [f.word for f in found]
    for start, end, word in spelling.misspellings(reply, [t for t in ignore if t]):
        if not any(s <= start and end <= e for s, e in taken):
            words.append(word)
    return words


def load(path: Path = VALIDATION) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise SystemExit(f"{path}: expected a list of items")
    return data


def measure(items: list[dict[str, Any]]) -> ValidationResult:
    result = ValidationResult()
    for item in items:
        start = time.perf_counter()
        words = findings(item)
        result.seconds.append(time.perf_counter() - start)
        error = item.get("error")
        if error is None:
            result.good += 1
            result.false_alerts += len(words)
            result.false_words += [(item["id"], w) for w in words]
            continue
        result.errors += 1
        hit = [w for w in words if error.lower() in w.lower().split()]
        if hit:
            result.caught += 1
        else:
            result.missed.append((item["id"], error))
        result.stray += len(words) - len(hit)
        result.false_words += [(item["id"], w) for w in words if w not in hit]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", action="store_true", help="list false alerts and misses")
    args = parser.parse_args()
    spelling.warm_up()
    result = measure(load())
    cold = sorted(result.seconds)
    p95 = 1000 * cold[int(0.95 * (len(cold) - 1))]
    print(
        f"good {result.good}: false alerts {result.false_alerts} "
        f"({result.false_per_100_good:.1f} per 100 good; target <= 2)\n"
        f"errors {result.errors}: caught {result.caught}, recall {result.recall:.2f} "
        f"(target >= 0.85); stray findings on error replies {result.stray}\n"
        f"cold p95 per reply {p95:.1f} ms (bound 20 ms)"
    )
    if args.show:
        for item_id, word in result.false_words:
            print(f"  false: {item_id} {word}")
        for item_id, word in result.missed:
            print(f"  missed: {item_id} {word}")


if __name__ == "__main__":
    main()
