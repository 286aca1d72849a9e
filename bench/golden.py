"""Golden check for refactors: the numbers a user sees must not move when only the code moves.

`--save FILE` records, with fixed seeds, `webcare-sim run --json` and `compare --json` for every
bundled profile, every posts file's training posts scored with their model answers, and every
rule fixture checked against the whole rubric; `--check FILE` does the same again and lists every
difference. Run it on the commit before a refactor and after it:

    .venv/bin/python -m bench.golden --save /tmp/golden-before.json
    .venv/bin/python -m bench.golden --check /tmp/golden-before.json

It is a tool for the redesign, not a test: later issues change the numbers on purpose.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ("library", "telecom", "airline", "webshop", "bank")
SEED = 7
WEEKS = "2"
REPLICATIONS = "3"


def _cli(*args: str) -> Any:
    out = subprocess.run(
        [sys.executable, "-c", "from sim.cli import main; main()", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def _simulation() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in PROFILES:
        found[f"run/{name}"] = _cli("run", name, "--weeks", WEEKS, "--seed", str(SEED), "--json")
        found[f"compare/{name}"] = _cli(
            "compare", name, "--coverage", "24-7", "business-hours", "--weeks", WEEKS,
            "--replications", REPLICATIONS, "--seed", str(SEED), "--json",
        )  # fmt: skip
    return found


def _trainer() -> dict[str, Any]:
    from trainer.engine import check_reply, fixture_context
    from trainer.rules import load_rules
    from trainer.scenarios import load_posts
    from trainer.score import score_post

    found: dict[str, Any] = {}
    for rule in load_rules():
        cases = (("pass", rule.fixtures.passing()), ("fail", rule.fixtures.failing()))
        for which, fixtures in cases:
            for i, fixture in enumerate(fixtures):
                alerts = check_reply(fixture.reply, fixture_context(fixture))
                found[f"fixture/{rule.id}/{which}/{i}"] = [
                    [a.rule, a.level, a.start, a.end, a.message] for a in alerts
                ]
    for post in load_posts():
        decision = post.expected_decision
        result = score_post(post, decision, post.model_answer or None)
        found[f"post/{post.id}"] = [result.score, [[a.rule, a.start, a.end] for a in result.alerts]]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--check", type=Path)
    args = parser.parse_args()
    found = {**_trainer(), **_simulation()}
    if args.save:
        args.save.write_text(json.dumps(found, indent=1, sort_keys=True), encoding="utf-8")
        print(f"saved {len(found)} golden entries to {args.save}")
        return 0
    before = json.loads(args.check.read_text(encoding="utf-8"))
    diffs = [k for k in sorted(set(before) | set(found)) if before.get(k) != found.get(k)]
    for key in diffs:
        print(f"DIFF {key}\n  before: {before.get(key)}\n  after:  {found.get(key)}")
    print(f"{len(found)} entries, {len(diffs)} differ")
    return 1 if diffs else 0


if __name__ == "__main__":
    raise SystemExit(main())
