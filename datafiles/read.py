"""Reading a data file as text, whatever editor saved it, within a size limit.

Managers edit profiles by hand on Windows: Notepad and Excel save UTF-16 with a byte-order mark
or Windows-1252, and a paste from a web page can leave one stray byte in an otherwise UTF-8
file. ``read_text`` accepts all of these: UTF-8 with or without BOM, UTF-32/UTF-16 with a BOM,
Windows-1252 when the bytes are not UTF-8, and single stray bytes inside UTF-8 (read as
Windows-1252, as the editor that wrote them meant). Whenever the text was not plain UTF-8 it
says so in a Dutch ``note`` the caller can show, because a misread letter is then possible.

The size is checked before anything is read in full, so a 20 MB "profile" is refused at once.
A file that cannot be opened (missing, a folder, a name too long for the system) becomes a
``DataFileError``, never an ``OSError``.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from datafiles.errors import DataFileError

# Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 (little-endian, met BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 (big-endian, met BOM)"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 met BOM"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 (little-endian, met BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 (big-endian, met BOM)"),
)
# A well-formed UTF-8 sequence of two to four bytes: if a file that is not valid UTF-8 still
# holds some, it is UTF-8 with stray bytes rather than a Windows-1252 file.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})  # no character there
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of an undecodable byte


@dataclass(frozen=True)
class DecodedText:
    """A file's text, the codec it was read with, and a Dutch note when that was not plain
    UTF-8 (``None`` for plain UTF-8)."""

    text: str
    encoding: str
    note: str | None = None


def read_text(path: str | Path, *, max_bytes: int) -> DecodedText:
    """The text of ``path``, refusing files over ``max_bytes`` before reading them in full."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            size = _size_of(handle)
            if size is not None and size > max_bytes:
                raise _too_large(file, size, max_bytes)
            data = handle.read(max_bytes + 1)
    except IsADirectoryError:
        raise DataFileError(
            file, "dit is een map, geen bestand; verwacht het pad naar een bestand"
        ) from None
    except OSError as exc:
        raise DataFileError(
            short_name(file),
            f"kan het bestand niet openen ({_os_reason(exc)}); verwacht het pad naar een "
            "bestaand, leesbaar bestand",
        ) from None
    except ValueError:  # a NUL character in the path
        raise DataFileError(
            short_name(file), "de bestandsnaam bevat een nul-teken; verwacht een gewone naam"
        ) from None
    if len(data) > max_bytes:
        raise _too_large(file, None, max_bytes)
    return decode_bytes(data, file)


def _os_reason(exc: OSError) -> str:
    """Why the system refused a file, in Dutch where the reason is a common one."""
    if isinstance(exc, FileNotFoundError):
        return "het bestaat niet"
    if isinstance(exc, PermissionError):
        return "geen toestemming om het te lezen"
    if isinstance(exc, NotADirectoryError):
        return "een deel van het pad is geen map"
    return exc.strerror or type(exc).__name__


def decode_bytes(data: bytes, file: str | Path | None = None) -> DecodedText:
    """Detect the encoding of ``data`` and decode it (see the module docstring for the order)."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise DataFileError(
                    file,
                    f"het bestand begint als {label} maar byte {exc.start + len(bom)} past daar "
                    "niet in; verwacht een tekstbestand, bij voorkeur opgeslagen als UTF-8",
                ) from None
            return _checked(DecodedText(text, codec, f"gelezen als {label}"), file)
    try:
        return _checked(DecodedText(data.decode("utf-8"), "utf-8"), file)
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(data) is None:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise _not_text(file, data, exc.start) from None
        note = "gelezen als Windows-1252, want het is geen geldige UTF-8; controleer de accenten"
        return _checked(DecodedText(text, "cp1252", note), file)
    return _checked(_utf8_with_stray_bytes(data, file), file)


def _utf8_with_stray_bytes(data: bytes, file: str | Path | None) -> DecodedText:
    escaped = data.decode("utf-8", errors="surrogateescape")
    matches = list(_ESCAPED_BYTE.finditer(escaped))
    first = matches[0].start()

    for match in matches:
        byte = ord(match.group()) - 0xDC00
        if byte in _CP1252_UNDEFINED:
            raise _not_text(file, data, None, line=escaped.count("\n", 0, match.start()) + 1)

    def as_cp1252(match: re.Match[str]) -> str:
        return bytes([ord(match.group()) - 0xDC00]).decode("cp1252")

    text = _ESCAPED_BYTE.sub(as_cp1252, escaped)
    line = escaped.count("\n", 0, first) + 1
    count = len(matches)
    note = (
        f"gelezen als UTF-8 met {count} losse byte{'s' if count != 1 else ''} die geen UTF-8 "
        f"{'zijn' if count != 1 else 'is'} (eerste op regel {line}), als Windows-1252 gelezen; "
        "controleer die tekens"
    )
    return DecodedText(text, "utf-8+cp1252", note)


def _checked(decoded: DecodedText, file: str | Path | None) -> DecodedText:
    """Refuse NUL characters: no data file holds them, and UTF-16 without a BOM shows them."""
    position = decoded.text.find("\x00")
    if position >= 0:
        line = decoded.text.count("\n", 0, position) + 1
        raise DataFileError(
            file,
            f"het bestand bevat een nul-teken op regel {line}; verwacht een tekstbestand (UTF-16 "
            "zonder BOM wordt niet herkend: sla het op als UTF-8)",
            line=line,
        )
    return decoded


def _not_text(
    file: str | Path | None, data: bytes, offset: int | None, *, line: int | None = None
) -> DataFileError:
    if line is None:
        line = data.count(b"\n", 0, offset) + 1
    byte = f"byte 0x{data[offset]:02X} " if offset is not None else "een losse byte "
    return DataFileError(
        file,
        f"{byte}op regel {line} is geen tekst in UTF-8 of Windows-1252; verwacht een "
        "tekstbestand, bij voorkeur opgeslagen als UTF-8",
        line=line,
    )


def _size_of(handle: BinaryIO) -> int | None:
    try:
        return os.fstat(handle.fileno()).st_size
    except OSError:
        return None


def _too_large(file: Path, size: int | None, max_bytes: int) -> DataFileError:
    actual = f"is {format_bytes(size)}" if size is not None else "is groter dan dat"
    return DataFileError(
        file,
        f"het bestand {actual}; verwacht hoogstens {format_bytes(max_bytes)}",
        value=size,
        expected=f"hoogstens {format_bytes(max_bytes)}",
    )


def format_bytes(size: int) -> str:
    """A size the Dutch way: "2 MB", "1,5 MB", "800 kB", "12 bytes"."""
    for unit, factor in (("MB", 1_000_000), ("kB", 1_000)):
        if size >= factor:
            amount = f"{size / factor:.1f}".removesuffix(".0").replace(".", ",")
            return f"{amount} {unit}"
    return f"{size} bytes"


def short_name(file: str | Path) -> str:
    """The name as typed, shortened: a 300-character name should not fill the message."""
    text = str(file)
    return text if len(text) <= 120 else text[:59] + "…" + text[-60:]
