"""Trainer speed: scoring one reply, and auditing 10,000 replies, side by side with baselines.

Replies are made from the scenario posts' model answers, varied per reply with a seeded
generator: a typo in one word, a d/t error, a stiff letter phrase, a stock apology, an emoji
string, a sign-off and a customer's name, so the word caches see realistic, not identical, text.

Figures printed, each with its peer in the same run:

(a) Loading: the Hunspell dictionary (spylls) vs. the pyspellchecker word list; the language
    detector.
(b) Per reply, p50/p95 of ``score_request`` (decision, all rules, spelling, language) vs. the
    spelling check alone (``misspellings`` + ``dt_errors``) on the same replies: the ratio shows
    what the rest of the rubric costs. First pass with cold word caches, then warm.
(c) Per word, uncached lookups: spylls (Hunspell affix rules) vs. a plain word-list set lookup.
(d) An audit of 10,000 generated replies through a CSV file (read, score, write CSV and HTML)
    vs. calling ``score_request`` on the same requests without any file handling.
(e) Long input (issue 11): a held-down "a-" key (10,000 characters) and a 100,000-character
    reply, spelling alone and fully scored, against a bound of ``LONG_INPUT_BOUND_S``.

Targets (issue 4): p95 per reply < 20 ms, audit of 10,000 replies < 60 s.
Run:  .venv/bin/python -m bench.bench_trainer  [--quick]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from presentation import audit_report
from trainer import audit as audit_mod
from trainer import dt, spelling
from trainer.language import detect_language
from trainer.posts import Post
from trainer.scenarios import load_posts
from trainer.score import score_request

SEED = 20240501
TYPO_RATE = 0.3  # share of replies with one letter doubled in one word
DT_RATE = 0.15
STIFF_RATE = 0.15
APOLOGY_RATE = 0.2
EMOJI_RATE = 0.2

NAMES = ("Sanne", "Daan", "Fatima", "Kees", "Lotte", "Mohammed", "Eva", "Jeroen", "Noor")
STIFF = ("Geachte klant, ", "Middels dit bericht laten wij weten dat ", "Gaarne ")
APOLOGIES = ("Helaas gaat dit mis. ", "Wat vervelend! ", "Excuses voor het ongemak. ")
DT = ("Je word morgen gebeld. ", "Ik vindt dit jammer. ", "Hij houd je op de hoogte. ")
EMOJI = (" 😊", " 🙏👍", " 😂😂😂", " :)")


def _vary(text: str, rng: np.random.Generator) -> str:
    words = text.split()
    if words and rng.random() < TYPO_RATE:
        i = int(rng.integers(len(words)))
        w = words[i]
        if len(w) > 3:
            j = int(rng.integers(1, len(w) - 1))
            words[i] = w[:j] + w[j] + w[j:]
    out = " ".join(words)
    if rng.random() < APOLOGY_RATE:
        out = str(rng.choice(APOLOGIES)) + out
    if rng.random() < STIFF_RATE:
        out = str(rng.choice(STIFF)) + out
    if rng.random() < DT_RATE:
        out += " " + str(rng.choice(DT))
    if rng.random() < EMOJI_RATE:
        out += str(rng.choice(EMOJI))
    name = str(rng.choice(NAMES))
    return f"Hoi {name}, {out} ^{name[0]}{chr(65 + int(rng.integers(26)))}"


def _request(post: Post, reply: str, n: int) -> dict[str, Any]:
    return {
        "id": f"{post.id}-{n}",
        "brand": post.brand.model_dump(),
        "org": post.org,
        "post": {
            "channel": post.channel,
            "platform": post.platform,
            "kind": post.kind,
            "author": post.author.model_dump(),
            "text": post.text,
            "tagged": post.tagged,
            "brand_hashtag": post.brand_hashtag,
            "wants_solution": post.wants_solution,
            "privacy": post.privacy,
        },
        "decision": post.expected_decision if post.expected_decision != "none" else "public",
        "reply": reply,
    }


def make_requests(count: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    posts = [p for p in load_posts() if p.model_answer]
    picks = rng.integers(len(posts), size=count)
    return [_request(posts[i], _vary(posts[i].model_answer, rng), n) for n, i in enumerate(picks)]


def _ms(samples: list[float]) -> tuple[float, float]:
    arr = np.array(samples) * 1000
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95))


def _time_each(fn: Any, items: list[Any]) -> list[float]:
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t)
    return out


def bench_loading() -> None:
    print("(a) loading, seconds")
    times = {}
    for name in ("hunspell", "wordlist"):
        if name == "hunspell" and spelling.hunspell_path() is None:
            continue
        spelling.use_backend(name)
        times[name] = spelling.warm_up()
    spelling.use_backend(None)
    t = time.perf_counter()
    detect_language("Dit is een zin om de taaldetectie mee te laden.")
    lang = time.perf_counter() - t
    for name, s in times.items():
        print(f"    spelling {name:9s} {s:7.2f}")
    print(f"    lingua detector    {lang:7.2f}")
    if len(times) == 2:
        print(f"    ratio hunspell/wordlist {times['hunspell'] / times['wordlist']:.1f}x")


def bench_per_reply(requests: list[dict[str, Any]]) -> None:
    print(f"(b) per reply over {len(requests)} replies ({spelling.backend_name()}), ms p50 / p95")
    replies = [r["reply"] for r in requests]

    def spell_only(text: str) -> None:
        spelling.misspellings(text)
        dt.dt_errors(text)

    # Spelling first on cold caches, then full scoring (word caches now warm for spelling).
    cold_spell = _time_each(spell_only, replies)
    cold_score = _time_each(score_request, requests)
    warm_spell = _time_each(spell_only, replies)
    warm_score = _time_each(score_request, requests)
    for label, spell, full in (("cold", cold_spell, cold_score), ("warm", warm_spell, warm_score)):
        sp50, sp95 = _ms(spell)
        fp50, fp95 = _ms(full)
        print(
            f"    {label}: score_request {fp50:6.2f} / {fp95:6.2f}   spelling only "
            f"{sp50:6.2f} / {sp95:6.2f}   p95 ratio {fp95 / sp95:5.1f}x"
        )
    print(f"    target p95 < 20 ms: {'ok' if _ms(warm_score)[1] < 20 else 'MISSED'}")


def bench_lookups(requests: list[dict[str, Any]]) -> None:
    words = sorted({w.strip(".,!?:;()") for r in requests for w in r["reply"].split()} - {""})
    words = [w for w in words if w.isalpha()]
    print(f"(c) uncached word lookups over {len(words)} distinct words, µs per word")
    results = {}
    for name in ("hunspell", "wordlist"):
        if name == "hunspell" and spelling.hunspell_path() is None:
            continue
        spelling.use_backend(name)
        backend = spelling._get().backend  # the raw backend, bypassing the word cache
        t = time.perf_counter()
        for w in words:
            backend.lookup(w)
        results[name] = (time.perf_counter() - t) / len(words) * 1e6
        print(f"    {name:9s} {results[name]:9.1f}")
    spelling.use_backend(None)
    if len(results) == 2:
        print(f"    ratio spylls/word list {results['hunspell'] / results['wordlist']:.0f}x")


def bench_audit(requests: list[dict[str, Any]], peer_requests: list[dict[str, Any]]) -> None:
    """Audit ``requests``; the peer scores ``peer_requests`` (same size and mix, also unseen)."""
    print(f"(d) audit of {len(requests)} generated replies, seconds")
    t = time.perf_counter()
    for r in peer_requests:
        score_request(r)
    bare = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "export.csv"
        with log.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow(
                ["ID", "Datum", "Kanaal", "Platform", "Soort", "Bericht", "Reactie", "Klant"]
            )
            for r in requests:
                p = r["post"]
                w.writerow(
                    [r["id"], "2024-05-01", p["channel"], p["platform"], p["kind"], p["text"],
                     r["reply"], p["author"]["name"]]
                )  # fmt: skip
        t = time.perf_counter()
        rows, errors = audit_mod.read_rows(log)
        report = audit_mod.audit(
            rows, score_request, brand={"name": "", "handles": [], "hashtags": []}, errors=errors
        )
        audit_mod.write_report(report, Path(tmp) / "out", audit_report.render_html)
        full = time.perf_counter() - t
    t = time.perf_counter()
    for r in requests:
        score_request(r)
    bare = time.perf_counter() - t
    print(
        f"    audit (CSV in, score, CSV + HTML out) {full:7.1f}   ({len(report.errors)} bad rows)"
    )
    print(f"    score_request alone                   {bare:7.1f}   ratio {full / bare:.2f}x")
    print(f"    target < 60 s: {'ok' if full < 60 else 'MISSED'}")
    print(f"    mean score {statistics.mean(r.score for r in report.scored):.1f}")


LONG_INPUT_BOUND_S = 1.0  # seconds; a trainee who pastes a novel still gets feedback at once


def bench_long_input(post_request: dict[str, Any]) -> None:
    print(f"(e) long input, seconds (bound {LONG_INPUT_BOUND_S:.1f} s)")
    sentence = "Hoi Sanne, bedankt voor je bericht, we zoeken het voor je uit. "
    texts = {
        "'a-' x 5000": "a-" * 5000,
        "100,000 characters": (sentence * (100_000 // len(sentence) + 1))[:100_000],
    }
    for label, text in texts.items():
        t = time.perf_counter()
        spelling.misspellings(text)
        dt.dt_errors(text)
        spell = time.perf_counter() - t
        t = time.perf_counter()
        score_request(dict(post_request, reply=text))
        full = time.perf_counter() - t
        verdict = "ok" if full < LONG_INPUT_BOUND_S else "MISSED"
        print(f"    {label:20s} spelling {spell:6.2f}   score_request {full:6.2f}   {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="audit of 1,000 instead of 10,000 replies"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    bench_loading()
    requests = make_requests(400, rng)
    bench_per_reply(requests)
    bench_lookups(requests)
    bench_long_input(requests[0])
    size = 1_000 if args.quick else 10_000
    bench_audit(make_requests(size, rng), make_requests(size, rng))


if __name__ == "__main__":
    main()
