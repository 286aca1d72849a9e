"""A small learned check beside a rule's patterns: does this reply sound like the rule's problem?

The semantic rules (defensive tone, passing the buck, referring the customer elsewhere, jargon)
were lists of phrasings, and each new writer phrases blame and buck-passing in ways a list does
not hold. A rule can therefore also carry a ``classifier`` check: a logistic regression over the
reply's words, lemmas, word pairs and letter groups (and a few facts of its situation: kind of
post, channel, decision), trained on the hand-labelled tuning replies (``trainer.textmodel_train``).

Here is only what scoring needs, in plain Python: read a model file (plain JSON:
settings, vocabulary with idf and weight, bias, threshold), turn a reply into its features, and
give the probability that the rule applies. A reply fires when its probability reaches the
model's threshold; the alert then points at the sentence that scores highest on its own, so the
trainee sees which words read that way. A missing or damaged model file stops the start with a
Dutch message (``ModelFileError``): a rule never silently loses its model.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from trainer import lemmas
from trainer.reply_context import ReplyContext
from trainer.rules import ClassifierCheck
from trainer.text import Span, sentence_spans
from trainer.textmodel_bank import BANK

MODELS_DIR = Path(__file__).resolve().parents[1] / "scenarios" / "models"
MODEL_FORMAT = 1  # the layout of a model file; a file of another layout is refused
MAX_MODEL_FILE_BYTES = 20_000_000  # 20 MB; a shipped model is well under 1 MB
# Sentences whose removal is weighed to find the one an alert points at; a reply has 2 to 6.
MAX_SENTENCES_WEIGHED = 8
FEATURE_CACHE_SIZE = 256  # replies and sentences; one reply's feature set is some 50 kB
# Words whose letter groups are kept; a word's set is some 2 kB, the cache at most some 16 MB
WORD_GRAMS_CACHE_SIZE = 8192

_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:nl|be|com|eu|org|net)\S*")
_HANDLE_RE = re.compile(r"@\w+")
_DIGIT_RE = re.compile(r"\d")
_TOKEN_RE = re.compile(r"[^\W\d_]+|0+")
_SPACE_RE = re.compile(r"\s+")
# The opening greeting with thanks for the message, and the sign-off, are the same in good and
# bad replies; in the labelled corpus each writer used one template for them, so a model that
# read them would learn who wrote a reply instead of what it does. They are left out.
_OPENING_RE = re.compile(
    r"^\s*(?:(?:hoi|hallo|hey|hi|hee|beste|dag|goedemorgen|goedemiddag|goedenavond|geachte)\b"
    r"[^,.!?\n]{0,40}[,.!]?\s*)?"
    r"(?:(?:hartelijk\s+|heel\s+erg\s+|erg\s+|veel\s+)?(?:dank|bedankt)(?:\s+(?:je|u|jullie|wel))*"
    r"\s+voor\s+(?:je|jouw|uw|het|de|dit|jullie)\s+(?:\w+\s+)?(?:bericht|berichtje|reactie|tweet|"
    r"melding|vraag|review|feedback|dm|post|mail)\b[^.!?\n]{0,30}[.!]*)?",
    re.IGNORECASE,
)
_SIGN_OFF_RE = re.compile(
    r"(?:\s*[\^~][^\n]{1,60}|\s*-\s*[^\W\d_]+|\s*(?:met\s+)?(?:vriendelijke\s+)?"
    r"(?:groet(?:en|jes)?|gr\.?)\b[^\n]{0,40})\s*$",
    re.IGNORECASE,
)


class ModelFileError(RuntimeError):
    """A model file that is missing or cannot be used; the message is Dutch and names it."""


@dataclass(frozen=True)
class FeatureSettings:
    """Which features a model reads; stored in the model file so scoring reads what training
    read. Letter groups are taken inside words padded with spaces ("char_wb")."""

    lemma_unigrams: bool = True
    lemma_bigrams: bool = True
    char_min: int = 3  # letters; 0 turns letter groups off
    char_max: int = 5
    context: bool = True  # kind of post, channel, decision as features

    def to_dict(self) -> dict[str, Any]:
        return {
            "lemma_unigrams": self.lemma_unigrams,
            "lemma_bigrams": self.lemma_bigrams,
            "char_min": self.char_min,
            "char_max": self.char_max,
            "context": self.context,
        }


def body(text: str) -> str:
    """The reply without its opening greeting and thanks for the message and its sign-off
    (blanked, so positions stay), or the whole reply when that is all there is."""
    opening = _OPENING_RE.match(text)
    start = opening.end() if opening else 0
    closing = _SIGN_OFF_RE.search(text, start)
    end = closing.start() if closing else len(text)
    if not text[start:end].strip():
        return text
    return " " * start + text[start:end] + " " * (len(text) - end)


def normalise(text: str) -> str:
    """Lower case, links and handles as one placeholder each, every digit as 0: a reply's
    order number or the customer's handle says nothing about its tone."""
    text = _URL_RE.sub(" link ", text)
    text = _HANDLE_RE.sub(" @iemand ", text)
    text = _DIGIT_RE.sub("0", text.lower())
    return _SPACE_RE.sub(" ", text).strip()


