"""Rubric accuracy on labelled replies, ranking accuracy of the score, and time per reply.

The rubric corpus (``bench/rubric/``) holds Dutch webcare replies labelled by hand with the
rules that should fire on them (README.md there). This script scores every reply exactly as
``webcare-train score`` does (each request goes through ``trainer.cli.score_lines`` as one JSON
line) and compares the alerts with the labels, per part:

- per rule: support (replies labelled with it), true positives, false positives (the rule fired
  on a reply not labelled with it, good or bad), false negatives, precision and recall;
- overall recall over all labels, and false alerts per 100 good replies (every rule that fires
  on a reply labelled ``expect: []`` is one false alert);
- for ``ranked.yaml`` (the tuning set: the score's weights were set on it) and
  ``ranked_heldout.yaml`` (held-out: written blind by a lead who never saw the weights, never
  tuned to): the share of answer pairs to one post that the score orders as the team lead did
  (best first); a tie counts as wrong.

Speed: p95 time per reply, cold (the first score of each reply text in this process, with the
dictionary and language model already loaded) and warm (the same replies again).
Targets (issue 11): held-out recall >= 0.90, every rule >= 0.80, at most 4 false alerts per 100
good replies, pairwise ordering >= 0.90, cold p95 < 20 ms (warm < 5 ms).

Parts: dev, dev2, dev3, dev4, dev5, dev6 and dev7 (tuning), held-out, held-out2, held-out3,
held-out4 and held-out5 (never tuned to), and the two ranked sets. The held-out parts are only
measured here, never used to tune a pattern; while tuning, measure only the tuning parts with
``--parts`` so no held-out figure is printed.
Run:  .venv/bin/python -m bench.bench_rubric  [--warm-repeats N] [--parts dev,dev4] [--errors]
(``--parts`` takes names from: dev, dev2, dev3, dev4, dev5, dev6, dev7, held-out, held-out2,
held-out3, held-out4, held-out5, ranked, ranked-held-out; default all; ``--errors`` lists the
tuning parts' mislabelled replies one by one).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from rich.console import Console
from rich.table import Table

from trainer.cli import score_lines
from trainer.rules import load_rules
from trainer.score import score_request

RUBRIC_DIR = Path(__file__).resolve().parent / "rubric"
# dev to dev7 are the tuning parts (dev2: buck-passing, defensiveness and good replies
# that look like them; dev3: 200 replies written independently of the rules; dev4: defensive
# tone, jargon and spelling with close good look-alikes, also written blind; dev5: blame,
# buck-passing, referrals and jargon in many phrasings with good look-alikes; dev6: the same
# focus written as different team members would, often indirect or mid-reply; dev7: good replies
# that are hard for a careless rule and bad ones with exactly one problem next to another rule);
# the held-out parts are only read for their figures. Each entry: name for --parts, title, file.
PARTS = (
    ("dev", "dev", RUBRIC_DIR / "dev.yaml"),
    ("dev2", "dev2", RUBRIC_DIR / "dev2.yaml"),
    ("dev3", "dev3", RUBRIC_DIR / "dev3.yaml"),
    ("dev4", "dev4", RUBRIC_DIR / "dev4.yaml"),
    ("dev5", "dev5", RUBRIC_DIR / "dev5.yaml"),
    ("dev6", "dev6", RUBRIC_DIR / "dev6.yaml"),
    ("dev7", "dev7", RUBRIC_DIR / "dev7.yaml"),
    ("held-out", "held-out", RUBRIC_DIR / "heldout.yaml"),
    ("held-out2", "held-out2", RUBRIC_DIR / "heldout2.yaml"),
    ("held-out3", "held-out3", RUBRIC_DIR / "heldout3.yaml"),
    ("held-out4", "held-out4", RUBRIC_DIR / "heldout4.yaml"),
    ("held-out5", "held-out5", RUBRIC_DIR / "heldout5.yaml"),
)
RANKED_SETS = (
    ("ranked", "ranked (tuning set)", RUBRIC_DIR / "ranked.yaml"),
    ("ranked-held-out", "ranked (held-out, never tuned to)", RUBRIC_DIR / "ranked_heldout.yaml"),
)
TUNING_PARTS = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7")
PART_NAMES = tuple(name for name, _, _ in (*PARTS, *RANKED_SETS))
TARGET_RECALL = 0.90
TARGET_RULE_RECALL = 0.80
TARGET_FALSE_PER_100 = 4.0  # 1 per 25 good replies
TARGET_PAIRWISE = 0.90
TARGET_COLD_P95_MS = 20.0
TARGET_WARM_P95_MS = 5.0
# Loads the dictionary and language model before any corpus text is timed.
WARM_UP_REQUEST: dict[str, Any] = {
    "brand": {"name": "Proefbedrijf", "handles": ["@proef"], "hashtags": []},
    "post": {
        "channel": "x",
        "platform": "consumer",
        "kind": "question",
        "author": "Opwarmer",
        "text": "@proef hallo, werkt dit?",
    },
    "decision": "public",
    "reply": "Hoi, dit is een opwarmzin die niet in het corpus staat. ^PB",
}

console = Console()


def score_timed(request: Mapping[str, Any]) -> tuple[dict[str, Any], float]:
    """The CLI's result for one request and the seconds it took (one JSON line, as the CLI)."""
    line = json.dumps(request, ensure_ascii=False)
    start = time.perf_counter()
    result, ok = next(iter(score_lines([line], score_request)))
    elapsed = time.perf_counter() - start
    if not ok:
        raise SystemExit(f"request could not be scored: {result.get('error')}")
    return result, elapsed


