"""What the columns of a mention export mean: header names, channel names and kind names.

Webcare tools (Dutch and international) name the same facts differently: the moment a message came
in is "Datum", "Aangemaakt", "Ontvangen op", "created_at" or "Date"; the channel is "Kanaal",
"Platform" or "Source"; X is "Twitter", "X", "X (Twitter)". Headers are compared after
normalising (lower case, accents and everything but letters and digits removed), so "Aangemaakt
op" and "aangemaakt_op" are the same. What a tool calls differently the manager maps with
``--map created_at=Datum``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# The fields an export can hold, in the order messages list them. Only created_at is required.
FIELDS: tuple[str, ...] = (
    "created_at",
    "channel",
    "kind",
    "answered",
    "first_response",
    "resolved",
    "handling_start",
    "handling_end",
    "handling",
    "agent",
    "conversation",
)
REQUIRED_FIELDS: tuple[str, ...] = ("created_at",)

# Dutch names of the fields, for messages to the manager.
FIELD_LABELS: dict[str, str] = {
    "created_at": "tijdstip van het bericht",
    "channel": "kanaal",
    "kind": "soort bericht",
    "answered": "beantwoord (ja/nee)",
    "first_response": "eerste reactie (tijdstip of minuten)",
    "resolved": "afgehandeld (tijdstip of minuten)",
    "handling_start": "start behandeling (tijdstip)",
    "handling_end": "einde behandeling (tijdstip)",
    "handling": "behandeltijd (minuten)",
    "agent": "medewerker",
    "conversation": "gesprek-ID",
}

_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "created_at": (
        "datum",
        "datumtijd",
        "aangemaakt",
        "aangemaaktop",
        "ontvangen",
        "ontvangenop",
        "tijdstip",
        "berichtdatum",
        "datumbericht",
        "geplaatst",
        "geplaatstop",
        "publicatiedatum",
        "created",
        "createdat",
        "createdtime",
        "createddate",
        "date",
        "datetime",
        "timestamp",
        "time",
        "published",
        "publishedat",
        "receivedat",
        "postedat",
        "messagedate",
    ),
    "channel": (
        "kanaal",
        "platform",
        "bron",
        "netwerk",
        "medium",
        "sociaalnetwerk",
        "channel",
        "source",
        "network",
        "socialnetwork",
        "channelname",
    ),
    "kind": (
        "soort",
        "type",
        "categorie",
        "soortbericht",
        "berichttype",
        "classificatie",
        "label",
        "kind",
        "category",
        "messagetype",
        "intent",
    ),
    "answered": (
        "beantwoord",
        "gereageerd",
        "reactiegegeven",
        "answered",
        "replied",
        "hasreply",
        "isanswered",
    ),
    "first_response": (
        "eerstereactie",
        "eerstereactiemin",
        "eerstereactietijd",
        "eerstereactieop",
        "reactietijd",
        "reactietijdmin",
        "tijdtoteerstereactie",
        "firstresponse",
        "firstresponsetime",
        "firstresponsemin",
        "firstresponseat",
        "firstreplyat",
        "responsetime",
        "frt",
    ),
    "resolved": (
        "afgehandeld",
        "afgehandeldop",
        "opgelost",
        "opgelostop",
        "gesloten",
        "geslotenop",
        "afsluitdatum",
        "resolved",
        "resolvedat",
        "closed",
        "closedat",
        "solvedat",
    ),
    "handling_start": (
        "startbehandeling",
        "behandelingstart",
        "begonnenop",
        "geopendop",
        "handlingstart",
        "workstart",
        "openedat",
        "startedat",
    ),
    "handling_end": (
        "eindebehandeling",
        "behandelingeinde",
        "beeindigdop",
        "handlingend",
        "workend",
        "finishedat",
        "endedat",
    ),
    "handling": (
        "behandeltijd",
        "behandeltijdmin",
        "werktijd",
        "handlingtime",
        "handletime",
        "aht",
        "worktime",
    ),
    "agent": (
        "medewerker",
        "behandelaar",
        "agent",
        "beantwoorddoor",
        "toegewezenaan",
        "gebruiker",
        "assignee",
        "answeredby",
        "repliedby",
        "user",
        "owner",
    ),
    "conversation": (
        "gesprek",
        "gesprekid",
        "gespreksid",
        "gespreknummer",
        "conversatie",
        "conversatieid",
        "ticket",
        "ticketid",
        "ticketnummer",
        "zaak",
        "zaaknummer",
        "dossier",
        "draad",
        "conversation",
        "conversationid",
        "thread",
        "threadid",
        "caseid",
        "case",
    ),
}

# Channel names as tools write them, normalised, to the profile's channel keys.
_CHANNEL_ALIASES: dict[str, tuple[str, ...]] = {
    "x": ("x", "twitter", "xtwitter", "twitterx", "xformerlytwitter", "tweet", "twitterdm", "xdm"),
    "facebook": ("facebook", "fb", "facebookpagina", "facebookpage", "facebookcomment", "meta"),
    "instagram": ("instagram", "ig", "insta", "instagramdm", "instagramcomment"),
    "whatsapp": ("whatsapp", "whatsappbusiness", "wa", "whatsappbericht"),
    "messenger": ("messenger", "facebookmessenger", "fbmessenger", "facebookdm", "fbdm"),
    "reviews": (
        "reviews",
        "review",
        "trustpilot",
        "googlereviews",
        "googlereview",
        "google",
        "googlemijnbedrijf",
        "googlebusinessprofile",
        "kiyoh",
        "feedbackcompany",
        "feefo",
        "klantenvertellen",
    ),
}

_KIND_ALIASES: dict[str, tuple[str, ...]] = {
    "question": ("vraag", "vragen", "informatievraag", "question", "questions", "query"),
    "complaint": ("klacht", "klachten", "storing", "complaint", "complaints", "issue"),
    "compliment": ("compliment", "complimenten", "lof", "praise", "positief", "positive"),
    "suggestion": ("suggestie", "suggesties", "idee", "tip", "suggestion", "feedback", "idea"),
}

_TRUE_WORDS = frozenset(("ja", "j", "yes", "y", "true", "waar", "1", "beantwoord", "answered"))
_FALSE_WORDS = frozenset(
    ("nee", "n", "no", "false", "onwaar", "0", "onbeantwoord", "nietbeantwoord", "unanswered")
)


def normalise(text: str) -> str:
    """Lower case, accents dropped, only letters and digits: "Aangemaakt op" -> "aangemaaktop"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _invert(aliases: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {alias: key for key, names in aliases.items() for alias in names}


_HEADER_TO_FIELD = _invert(_HEADER_ALIASES)
_CHANNEL_TO_KEY = _invert(_CHANNEL_ALIASES)
_KIND_TO_KEY = _invert(_KIND_ALIASES)


class ColumnError(ValueError):
    """A column mapping (``VELD=KOLOM``) that names an unknown field or a column the file does not
    have (Dutch text). The words are the domain's: the CLI says which option sets it (``--map``),
    the app which box."""


@dataclass(frozen=True)
class ColumnMap:
    """Which header of the file holds which field (fields not found are absent)."""

    headers: Mapping[str, str]  # field -> header as written in the file

    def has(self, field: str) -> bool:
        return field in self.headers


def parse_map(items: Sequence[str] | None) -> dict[str, str]:
    """``["created_at=Datum", ...]`` -> ``{"created_at": "Datum"}``; bad items raise ColumnError."""
    result: dict[str, str] = {}
    for item in items or ():
        field, sep, header = item.partition("=")
        field = field.strip()
        if not sep or not field or not header.strip():
            raise ColumnError(
                f"kolomkoppeling {item!r} is onvolledig; verwacht VELD=KOLOM, bijvoorbeeld "
                "created_at=Datum"
            )
        if field not in FIELDS:
            raise ColumnError(
                f"kolomkoppeling {item!r}: onbekend veld {field!r}; verwacht een van: "
                f"{', '.join(FIELDS)}"
            )
        result[field] = header.strip()
    return result


def map_columns(headers: Sequence[str], overrides: Mapping[str, str] | None = None) -> ColumnMap:
    """Find each field's column: the manager's ``overrides`` first, then the known names."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise(header), header)
    found: dict[str, str] = {}
    for field, wanted in (overrides or {}).items():
        column = wanted if wanted in headers else by_norm.get(normalise(wanted))
        if column is None:
            raise ColumnError(
                f"kolomkoppeling {field}={wanted}: het bestand heeft geen kolom {wanted!r}; "
                f"gevonden kolommen: {', '.join(repr(h) for h in headers)}"
            )
        found[field] = column
    taken = set(found.values())
    for header in headers:
        known = _HEADER_TO_FIELD.get(normalise(header))
        if known is not None and known not in found and header not in taken:
            found[known] = header
            taken.add(header)
    return ColumnMap({f: found[f] for f in FIELDS if f in found})


def needed_columns_text() -> str:
    """Which columns a usable export needs, with examples of accepted names (Dutch)."""
    examples = ", ".join(f"„{name}”" for name in ("Datum", "Aangemaakt", "created_at", "Date"))
    optional = ", ".join(FIELD_LABELS[f] for f in FIELDS if f not in REQUIRED_FIELDS)
    return (
        f"verwacht minstens een kolom met het tijdstip van elk bericht (zoals {examples}; of "
        f"koppel die kolom zelf: created_at=KOLOM), en liefst ook: {optional}"
    )


def channel_key(raw: str) -> str | None:
    """The profile's channel key for a channel name as a tool writes it, None when unknown."""
    return _CHANNEL_TO_KEY.get(normalise(raw))


def kind_key(raw: str) -> str | None:
    """The profile's kind key for a kind name as a tool writes it, None when unknown."""
    return _KIND_TO_KEY.get(normalise(raw))


def yes_no(raw: str) -> bool | None:
    """ja/nee, yes/no, true/false, 1/0; None when empty or not a yes or no."""
    word = normalise(raw)
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "REQUIRED_FIELDS",
    "ColumnError",
    "ColumnMap",
    "channel_key",
    "kind_key",
    "map_columns",
    "needed_columns_text",
    "normalise",
    "parse_map",
    "yes_no",
]