def situation(kind: str | None, channel: str | None, decision: str | None) -> tuple[str, ...]:
    """The situation features of a reply (only the ones known)."""
    found = []
    for name, value in (("kind", kind), ("channel", channel), ("decision", decision)):
        if value:
            found.append(f"s:{name}={value}")
    return tuple(found)


@lru_cache(maxsize=FEATURE_CACHE_SIZE)
def _reading(text: str) -> tuple[str, tuple[str, ...]]:
    """The normalised body of ``text`` and its lemmas: shared by models of other settings."""
    norm = normalise(body(text))
    tokens = _TOKEN_RE.findall(norm)
    return norm, tuple(lemmas.lemma(t) if t[0] != "0" else t for t in tokens)


@lru_cache(maxsize=WORD_GRAMS_CACHE_SIZE)
def _letter_groups(word: str, shortest: int, longest: int) -> frozenset[str]:
    """The letter-group features of one word, padded with spaces ("char_wb")."""
    padded = f" {word} "
    return frozenset(
        "c:" + padded[i : i + n]
        for n in range(shortest, longest + 1)
        for i in range(max(len(padded) - n + 1, 0))
    )


@lru_cache(maxsize=FEATURE_CACHE_SIZE)
def features(text: str, context: tuple[str, ...], settings: FeatureSettings) -> frozenset[str]:
    """The set of features of ``text`` (presence, not counts: a short reply says a thing once)."""
    norm, lemma_list = _reading(text)
    found: set[str] = set()
    if settings.lemma_unigrams:
        found.update("l:" + lem for lem in lemma_list)
    if settings.lemma_bigrams:
        padded = ["<", *lemma_list, ">"]
        found.update(f"b:{a} {b}" for a, b in itertools.pairwise(padded))
    if settings.char_min:
        for word in set(norm.split(" ")):
            found |= _letter_groups(word, settings.char_min, settings.char_max)
    if settings.context:
        found.update(context)
    return frozenset(found)


@dataclass(frozen=True)
class TextModel:
    """A trained model: logistic regression on idf-weighted, length-normalised features."""

    name: str
    settings: FeatureSettings
    vocabulary: dict[str, tuple[float, float]]  # feature -> (idf, weight)
    bias: float
    threshold: float  # probability from which the rule fires

    def probability(self, text: str, context: tuple[str, ...] = ()) -> float:
        """How likely the rule applies to ``text``, from 0 to 1."""
        banked = BANK.probability(self, text, context, self.settings)
        if banked is not None:
            return banked
        return self.probability_of(features(text, context, self.settings))

    def probability_of(self, found: Iterable[str]) -> float:
        """The probability from a reply's features (``features``)."""
        known = [self.vocabulary[f] for f in found if f in self.vocabulary]
        norm = math.sqrt(sum(idf * idf for idf, _ in known))
        z = self.bias
        if norm > 0:
            z += sum(idf * weight for idf, weight in known) / norm
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def fires(self, text: str, context: tuple[str, ...] = ()) -> bool:
        return self.probability(text, context) >= self.threshold

    def strongest_sentence(self, text: str, context: tuple[str, ...] = ()) -> Span:
        """The sentence of ``text`` the verdict rests on most: the one whose removal lowers the
        probability most (what the alert points at). Scoring each sentence on its own would
        point at the greeting, which on its own says little but reads like many bad replies."""
        spans = [s for s in sentence_spans(text) if text[s[0] : s[1]].strip()]
        if len(spans) <= 1:
            return _trimmed(text, spans[0] if spans else (0, len(text)))
        if len(spans) > MAX_SENTENCES_WEIGHED:
            # a long draft: weigh only the sentences that score highest on their own, so the
            # cost stays that of a few readings of the reply instead of one per sentence
            alone = sorted(spans, key=lambda s: -self.probability(text[s[0] : s[1]], context))
            spans = sorted(alone[:MAX_SENTENCES_WEIGHED])
        whole = self.probability(text, context)
        best = max(
            spans,
            key=lambda s: whole - self.probability(text[: s[0]] + " " + text[s[1] :], context),
        )
        return _trimmed(text, best)


