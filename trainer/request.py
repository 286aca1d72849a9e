"""A score request as a schema: what ``webcare-train score``, ``audit`` and ``decide`` accept.

A request carries the brand, the customer's post, and the trainee's decision and reply. It comes
from anyone (a JSON line, a row of an export), so every field is checked once, here, before the
scorer sees it: types are strict (``"true"`` is no boolean, ``"5"`` no number), channel names
go through ``trainer.channels`` (so "Twitter" is x), key-point patterns must run on RE2
(``trainer.keypoints``), and every text has a stated size. The sizes keep one request from
holding the scorer: a reply of 100,000 characters or a "word" of 50,000 letters is refused with
a message, not scored for minutes (sizes: ``MAX_POST_CHARS``, ``MAX_REPLY_CHARS`` and the
word limits below). A failure becomes one ``RequestError`` in Dutch that names
the field (``post.key_points[0].any[1]``), the value (shortened) and what was expected.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from trainer.channels import ChannelName, accepted_names
from trainer.keypoints import (
    MAX_KEY_POINTS,
    MAX_LABEL_CHARS,
    MAX_PATTERNS_PER_POINT,
    PatternError,
    SafeKeyPoint,
    check_pattern,
)
from trainer.nl import amount
from trainer.posts import DecisionChoice, Kind, OrgType, Platform

MAX_POST_CHARS = 3_000  # a long review; a post on X has at most 280
MAX_REPLY_CHARS = 2_000  # a webcare reply; the rubric flags over 280 on X, most are far shorter
MAX_WORD_CHARS = 200  # characters without a space: a long link fits, a held-down key does not
# Checking a word the dictionary does not know costs about 0.15 ms x letters squared (it is
# tried as a compound at every cut), so a text's spelling work is estimated from its distinct
# words and bounded: real Dutch of 3,000 characters stays near two thirds of the budget, a text
# of made-up 20-letter words does not.
SPELLING_COST_MS_PER_LETTER2 = 0.15
SPELLING_BUDGET_MS = 3_000  # per text, on one idle core
SPELLING_LONGEST_WORD_LETTERS = 40  # longer runs are no word; the dictionary is not asked
MAX_NAME_CHARS = 200  # brand, author, handle, hashtag
MAX_ID_CHARS = 200
MAX_ID_DIGITS = 18  # a whole-number id; larger numbers are no ids
MAX_TERMS = 50  # handles or hashtags of one brand
MAX_REACH = 10_000_000_000  # followers; more people than there are
MAX_SHOWN_CHARS = 60  # of a bad value, in the message
LOG10_2 = 0.30103  # decimal digits per bit: a huge number's size without printing it

_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1}}}")
_LETTERS = re.compile(r"[^\W\d_]{4,}")


def number(n: int) -> str:
    """A whole number the Dutch way: 10.000."""
    return f"{n:,}".replace(",", ".")


class RequestError(ValueError):
    """A score request that cannot be used; the message names the field, value and expectation."""


def _checked_text(value: str, limit: int) -> str:
    """``value`` if it is within the sizes that keep scoring it short; Dutch refusal otherwise.

    Spelling costs grow with the square of a word's length (a 40-letter non-word takes the
    dictionary about 0.2 s to rule out as a compound), so besides the length, the estimated
    spelling work of the text's distinct words is bounded (``SPELLING_BUDGET_MS``)."""
    if len(value) > limit:
        raise PydanticCustomError(
            "too_long",
            "de tekst heeft {n} tekens, meer dan de {limit} die hier mogen",
            {"n": number(len(value)), "limit": number(limit)},
        )
    word = _LONG_WORD.search(value)
    if word is not None:
        run = re.match(r"\S+", value[word.start() :])
        raise PydanticCustomError(
            "long_word",
            "de tekst heeft een 'woord' van {n} tekens zonder spatie (vanaf teken {at}), langer "
            "dan de {limit} die een woord of link kan hebben",
            {
                "n": number(len(run.group()) if run else MAX_WORD_CHARS + 1),
                "at": number(word.start() + 1),
                "limit": number(MAX_WORD_CHARS),
            },
        )
    if spelling_cost_ms(value) > SPELLING_BUDGET_MS:
        raise PydanticCustomError(
            "long_words",
            "de tekst heeft te veel verschillende lange woorden om de spelling binnen een paar "
            "seconden te controleren",
        )
    return value


