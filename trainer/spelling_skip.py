"""What the spell checker leaves alone: the words it never asks the dictionary about.

A social-media reply is full of things no dictionary holds, and a false alarm on them teaches a
trainee to ignore the feedback (``trainer.spelling``). Held here: the spans that hold no words to
check (links, e-mail addresses, bare domains, @handles, #hashtags, sign-offs like ^SV, /AB and
-JK), how a reply splits into candidate words and whether one opens a sentence, the everyday
webcare shorthand (DM, PB, ff), the standard abbreviations accepted before their full stop
("incl.", "bijv."), the everyday loanwords and interjections (refund, voucher, allez), the
clipped tech jargon (devs, config, auth), the clause-final tag "he" of informal and Flemish
replies, the first and last names a customer or the post generator may write, and a reply's own
terms to ignore (the brand's name and handles, the customer's name). ``prose`` blanks all of that
out for the language check, which reads names and initials as a foreign language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

Span = tuple[int, int, str]  # (start, end, word) in a reply

ACRONYM_MAX_LEN = 5  # an all-capitals token up to this many letters is an acronym or initials
# Hunspell's affix and compound search grows steeply with word length (a 400-letter run took
# seconds), and no Dutch word in a webcare reply comes near this, so longer runs are simply
# reported as misspelled without asking the dictionary.
LONGEST_PLAUSIBLE_WORD_LETTERS = 40

# Everyday webcare shorthand and clitics that dictionaries leave out (lower case).
WEBCARE_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "dm", "pb", "pm", "dmen", "dm'en", "dm'tje", "dm'etje", "pb'tje", "pb'en", "sms'je",
        "ff", "ff'jes", "effe", "ivm", "aub", "svp", "zsm", "tnx", "thx", "thnx", "bvd", "mvg",
        "gr", "grt", "grtz", "grts", "groet", "ok", "oke", "okee", "oki", "hey", "hee", "nvt",
        "evt", "ovv", "tav", "mbt", "iig", "idd", "wrs", "pls", "plz", "btw", "fyi", "lol",
        "m'n", "z'n", "d'r", "'t", "'n", "'s", "wifi", "whatsapp", "webcare", "chatbot",
        "app", "apps", "appje", "appen", "track", "tracking", "trace", "login", "inlog",
        # days in opening hours, written without a stop: "ma t/m vr", "di en za"
        "ma", "di", "wo", "do", "vr", "za", "zo",
    }
)  # fmt: skip

# Standard Dutch abbreviations written with a full stop ("incl.", "bijv.", "ca."): accepted
# only when the stop follows, so a typo at the end of a sentence is not mistaken for one.
DOTTED_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "incl", "excl", "bijv", "bv", "ca", "max", "min", "nr", "tel", "enz", "etc", "evt",
        "resp", "vnl", "vgl", "zgn", "ong", "ivm", "mvg", "aanv", "afd", "alg", "blz", "bijl",
        "dhr", "mevr", "mw", "hr", "ing", "drs", "dr", "ir", "mr", "prof", "ipv", "oa", "mbv",
        "tov", "tgv", "dwz", "zsm", "svp", "aub", "ovb", "wo", "ma", "di", "do", "vr", "za", "zo",
        "jan", "feb", "mrt", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dec",
    }
)  # fmt: skip

# Everyday loanwords and interjections the dictionary lacks, as webcare teams and customers
# write them (English and Flemish; lower case). Kept to common vocabulary, not brand names.
LOANWORDS: frozenset[str] = frozenset(
    {
        "airfryer", "airfryers", "smartwatch", "powerbank", "hi", "hoi", "thanks", "sorry",
        "nice", "yes", "top", "oeps", "refund", "refunds", "voucher", "vouchers", "cashback",
        "feedback", "update", "updates", "upgrade", "downgrade", "e-ticket", "eticket",
        "tickets", "check-in", "checkin", "boarding", "pass", "online", "offline", "account",
        "accounts", "helpdesk", "chat", "chatten", "mail", "mailen", "mailtje", "sms",
        "allez", "amai", "merci", "awel", "ge", "gij", "goesting", "efkes", "simkaart", "esim",
        "streaming", "stream", "screenshot", "screenshots", "link", "links", "ticket",
        "tracecode", "trackingcode", "bundel", "roaming", "inchecken", "uitchecken", "and",
        "prio",
    }
)  # fmt: skip

# Established tech and IT jargon, mostly clipped English, that webcare agents of software, telecom
# and logistics brands write as they say it ("de devs", "een config-file", "pre-auth"): the
# jargon rule's business, not a spelling error. Kept to clipped forms the English list lacks.
TECH_WORDS: frozenset[str] = frozenset(
    {
        "dev", "devs", "config", "configs", "auth", "admin", "admins", "repo", "repos", "prod",
        "api", "apis", "backend", "frontend", "devops", "infra", "specs", "spec", "sync",
    }
)  # fmt: skip

# Tag interjections that close a clause in informal and Flemish speech ("dat is balen, he.",
# "toch, hè?"): accepted only before punctuation or the end, so a typo for "het" or "de" inside
# a clause ("Ik heb he pakket") is still reported.
TAG_INTERJECTIONS: frozenset[str] = frozenset({"he", "hè", "hé"})
TAG_FOLLOWER_RE = re.compile(r"\s*(?:[.,!?…;:)]|$)")

# Tokens are letters and digits with inner apostrophes or hyphens; tokens with digits are skipped.
TOKEN_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
# Spans that hold no words to check: links, e-mail, @handles, #hashtags, sign-offs ^SV /AB -JK.
# An e-mail address or bare domain starts where no address character stands before it, and a
# domain label has at most 63 characters (DNS); without that anchor and bound the search restarts
# inside every run of letters and a held-down key ("a-a-a-...") costs quadratic time.
PROTECTED_RE = re.compile(
    r"""
      (?:https?://|www\.)\S+                                   # links
    | (?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+             # e-mail addresses
    | (?<![\w\-.])[\w\-]{1,63}(?:\.[\w\-]{1,63}){0,4}                # bare domains
      \.(?:nl|com|be|org|net|eu|io|de|info|app)\b(?:/\S*)?
    | [@#]\w+                                                  # handles and hashtags
    | [\^/]\s?[^\W\d_]+                                        # sign-offs ^SV, /AB, ^Sanne
    | (?<![^\s(])[-–]\s?[A-Z]{1,4}\b                           # sign-offs -JK, – AB
    """,
    re.VERBOSE,
)
SENTENCE_END = ".!?:;…\n"


def sentence_start(text: str, index: int) -> bool:
    """True when nothing but spaces, quotes, brackets or emoji stand between the previous
    sentence end (or the start of the text) and ``index``."""
    i = index - 1
    while i >= 0:
        ch = text[i]
        if ch in SENTENCE_END:
            return True
        if ch.isalnum() or ch in ",-–":
            return False
        i -= 1
    return True


def ignored_words(ignore: Iterable[str]) -> frozenset[str]:
    """The lower-case words of a reply's terms to ignore ("@BolCom", "Anne-Marie de Vries"):
    every term, its words and the parts of a word joined by a hyphen, underscore or apostrophe."""
    words: set[str] = set()
    for term in ignore:
        for part in re.split(r"[\s/]+", term):
            part = part.strip("@#.,!?:;\"'()").lower()
            if part:
                words.add(part)
                words.update(p for p in re.split(r"[-_']", part) if p)
    return frozenset(words)


@cache
def person_names() -> frozenset[str]:
    """First and last names Faker's ``nl_NL`` locale knows, lower case, loaded once.

    A capitalised word at the start of a sentence ("Aaliyah, je pas is klaar") is not skipped
    as a name the way a mid-sentence capital is, so the names the generator draws, and the
    names customers commonly have, are accepted here when written with a capital."""
    from faker.providers.person.nl_NL import Provider

    names: set[str] = set()
    for group in (Provider.first_names_male, Provider.first_names_female, Provider.last_names):
        for name in group:
            names.update(part.lower() for part in re.split(r"[\s-]+", name) if part)
    return frozenset(names)


def candidate_words(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, word, at_sentence_start) for every token outside protected spans."""
    protected = [(m.start(), m.end()) for m in PROTECTED_RE.finditer(text)]
    found = []
    for m in TOKEN_RE.finditer(text):
        start, end = m.span()
        if any(s <= start < e for s, e in protected):
            continue
        found.append((start, end, m.group(), sentence_start(text, start)))
    return found


def prose(text: str, ignore: Iterable[str] = ()) -> str:
    """``text`` with everything that is not running language blanked out (same length): links,
    e-mail addresses, handles, hashtags, sign-offs, the terms in ``ignore`` and runs of letters
    longer than any word. A language detector reads "Bedankt Sanne! ^MK" as German because of
    the name and the initials, and a held-down key makes it slow and reads as a foreign language."""
    chars = list(text)
    spans = [(m.start(), m.end()) for m in PROTECTED_RE.finditer(text)]
    skip = ignored_words(ignore)
    spans += [
        (m.start(), m.end())
        for m in TOKEN_RE.finditer(text)
        if m.group().lower() in skip or len(m.group()) > LONGEST_PLAUSIBLE_WORD_LETTERS
    ]
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
