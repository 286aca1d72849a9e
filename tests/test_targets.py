"""Targets typed on the command line: parsing, refusing impossible ones, merging with a profile."""

from __future__ import annotations

import pytest

from sim.spec import SlaTarget
from sim.targets import TargetError, describe, merge_targets, parse_target, parse_targets


@pytest.mark.parametrize(
    ("text", "metric", "within_min", "goal", "clock"),
    [
        ("first_response<=60min:90%", "first_response", 60.0, 0.9, "calendar"),
        ("resolution<=24h:90%", "resolution", 1440.0, 0.9, "calendar"),
        ("first_response <= 2u : 80 % @business", "first_response", 120.0, 0.8, "business"),
        ("first_response<=45:95%", "first_response", 45.0, 0.95, "calendar"),
        ("resolution<=1,5h:99,5%@calendar", "resolution", 90.0, 0.995, "calendar"),
        ("resolution<=1d:90%", "resolution", 1440.0, 0.9, "calendar"),
        ("resolution<=2,5d:90%@business", "resolution", 3600.0, 0.9, "business"),
    ],
)
def test_parse_valid_targets(
    text: str, metric: str, within_min: float, goal: float, clock: str
) -> None:
    target = parse_target(text)
    assert (target.metric, target.within_min, target.clock) == (metric, within_min, clock)
    assert target.goal == pytest.approx(goal)


def test_names_are_stable_and_readable() -> None:
    assert parse_target("first_response<=60min:90%").name == "first_response-1h"
    assert parse_target("first_response<=45min:90%").name == "first_response-45min"
    assert parse_target("resolution<=24h:90%@business").name == "resolution-24h-business"
    assert "eerste reactie binnen 1 uur voor 90%" in describe(
        parse_target("first_response<=60min:90%")
    )


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("first_response<=0min:100%", "0 minuten"),
        ("first_response<=60min:100%", "100%"),
        ("first_response<=60min:101%", "101%"),
        ("first_response<=60min:0%", "0%"),
        ("speed<=60min:90%", "onbekende metriek 'speed'"),
        ("first_response<=60w:90%", "tijdseenheid 'w'"),
        ("first_response<=60min:90%@night", "onbekende klok 'night'"),
        ("first_response within an hour", "niet te lezen"),
        ("", "niet te lezen"),
    ],
)
def test_impossible_or_garbled_targets_are_refused_in_dutch(text: str, needle: str) -> None:
    with pytest.raises(TargetError) as info:
        parse_target(text)
    assert needle in str(info.value)


def test_duplicate_targets_are_refused() -> None:
    with pytest.raises(TargetError, match="twee keer"):
        parse_targets(["first_response<=60min:90%", "first_response<=1h:80%"])


def test_typed_targets_replace_profile_targets_of_the_same_metric() -> None:
    own = (
        SlaTarget("reactie-1u", "first_response", 60.0, 0.9),
        SlaTarget("oplossing-24u", "resolution", 1440.0, 0.9),
    )
    typed = parse_targets(["first_response<=30min:80%"])
    merged = merge_targets(own, typed)
    assert [t.name for t in merged] == ["oplossing-24u", "first_response-30min"]
    assert merge_targets(own, ()) == own