def spelling_cost_ms(text: str) -> float:
    """Estimated spelling work for ``text`` on an idle core: its distinct words, each as if
    the dictionary did not know it."""
    distinct = {m.group().casefold() for m in _LETTERS.finditer(text)}
    checked = [len(w) for w in distinct if len(w) <= SPELLING_LONGEST_WORD_LETTERS]
    return SPELLING_COST_MS_PER_LETTER2 * sum(n * n for n in checked)


def _post_text_ok(value: str) -> str:
    return _checked_text(value, MAX_POST_CHARS)


def _reply_ok(value: str) -> str:
    return _checked_text(value, MAX_REPLY_CHARS)


def _pattern_ok(value: str) -> str:
    try:
        return check_pattern(value)
    except PatternError as exc:
        raise PydanticCustomError("pattern", "{reason}", {"reason": str(exc)}) from None


def _id_ok(value: Any) -> Any:
    if value is None or (isinstance(value, str) and len(value) <= MAX_ID_CHARS):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**MAX_ID_DIGITS:
        return value
    raise PydanticCustomError("id", "bad id")


PostText = Annotated[str, AfterValidator(_post_text_ok)]
ReplyText = Annotated[str, AfterValidator(_reply_ok)]
Name = Annotated[str, Field(max_length=MAX_NAME_CHARS)]
Pattern = Annotated[str, AfterValidator(_pattern_ok)]
RequestId = Annotated[str | int | None, BeforeValidator(_id_ok)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class RequestBrand(_Strict):
    """The organisation: its name, handles and hashtags are never spelling errors."""

    name: Name = ""
    handles: list[Name] = Field(default_factory=list, max_length=MAX_TERMS)
    hashtags: list[Name] = Field(default_factory=list, max_length=MAX_TERMS)


class RequestAuthor(_Strict):
    name: Name | None = None
    handle: Name | None = None
    reach: int | None = Field(default=None, ge=0, le=MAX_REACH)


class RequestKeyPoint(_Strict):
    label: Annotated[str, Field(min_length=1, max_length=MAX_LABEL_CHARS)]
    any: list[Pattern] = Field(min_length=1, max_length=MAX_PATTERNS_PER_POINT)

    @field_validator("label")
    @classmethod
    def _label_has_text(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError("blank", "alleen spaties")
        return value

    def safe(self) -> SafeKeyPoint:
        return SafeKeyPoint(label=self.label, any=tuple(self.any))


def _author(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


class DecisionPost(_Strict):
    """What the respond-or-not decision reads from a post (``trainer.decision``)."""

    model_config = ConfigDict(extra="ignore")  # the rest of a request's post is not its concern
    channel: ChannelName
    platform: Platform
    text: PostText = ""
    tagged: bool | None = None  # None: read from the text
    brand_hashtag: bool | None = None
    wants_solution: bool = False
    privacy: bool = False
    heated: bool = False
    praise_for_others: bool = False


class RequestPost(DecisionPost):
    """The customer's post in a score request."""

    model_config = ConfigDict(extra="forbid")
    kind: Kind | None  # required, may be null (an export may not say)
    author: Annotated[RequestAuthor | None, BeforeValidator(_author)]
    text: PostText
    outage: bool = False  # accepted; the decision reads the fields above
    key_points: list[RequestKeyPoint] = Field(default_factory=list, max_length=MAX_KEY_POINTS)

    @property
    def author_name(self) -> str | None:
        return self.author.name if self.author is not None else None

    @property
    def author_handle(self) -> str | None:
        return self.author.handle if self.author is not None else None


class ScoreRequest(_Strict):
    """One ``webcare-train score`` request (docs/cli-trainer.md)."""

    id: RequestId = None
    brand: RequestBrand
    post: RequestPost
    org: OrgType | None = None
    decision: DecisionChoice | None = None
    reply: ReplyText | None = None


# What each field expects, in Dutch, for the message (list indexes written as []).
KEY_POINTS_EXPECTED = (
    "een lijst van objecten met label (tekst) en any (een lijst met reguliere expressies), "
    'bijvoorbeeld [{"label": "schelt de boete kwijt", "any": ["kwijtgescholden"]}]'
)
_WORDS = f"woorden tot {MAX_WORD_CHARS} tekens, gewone zinnen"
_FLAG = "true, false of geen waarde"
EXPECTED: dict[str, str] = {
    "": "een JSON-object met brand en post",
    "id": f"tekst (hoogstens {MAX_ID_CHARS} tekens) of een geheel getal (hoogstens "
    f"{MAX_ID_DIGITS} cijfers)",
    "brand": "een object met name, handles en hashtags",
    "brand.name": f"de naam van de organisatie (tekst, hoogstens {MAX_NAME_CHARS} tekens)",
    "brand.handles": f"een lijst met teksten (hoogstens {MAX_TERMS})",
    "brand.handles[]": f"een handle als tekst (hoogstens {MAX_NAME_CHARS} tekens)",
    "brand.hashtags": f"een lijst met teksten (hoogstens {MAX_TERMS})",
    "brand.hashtags[]": f"een hashtag als tekst (hoogstens {MAX_NAME_CHARS} tekens)",
    "org": "een van library, telecom, airline, webshop, bank, of geen waarde",
    "post": "een object met channel, platform, kind, author en text",
    "post.channel": "een van " + accepted_names(),
    "post.platform": "brand of consumer",
    "post.kind": "een van question, complaint, compliment, suggestion, of geen waarde",
    "post.author": "een naam of een object met name, handle en reach",
    "post.author.name": f"een naam (tekst, hoogstens {MAX_NAME_CHARS} tekens)",
    "post.author.handle": f"een handle (tekst, hoogstens {MAX_NAME_CHARS} tekens)",
    "post.author.reach": f"een geheel getal van 0 tot {number(MAX_REACH)}",
    "post.text": f"tekst: het bericht van de klant (hoogstens {number(MAX_POST_CHARS)} tekens, "
    f"{_WORDS})",
    "post.tagged": _FLAG,
    "post.brand_hashtag": _FLAG,
    "post.wants_solution": _FLAG,
    "post.privacy": _FLAG,
    "post.heated": _FLAG,
    "post.praise_for_others": _FLAG,
    "post.outage": _FLAG,
    "post.key_points": f"{KEY_POINTS_EXPECTED} (hoogstens {MAX_KEY_POINTS})",
    "post.key_points[]": KEY_POINTS_EXPECTED,
    "post.key_points[].label": f"een korte tekst (hoogstens {MAX_LABEL_CHARS} tekens)",
    "post.key_points[].any": "een niet-lege lijst met reguliere expressies (hoogstens "
    f"{MAX_PATTERNS_PER_POINT})",
    "post.key_points[].any[]": "een reguliere expressie die RE2 aankan (hoogstens 300 tekens, "
    "zonder look-arounds of terugverwijzingen)",
    "decision": "een van public, private, none, of geen waarde",
    "reply": f"het antwoord als tekst (hoogstens {number(MAX_REPLY_CHARS)} tekens, {_WORDS})",
}


# Keys a request's post must have, with what is expected there (the rest may be left out).
REQUIRED_POST_FIELDS: dict[str, str] = {
    name: EXPECTED[f"post.{name}"]
    for name, field in RequestPost.model_fields.items()
    if field.is_required()
}


def shown(value: Any) -> str:
    """A bad value for a message: short, never the whole of a huge or deeply nested value."""
    if value is None:
        return "geen waarde"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        digits = value.bit_length() * 0.30103
        return (
            str(value) if digits < 30 else f"een getal van ongeveer {number(round(digits))} cijfers"
        )
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        text = repr(value)
        if len(text) > MAX_SHOWN_CHARS:
            return f"{text[: MAX_SHOWN_CHARS - 1]}…' ({number(len(value))} tekens)"
        return text
    if isinstance(value, dict):
        return "een object"
    if isinstance(value, list | tuple):
        return f"een lijst met {number(len(value))} elementen"
    return type(value).__name__


def _path(loc: tuple[str | int, ...]) -> tuple[str, str]:
    """(the field as the user reads it, the key in EXPECTED): post.key_points[0].any[1]."""
    shown_path, key = "", ""
    for part in loc:
        if isinstance(part, int):
            shown_path += f"[{part}]"
            key += "[]"
        else:
            shown_path += f".{part}" if shown_path else part
            key += f".{part}" if key else part
    return shown_path, key


def _message(error: Any) -> str:
    where, key = _path(tuple(error["loc"]))
    expected = EXPECTED.get(key, "een geldige waarde")
    if error["type"] == "missing":
        return f"veld '{where}' ontbreekt; verwacht {expected}"
    if error["type"] == "extra_forbidden":
        parent = where.rsplit(".", 1)[0] if "." in where else ""
        allowed = _allowed_keys(parent)
        return f"veld '{where}' is onbekend; verwacht alleen {allowed}"
    got = shown(error.get("input"))
    reason = ""
    if error["type"] in ("too_long", "long_word", "long_words", "pattern", "value_error", "blank"):
        reason = f" ({error['msg'].removeprefix('Value error, ')})"
    if error["type"] == "too_long" and key.endswith(("handles", "hashtags", "key_points", "any")):
        reason = " (te veel elementen)"
    return f"veld '{where or 'verzoek'}': kreeg {got}{reason}, verwacht {expected}"


_MODEL_AT: dict[str, type[BaseModel]] = {
    "": ScoreRequest,
    "brand": RequestBrand,
    "post": RequestPost,
    "post.author": RequestAuthor,
}


def _allowed_keys(parent: str) -> str:
    model = _MODEL_AT.get(re.sub(r"\[\d+\]", "", parent), RequestKeyPoint)
    return ", ".join(model.model_fields)


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False, include_context=False)
    message = _message(errors[0])
    if len(errors) > 1:
        message += f" (en nog {amount(len(errors) - 1, 'fout', 'fouten')})"
    return message


def parse_request(data: Any) -> ScoreRequest:
    """The checked request; raises ``RequestError`` in Dutch naming the first bad field."""
    if not isinstance(data, dict):
        raise RequestError(
            f"verzoek: kreeg {shown(data)}, verwacht een JSON-object met brand en post"
        )
    try:
        return ScoreRequest.model_validate(data)
    except ValidationError as exc:
        raise RequestError(_first_error(exc)) from None


def parse_decision_post(data: Any) -> DecisionPost:
    """The fields of a post the decision reads; raises ``RequestError`` in Dutch."""
    if not isinstance(data, dict):
        raise RequestError(
            f"veld 'post': kreeg {shown(data)}, verwacht een object met de velden van het bericht"
        )
    try:
        return DecisionPost.model_validate(data)
    except ValidationError as exc:
        raise RequestError(_first_error_under(exc, "post")) from None


def parse_brand(data: Any) -> RequestBrand:
    if data is None:
        return RequestBrand()
    if not isinstance(data, dict):
        raise RequestError(f"veld 'brand': kreeg {shown(data)}, verwacht {EXPECTED['brand']}")
    try:
        return RequestBrand.model_validate(data)
    except ValidationError as exc:
        raise RequestError(_first_error_under(exc, "brand")) from None


def _first_error_under(exc: ValidationError, prefix: str) -> str:
    errors = exc.errors(include_url=False, include_context=False)
    first: dict[str, Any] = dict(errors[0])
    first["loc"] = (prefix, *tuple(errors[0]["loc"]))
    message = _message(first)
    if len(errors) > 1:
        message += f" (en nog {amount(len(errors) - 1, 'fout', 'fouten')})"
    return message
