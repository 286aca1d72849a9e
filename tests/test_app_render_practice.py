"""Screen parts of the practice side: Dutch clock and dates, due times, remarks listed once,
the decision matrix as cards, and bars whose labels always show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from webcare_app import render


def test_dutch_datetime_follows_summer_and_winter_time() -> None:
    assert render.dutch_datetime(datetime(2026, 12, 3, 16, 47, tzinfo=UTC)) == (
        "3 december 2026, 17:47"
    )
    summer = datetime(2026, 7, 1, 16, 47, tzinfo=UTC)
    assert render.dutch_datetime(summer, with_year=False) == "1 juli, 18:47"
    # a naive time is taken as UTC, never as local time
    assert render.dutch_datetime(datetime(2026, 12, 31, 23, 30)) == "1 januari 2027, 00:30"


def test_due_text_reads_as_a_person_says_it() -> None:
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam
    assert render.due_text(now - timedelta(hours=1), now) == "nu herhalen"
    assert render.due_text(now + timedelta(minutes=1), now) == "over 1 minuut"
    assert render.due_text(now + timedelta(minutes=9), now) == "over 9 minuten"
    assert render.due_text(now + timedelta(hours=3), now) == "over 3 uur"
    assert render.due_text(now + timedelta(days=1), now) == "morgen (10:00)"
    assert render.due_text(now + timedelta(days=4), now) == "over 4 dagen (7 december)"


def _alert(start: int, end: int, message: str) -> dict[str, object]:
    return {"rule": "factory-apology", "level": "warning", "message": message, "source": "S"} | {
        "start": start,
        "end": end,
    }


def test_alert_list_names_each_remark_once_with_its_places() -> None:
    alerts = [
        _alert(0, 4, "'helaas' klinkt als een standaardexcuus"),
        _alert(10, 14, "'helaas' klinkt als een standaardexcuus"),
        _alert(10, 14, "'helaas' klinkt als een standaardexcuus"),  # the same span again
        _alert(20, 29, "'vervelend' klinkt als een standaardexcuus"),
    ]
    html = render.alert_list(alerts)
    assert html.count("<li") == 2
    assert "(2 keer)" in html and "(3 keer)" not in html
    assert "regel: Standaardexcuses" in html and "factory-apology" not in html


def test_matrix_cards_one_per_cell_wrapping_between_words() -> None:
    rows = [
        {"Situatie": "Reactief", "Platform": "merkplatform", "Beslissing": "Openbaar reageren",
         "Waarom": "<b>omdat</b>"},
        {"Situatie": "Proactief", "Platform": "consumentenplatform", "Beslissing": "Niet reageren",
         "Waarom": "zwijg"},
    ]  # fmt: skip
    html = render.matrix_cards(rows)
    assert html.count('class="wc-matrix-card"') == 2
    assert "overflow-wrap:break-word" in html and "anywhere" not in html and 'lang="nl"' in html
    assert "&lt;b&gt;omdat&lt;/b&gt;" in html and "<b>omdat" not in html
    assert "#ffebe9" in html, "not replying has its own colour"


def test_share_bars_clip_the_bar_not_the_label() -> None:
    html = render.share_bars([("Een heel lange regeltitel " * 4, 1.7, "3 van 2"), ("Kort", -1, "")])
    assert "width:100.0%" in html and "width:0.0%" in html
    assert "Een heel lange regeltitel Een heel lange" in html
