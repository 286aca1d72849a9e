"""Every data file is read through one reader: any common encoding (with a note), bounded size,
nesting and aliases, times as text, and a Dutch message instead of a traceback or a hang."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from datafiles import (
    MAX_NESTING_DEPTH,
    VALUE_MAX_CHARS,
    DataFileError,
    load_yaml,
    read_text,
    show_value,
)
from sim.profile import (
    MAX_PROFILE_BYTES,
    ORGS_DIR,
    ProfileError,
    load_profile,
    read_profile,
)
from trainer.scenarios import ScenarioError, load_posts

LIBRARY_TEXT = (ORGS_DIR / "library.yaml").read_text(encoding="utf-8")
BANK_TEXT = (ORGS_DIR / "bank.yaml").read_text(encoding="utf-8")

POST = """\
- id: test-001
  org: webshop
  brand: {name: Koopgoed, handles: ["@koopgoed_nl"], hashtags: ["#koopgoed"]}
  channel: x
  platform: consumer
  kind: question
  author: {name: Siënna de Vries, handle: "@siennadv", reach: 120}
  text: "@koopgoed_nl wanneer komt mijn pakketje?"
  expected_decision: public
"""

# Nine lists of nine references to the level below: 9**9 (387 million) strings once expanded.
ALIAS_BOMB = (
    'lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    + "".join(f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
)


def profile_error(file: Path) -> str:
    with pytest.raises(ProfileError) as info:
        load_profile(file)
    message = str(info.value)
    assert str(file) in message or file.name in message
    return message


# --- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "bom", "note"),
    [
        ("utf-16-le", b"\xff\xfe", "UTF-16 (little-endian"),
        ("utf-16-be", b"\xfe\xff", "UTF-16 (big-endian"),
        ("utf-8", b"\xef\xbb\xbf", "UTF-8 met BOM"),
        ("cp1252", b"", "Windows-1252"),
    ],
)
def test_a_profile_saved_by_a_windows_editor_reads_the_same_with_a_note(
    tmp_path: Path, codec: str, bom: bytes, note: str
) -> None:
    assert "Eén" in LIBRARY_TEXT  # a letter that differs between the encodings
    file = tmp_path / "bieb.yaml"
    file.write_bytes(bom + LIBRARY_TEXT.replace("\n", "\r\n").encode(codec))
    loaded = read_profile(file)
    assert loaded.profile == load_profile("library")
    assert loaded.note is not None and note in loaded.note


def test_plain_utf8_has_no_note() -> None:
    assert read_profile("library").note is None


def test_a_stray_byte_in_utf8_is_read_as_windows_1252_and_named(tmp_path: Path) -> None:
    # A quote pasted from a Windows program: one byte 0x93 in an otherwise UTF-8 file.
    text = LIBRARY_TEXT.replace("title: Openbare", "title: Openbare “bieb”")
    data = text.encode("utf-8").replace("“".encode(), b"\x93")
    file = tmp_path / "bieb.yaml"
    file.write_bytes(data)
    loaded = read_profile(file)
    assert loaded.profile.title.startswith("Openbare “bieb”")
    assert "Eén" in loaded.profile.description  # the real UTF-8 letters are kept
    line = text.splitlines().index(next(x for x in text.splitlines() if "“bieb”" in x)) + 1
    assert loaded.note is not None
    assert "1 losse byte" in loaded.note and f"regel {line}" in loaded.note


def test_bytes_that_are_no_text_in_any_encoding_are_refused(tmp_path: Path) -> None:
    file = tmp_path / "kapot.yaml"
    file.write_bytes(b"name: kapot\ntitle: \x81\x8d\n")
    message = profile_error(file)
    assert "0x81" in message and "regel 2" in message and "UTF-8" in message


def test_a_nul_byte_file_is_refused_naming_utf16_without_bom(tmp_path: Path) -> None:
    file = tmp_path / "zonder-bom.yaml"
    file.write_bytes(LIBRARY_TEXT.encode("utf-16-le"))  # no byte-order mark
    assert "UTF-16 zonder BOM" in profile_error(file)


def test_a_posts_file_in_utf16_loads(tmp_path: Path) -> None:
    (tmp_path / "webshop.yaml").write_bytes(b"\xff\xfe" + POST.encode("utf-16-le"))
    assert load_posts(tmp_path)[0].author.name == "Siënna de Vries"


# --- limits -------------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    file = tmp_path / "groot.yaml"
    filler = "# " + "x" * 98 + "\n"
    file.write_text(LIBRARY_TEXT + filler * (MAX_PROFILE_BYTES // len(filler) + 1))
    message = profile_error(file)
    assert "hoogstens 250 kB" in message and "verwacht" in message


def test_read_text_never_reads_past_the_limit(tmp_path: Path) -> None:
    file = tmp_path / "groot.txt"
    file.write_bytes(b"a" * 1_001)
    with pytest.raises(DataFileError, match="hoogstens 1 kB"):
        read_text(file, max_bytes=1_000)
    assert read_text(file, max_bytes=1_001).text == "a" * 1_001


@pytest.mark.parametrize("levels", [MAX_NESTING_DEPTH + 1, 100_000])
def test_deep_nesting_is_refused_without_a_recursion_error(tmp_path: Path, levels: int) -> None:
    file = tmp_path / "diep.yaml"
    file.write_text(LIBRARY_TEXT + "sources: " + "[" * levels + "]" * levels + "\n")
    message = profile_error(file)
    assert f"dieper genest dan {MAX_NESTING_DEPTH} niveaus" in message


def test_nesting_up_to_the_limit_is_read() -> None:
    lists = MAX_NESTING_DEPTH - 2  # the mapping and the innermost value are levels too
    data = load_yaml("a: " + "[" * lists + "1" + "]" * lists)
    for _ in range(lists):
        data = data["a"] if isinstance(data, dict) else data[0]
    assert data == [1]
    with pytest.raises(DataFileError, match="dieper genest"):
        load_yaml("a: " + "[" * (lists + 1) + "1" + "]" * (lists + 1))


def test_an_alias_bomb_is_refused_fast_with_a_short_message(tmp_path: Path) -> None:
    # Before this reader the message formatted the whole expanded value and `run` hung.
    file = tmp_path / "lol.yaml"
    file.write_text(LIBRARY_TEXT + "extra:\n" + textwrap.indent(ALIAS_BOMB, "  "))
    message = profile_error(file)
    assert "aliassen" in message and "10.000" in message
    assert len(message) < 400


def test_small_aliases_still_work() -> None:
    data = load_yaml("basis: &b {x: 1}\nkopie: *b\nlijst: [*b, *b]\n")
    assert data["kopie"] == {"x": 1} and data["lijst"] == [{"x": 1}, {"x": 1}]


def test_an_alias_cycle_is_refused() -> None:
    with pytest.raises(DataFileError, match="kring"):
        load_yaml("a: &a [1, *a]\n", "kring.yaml")


def test_values_in_messages_are_cut_to_a_line() -> None:
    shown = show_value("x" * 10_000)
    assert len(shown) == VALUE_MAX_CHARS and shown.endswith("…")
    assert len(show_value(list(range(100_000)))) <= VALUE_MAX_CHARS
    assert "cijfers" in show_value(10**5_000)


# --- YAML reading -------------------------------------------------------------------------------


def test_an_unquoted_time_is_text_not_a_base_60_number(tmp_path: Path) -> None:
    assert load_yaml("at: 13:30\nn: 1_000\nh: 0x1F\nf: 1.5e+3\n") == {
        "at": "13:30",
        "n": 1000,
        "h": 31,
        "f": 1500.0,
    }
    assert "incidents: []" in BANK_TEXT
    incident = "incidents:\n  - {day: tue, at: 13:30, duration: 2h, multiplier: 3}\n"
    file = tmp_path / "storing.yaml"
    file.write_text(BANK_TEXT.replace("incidents: []\n", incident), encoding="utf-8")
    assert load_profile(file).incidents[0].at == "13:30"


def test_a_duplicate_key_in_a_profile_is_named_with_its_line(tmp_path: Path) -> None:
    file = tmp_path / "dubbel.yaml"
    file.write_text(LIBRARY_TEXT + "name: nog-een-naam\n", encoding="utf-8")
    message = profile_error(file)
    line = len(LIBRARY_TEXT.splitlines()) + 1
    assert f"regel {line}" in message
    assert "de sleutel 'name' staat twee keer in hetzelfde blok" in message


def test_a_duplicate_key_in_a_posts_file_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "webshop.yaml").write_text(POST + "  kind: complaint\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_posts(tmp_path)
    message = str(info.value)
    assert message.startswith("webshop.yaml: YAML-fout op regel 10")
    assert "de sleutel 'kind' staat twee keer in hetzelfde blok" in message


def test_an_impossible_date_or_huge_integer_is_a_message(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="kan niet gelezen worden"):
        load_yaml("datum: 2024-13-45\n", "datum.yaml")
    with pytest.raises(DataFileError, match="kan niet gelezen worden"):
        load_yaml("n: " + "9" * 5_000 + "\n", "groot.yaml")


# --- file names ---------------------------------------------------------------------------------


def test_a_name_too_long_for_the_system_is_a_message_not_an_oserror(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="profiel niet gevonden"):
        load_profile(tmp_path / ("x" * 305 + ".yaml"))
    with pytest.raises(DataFileError, match="kan het bestand niet openen"):
        read_text(tmp_path / ("x" * 305 + ".yaml"), max_bytes=1_000)


def test_a_folder_or_missing_file_is_a_message(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="map, geen bestand"):
        read_text(tmp_path, max_bytes=1_000)
    with pytest.raises(DataFileError, match="kan het bestand niet openen"):
        read_text(tmp_path / "nergens.yaml", max_bytes=1_000)
