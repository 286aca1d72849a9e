"""A broken profile gets one clear message: file, field path, bad value, what was expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.profile import ProfileError, load_profile


def base() -> dict[str, Any]:
    return {
        "name": "kapot",
        "volume": {"mentions_per_week": 100},
        "channels": {
            "x": {"share": 0.6, "public": True, "handling": {"kind": "lognormal", "mean_min": 6}},
            "whatsapp": {
                "share": 0.4,
                "public": False,
                "handling": {"kind": "lognormal", "mean_min": 9},
            },
        },
        "kinds": {"question": {"share": 0.7}, "complaint": {"share": 0.3}},
        "coverages": {
            "business-hours": {
                "shifts": [{"days": "mon-fri", "start": "09:00", "end": "17:00", "agents": 2}]
            },
            "24-7": {
                "shifts": [{"days": "mon-sun", "start": "00:00", "end": "24:00", "agents": 1}]
            },
        },
        "current_coverage": "business-hours",
        "business_hours": {"mon": ["09:00-17:00"]},
    }


def error_for(tmp_path: Path, data: Any) -> str:
    file = tmp_path / "kapot.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(file)
    message = str(info.value)
    assert str(file) in message  # always names the file
    assert "\n" not in message.strip() or message.count("\n") < 3  # one short paragraph
    return message


def test_valid_base_loads(tmp_path: Path) -> None:
    file = tmp_path / "ok.yaml"
    file.write_text(yaml.safe_dump(base()), encoding="utf-8")
    assert load_profile(file).name == "kapot"


def test_share_out_of_range_names_path_value_and_range(tmp_path: Path) -> None:
    data = base()
    data["channels"]["whatsapp"]["share"] = 1.5
    message = error_for(tmp_path, data)
    assert "`channels.whatsapp.share`" in message
    assert "1.5" in message
    assert "hoogstens 1" in message


def test_shares_must_sum_to_one(tmp_path: Path) -> None:
    data = base()
    data["channels"]["x"]["share"] = 0.5
    message = error_for(tmp_path, data)
    assert "`channels.*.share`" in message
    assert "x=0.5" in message and "whatsapp=0.4" in message
    assert "0.9" in message and "verwacht samen 1" in message


def test_kind_shares_within_tolerance_are_accepted(tmp_path: Path) -> None:
    data = base()
    data["kinds"] = {"question": {"share": 0.6667}, "complaint": {"share": 0.3333}}
    file = tmp_path / "ok.yaml"
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_profile(file).kinds["question"].share == 0.6667


def test_unknown_current_coverage_lists_known_ones(tmp_path: Path) -> None:
    data = base()
    data["current_coverage"] = "kantoor"
    message = error_for(tmp_path, data)
    assert "`current_coverage`" in message
    assert "'kantoor'" in message
    assert "business-hours, 24-7" in message


def test_time_not_hh_mm(tmp_path: Path) -> None:
    data = base()
    data["coverages"]["business-hours"]["shifts"][0]["start"] = "9u"
    message = error_for(tmp_path, data)
    assert "`coverages.business-hours.shifts.0.start`" in message
    assert "'9u'" in message
    assert "UU:MM" in message


def test_time_out_of_range(tmp_path: Path) -> None:
    data = base()
    data["coverages"]["business-hours"]["shifts"][0]["end"] = "25:00"
    message = error_for(tmp_path, data)
    assert "`coverages.business-hours.shifts.0.end`" in message
    assert "'25:00'" in message and "00:00 en 24:00" in message


def test_business_hours_of_zero_length(tmp_path: Path) -> None:
    data = base()
    data["business_hours"] = {"tue": ["17:00-17:00"]}
    message = error_for(tmp_path, data)
    assert "`business_hours.tue.0`" in message
    assert "'17:00-17:00'" in message
    assert "begin- en eindtijd zijn gelijk" in message


def test_zero_length_shift(tmp_path: Path) -> None:
    data = base()
    data["coverages"]["business-hours"]["shifts"][0]["end"] = "09:00"
    message = error_for(tmp_path, data)
    assert "`coverages.business-hours.shifts.0.end`" in message
    assert "09:00" in message and "0 uur" in message


def test_unknown_weekday_in_list(tmp_path: Path) -> None:
    data = base()
    data["coverages"]["business-hours"]["shifts"][0]["days"] = ["mon", "maandag"]
    message = error_for(tmp_path, data)
    assert "`coverages.business-hours.shifts.0.days.1`" in message
    assert "'maandag'" in message
    assert "'mon'" in message and "'sun'" in message


def test_unknown_weekday_in_range(tmp_path: Path) -> None:
    data = base()
    data["coverages"]["business-hours"]["shifts"][0]["days"] = "ma-vr"
    message = error_for(tmp_path, data)
    assert "`coverages.business-hours.shifts.0.days`" in message
    assert "'ma-vr'" in message and "mon-fri" in message


def test_negative_agents(tmp_path: Path) -> None:
    data = base()
    data["coverages"]["24-7"]["shifts"][0]["agents"] = -2
    message = error_for(tmp_path, data)
    assert "`coverages.24-7.shifts.0.agents`" in message
    assert "-2" in message and "0 tot en met 1.000 agents" in message


def test_missing_field(tmp_path: Path) -> None:
    data = base()
    del data["volume"]["mentions_per_week"]
    message = error_for(tmp_path, data)
    assert "`volume.mentions_per_week`" in message and "ontbreekt" in message


def test_unknown_field_lists_allowed_ones(tmp_path: Path) -> None:
    data = base()
    data["channels"]["x"]["shaer"] = 0.6
    message = error_for(tmp_path, data)
    assert "`channels.x.shaer`" in message
    assert "share" in message and "handling" in message


def test_unknown_channel_name(tmp_path: Path) -> None:
    data = base()
    data["channels"]["twitter"] = data["channels"].pop("x")
    message = error_for(tmp_path, data)
    assert "`channels.twitter`" in message
    assert "'x'" in message and "'reviews'" in message


def test_not_a_number(tmp_path: Path) -> None:
    data = base()
    data["volume"]["mentions_per_week"] = "veel"
    message = error_for(tmp_path, data)
    assert "`volume.mentions_per_week`" in message
    assert "'veel'" in message and "getal" in message


def test_bad_duration_and_goal(tmp_path: Path) -> None:
    data = base()
    data["sla_targets"] = [
        {"name": "r", "metric": "first_response", "within": "een uur", "goal": "90%"}
    ]
    message = error_for(tmp_path, data)
    assert "`sla_targets.0.within`" in message and "'een uur'" in message and "60min" in message


def test_business_clock_needs_business_hours(tmp_path: Path) -> None:
    data = base()
    del data["business_hours"]
    data["sla_targets"] = [
        {"name": "r", "metric": "first_response", "within": "4h", "goal": 0.9, "clock": "business"}
    ]
    message = error_for(tmp_path, data)
    assert "`sla_targets.0.clock`" in message and "business_hours" in message


def test_backoffice_share_needs_back_office(tmp_path: Path) -> None:
    data = base()
    data["kinds"]["complaint"]["backoffice_share"] = 0.3
    message = error_for(tmp_path, data)
    assert "`back_office`" in message


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    file = tmp_path / "kapot.yaml"
    file.write_text("name: kapot\nvolume:\n  mentions_per_week: 10\n channels: [\n", "utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(file)
    message = str(info.value)
    assert str(file) in message and "YAML" in message
    assert "regel 4" in message


def test_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    message = error_for(tmp_path, ["een", "lijst"])
    assert "geen blok met velden" in message


def test_unknown_profile_name_lists_known_profiles() -> None:
    with pytest.raises(ProfileError) as info:
        load_profile("bestaat-niet")
    message = str(info.value)
    assert "bestaat-niet" in message and "library" in message and "airline" in message


def test_only_first_error_reported_with_count(tmp_path: Path) -> None:
    data = base()
    data["channels"]["x"]["share"] = -1
    data["channels"]["whatsapp"]["share"] = 7
    message = error_for(tmp_path, data)
    assert "`channels.x.share`" in message and "1 andere fout" in message


# --- values that used to pass the check and crash the engine -------------------------------------
@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d["channels"]["x"]["handling"].update(cv=0), "channels.x.handling.cv", "cv"),
        (lambda d: d.update(patience={"mean_min": 30, "cv": 0}), "patience.cv", "groter dan 0"),
        (
            lambda d: d.update(priority_rules=[{"priority": 1, "channel": "reviews"}]),
            "priority_rules.0.channel",
            "verwacht een van: x, whatsapp",
        ),
        (
            lambda d: d.update(priority_rules=[{"priority": 1, "kind": "compliment"}]),
            "priority_rules.0.kind",
            "verwacht een van: question, complaint",
        ),
        (
            lambda d: d["volume"].update(mentions_per_week=float("inf")),
            "volume.mentions_per_week",
            "eindig getal",
        ),
        (
            lambda d: d["channels"]["x"]["handling"].update(mean_min=float("nan")),
            "channels.x.handling.mean_min",
            "eindig getal",
        ),
        (
            lambda d: d["volume"].update(mentions_per_week=1e12),
            "volume.mentions_per_week",
            "tot en met 1.000.000 vermeldingen per week",
        ),
        (
            lambda d: d.update(
                business_hours={"mon": []},
                sla_targets=[
                    {
                        "name": "r",
                        "metric": "first_response",
                        "within": "1h",
                        "goal": 0.9,
                        "clock": "business",
                    }
                ],
            ),
            "business_hours",
            "geen enkel tijdvak",
        ),
        (
            lambda d: d.update(business_hours={"mon": []}, back_office={"work": {"mean_min": 60}}),
            "business_hours",
            "backoffice",
        ),
        (
            lambda d: d.update(
                sla_targets=[{"name": "r", "metric": "resolution", "within": "1d", "goal": "150%"}]
            ),
            "sla_targets.0.goal",
            "hoogstens 100%",
        ),
    ],
)
def test_bad_values_get_a_message_instead_of_a_crash(tmp_path: Path, change, path, words) -> None:
    data = base()
    change(data)
    message = error_for(tmp_path, data)
    assert f"`{path}`" in message and words in message


def test_duplicate_yaml_key_names_the_key_and_line(tmp_path: Path) -> None:
    text = yaml.safe_dump(base(), sort_keys=False)
    text = text.replace("current_coverage: business-hours\n", "current_coverage: 24-7\n", 1)
    text += "current_coverage: business-hours\n"
    file = tmp_path / "dubbel.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(file)
    line = text.count("\n")  # the second key is on the last line
    assert "'current_coverage' staat twee keer" in str(info.value)
    assert f"regel {line}," in str(info.value)


def test_shrinkage_and_premiums_accept_percentages(tmp_path: Path) -> None:
    data = base()
    data["costs"] = {"shrinkage": "30%", "night_premium": "40%", "weekend_premium": "150%"}
    file = tmp_path / "procent.yaml"
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    costs = load_profile(file).costs
    assert (costs.shrinkage, costs.night_premium, costs.weekend_premium) == pytest.approx(
        (0.3, 0.4, 1.5)
    )
    data["costs"] = {"shrinkage": "100%"}
    assert "`costs.shrinkage`" in error_for(tmp_path, data)
