"""Safe HTML: user text is escaped, alert spans are marked exactly, overlaps are not lost."""

from __future__ import annotations

import re

from presentation import labels
from trainer.posts import CHANNEL_LABELS
from webcare_app import render
from webcare_app.render import alert_list, char_counter, highlight_draft, post_card


def _alert(start: int, end: int, rule: str = "jargon", level: str = "warning", msg: str = "m"):
    return {"rule": rule, "level": level, "message": msg, "source": "s", "start": start, "end": end}


def _marked(html: str) -> list[str]:
    return re.findall(r"<mark [^>]*>(.*?)</mark>", html)


def test_spans_are_marked_with_their_message_as_tooltip() -> None:
    draft = "Ik heb een ticket aangemaakt."
    html = highlight_draft(draft, [_alert(11, 17, msg="'ticket' is vaktaal")])
    assert _marked(html) == ["ticket"]
    assert 'title="&#x27;ticket&#x27; is vaktaal"' in html


def test_overlapping_spans_are_cut_not_doubled() -> None:
    draft = "abcdefghij"
    html = highlight_draft(draft, [_alert(0, 6, "a"), _alert(4, 10, "b", "error")])
    assert "".join(_marked(html)) == draft
    assert _marked(html) == ["abcd", "ef", "ghij"]
    assert 'data-rules="a b"' in html


def test_user_text_and_messages_are_escaped() -> None:
    draft = '<img src=x onerror=alert(1)> "quoted" & **md**'
    html = highlight_draft(draft, [_alert(0, 5, msg='<b>"x"</b>')])
    assert "<img" not in html and "&lt;img" in html
    assert "<b>" not in html
    assert "**md**" in html  # shown literally; st.html does not read Markdown
    listed = alert_list([_alert(0, 1, msg="<script>x</script>")])
    assert "<script>" not in listed and "&lt;script&gt;" in listed


def test_spans_outside_the_draft_are_clipped_and_empty_drafts_are_shown() -> None:
    assert _marked(highlight_draft("kort", [_alert(2, 99), _alert(50, 60)])) == ["rt"]
    assert "(leeg antwoord)" in highlight_draft("", [_alert(0, 0)])


def test_post_card_escapes_every_field() -> None:
    html = post_card(
        channel="x",
        author_name="<i>Piet</i>",
        author_handle="@p<b>",
        reach=12345,
        text="Hallo\n<script>",
        brand_name="B&B",
    )
    assert "<i>" not in html and "<script>" not in html and "<b>" not in html
    assert "X (Twitter)" in html and "12.345 volgers" in html and "B&amp;B" in html
    assert "Hallo<br>&lt;script&gt;" in html


def test_char_counter_recounts_after_the_rerun_has_been_painted() -> None:
    html = char_counter(0, 280, textarea_key="practice_draft")
    assert "0 / 280 tekens" in html
    script = html[html.index("<script>") :]
    # the live count follows typing, and after a rerun (an emptied draft) it waits for the
    # text area's new value instead of counting the old one straight away
    assert 'addEventListener("input"' in script
    assert "requestAnimationFrame" in script
    assert "}show(document.querySelector(sel))" not in script  # no count before the paint
    assert "50 tekens" not in char_counter(0, None, textarea_key="practice_draft")


def test_char_counter_without_a_limit_says_teken_for_one() -> None:
    assert ">1 teken</div>" in char_counter(1, None, textarea_key="practice_draft")
    assert ">2 tekens</div>" in char_counter(2, None, textarea_key="practice_draft")
    # the live count in the browser follows the same rule
    assert "n===1?'teken':'tekens'" in char_counter(0, None, textarea_key="practice_draft")


def _card(channel: str, reach: int | None) -> str:
    return post_card(
        channel=channel, author_name="Piet", author_handle=None, reach=reach, text="Hoi",
        brand_name="Bieb",
    )  # fmt: skip


def test_post_card_shows_followers_only_where_they_mean_something() -> None:
    # a private chat has no audience: no "0 volgers" (nor any other count) on WhatsApp/Messenger
    for channel in ("whatsapp", "messenger"):
        for reach in (0, 250, None):
            assert "volger" not in _card(channel, reach), (channel, reach)
    assert "volger" not in _card("facebook", 0) and "volger" not in _card("facebook", None)
    assert "· 1 volger</span>" in _card("facebook", 1)
    assert "· 2.600 volgers</span>" in _card("instagram", 2600)


def test_the_card_names_the_channel_as_the_trainer_does() -> None:
    assert labels.CHANNEL_LABELS is CHANNEL_LABELS  # one mapping, shared with the exports
    for channel, label in CHANNEL_LABELS.items():
        card = post_card(
            channel=channel,
            author_name="Sanne",
            author_handle=None,
            reach=10,
            text="Hoi",
            brand_name="Bieb",
        )
        assert f">{render.esc(label)} · over Bieb" in card, card


def test_a_stacked_table_is_a_table_on_a_laptop_and_cards_on_a_phone() -> None:
    rows = [
        {"bericht": 1, "verwacht": "Niet reageren", "antwoorden": 6, "juist (%)": "33"},
        {"bericht": 2, "verwacht": "<b>nog</b> niet", "antwoorden": 0, "juist (%)": "nog niet"},
    ]
    html = render.stacked_table(rows, css_class="wc-t", heading="bericht",
                                heading_prefix="Bericht ", wide=("verwacht",))  # fmt: skip
    # Every value escaped; every cell carries its label for the card; one row, one card.
    assert "<b>nog</b>" not in html and "&lt;b&gt;nog&lt;/b&gt; niet" in html
    assert html.count("<tr>") == 3
    assert html.count('data-label="antwoorden"') == 2
    assert 'data-label="juist (%)"' in html
    # The card's heading reads "Bericht 2"; the prefix is hidden in the table itself.
    assert '<span class="wc-stack-prefix">Bericht </span>2</td>' in html
    assert ".wc-stack .wc-stack-prefix {display:none}" in html.replace("\n", " ")
    # Below the phone width the header goes and rows become grids of label/value pairs.
    phone = html.split(f"@media (max-width: {render.STACK_BELOW_PX}px)")[1]
    assert ".wc-stack thead {display:none}" in phone
    assert "content:attr(data-label)" in phone
    assert 'class="wc-stack-wide" data-label="verwacht"' in html
    # Numbers right-aligned: only all-number columns by default, the named ones when given.
    assert 'class="wc-num" data-label="antwoorden"' in html
    assert 'class="wc-num" data-label="juist (%)"' not in html
    named = render.stacked_table(rows, css_class="wc-t", numbers=("juist (%)",))
    assert 'class="wc-num" data-label="juist (%)"' in named
    assert render.stacked_table([], css_class="wc-t") == ""
