"""Same scores, faster: every answer scored by this checkout and by another commit, compared.

A speed-up of the scorer must not move a single alert or point. This scores a fixed set of
answers with the code of this checkout and with the code of a git ref (exported with
``git archive`` into a scratch folder and run there in a subprocess, so its own modules are
imported), and compares the full results (``ScoreResult.to_dict``: decision, alerts with
spans and messages, score, breakdown, key points, notes) exactly.

The answers:
- every request of ``bench/rubric/*.yaml`` (development, held-out and ranked sets; comparing
  outputs on held-out files tunes nothing), as ``webcare-train score`` scores it, and every
  reply of the spelling validation set under a plain question post;
- every scenario post (``trainer.scenarios``) with its model answer, its own text, an empty
  and no reply, and four workshop-like answers (``bench_workshop.make_answer``, seeded);
- every rubric reply to two scenario posts drawn with a seed, under a drawn decision;
- a fifth of those again in capitals, and with the letters the case-insensitive matcher treats
  specially (``ı``, ``ſ``, ``İ``), which the literal screen must fold as the matcher does.

Run:  .venv/bin/python -m bench.score_equivalence --before main
      .venv/bin/python -m bench.score_equivalence --dump FILE   (this checkout only)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bench.ref_code import env, ref_code

ROOT = Path(__file__).resolve().parents[1]
RUBRIC_DIR = ROOT / "bench" / "rubric"
SEED = 20261203
POSTS_PER_RUBRIC_REPLY = 2
VARIANT_EVERY = 5  # one answer in this many is also scored in capitals and with odd letters
DECISIONS = ("public", "private", "none")
VALIDATION_POST = {
    "channel": "x",
    "platform": "consumer",
    "kind": "question",
    "author": {"name": "Klant", "handle": "@klant", "reach": 10},
    "text": "Hoe zit het hiermee?",
}


def _rubric_requests() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(RUBRIC_DIR.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            key = f"{path.stem}/{item['id']}"
            if "answers" in item:  # ranked: one post, several answers
                for k, answer in enumerate(item["answers"]):
                    request = dict(
                        item["request"], decision=answer["decision"], reply=answer["reply"]
                    )
                    yield f"{key}/{k}", request
            elif "request" in item:
                yield key, item["request"]
            else:  # spelling validation: a reply, a brand and maybe the customer's name
                post = dict(VALIDATION_POST)
                if item.get("customer"):
                    post["author"] = {"name": item["customer"], "handle": "@klant", "reach": 10}
                brand = {"hashtags": [], **item["brand"]}
                yield (
                    key,
                    {"brand": brand, "post": post, "decision": "public", "reply": item["reply"]},
                )


def _odd_letters(text: str) -> str:
    return text.replace("s", "ſ", 2).replace("i", "ı", 2).replace("I", "İ", 1)


def dump() -> dict[str, Any]:
    """Every answer's result with the code this process imports."""
    import trainer
    from bench.bench_workshop import make_answer
    from trainer.scenarios import load_posts
    from trainer.score import score_post, score_request

    found: dict[str, Any] = {"_code": str(Path(trainer.__file__).resolve().parents[1])}

    def scored(call: Any, *args: Any) -> Any:
        try:
            return call(*args).to_dict()
        except Exception as exc:  # an error must be the same error
            return {"error": f"{type(exc).__name__}: {exc}"}

    requests = list(_rubric_requests())
    for key, request in requests:
        found[f"request/{key}"] = scored(score_request, request)
    posts = load_posts()
    rng = np.random.default_rng(SEED)
    for post in posts:
        fixed: list[tuple[str, Any, str | None]] = [
            ("model", post.expected_decision, post.model_answer or ""),
            ("own-text", "public", post.text),
            ("empty", post.expected_decision, ""),
            ("none", post.expected_decision, None),
        ]
        fixed += [(f"mix{k}", *make_answer(post, rng)) for k in range(4)]
        for name, decision, reply in fixed:
            found[f"post/{post.id}/{name}"] = scored(score_post, post, decision, reply)
    replies = [(key, r["reply"]) for key, r in requests if r.get("reply")]
    for n, (key, reply) in enumerate(replies):
        for k in rng.choice(len(posts), POSTS_PER_RUBRIC_REPLY, replace=False):
            post = posts[int(k)]
            drawn: Any = str(rng.choice(DECISIONS))
            base = f"cross/{key}/{post.id}"
            found[base] = scored(score_post, post, drawn, reply)
            if n % VARIANT_EVERY == 0:
                found[f"{base}/upper"] = scored(score_post, post, drawn, reply.upper())
                found[f"{base}/odd"] = scored(score_post, post, drawn, _odd_letters(reply))
    return found


def _dump_in(code: Path, out: Path) -> None:
    """Run ``dump`` with the code in ``code`` (its modules first on the path)."""
    subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--dump", str(out)],
        cwd=code,
        env=env(code),
        check=True,
    )


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    problems = []
    for key in sorted(set(before) | set(after)):
        if key == "_code":
            continue
        if key not in before or key not in after:
            problems.append(f"{key}: only in {'after' if key in after else 'before'}")
        elif before[key] != after[key]:
            problems.append(
                f"{key}:\n  before {json.dumps(before[key], ensure_ascii=False)[:600]}\n"
                f"  after  {json.dumps(after[key], ensure_ascii=False)[:600]}"
            )
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", type=Path, help="only write this checkout's results here")
    parser.add_argument("--before", default="main", help="git ref to compare with")
    args = parser.parse_args()
    if args.dump:
        start = time.perf_counter()
        found = dump()
        args.dump.write_text(json.dumps(found, ensure_ascii=False, sort_keys=True))
        print(
            f"{len(found) - 1} answers scored by {found['_code']} in "
            f"{time.perf_counter() - start:.1f} s"
        )
        return
    with ref_code(args.before) as code:
        _dump_in(code, code / "before.json")
        _dump_in(ROOT, code / "after.json")
        before = json.loads((code / "before.json").read_text())
        after = json.loads((code / "after.json").read_text())
    problems = compare(before, after)
    for line in problems[:20]:
        print(line)
    n = len(set(before) | set(after)) - 1
    print(
        f"{n - len(problems)} of {n} results identical ({args.before} vs this checkout); "
        f"{len(problems)} differ"
    )
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
