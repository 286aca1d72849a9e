"""The generic reply checker: runs the rubric's rules over one reply.

The engine knows only the rule kinds (existence, substitution, occurrence, consistency,
conditional, metric, spelling, language, keypoints, classifier), never a particular rule: the rules
themselves are data in ``scenarios/rules/``. Each alert names the rule, its level, a Dutch
message, the source article and the character span in the reply it is about (end exclusive;
alerts about the reply as a whole span 0..len(reply)), so the app can highlight it.

A reply is always judged in its situation (``ReplyContext``, ``trainer.reply_context``): the post
it answers, the kind of post, the channel and platform, the decision (public or private), how
the customer addressed us, the organisation type (for its jargon list), the customer's name and
the key points.
Regular expressions are compiled once per rule set, so scoring a reply is cheap; where they
match is ``trainer.matching``, the lemma view for inflection-proof patterns ``trainer.lemmas``.
A rule fires once per distinct span (``distinct_spans``). Compiling a rule imports every
library its kind needs, so a missing dictionary or language model stops the start
(``EngineSetupError``) instead of silently switching the rule off; ``may_fire`` tells from a
rule's ``when`` whether it can fire at all in a situation.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from types import ModuleType
from typing import Any

from trainer import dt, language, lemmas, spelling
from trainer.lemmas import lemma_view
from trainer.matching import SPAN_GROUP as SPAN_GROUP
from trainer.matching import any_regex as _any_regex
from trainer.matching import finditer as _finditer
from trainer.matching import regexes as _regexes
from trainer.matching import scoped as _scoped
from trainer.matching import search as _search
from trainer.matching import token_regex as _token_regex
from trainer.matching import units as _units
from trainer.reply_context import Alert as Alert
from trainer.reply_context import KeyPointLike as KeyPointLike
from trainer.reply_context import ReplyContext as ReplyContext
from trainer.reply_context import fixture_context as fixture_context
from trainer.rules import (
    ClassifierCheck,
    ConditionalCheck,
    ConsistencyCheck,
    ExistenceCheck,
    KeypointsCheck,
    LanguageCheck,
    MetricCheck,
    OccurrenceCheck,
    Rule,
    SpellingCheck,
    SubstitutionCheck,
    When,
    load_rules,
)
from trainer.text import (
    QUOTE_RE,
    Span,
    clause_around,
    emoji_spans,
    first_name,
    sentence_around,
    words,
)
from trainer.textmodel import classifier_runner

FLAGS = re.IGNORECASE


def _squashed(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def _any_quotes(reply: str, ctx: ReplyContext) -> list[tuple[int, int]]:
    """Spans of every quotation in the reply (the rule's ``quotes: any``)."""
    return [m.span() for m in QUOTE_RE.finditer(reply)]


def _customer_quotes(reply: str, ctx: ReplyContext) -> list[tuple[int, int]]:
    """Spans of quotations in the reply that repeat the customer's own words from the post.
    The wording rules do not judge them: "'Helaas, niet thuis' terwijl je thuis was" quotes the
    courier's card the customer complained about, it is not the agent's stock apology."""
    if not ctx.post_text:
        return []
    post = f" {_squashed(ctx.post_text)} "
    spans = []
    for m in QUOTE_RE.finditer(reply):
        quoted = _squashed(m.group(1))
        if quoted and f" {quoted} " in post:
            spans.append((m.start(), m.end()))
    return spans


def _outside_quotes(
    runner: Runner, quotes_of: Callable[[str, ReplyContext], list[tuple[int, int]]]
) -> Runner:
    def run(reply: str, ctx: ReplyContext) -> list[Hit]:
        hits = runner(reply, ctx)
        quotes = quotes_of(reply, ctx) if hits else []
        return [h for h in hits if not any(s <= h[0] and h[1] <= e for s, e in quotes)]

    return run


# A hit is (start, end, message fields).
Hit = tuple[int, int, dict[str, Any]]
Runner = Callable[[str, ReplyContext], list[Hit]]


def _applies(when: When, ctx: ReplyContext) -> bool:
    pairs: list[tuple[Sequence[str] | None, str | None]] = [
        (when.kinds, ctx.kind),
        (when.channels, ctx.channel),
        (when.platforms, ctx.platform),
        (when.decisions, ctx.decision),
        (when.orgs, ctx.org),
        (when.customer_address, ctx.address),
    ]
    for allowed, value in pairs:
        if allowed is not None and value not in allowed:
            return False
    return when.public is None or when.public == ctx.public


def _existence(check: ExistenceCheck) -> Runner:
    pats = list(check.patterns)
    tokens = _token_regex(check.tokens)
    if tokens is not None:
        pats.append(tokens.pattern)
    base = _regexes(pats)
    lemma_base = _regexes(check.lemma_patterns)
    per_org = {org: _token_regex(toks) for org, toks in check.org_tokens.items()}
    exceptions = _regexes(check.exceptions)
    lemma_exceptions = _regexes(check.lemma_exceptions)
    if lemma_base or lemma_exceptions or check.allow_post_words:
        lemmas.load()  # fails loudly now, not silently per reply

    def spans(regexes: list[re.Pattern[str]], reply: str, scope: str) -> list[Span]:
        units = _units(reply, scope)
        return [span for regex in regexes for span in _scoped(regex, reply, units)]

    def lemma_spans(regexes: list[re.Pattern[str]], reply: str, scope: str) -> list[Span]:
        if not regexes:
            return []
        view = lemma_view(reply)
        return [view.original(s, e) for s, e in spans(regexes, view.text, scope)]

    def run(reply: str, ctx: ReplyContext) -> list[Hit]:
        matches = spans(base, reply, check.scope) + lemma_spans(lemma_base, reply, check.scope)
        if ctx.org in per_org:
            matches += _scoped(per_org[ctx.org], reply, _units(reply, check.scope))
        if not matches or not _in_languages(check.languages, reply, ctx):
            return []
        excused = spans(exceptions, reply, "reply") + lemma_spans(lemma_exceptions, reply, "reply")
        if check.exception_scope == "reply" and excused:
            return []
        hits: list[Hit] = []
        for start, end in sorted(set(matches)):
            if check.allow_post_words and said_in_post(reply[start:end], ctx.post_text):
                continue
            if check.exception_scope in ("sentence", "clause"):
                around = sentence_around if check.exception_scope == "sentence" else clause_around
                s, e = around(reply, start, end)
                if any(s <= x_start < e for x_start, _ in excused):
                    continue
            elif any(x_start < end and start < x_end for x_start, x_end in excused):
                continue
            hits.append((start, end, {"match": reply[start:end]}))
        return hits

    return run


def _in_languages(languages: Sequence[str], reply: str, ctx: ReplyContext) -> bool:
    """Is the reply in one of ``languages`` (a check's ``languages``; empty: any), or too short
    to tell? Asked only once a check has found something, so most replies never pay for it."""
    if not languages:
        return True
    return language.reply_language(reply, _ignore_terms(ctx)) in (None, *languages)


# A web address or e-mail address; a substitution never flags a word inside one.
LINK_RE = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.\w+|\b[\w-]+(?:\.[\w-]+)*\.(?:nl|be|com|eu|org|net|info)"
    r"(?:/\S*)?",
    re.IGNORECASE,
)