@dataclass
class RuleCount:
    support: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0


@dataclass
class PartResult:
    rules: dict[str, RuleCount]
    good: int = 0
    false_alerts: int = 0
    good_with_alert: int = 0
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)


def fired_rules(result: Mapping[str, Any]) -> set[str]:
    return {alert["rule"] for alert in result.get("alerts", [])}


def measure_part(
    items: list[dict[str, Any]], rule_ids: list[str], repeats: int, *, show_errors: bool = False
) -> PartResult:
    part = PartResult(rules={r: RuleCount() for r in rule_ids})
    for item in items:
        expect = set(item["expect"])
        result, seconds = score_timed(item["request"])
        part.cold.append(seconds)
        fired = fired_rules(result)
        if show_errors and fired != expect:
            show_error(item, expect, result)
        if not expect:
            part.good += 1
            part.false_alerts += len(fired)
            part.good_with_alert += bool(fired)
        for rule in expect:
            part.rules[rule].support += 1
            if rule in fired:
                part.rules[rule].tp += 1
            else:
                part.rules[rule].fn += 1
        for rule in fired - expect:
            part.rules.setdefault(rule, RuleCount()).fp += 1
    for _ in range(repeats):
        for item in items:
            part.warm.append(score_timed(item["request"])[1])
    return part


def show_error(item: Mapping[str, Any], expect: set[str], result: Mapping[str, Any]) -> None:
    """One reply whose alerts differ from its labels: missed and false rules, with the words
    each false alert points at (``--errors``, tuning parts only)."""
    reply = item["request"].get("reply", "")
    fired = fired_rules(result)
    spans = [
        f"{a['rule']}: {reply[a['start'] : a['end']][:60]!r}"
        for a in result.get("alerts", [])
        if a["rule"] in fired - expect
    ]
    console.print(
        f"[bold]{item['id']}[/bold] missed {sorted(expect - fired)} false {sorted(fired - expect)}"
        f" {'; '.join(spans)}\n  {reply}",
        markup=True,
        highlight=False,
        soft_wrap=True,
    )


def ratio(num: int, den: int) -> str:
    return f"{num / den:.2f}" if den else "-"


def p95_ms(seconds: list[float]) -> float:
    return float(np.percentile(np.array(seconds) * 1000.0, 95)) if seconds else float("nan")


