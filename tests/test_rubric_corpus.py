"""The rubric corpus (bench/rubric/: dev to dev7, the two held-out parts, ranked) is well
formed: unique ids, known rule ids, requests that ``webcare-train score`` accepts, at least
half good replies, and no text copied from the rule fixtures or scenario posts (a corpus that
repeats the fixtures measures nothing new). The checks on a held-out part skip while that file
is absent."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from trainer.cli import REQUIRED_POST_FIELDS
from trainer.decision import decide
from trainer.posts import OrgType
from trainer.rules import load_rules
from trainer.scenarios import load_posts

RUBRIC_DIR = Path(__file__).resolve().parents[1] / "bench" / "rubric"
DEV = RUBRIC_DIR / "dev.yaml"
DEV2 = RUBRIC_DIR / "dev2.yaml"
DEV3 = RUBRIC_DIR / "dev3.yaml"
DEV4 = RUBRIC_DIR / "dev4.yaml"
DEV5 = RUBRIC_DIR / "dev5.yaml"
DEV6 = RUBRIC_DIR / "dev6.yaml"
DEV7 = RUBRIC_DIR / "dev7.yaml"
HELDOUT = RUBRIC_DIR / "heldout.yaml"
HELDOUT2 = RUBRIC_DIR / "heldout2.yaml"
HELDOUT3 = RUBRIC_DIR / "heldout3.yaml"
HELDOUT4 = RUBRIC_DIR / "heldout4.yaml"
HELDOUT5 = RUBRIC_DIR / "heldout5.yaml"
RANKED = RUBRIC_DIR / "ranked.yaml"
RANKED_HELDOUT = RUBRIC_DIR / "ranked_heldout.yaml"
RULE_IDS = {rule.id for rule in load_rules()}
DECISIONS = ("public", "private", "none")
MIN_DEV_ITEMS = 260
MIN_DEV2_ITEMS = 120
MIN_DEV3_ITEMS = 200
MIN_DEV3_GOOD = 110
MIN_DEV3_NO_OWNERSHIP = 20  # dev3 exists partly to measure buck-passing in new phrasings
MIN_DEV4_ITEMS = 200
MIN_DEV4_GOOD = 100
# dev4 exists to measure defensiveness, jargon and spelling on new text: each needs real support
DEV4_FOCUS = {"defensive": 30, "jargon": 20, "spelling": 20}
# dev2 exists to measure buck-passing, defensiveness and the good replies that look like them
DEV2_FOCUS = ("no-ownership", "defensive", "referral", "no-thanks")
MIN_RANKED_POSTS = 20
ANSWERS_PER_POST = 5
MIN_COPY_CHARS = 12  # shorter replies are degenerate drafts that any set may share


def _load(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{path.name}: expected a list"
    return data


def _known_texts() -> set[str]:
    """Every reply and post text in the rule fixtures and the scenario posts, normalised."""
    texts: set[str] = set()
    for rule in load_rules():
        for fixture in rule.fixtures.passing() + rule.fixtures.failing():
            texts.update({fixture.reply, fixture.context.post})
    for post in load_posts():
        texts.update({post.text, post.model_answer})
    return {_norm(t) for t in texts if t.strip()}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _check_request(where: str, request: Any, *, with_answer: bool = True) -> None:
    assert isinstance(request, dict), f"{where}: request is not a mapping"
    brand, post = request.get("brand"), request.get("post")
    assert isinstance(brand, dict) and isinstance(brand.get("name"), str), f"{where}: brand"
    assert isinstance(post, dict), f"{where}: post"
    missing = [name for name in REQUIRED_POST_FIELDS if name not in post]
    assert not missing, f"{where}: post lacks {missing}"
    if "org" in request:
        assert request["org"] in get_args(OrgType), f"{where}: org {request['org']!r}"
    decide(post, brand)  # raises on a bad channel, platform or flag
    assert post["kind"] in ("question", "complaint", "compliment", "suggestion"), where
    for i, point in enumerate(post.get("key_points", [])):
        assert set(point) == {"label", "any"}, f"{where}: key_points[{i}]"
        for pattern in point["any"]:
            re.compile(pattern)
    if with_answer:
        assert request.get("decision") in DECISIONS, f"{where}: decision"
        assert isinstance(request.get("reply"), str), f"{where}: reply"


def _check_part(path: Path, prefix: str) -> list[dict[str, Any]]:
    items = _load(path)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)), f"{path.name}: duplicate ids"
    for item in items:
        where = f"{path.name} {item['id']}"
        assert re.fullmatch(rf"{prefix}-\d{{3}}", item["id"]), where
        _check_request(where, item["request"])
        unknown = set(item["expect"]) - RULE_IDS
        assert not unknown, f"{where}: unknown rule ids {unknown}"
        assert len(item["expect"]) == len(set(item["expect"])), f"{where}: repeated rule id"
    good = sum(1 for item in items if not item["expect"])
    assert 2 * good >= len(items), f"{path.name}: only {good} of {len(items)} replies are good"
    return items


def _check_not_copied(items: list[dict[str, Any]], name: str) -> None:
    known = _known_texts()
    copied = [
        item["id"]
        for item in items
        if _norm(item["request"]["reply"]) in known
        or _norm(item["request"]["post"]["text"]) in known
    ]
    assert not copied, f"{name}: texts copied from rule fixtures or scenario posts: {copied}"


def test_dev_part_is_well_formed() -> None:
    items = _check_part(DEV, "dev")
    assert len(items) >= MIN_DEV_ITEMS


def test_dev_texts_are_not_fixture_texts() -> None:
    _check_not_copied(_load(DEV), DEV.name)


def test_dev2_part_is_well_formed() -> None:
    items = _check_part(DEV2, "dev2")
    assert len(items) >= MIN_DEV2_ITEMS


def test_dev2_texts_are_new() -> None:
    dev2 = _load(DEV2)
    _check_not_copied(dev2, DEV2.name)
    dev_replies = {_norm(item["request"]["reply"]) for item in _load(DEV)}
    shared = [i["id"] for i in dev2 if _norm(i["request"]["reply"]) in dev_replies]
    assert not shared, f"dev2 replies also in dev.yaml: {shared}"
    replies = [_norm(i["request"]["reply"]) for i in dev2]
    assert len(replies) == len(set(replies)), "dev2.yaml repeats a reply"


def test_dev3_part_is_well_formed() -> None:
    items = _check_part(DEV3, "dev3")
    assert len(items) >= MIN_DEV3_ITEMS


def test_dev3_texts_are_new() -> None:
    """dev3 repeats no fixture, scenario post or reply of the earlier development parts."""
    dev3 = _load(DEV3)
    _check_not_copied(dev3, DEV3.name)
    earlier = {_norm(item["request"]["reply"]) for item in _load(DEV) + _load(DEV2)}
    shared = [i["id"] for i in dev3 if _norm(i["request"]["reply"]) in earlier]
    assert not shared, f"dev3 replies also in dev.yaml or dev2.yaml: {shared}"
    replies = [_norm(i["request"]["reply"]) for i in dev3]
    assert len(replies) == len(set(replies)), "dev3.yaml repeats a reply"


def test_dev3_covers_its_focus() -> None:
    """dev3 has at least 110 good replies, 20 buck-passing replies and a positive for every rule."""
    items = _load(DEV3)
    assert sum(1 for i in items if not i["expect"]) >= MIN_DEV3_GOOD
    assert sum("no-ownership" in i["expect"] for i in items) >= MIN_DEV3_NO_OWNERSHIP
    assert {rule for i in items for rule in i["expect"]} == RULE_IDS


def test_dev4_part_is_well_formed() -> None:
    items = _check_part(DEV4, "dev4")
    assert len(items) >= MIN_DEV4_ITEMS


def test_dev4_texts_are_new() -> None:
    """dev4 repeats no fixture, scenario post or reply of the earlier development parts."""
    dev4 = _load(DEV4)
    _check_not_copied(dev4, DEV4.name)
    earlier = {_norm(item["request"]["reply"]) for item in _load(DEV) + _load(DEV2) + _load(DEV3)}
    shared = [i["id"] for i in dev4 if _norm(i["request"]["reply"]) in earlier]
    assert not shared, f"dev4 replies also in dev.yaml, dev2.yaml or dev3.yaml: {shared}"
    replies = [_norm(i["request"]["reply"]) for i in dev4]
    assert len(replies) == len(set(replies)), "dev4.yaml repeats a reply"


def test_dev4_covers_its_focus() -> None:
    """dev4 has at least 100 good replies, real support for its three focus rules and a
    positive for every rule."""
    items = _load(DEV4)
    assert sum(1 for i in items if not i["expect"]) >= MIN_DEV4_GOOD
    for rule, least in DEV4_FOCUS.items():
        assert sum(rule in i["expect"] for i in items) >= least, rule
    assert {rule for i in items for rule in i["expect"]} == RULE_IDS


def test_dev5_part_is_well_formed() -> None:
    _check_part(DEV5, "dev5")


def test_dev5_texts_are_new() -> None:
    """dev5 repeats no fixture, scenario post or reply of the earlier development parts."""
    dev5 = _load(DEV5)
    _check_not_copied(dev5, DEV5.name)
    earlier = {_norm(i["request"]["reply"]) for p in (DEV, DEV2, DEV3, DEV4) for i in _load(p)}
    shared = [i["id"] for i in dev5 if _norm(i["request"]["reply"]) in earlier]
    assert not shared, f"dev5 replies also in an earlier development part: {shared}"
    replies = [_norm(i["request"]["reply"]) for i in dev5]
    assert len(replies) == len(set(replies)), "dev5.yaml repeats a reply"


def test_dev6_part_is_well_formed() -> None:
    _check_part(DEV6, "dev6")


def test_dev6_texts_are_new() -> None:
    """dev6 repeats no fixture, scenario post or reply of the earlier development parts."""
    dev6 = _load(DEV6)
    _check_not_copied(dev6, DEV6.name)
    earlier_parts = (DEV, DEV2, DEV3, DEV4, DEV5)
    earlier = {_norm(i["request"]["reply"]) for p in earlier_parts for i in _load(p)}
    shared = [i["id"] for i in dev6 if _norm(i["request"]["reply"]) in earlier]
    assert not shared, f"dev6 replies also in an earlier development part: {shared}"
    replies = [_norm(i["request"]["reply"]) for i in dev6]
    assert len(replies) == len(set(replies)), "dev6.yaml repeats a reply"


def test_dev7_part_is_well_formed() -> None:
    _check_part(DEV7, "dev7")


def test_dev7_texts_are_new() -> None:
    """dev7 repeats no fixture, scenario post or reply of the earlier development parts."""
    dev7 = _load(DEV7)
    _check_not_copied(dev7, DEV7.name)
    earlier_parts = (DEV, DEV2, DEV3, DEV4, DEV5, DEV6)
    earlier = {_norm(i["request"]["reply"]) for p in earlier_parts for i in _load(p)}
    shared = [i["id"] for i in dev7 if _norm(i["request"]["reply"]) in earlier]
    assert not shared, f"dev7 replies also in an earlier development part: {shared}"
    replies = [_norm(i["request"]["reply"]) for i in dev7]
    assert len(replies) == len(set(replies)), "dev7.yaml repeats a reply"


def test_dev2_covers_its_focus() -> None:
    """no-ownership and defensive have at least 10 positives each; referral and no-thanks some."""
    items = _load(DEV2)
    for rule in DEV2_FOCUS[:2]:
        assert sum(rule in i["expect"] for i in items) >= 10, rule
    for rule in DEV2_FOCUS:
        assert any(rule in i["expect"] for i in items), rule


def test_every_rule_has_positives_in_dev() -> None:
    labelled = {rule for item in _load(DEV) for rule in item["expect"]}
    assert labelled == RULE_IDS


def _check_ranked(path: Path, prefix: str) -> list[dict[str, Any]]:
    posts = _load(path)
    assert len(posts) >= MIN_RANKED_POSTS, path.name
    assert len({p["id"] for p in posts}) == len(posts), f"{path.name}: duplicate ids"
    for post in posts:
        where = f"{path.name} {post['id']}"
        assert re.fullmatch(rf"{prefix}-\d{{2}}", post["id"]), where
        _check_request(where, post["request"], with_answer=False)
        answers = post["answers"]
        assert len(answers) == ANSWERS_PER_POST, where
        for answer in answers:
            assert answer["decision"] in DECISIONS, f"{where}: decision"
            assert isinstance(answer["reply"], str), f"{where}: reply"
            assert isinstance(answer.get("note"), str), f"{where}: note"
        replies = [_norm(a["reply"]) for a in answers]
        assert len(set(replies)) == ANSWERS_PER_POST, f"{where}: two answers are the same"
    return posts


def test_ranked_set_is_well_formed() -> None:
    _check_ranked(RANKED, "rank")


def test_ranked_heldout_set_is_well_formed_and_new() -> None:
    """The held-out ranked set has the same form, and its posts and brands are new: a set that
    repeats the tuning posts would not measure how the score ranks unseen answers."""
    held = _check_ranked(RANKED_HELDOUT, "rankh")
    tuning = _load(RANKED)
    tuning_brands = {p["request"]["brand"]["name"] for p in tuning}
    tuning_texts = {_norm(p["request"]["post"]["text"]) for p in tuning}
    # Degenerate drafts ("ok", one emoji) may repeat; real sentences may not.
    tuning_texts |= {_norm(a["reply"]) for p in tuning for a in p["answers"]}
    tuning_texts = {text for text in tuning_texts if len(text) > MIN_COPY_CHARS}
    reused_brands = {p["request"]["brand"]["name"] for p in held} & tuning_brands
    assert not reused_brands, f"{RANKED_HELDOUT.name}: brands from ranked.yaml: {reused_brands}"
    copied = [
        p["id"]
        for p in held
        if _norm(p["request"]["post"]["text"]) in tuning_texts
        or any(_norm(a["reply"]) in tuning_texts for a in p["answers"])
    ]
    assert not copied, f"{RANKED_HELDOUT.name}: texts copied from ranked.yaml: {copied}"
    known = _known_texts()
    fixture_copies = [p["id"] for p in held if _norm(p["request"]["post"]["text"]) in known]
    assert not fixture_copies, f"{RANKED_HELDOUT.name}: posts from fixtures: {fixture_copies}"


needs_heldout = pytest.mark.skipif(not HELDOUT.exists(), reason="bench/rubric/heldout.yaml absent")


@needs_heldout
def test_heldout_part_is_well_formed() -> None:
    _check_part(HELDOUT, "held")


@needs_heldout
def test_heldout_texts_are_new() -> None:
    held = _load(HELDOUT)
    _check_not_copied(held, HELDOUT.name)
    dev_replies = {_norm(item["request"]["reply"]) for item in _load(DEV)}
    shared = [i["id"] for i in held if _norm(i["request"]["reply"]) in dev_replies]
    assert not shared, f"held-out replies also in dev.yaml: {shared}"


needs_heldout2 = pytest.mark.skipif(
    not HELDOUT2.exists(), reason="bench/rubric/heldout2.yaml absent"
)
MIN_HELDOUT2_ITEMS = 200
MIN_HELDOUT2_GOOD = 110


@needs_heldout2
def test_heldout2_part_is_well_formed() -> None:
    """The second held-out part has the same form, its own id prefix, at least 200 replies and
    at least 110 good ones."""
    items = _check_part(HELDOUT2, "held2")
    assert len(items) >= MIN_HELDOUT2_ITEMS
    assert sum(1 for item in items if not item["expect"]) >= MIN_HELDOUT2_GOOD


@needs_heldout2
def test_heldout2_texts_are_new() -> None:
    """Written blind, so none of its replies may repeat a fixture, a dev reply or another
    held-out reply, and it repeats no reply of its own."""
    held2 = _load(HELDOUT2)
    _check_not_copied(held2, HELDOUT2.name)
    others = [DEV, DEV2, DEV3] + ([HELDOUT] if HELDOUT.exists() else [])
    seen = {_norm(item["request"]["reply"]) for path in others for item in _load(path)}
    shared = [i["id"] for i in held2 if _norm(i["request"]["reply"]) in seen]
    assert not shared, f"heldout2 replies also in another part: {shared}"
    replies = [_norm(i["request"]["reply"]) for i in held2]
    assert len(replies) == len(set(replies)), "heldout2.yaml repeats a reply"


MIN_HELDOUT3_ITEMS = 200
MIN_HELDOUT3_GOOD = 100


def test_heldout3_part_is_well_formed() -> None:
    """The third held-out part (written blind after four tuning parts) has the same form, its
    own id prefix, at least 200 replies and at least 100 good ones."""
    items = _check_part(HELDOUT3, "heldout3")
    assert len(items) >= MIN_HELDOUT3_ITEMS
    assert sum(1 for item in items if not item["expect"]) >= MIN_HELDOUT3_GOOD


def test_heldout3_texts_are_new() -> None:
    """None of its replies may repeat a fixture, a tuning reply or another held-out reply."""
    held3 = _load(HELDOUT3)
    _check_not_copied(held3, HELDOUT3.name)
    others = [path for path in (DEV, DEV2, DEV3, DEV4, HELDOUT, HELDOUT2) if path.exists()]
    seen = {_norm(item["request"]["reply"]) for path in others for item in _load(path)}
    shared = [i["id"] for i in held3 if _norm(i["request"]["reply"]) in seen]
    assert not shared, f"heldout3 replies also in another part: {shared}"
    replies = [_norm(i["request"]["reply"]) for i in held3]
    assert len(replies) == len(set(replies)), "heldout3.yaml repeats a reply"


MIN_BLIND_ITEMS = 220
MIN_BLIND_GOOD = 110
# The blind held-out parts written since the learned checks exist: each must be new to every
# part before it (a copy would be scored by a model trained on it).
BLIND_PARTS = (
    pytest.param(HELDOUT4, "heldout4", (HELDOUT, HELDOUT2, HELDOUT3), id="heldout4"),
    pytest.param(HELDOUT5, "heldout5", (HELDOUT, HELDOUT2, HELDOUT3, HELDOUT4), id="heldout5"),
)


@pytest.mark.parametrize(("path", "prefix", "earlier"), BLIND_PARTS)
def test_blind_heldout_part_is_well_formed(
    path: Path, prefix: str, earlier: tuple[Path, ...]
) -> None:
    """A blind held-out part has the same form, its own id prefix, at least 220 replies and at
    least 110 good ones."""
    items = _check_part(path, prefix)
    assert len(items) >= MIN_BLIND_ITEMS
    assert sum(1 for item in items if not item["expect"]) >= MIN_BLIND_GOOD


@pytest.mark.parametrize(("path", "prefix", "earlier"), BLIND_PARTS)
def test_blind_heldout_texts_are_new(path: Path, prefix: str, earlier: tuple[Path, ...]) -> None:
    """None of its replies may repeat a fixture, a tuning reply or an earlier held-out reply."""
    items = _load(path)
    _check_not_copied(items, path.name)
    others = [*sorted(RUBRIC_DIR.glob("dev*.yaml")), *earlier]
    seen = {_norm(item["request"]["reply"]) for other in others for item in _load(other)}
    shared = [i["id"] for i in items if _norm(i["request"]["reply"]) in seen]
    assert not shared, f"{prefix} replies also in another part: {shared}"
    replies = [_norm(i["request"]["reply"]) for i in items]
    assert len(replies) == len(set(replies)), f"{path.name} repeats a reply"