@lru_cache(maxsize=1024)
def _post_words(post_text: str) -> frozenset[str]:
    """The post's words in lower case, the parts of hyphenated ones ("SEPA-machtiging"), and
    the lemma of each, so "tickets" in the post makes "ticket" in the reply the customer's."""
    found = {w.lower() for _, _, w in words(post_text)}
    found |= {part for w in found for part in re.split(r"['’-]", w) if part}
    return frozenset(found | {lemmas.lemma(w) for w in found})


def said_in_post(word: str, post_text: str) -> bool:
    """Did the customer use ``word`` (a matched word or phrase) in the post, in any form?"""
    if not post_text:
        return False
    said = _post_words(post_text)
    lowered = word.lower()
    return lowered in said or lemmas.lemma(lowered) in said


def _substitution(check: SubstitutionCheck) -> Runner:
    if check.allow_post_words:
        lemmas.load()  # the post's words are compared by lemma

    def compiled(swap: dict[str, str]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        return _token_regex(swap), {k.lower(): v for k, v in swap.items()}

    # A word listed in capitals is an abbreviation and counts only in capitals: "SLA" is jargon,
    # "sla je stroom op" is the verb, "bag" is no BAG.
    capitals = {
        k.lower(): k
        for table in (check.swap, *check.org_swap.values())
        for k in table
        if len(k) > 1 and k.isupper()
    }

    base = compiled(check.swap)
    allowed: dict[str, set[str]] = {
        org: {w.lower() for w in allow} for org, allow in check.org_allow.items()
    }
    per_org: dict[str, tuple[re.Pattern[str] | None, dict[str, str]]] = {
        org: compiled(swap) for org, swap in check.org_swap.items()
    }
    nothing: tuple[re.Pattern[str] | None, dict[str, str]] = (None, {})

    def run(reply: str, ctx: ReplyContext) -> list[Hit]:
        hits: list[Hit] = []
        org_allowed = allowed.get(ctx.org or "", set())
        links: list[Span] | None = None  # looked for only once a word is found
        for regex, table in [base, per_org.get(ctx.org or "", nothing)]:
            for m in _finditer(regex, reply):
                word = m.group().lower()
                if word in capitals and m.group() != capitals[word]:
                    continue
                if check.allow_post_words and said_in_post(word, ctx.post_text):
                    continue
                if links is None:
                    links = [link.span() for link in LINK_RE.finditer(reply)]
                if any(s <= m.start() and m.end() <= e for s, e in links):
                    continue  # part of a web address ("site.nl/faq"), not a word the agent uses
                if regex is base[0] and word in org_allowed:
                    continue
                hits.append((m.start(), m.end(), {"match": m.group(), "suggestion": table[word]}))
        if hits and not _in_languages(check.languages, reply, ctx):
            return []  # an English loan in an English reply is the plain word
        return hits

    return run


def _occurrence(check: OccurrenceCheck) -> Runner:
    regex = _any_regex(check.patterns)

    def run(reply: str, ctx: ReplyContext) -> list[Hit]:
        found = _finditer(regex, reply)
        n = len(found)
        if check.max is not None and n > check.max:
            return [(found[0].start(), found[-1].end(), {"count": n, "limit": check.max})]
        if check.min is not None and n < check.min:
            return [(0, len(reply), {"count": n, "limit": check.min})]
        return []

    return run


def _consistency(check: ConsistencyCheck) -> Runner:
    first, second = _any_regex(check.first), _any_regex(check.second)

    def run(reply: str, ctx: ReplyContext) -> list[Hit]:
        a, b = _finditer(first, reply), _finditer(second, reply)
        if not a or not b:
            return []
        minority = a if len(a) < len(b) else b
        return [(m.start(), m.end(), {"match": m.group()}) for m in minority]

    return run


def _conditional(check: ConditionalCheck) -> Runner:
    trigger = _any_regex(check.if_patterns)
    forbid = _any_regex(check.forbid)
    fixed_require = [p for p in check.require if "{customer_name}" not in p]
    named_require = [p for p in check.require if "{customer_name}" in p]
    plain = _any_regex(fixed_require)

    # Only the patterns with the name are compiled per customer, and only when the fixed
    # ones do not already match: compiling every pattern again for every new name is the
    # larger part of a cold reply's time.
    @lru_cache(maxsize=4096)
    def with_name(name: str) -> re.Pattern[str] | None:
        return _any_regex(p.replace("{customer_name}", re.escape(name)) for p in named_require)

    def satisfied(reply: str, ctx: ReplyContext) -> bool:
        if _search(plain, reply) is not None:
            return True
        name = first_name(ctx.customer_name)
        if not (name and named_require):
            return False
        named = with_name(name)
        return _search(named, reply) is not None

    def run(reply: str, ctx: ReplyContext) -> list[Hit]:
        if trigger is not None and _search(trigger, reply) is None:
            return []
        hits: list[Hit] = [
            (m.start(), m.end(), {"match": m.group()}) for m in _finditer(forbid, reply)
        ]
        if check.require and not satisfied(reply, ctx):
            hits.append((0, len(reply), {}))
        return hits

    return run


def _metric(check: MetricCheck) -> Runner:
    def run(reply: str, ctx: ReplyContext) -> list[Hit]:
        limit = check.channel_max.get(ctx.channel, check.max) if ctx.channel else check.max  # type: ignore[call-overload]
        if limit is None:
            return []
        if check.measure == "characters":
            n = len(reply)
            return [(limit, n, {"count": n, "limit": limit})] if n > limit else []
        found = emoji_spans(reply)
        if len(found) > limit:
            return [(found[limit][0], found[-1][1], {"count": len(found), "limit": limit})]
        return []

    return run


class EngineSetupError(RuntimeError):
    """A library a rule kind needs is missing; raised when the rules are compiled, in Dutch."""


# Modules a kind calls; compiling a rule of that kind imports them, so a missing spelling
# dictionary or language model stops the start instead of silently switching the rule off.
KIND_MODULES: dict[str, tuple[str, ...]] = {
    "spelling": ("trainer.spelling",),
    "language": ("trainer.language", "trainer.spelling"),
}


@cache
def _optional_module(name: str) -> ModuleType | None:
    """The module ``name``; raises ``EngineSetupError`` (never returns None) when it or a
    library it needs cannot be imported. The name stays for the call sites' sake."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise EngineSetupError(
            f"De module '{name}' kan niet worden geladen ({exc}); de regels die hem nodig hebben "
            "kunnen niet werken. Installeer de afhankelijkheden uit pyproject.toml "
            "(pip install -e .) en de Debian-pakketten uit scripts/setup.sh."
        ) from None


def _ignore_terms(ctx: ReplyContext) -> list[str]:
    """Words the spell checker must accept: brand terms, handles and the customer's name."""
    ignore = [*ctx.ignore]
    if ctx.customer_name:
        ignore.extend(ctx.customer_name.split())
    return ignore


def _spelling(check: SpellingCheck) -> Runner:
    spelling.require()  # a missing dictionary fails when the rules compile, not silently later
    languages = tuple(check.languages)

    def run(reply: str, ctx: ReplyContext) -> list[Hit]:
        ignore = _ignore_terms(ctx)
        if languages and language.reply_language(reply, ignore) not in (None, *languages):
            return []  # a reply in another language is the language rule's business
        hits: list[Hit] = []
        found = dt.dt_errors(reply)
        taken = [(f.start, f.end) for f in found]
        for start, end, word in spelling.misspellings(reply, ignore):
            if not any(s <= start and end <= e for s, e in taken):
                hits.append((start, end, {"match": word}))
        for f in found:
            # "_message": the check's field holding this finding's message (dt_message, ...)
            fields = {"match": f.word, "suggestion": f.suggestion, "_message": f"{f.kind}_message"}
            hits.append((f.start, f.end, fields))
        return hits

    return run


def _language(check: LanguageCheck) -> Runner:
    expected = tuple(check.expected)

    def run(reply: str, ctx: ReplyContext) -> list[Hit]:
        ignore = _ignore_terms(ctx)
        found = language.reply_language(reply, ignore)
        if found is None or found in expected:
            return []
        if ctx.post_text:
            asked = language.customer_language(ctx.post_text, ignore)
            if asked is not None and asked not in expected:
                return []  # the customer wrote in another language: answering in it is fine
        return [(0, len(reply), {"match": language.language_name(found)})]

    return run


def _keypoints(check: KeypointsCheck) -> Runner:
    @cache
    def compiled(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
        return _any_regex(patterns)

    def run(reply: str, ctx: ReplyContext) -> list[Hit]:
        hits: list[Hit] = []
        for point in ctx.key_points:
            regex = compiled(tuple(point.any))
            if regex is None or _search(regex, reply) is None:
                hits.append((0, len(reply), {"label": point.label}))
        return hits

    return run


_BUILDERS: dict[type, Callable[[Any], Runner]] = {
    ExistenceCheck: _existence,
    SubstitutionCheck: _substitution,
    OccurrenceCheck: _occurrence,
    ConsistencyCheck: _consistency,
    ConditionalCheck: _conditional,
    MetricCheck: _metric,
    SpellingCheck: _spelling,
    LanguageCheck: _language,
    KeypointsCheck: _keypoints,
    ClassifierCheck: classifier_runner,  # a learned check: trainer.textmodel
}


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    runners: list[tuple[Any, Runner]] = field(default_factory=list)

    def run(self, reply: str, ctx: ReplyContext) -> list[Alert]:
        return self.run_checks(
            [(c, r) for c, r in self.runners if _applies(c.when, ctx)], reply, ctx
        )

    def run_checks(
        self, runners: Sequence[tuple[Any, Runner]], reply: str, ctx: ReplyContext
    ) -> list[Alert]:
        """``run`` with the checks that apply in ``ctx`` already chosen (``_plan``)."""
        alerts: list[Alert] = []
        for check, runner in runners:
            for start, end, fields in runner(reply, ctx):
                template = check.message or self.rule.message
                if fields.get("_message") and getattr(check, fields["_message"], None):
                    template = getattr(check, fields["_message"])
                alerts.append(
                    Alert(
                        rule=self.rule.id,
                        level=self.rule.level,
                        message=template.format_map(_Fields(fields)),
                        source=self.rule.source,
                        start=start,
                        end=end,
                    )
                )
        return distinct_spans(alerts, len(reply))


def distinct_spans(alerts: Sequence[Alert], length: int) -> list[Alert]:
    """One alert per distinct span: of alerts whose spans overlap, the first (then longest)
    is kept, so a word two patterns both catch is listed once. Alerts about the reply as a
    whole (0..length) are distinct findings when their messages differ (two missed key
    points), so they are only merged with an identical one."""
    kept: list[Alert] = []
    spans: list[Span] = []
    whole: set[str] = set()
    for alert in sorted(alerts, key=lambda a: (a.start, -(a.end - a.start))):
        if alert.start == 0 and alert.end == length:
            if alert.message not in whole:
                whole.add(alert.message)
                kept.append(alert)
        elif not any(s < alert.end and alert.start < e for s, e in spans):
            spans.append((alert.start, alert.end))
            kept.append(alert)
    return kept


def may_fire(rule: Rule, ctx: ReplyContext) -> bool:
    """Can ``rule`` fire at all on a reply in this situation? From each check's ``when`` and
    what its kind needs (key points need a post that has them; a per-channel limit needs one
    of those channels). Practice uses it to know which rules a post puts to the test."""
    for check in rule.checks:
        if not _applies(check.when, ctx):
            continue
        if isinstance(check, KeypointsCheck) and not ctx.key_points:
            continue
        if (
            isinstance(check, MetricCheck)
            and check.max is None
            and ctx.channel not in check.channel_max
        ):
            continue
        return True
    return False


# Kinds that judge the agent's own wording; a quotation of the customer is not theirs (nor is a
# "uw" inside the customer's words quoted back the agent's form of address).
_WORDING_KINDS = (
    ExistenceCheck,
    SubstitutionCheck,
    SpellingCheck,
    ConditionalCheck,
    ClassifierCheck,
)


def _without_customer_quotes(runner: Runner) -> Runner:
    """Run ``runner`` on the reply with the customer's quoted words blanked out (same length,
    so spans still fit): a "uw" in "'uw pakket is bezorgd'" quoted back is no form of address
    that could clash with the agent's "je"."""

    def run(reply: str, ctx: ReplyContext) -> list[Hit]:
        quotes = _customer_quotes(reply, ctx)
        for s, e in quotes:
            reply = reply[:s] + " " * (e - s) + reply[e:]
        return runner(reply, ctx)

    return run


def _build(check: Any) -> Runner:
    for module in KIND_MODULES.get(check.kind, ()):
        _optional_module(module)
    runner = _BUILDERS[type(check)](check)
    if isinstance(check, ConsistencyCheck):
        return _without_customer_quotes(runner)
    if not isinstance(check, _WORDING_KINDS):
        return runner
    quotes = _any_quotes if getattr(check, "quotes", "customer") == "any" else _customer_quotes
    return _outside_quotes(runner, quotes)


def compile_rule(rule: Rule) -> CompiledRule:
    return CompiledRule(rule, [(c, _build(c)) for c in rule.checks])


_COMPILED: dict[int, tuple[tuple[Rule, ...], list[CompiledRule]]] = {}


def _compiled(rules: tuple[Rule, ...]) -> list[CompiledRule]:
    hit = _COMPILED.get(id(rules))
    if hit is None or hit[0] is not rules:
        hit = (rules, [compile_rule(r) for r in rules])
        _COMPILED[id(rules)] = hit
    return hit[1]


def check_rule(rule: Rule, reply: str, context: ReplyContext | None = None) -> list[Alert]:
    """The alerts of a single rule (used by the fixture tests and the rulebook)."""
    return compile_rule(rule).run(reply, context or ReplyContext())


def check_reply(
    reply: str, context: ReplyContext | None = None, rules: tuple[Rule, ...] | None = None
) -> list[Alert]:
    """All alerts for ``reply`` in its ``context``, ordered by position, then rule id."""
    ctx = context or ReplyContext()
    alerts: list[Alert] = []
    for compiled, runners in _plan(rules if rules is not None else load_rules(), ctx):
        alerts.extend(compiled.run_checks(runners, reply, ctx))
    return sorted(alerts, key=lambda a: (a.start, a.end, a.rule))


# The checks that apply depend only on the situation (the fields ``_applies`` reads), which is
# the same for every answer to one workshop post: chosen once per rule set and situation.
_PLANS: dict[tuple[Any, ...], tuple[tuple[Rule, ...], list[tuple[CompiledRule, list[Any]]]]] = {}
MAX_PLANS = 512  # situations; a plan is a list of references, some kB
_SITUATION = ("kind", "channel", "platform", "decision", "org", "address", "public")


def _plan(
    rules: tuple[Rule, ...], ctx: ReplyContext
) -> list[tuple[CompiledRule, list[tuple[Any, Runner]]]]:
    key = (id(rules), *(getattr(ctx, name) for name in _SITUATION))
    hit = _PLANS.get(key)
    if hit is None or hit[0] is not rules:
        plan = []
        for compiled in _compiled(rules):
            runners = [(c, r) for c, r in compiled.runners if _applies(c.when, ctx)]
            if runners:  # a rule with no check that applies gives no alert
                plan.append((compiled, runners))
        if len(_PLANS) >= MAX_PLANS:
            _PLANS.clear()
        hit = (rules, plan)
        _PLANS[key] = hit
    return hit[1]