def report_part(name: str, n_items: int, part: PartResult) -> None:
    table = Table(title=f"{name}: {n_items} replies, {part.good} good")
    for col in ("rule", "support", "TP", "FP", "FN", "precision", "recall"):
        table.add_column(col, justify="left" if col == "rule" else "right")
    for rule, c in sorted(part.rules.items()):
        recall = ratio(c.tp, c.support)
        low = c.support and c.tp / c.support < TARGET_RULE_RECALL
        table.add_row(
            rule,
            str(c.support),
            str(c.tp),
            str(c.fp),
            str(c.fn),
            ratio(c.tp, c.tp + c.fp),
            f"[red]{recall}[/red]" if low else recall,
        )
    console.print(table)
    tp = sum(c.tp for c in part.rules.values())
    support = sum(c.support for c in part.rules.values())
    per_100 = 100.0 * part.false_alerts / part.good if part.good else float("nan")
    console.print(
        f"{name}: overall recall {ratio(tp, support)} ({tp}/{support}; target "
        f">= {TARGET_RECALL:.2f}); false alerts per 100 good replies {per_100:.1f} "
        f"({part.false_alerts} alerts on {part.good_with_alert} of {part.good} good replies; "
        f"target <= {TARGET_FALSE_PER_100:.0f})"
    )
    console.print(
        f"{name}: p95 per reply cold {p95_ms(part.cold):.1f} ms (target < "
        f"{TARGET_COLD_P95_MS:.0f}), warm {p95_ms(part.warm):.1f} ms (target < "
        f"{TARGET_WARM_P95_MS:.0f}); {len(part.cold)} cold and {len(part.warm)} warm scores\n"
    )


@dataclass(frozen=True)
class RankedResult:
    """Pairs to one post ordered as the lead did, out of all pairs."""

    name: str
    correct: int
    pairs: int


def measure_ranked(name: str, posts: list[dict[str, Any]]) -> RankedResult:
    correct = pairs = 0
    table = Table(title=f"{name}: {len(posts)} posts, scores best to worst")
    table.add_column("post")
    table.add_column("scores")
    table.add_column("pairs right", justify="right")
    for post in posts:
        scores: list[int | None] = []
        for answer in post["answers"]:
            request = dict(post["request"], decision=answer["decision"], reply=answer["reply"])
            scores.append(score_timed(request)[0]["score"])
        right = 0
        n = len(scores)
        for i in range(n):
            for j in range(i + 1, n):
                a, b = scores[i], scores[j]
                right += a is not None and b is not None and a > b
        total = n * (n - 1) // 2
        correct += right
        pairs += total
        table.add_row(post["id"], " > ".join(str(s) for s in scores), f"{right}/{total}")
    console.print(table)
    console.print(
        f"{name}: pairwise ordering accuracy {ratio(correct, pairs)} ({correct}/{pairs}; "
        f"ties count as wrong; target >= {TARGET_PAIRWISE:.2f})\n"
    )
    return RankedResult(name, correct, pairs)


def load(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise SystemExit(f"{path}: expected a list of items")
    return data


def parse_parts(value: str) -> tuple[str, ...]:
    """The part names of ``--parts`` ("dev,dev2,dev3,dev4"); an unknown name is an error."""
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in PART_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown part {', '.join(unknown) or '(none given)'}; expected a comma-separated "
            f"list of: {', '.join(PART_NAMES)}"
        )
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--warm-repeats",
        type=int,
        default=3,
        help="how often every reply is scored again for the warm figure",
    )
    parser.add_argument(
        "--parts",
        type=parse_parts,
        default=PART_NAMES,
        help=f"comma-separated parts to measure, from: {', '.join(PART_NAMES)} (default: all); "
        "while tuning, name only tuning parts so no held-out figure is printed",
    )
    parser.add_argument(
        "--errors",
        action="store_true",
        help="list every reply whose alerts differ from its labels (tuning parts only: the "
        "held-out parts are never shown reply by reply)",
    )
    args = parser.parse_args()
    start = time.perf_counter()
    score_timed(WARM_UP_REQUEST)
    console.print(f"dictionary and language model loaded in {time.perf_counter() - start:.1f} s")
    rule_ids = [rule.id for rule in load_rules()]
    for key, name, path in PARTS:
        if key not in args.parts:
            continue
        if not path.exists():
            console.print(
                f"{name}: {path.relative_to(RUBRIC_DIR.parent.parent)} is missing; "
                "nothing to measure for this part\n"
            )
            continue
        items = load(path)
        show = args.errors and key in TUNING_PARTS
        part = measure_part(items, rule_ids, args.warm_repeats, show_errors=show)
        report_part(name, len(items), part)
    results = []
    for key, name, path in RANKED_SETS:
        if key not in args.parts:
            continue
        if path.exists():
            results.append(measure_ranked(name, load(path)))
        else:
            console.print(f"{name}: {path} is missing")
    # Side by side: the tuning figure is optimistic, the held-out one is the honest estimate.
    for result in results:
        console.print(
            f"{result.name}: pairwise ordering {ratio(result.correct, result.pairs)} "
            f"({result.correct}/{result.pairs})"
        )


if __name__ == "__main__":
    main()
