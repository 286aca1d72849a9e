"""Dutch for the frame of the command-line tools: typer's help, usage lines and error messages.

The commands' own texts are Dutch, but the frame typer draws around them is English: "Usage:",
the "Options" panel, "Show this message and exit.", "No such option", "Missing option",
"Invalid value for", "Try ... for help", the "Error" panel. typer (0.29) carries its own copy of
click without gettext and checks values with pydantic, so there is no catalogue to bind for
most of these. ``use_dutch`` puts Dutch in at the few places they pass through, once per
process, whatever the user's locale:

- the panel titles and fixed texts are constants of ``typer.rich_utils``, set to Dutch (the way
  typer documents to change them); the two messages typer itself sends through gettext
  ("Missing command.", "No such command") get a Dutch gettext catalogue;
- "Usage:" is the default prefix of the help formatter's usage line;
- the help option's text is given when typer makes that option;
- every usage error reaches the screen through ``rich_utils.rich_format_error``: the error's
  message is rewritten in Dutch there (``dutch_error``), from the error's kind and fields and,
  for a value pydantic refused, from pydantic's error type; a message of the project's own
  (already Dutch) passes unchanged.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import typer.core
import typer.rich_utils
from typer._click import decorators, exceptions, formatting

USAGE_PREFIX = "Gebruik: "
# The usage line's placeholders, English in typer -> Dutch.
USAGE_WORDS = {"[OPTIONS]": "[OPTIES]", "COMMAND [ARGS]...": "OPDRACHT [ARGUMENTEN]..."}
# The value types the help shows (``<int>``) -> Dutch.
TYPE_WORDS = {
    "int": "geheel getal",
    "float": "getal",
    "str": "tekst",
    "bool": "ja/nee",
    "path": "pad",
    "file": "bestand",
    "directory": "map",
    "datetime": "datum/tijd",
    "list": "lijst",
    "range": "bereik",
}
TYPE_WORD = re.compile(r"\b(" + "|".join(TYPE_WORDS) + r")\b")
HELP_TEXT = "Toon deze hulp en stop."

# typer.rich_utils constants -> Dutch.
RICH_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "Argumenten",
    "OPTIONS_PANEL_TITLE": "Opties",
    "COMMANDS_PANEL_TITLE": "Opdrachten",
    "ERRORS_PANEL_TITLE": "Fout",
    "ABORTED_TEXT": "Afgebroken.",
    "RICH_HELP": "Probeer [blue]'{command_path} {help_option}'[/] voor hulp.",
    "DEFAULT_STRING": "[standaard: {}]",
    "ENVVAR_STRING": "[omgevingsvariabele: {}]",
    "REQUIRED_LONG_STRING": "[verplicht]",
    "DEPRECATED_STRING": "(verouderd) ",
}
# typer.core's gettext message ids -> Dutch.
GETTEXT = {
    "Missing command.": "Geef een opdracht.",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
    "Arguments": "Argumenten",
    "required": "verplicht",
}
# pydantic's error type for a refused value -> what was expected, in Dutch.
EXPECTED = {
    "int_parsing": "een geheel getal",
    "int_from_float": "een geheel getal",
    "float_parsing": "een getal",
    "bool_parsing": "ja of nee (true/false)",
    "date_parsing": "een datum (jjjj-mm-dd)",
    "date_from_datetime_parsing": "een datum (jjjj-mm-dd)",
    "datetime_parsing": "een datum en tijd (jjjj-mm-dd uu:mm)",
    "datetime_from_date_parsing": "een datum en tijd (jjjj-mm-dd uu:mm)",
    "greater_than": "meer dan {gt}",
    "greater_than_equal": "minstens {ge}",
    "less_than": "minder dan {lt}",
    "less_than_equal": "hoogstens {le}",
    "enum": "een van {expected}",
    "literal_error": "een van {expected}",
}
# The remaining English messages of typer's click (a regex on the message -> Dutch template).
USAGE_MESSAGES: Sequence[tuple[re.Pattern[str], str]] = (
    (
        re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)$", re.S),
        "Onverwacht extra argument: {args}",
    ),
    (re.compile(r"Option (?P<name>.+) requires an argument\.$"), "Optie {name} vraagt een waarde."),
    (
        re.compile(r"Option (?P<name>.+) requires (?P<n>\d+) arguments\.$"),
        "Optie {name} vraagt {n} waarden.",
    ),
    (
        re.compile(r"Option (?P<name>.+) does not take a value\.$"),
        "Optie {name} neemt geen waarde.",
    ),
    (
        re.compile(r"Argument (?P<name>.+) takes (?P<n>\d+) values\.$"),
        "Argument {name} neemt {n} waarden.",
    ),
    (re.compile(r"Value must be an iterable\.$"), "Geef een of meer waarden."),
    (
        re.compile(r"Value (?P<value>.+) is not a valid (?P<label>.+)\.$", re.S),
        "{value} is geen geldige waarde ({label}).",
    ),
)


class Catalogue(gettext.NullTranslations):
    """A gettext catalogue from a dict; an id it lacks comes back unchanged."""

    def __init__(self, messages: Mapping[str, str]) -> None:
        super().__init__()
        self._messages = messages

    def gettext(self, message: str) -> str:
        return self._messages.get(message, message)


def _hint(error: exceptions.BadParameter) -> str:
    """The option or argument an error is about, as typer names it ('--weeks' / '-w')."""
    hint: Any = error.param_hint
    if hint is None and error.param is not None:
        hint = error.param.get_error_hint()
    if hint is None:
        return ""
    return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint)


def _refused_value(error: exceptions.BadParameter) -> str | None:
    """A Dutch reason for a value pydantic refused (None: not pydantic's refusal)."""
    cause = error.__cause__
    errors = getattr(cause, "errors", None)
    if not callable(errors):
        return None
    found = errors()
    if not found:
        return None
    first = found[0]
    template = EXPECTED.get(first.get("type", ""), "een geldige waarde")
    expected = template.format(**(first.get("ctx") or {}))
    return f"kreeg {first.get('input')!r}; verwacht {expected}."


def _usage_message(message: str) -> str:
    for pattern, template in USAGE_MESSAGES:
        if (match := pattern.match(message)) is not None:
            return template.format(**match.groupdict())
    return message


def dutch_error(error: exceptions.ClickException) -> str:
    """The Dutch message of a usage error typer is about to show."""
    if isinstance(error, exceptions.MissingParameter):
        kind = "Argument" if getattr(error.param, "param_type_name", "") == "argument" else "Optie"
        extra = error.param.get_missing_message(ctx=error.ctx) if error.param else ""
        extra = (extra or "").replace("Choose from:", "Kies uit:")
        return f"{kind} {_hint(error)} ontbreekt." + (f" {extra}" if extra else "")
    if isinstance(error, exceptions.BadParameter):
        reason = _refused_value(error) or _usage_message(error.message)
        hint = _hint(error)
        return f"Ongeldige waarde voor {hint}: {reason}" if hint else f"Ongeldige waarde: {reason}"
    if isinstance(error, exceptions.NoSuchOption):
        message = f"Onbekende optie: {error.option_name}"
        if error.possibilities:
            message += f" (bedoelde u: {', '.join(sorted(error.possibilities))}?)"
        return message
    return _usage_message(error.format_message())


def _dutch_rich_format_error(original: Callable[[Any], None]) -> Callable[[Any], None]:
    def rich_format_error(error: Any) -> None:
        if isinstance(error, exceptions.ClickException) and not isinstance(
            error, exceptions.NoArgsIsHelpError
        ):
            message = dutch_error(error)
            # this one error, as shown
            error.format_message = lambda: message  # type: ignore[method-assign]
        original(error)

    rich_format_error.dutch = True  # type: ignore[attr-defined]
    return rich_format_error


def _dutch_help_option(original: Callable[..., Any]) -> Callable[..., Any]:
    def help_option(param_decls: list[str]) -> Callable[[Any], Any]:
        add = original(param_decls)

        def apply(command: Any) -> Any:
            command = add(command)
            command.params[-1].help = HELP_TEXT  # the option ``add`` just appended
            return command

        return apply

    help_option.dutch = True  # type: ignore[attr-defined]
    return help_option


def _dutch_write_usage(original: Callable[..., None]) -> Callable[..., None]:
    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, dutch in USAGE_WORDS.items():
            args = args.replace(english, dutch)
        original(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    write_usage.dutch = True  # type: ignore[attr-defined]
    return write_usage


def _dutch_display_type(original: Callable[[Any, Any], str]) -> Callable[[Any, Any], str]:
    def display_type(self: Any, ctx: Any) -> str:
        label = original(self, ctx)
        if self.type_descriptor.is_choice and self.show_choices:
            return label  # the choices themselves, as typed
        return TYPE_WORD.sub(lambda m: TYPE_WORDS[m.group(1)], label)

    display_type.dutch = True  # type: ignore[attr-defined]
    return display_type


def use_dutch() -> None:
    """Make typer's help, usage lines and errors Dutch in this process (idempotent)."""
    for name, text in RICH_TEXTS.items():
        setattr(typer.rich_utils, name, text)
    usage_style = f"(?P<usage>{USAGE_PREFIX})"  # the usage line's prefix in its colour, as before
    highlights = typer.rich_utils.OptionHighlighter.highlights
    if usage_style not in highlights:
        highlights.append(usage_style)
    catalogue = Catalogue(GETTEXT)
    typer.core._ = catalogue.gettext
    if not getattr(typer.rich_utils.rich_format_error, "dutch", False):
        typer.rich_utils.rich_format_error = _dutch_rich_format_error(  # type: ignore[assignment]
            typer.rich_utils.rich_format_error
        )
    if not getattr(decorators.help_option, "dutch", False):
        decorators.help_option = _dutch_help_option(decorators.help_option)
    formatter = formatting.HelpFormatter
    if not getattr(formatter.write_usage, "dutch", False):
        formatter.write_usage = _dutch_write_usage(formatter.write_usage)  # type: ignore[method-assign]
    parameter = typer.core._TyperParameter
    if not getattr(parameter.display_type, "dutch", False):
        parameter.display_type = _dutch_display_type(parameter.display_type)  # type: ignore[method-assign,assignment]