def _trimmed(text: str, span: Span) -> Span:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end)


def model_path(name: str, directory: Path | None = None) -> Path:
    return (directory or MODELS_DIR) / f"{name}.json"


def _bad(path: Path, what: str) -> ModelFileError:
    return ModelFileError(
        f"{path}: {what}. Maak de modellen opnieuw met 'webcare-train train-models' (ze worden "
        "getraind op de gelabelde antwoorden in bench/rubric/) of zet het bestand terug uit git."
    )


def model_from_dict(data: Any, path: Path) -> TextModel:
    """Validate a model file's parsed JSON; ``path`` is only used in messages."""
    if not isinstance(data, dict):
        raise _bad(path, "het bestand bevat geen JSON-object; verwacht een model")
    if data.get("format") != MODEL_FORMAT:
        raise _bad(
            path, f"veld 'format' is {data.get('format')!r}; verwacht {MODEL_FORMAT} (modelversie)"
        )
    try:
        settings = FeatureSettings(**data["settings"])
        vocabulary = {str(k): (float(v[0]), float(v[1])) for k, v in dict(data["features"]).items()}
        bias = float(data["bias"])
        threshold = float(data["threshold"])
        name = str(data["rule"])
    except KeyError as exc:
        raise _bad(path, f"veld {exc.args[0]!r} ontbreekt") from None
    except (TypeError, ValueError, IndexError) as exc:
        raise _bad(path, f"een veld heeft een ongeldige waarde ({exc})") from None
    if not 0.0 < threshold < 1.0:
        raise _bad(path, f"veld 'threshold' is {threshold}; verwacht een kans tussen 0 en 1")
    if not vocabulary:
        raise _bad(path, "veld 'features' is leeg; verwacht de woorden en gewichten")
    if not all(math.isfinite(x) for pair in vocabulary.values() for x in pair):
        raise _bad(path, "veld 'features' bevat een gewicht dat geen eindig getal is")
    return TextModel(name, settings, vocabulary, bias, threshold)


@lru_cache(maxsize=16)
def load_model(path: Path) -> TextModel:
    """Read and check one model file; raises ``ModelFileError`` (Dutch) when it is missing,
    unreadable, no JSON or not a model of this layout."""
    if not path.is_file():
        raise _bad(path, "het modelbestand ontbreekt")
    if path.stat().st_size > MAX_MODEL_FILE_BYTES:
        raise _bad(path, f"het bestand is groter dan {MAX_MODEL_FILE_BYTES // 1_000_000} MB")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(path, f"het bestand is geen leesbare JSON ({exc})") from None
    lemmas.load()  # the features use lemmas: a missing lemmatiser fails now, not per reply
    model = model_from_dict(data, path)
    BANK.add(model)  # scored with the other loaded models in one look-up per reply
    return model


def dump_model(
    model: TextModel, extra: dict[str, Any], idf_weights: Iterable[tuple[str, float, float]]
) -> str:
    """The model as the JSON text written to disk: keys sorted, numbers rounded, one feature
    per line, so a retrain on the same data gives the same bytes and a diff stays readable."""
    head = {
        "format": MODEL_FORMAT,
        "rule": model.name,
        "settings": model.settings.to_dict(),
        "bias": round(model.bias, 6),
        "threshold": round(model.threshold, 4),
        **extra,
    }
    lines = [json.dumps(head, ensure_ascii=False, sort_keys=True)[:-1] + ', "features": {']
    rows = sorted(idf_weights)
    for i, (name, idf, weight) in enumerate(rows):
        comma = "," if i < len(rows) - 1 else ""
        key = json.dumps(name, ensure_ascii=False)
        lines.append(f"  {key}: [{round(idf, 5)}, {round(weight, 6)}]{comma}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


def classifier_runner(
    check: ClassifierCheck, directory: Path | None = None
) -> Callable[[str, ReplyContext], list[tuple[int, int, dict[str, Any]]]]:
    """The engine's runner for a ``classifier`` check: the model is read now (at the start,
    when the rules are compiled), so a missing or broken file stops the start."""
    model = load_model(model_path(check.model, directory))
    threshold = check.threshold if check.threshold is not None else model.threshold
    exceptions = [re.compile(p, re.IGNORECASE) for p in check.exceptions]

    def run(reply: str, ctx: ReplyContext) -> list[tuple[int, int, dict[str, Any]]]:
        context = situation(ctx.kind, ctx.channel, ctx.decision)
        if model.probability(reply, context) < threshold:
            return []
        start, end = model.strongest_sentence(reply, context)
        if any(x.search(reply, start, end) for x in exceptions):
            return []
        return [(start, end, {"match": reply[start:end]})]

    return run
