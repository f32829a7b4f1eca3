"""Scoring against the worked vectors in measures.md section 5 and hand-checked cases."""

from __future__ import annotations

import dataclasses

import pytest

from attune.measures.registry import shipped_definition
from attune.measures.scoring import InvalidAnswers, ScoreResult, score, validate_answers


def answers(values: dict[int, object] | list[object]) -> dict[str, object]:
    if isinstance(values, list):
        return {f"item{i}": v for i, v in enumerate(values, start=1)}
    return {f"item{i}": v for i, v in values.items()}


def same(n: int, value: object) -> dict[str, object]:
    return answers([value] * n)


def flag_codes(result: ScoreResult) -> set[str]:
    return {f.code for f in result.flags}


# --- Worked vectors (measures.md section 5) ------------------------------------------------


def test_pbq_all_always_gives_published_scale_scores_and_all_four_cutoff_flags():
    result = score(shipped_definition("pbq"), same(25, 0))  # 0 = "Always", the first option
    assert result.subscales == {"s1": 40, "s2": 25, "s3": 10, "s4": 10}
    assert result.total == 85
    assert {"cutoff_s1", "cutoff_s2", "cutoff_s3", "cutoff_s4"} <= flag_codes(result)
    assert result.item_scores["item1"] == 0  # positive item: Always scores 0
    assert result.item_scores["item2"] == 5  # reversed item: Always scores 5


def test_prfq_subscale_means_with_reversed_items_11_and_18():
    values = [4] * 18
    values[10], values[17] = 7, 2
    result = score(shipped_definition("prfq"), answers(values))
    assert result.subscales["pm"] == pytest.approx(4.000)
    assert result.subscales["cms"] == pytest.approx(3.500)
    assert result.subscales["ic"] == pytest.approx(4.333, abs=5e-4)
    assert result.total is None
    assert result.status == "scored"


def test_core10_one_missing_is_prorated_to_ten_times_the_mean():
    values: dict[int, object] = dict.fromkeys(range(1, 10), 2)  # nine items summing to 18
    result = score(shipped_definition("core10"), answers(values), item_scores=True)
    assert result.total == pytest.approx(20.0)
    assert result.prorated is True
    assert result.status == "scored"


def test_core10_two_missing_is_unscored():
    values: dict[int, object] = dict.fromkeys(range(1, 9), 2)
    result = score(shipped_definition("core10"), answers(values))
    assert result.status == "unscored"
    assert result.total is None
    assert result.reasons == (
        "Items 9 and 10 are missing; this questionnaire is not scored when more than 1 item "
        "is missing.",
    )


def test_core10_reverses_items_2_and_3():
    values = [0] * 10
    values[1] = 0  # item 2 marked "not at all" is a positively worded item: scores 4
    result = score(shipped_definition("core10"), answers(values))
    assert result.item_scores["item2"] == 4
    assert result.item_scores["item3"] == 4
    assert result.total == 8


def test_maas_every_item_scored_3():
    # Every item *scored* 3: for a reversed item the position marked is 6 - 3 = 3 as well.
    result = score(shipped_definition("maas"), same(19, 3))
    assert result.subscales == {"quality": 30, "intensity": 24}
    assert result.total == 57


def test_maas_reversed_items_score_six_minus_position():
    values = [1] * 19
    result = score(shipped_definition("maas"), answers(values))
    assert result.item_scores["item1"] == 5  # reversed
    assert result.item_scores["item2"] == 1
    reversed_items = {1, 3, 5, 6, 7, 9, 10, 12, 15, 16, 18}
    assert result.total == 5 * len(reversed_items) + (19 - len(reversed_items))


@pytest.mark.parametrize(("raw_each", "raw", "metric"), [(1, 7, 7.00), (5, 35, 35.00)])
def test_swemwbs_metric_conversion_at_the_ends(raw_each, raw, metric):
    result = score(shipped_definition("swemwbs"), same(7, raw_each))
    assert result.total == raw
    assert result.metric == pytest.approx(metric)
    assert result.primary == pytest.approx(metric)


def test_swemwbs_raw_29_converts_to_26_02():
    result = score(shipped_definition("swemwbs"), answers([5, 5, 5, 5, 3, 3, 3]))
    assert result.total == 29
    assert result.metric == pytest.approx(26.02)
    assert result.band == "Average"


def test_swemwbs_incomplete_is_not_converted():
    result = score(shipped_definition("swemwbs"), answers([5, 5, 5, 5, 3, 3]))
    assert result.status == "unscored"
    assert result.metric is None


def test_kips_mean_of_rated_items_excludes_not_observed():
    ratings = [2, 3, 3, "na", 4, 2, 3, 3, 2, 3, 4, 3]
    result = score(shipped_definition("kips"), answers(ratings))
    assert result.total == pytest.approx(32 / 11)
    assert round(result.total, 3) == 2.909
    assert result.band == "Low quality (parenting concerns)"
    assert result.item_scores["item4"] is None


def test_kips_all_not_observed_is_unscored():
    result = score(shipped_definition("kips"), same(12, "na"))
    assert result.status == "unscored"
    assert "at least 1" in result.reasons[0]


def test_kips_blank_item_is_missing_not_not_observed():
    ratings: list[object] = [3] * 11 + [""]
    result = score(shipped_definition("kips"), answers(ratings))
    assert result.status == "unscored"
    assert result.reasons[0].startswith("Item 12 is missing")


def test_kpcs_not_applicable_items_score_two():
    values: list[object] = [3] * 15
    values[0] = values[8] = "na"
    result = score(shipped_definition("kpcs"), answers(values))
    assert result.total == 43
    assert result.caseness is False  # 43 is above the low-confidence cut-off of 39


def test_kpcs_low_confidence_is_the_clinical_range():
    result = score(shipped_definition("kpcs"), same(15, 2))
    assert result.total == 30
    assert result.caseness is True
    assert result.band == "Low parenting confidence (clinical range)"


# --- Hand-checked cases per instrument ------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band", "case"),
    [
        (0, "Minimal", False),
        (4, "Minimal", False),
        (5, "Mild", False),
        (9, "Mild", False),
        (10, "Moderate", True),
        (14, "Moderate", True),
        (15, "Moderately severe", True),
        (19, "Moderately severe", True),
        (20, "Severe", True),
        (27, "Severe", True),
    ],
)
def test_phq9_bands_and_caseness(total, band, case):
    values = [0] * 8
    remaining = total
    for i in range(8):
        values[i] = min(3, remaining)
        remaining -= values[i]
    values.append(remaining)  # item 9 takes the rest (0-3)
    result = score(shipped_definition("phq9"), answers(values))
    assert result.total == total
    assert result.band == band
    assert result.caseness is case


@pytest.mark.parametrize(
    ("values", "total", "band", "case"),
    [
        ([0] * 7, 0, "Minimal", False),
        ([1, 1, 1, 1, 1, 1, 1], 7, "Mild", False),
        ([2, 1, 1, 1, 1, 1, 1], 8, "Mild", True),
        ([2, 2, 2, 2, 1, 1, 0], 10, "Moderate", True),
        ([3] * 7, 21, "Severe", True),
    ],
)
def test_gad7_totals_bands_and_caseness_at_8(values, total, band, case):
    result = score(shipped_definition("gad7"), answers(values))
    assert (result.total, result.band, result.caseness) == (total, band, case)
    assert result.flags == ()


def test_epds_reverse_items_turn_the_top_option_into_3():
    # First printed option everywhere: items 1, 2, 4 score 0; items 3, 5-10 score 3.
    result = score(shipped_definition("epds"), same(10, 0))
    assert result.total == 21
    assert result.item_scores["item1"] == 0
    assert result.item_scores["item3"] == 3
    assert result.band == "Probable depression"
    assert result.caseness is True


def test_epds_item_scores_flag_is_not_reversed_again():
    result = score(shipped_definition("epds"), same(10, 0), item_scores=True)
    assert result.total == 0
    assert result.band == "Below the screening threshold"
    assert result.caseness is False


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (9, "Below the screening threshold"),
        (10, "Possible depression"),
        (12, "Possible depression"),
        (13, "Probable depression"),
    ],
)
def test_epds_bands(total, band):
    values = [3, 3, 3, 0, 0, 0, 0, 0, 0, 0]
    values[3] = min(3, total - 9)
    values[4] = total - 9 - values[3]
    result = score(shipped_definition("epds"), answers(values), item_scores=True)
    assert result.total == total
    assert result.band == band


def test_wemwbs_sum_and_bands():
    definition = shipped_definition("wemwbs")
    assert score(definition, same(14, 1)).band == "Probable depression"
    low = score(definition, answers([3] * 12 + [2, 2]))
    assert low.total == 40 and low.band == "Probable depression"
    assert low.caseness is None  # bands are uncertain, so no clinical cut-off is set
    middle = score(definition, answers([3] * 14))
    assert middle.total == 42 and middle.band == "Possible depression"
    assert score(definition, same(14, 5)).total == 70


def test_mors_sf_warmth_and_invasion_with_always_scoring_5():
    values = [0] * 14  # "Always" on every item
    values[1] = 5  # item 2 (invasion) "Never"
    result = score(shipped_definition("mors_sf"), answers(values))
    assert result.subscales == {"warmth": 35, "invasion": 30}
    assert result.total is None
    assert result.status == "scored"


def test_mors_sf_one_subscale_scored_when_the_other_is_incomplete():
    values: dict[int, object] = dict.fromkeys([1, 3, 4, 6, 8, 11, 13], 5)  # warmth only
    result = score(shipped_definition("mors_sf"), answers(values))
    assert result.subscales == {"warmth": 0, "invasion": None}
    assert result.status == "unscored"
    assert any(reason.startswith("Invasion") for reason in result.reasons)


def test_pbq_subscale_scored_while_total_unscored():
    values: dict[int, object] = {i: 5 for i in range(1, 26) if i != 3}  # item 3 (scale 2) missing
    result = score(shipped_definition("pbq"), answers(values))
    assert result.status == "unscored"
    assert result.total is None
    assert result.subscales["s2"] is None
    assert result.subscales["s4"] == 0  # items 18 and 24 "Never" score 0
    assert result.subscales["s1"] is not None


def test_gbo_mean_of_the_goals_given():
    definition = shipped_definition("gbo")
    assert score(definition, answers([6, 7, 6])).total == pytest.approx(19 / 3)
    one_goal = score(definition, answers([4]))
    assert one_goal.total == 4 and one_goal.status == "scored"
    assert score(definition, {}).status == "unscored"


# --- Risk flags -----------------------------------------------------------------------------


def test_phq9_item9_flag_fires_at_one_and_not_at_zero():
    definition = shipped_definition("phq9")
    assert "risk_item9" in flag_codes(score(definition, answers([0] * 8 + [1])))
    assert "risk_item9" not in flag_codes(score(definition, answers([3] * 8 + [0])))


def test_phq9_item9_flag_raised_even_when_total_is_unscored():
    values: dict[int, object] = {1: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 2}  # item 2 missing
    result = score(shipped_definition("phq9"), answers(values))
    assert result.status == "unscored"
    assert [f.code for f in result.flags] == ["risk_item9"]
    assert result.flags[0].item == 9
    assert "risk protocol" in result.flags[0].message


def test_epds_item10_is_reverse_printed_so_the_first_option_is_the_risk():
    definition = shipped_definition("epds")
    top = answers({10: 0})  # first printed option of item 10 scores 3
    bottom = answers({10: 3})  # last printed option scores 0
    assert "risk_item10" in flag_codes(score(definition, top))
    assert "risk_item10" not in flag_codes(score(definition, bottom))
    # As item scores (already reversed) the meaning flips.
    assert "risk_item10" not in flag_codes(score(definition, top, item_scores=True))
    assert "risk_item10" in flag_codes(score(definition, bottom, item_scores=True))


def test_core10_item6_above_zero_flags():
    definition = shipped_definition("core10")
    values = [0] * 10
    values[1] = values[2] = 4  # items 2 and 3 marked so they score 0
    assert flag_codes(score(definition, answers(values))) == set()
    values[5] = 1
    assert flag_codes(score(definition, answers(values))) == {"risk_item6"}


def test_pbq_scale4_risk_at_two_or_more_even_with_other_items_missing():
    definition = shipped_definition("pbq")
    # Items 18 and 24 are reversed: response 4 ("Rarely") scores 1 each.
    result = score(definition, answers({18: 4, 24: 4}))
    assert result.status == "unscored"
    assert "risk_s4" in flag_codes(result)
    # One of the two answered with score 1: not yet 2, and the other could still be 0.
    assert "risk_s4" not in flag_codes(score(definition, answers({18: 4})))
    # One answered with score 2 already meets the rule whatever the other item says.
    assert "risk_s4" in flag_codes(score(definition, answers({18: 3})))
    assert "risk_s4" not in flag_codes(score(definition, same(25, 5)))


@pytest.mark.parametrize(
    ("rating", "flagged", "band"),
    [
        (20, True, "Grossly impaired"),
        (10, True, "Documented maltreatment"),
        (21, False, "Severely disordered"),
        (85, False, "Adapted"),
    ],
)
def test_pir_gas_rating_of_20_or_less_flags(rating, flagged, band):
    result = score(shipped_definition("pir_gas"), {"rating": rating})
    assert ("risk_score" in flag_codes(result)) is flagged
    assert result.band == band
    assert result.caseness is (rating <= 40)


# --- Validation -----------------------------------------------------------------------------


def test_validation_messages_per_key():
    definition = shipped_definition("phq9")
    errors = validate_answers(
        definition,
        {"item4": 7, "item2": "abc", "item3": 1.5, "item5": "na", "item99": 1, "item1": True},
    )
    assert errors == {
        "item4": "item 4: 7 is outside 0-3",
        "item2": "item 2: 'abc' is not a whole number",
        "item3": "item 3: 1.5 is not a whole number",
        "item5": "item 5: 'not applicable' is not allowed for this item",
        "item99": "'item99' is not an answer for PHQ-9 (expected item1-item9)",
        "item1": "item 1: True is not a whole number",
    }


def test_missing_answers_are_not_validation_errors():
    definition = shipped_definition("phq9")
    assert validate_answers(definition, {"item1": None, "item2": "", "item3": " "}) == {}
    assert validate_answers(definition, {"item1": "2", "item2": 2.0, "item3": " 3 "}) == {}


def test_score_raises_invalid_answers_with_the_errors():
    with pytest.raises(InvalidAnswers) as caught:
        score(shipped_definition("gad7"), {"item1": 4})
    assert caught.value.errors == {"item1": "item 1: 4 is outside 0-3"}
    assert isinstance(caught.value, ValueError)


def test_psi4sf_total_from_subscales_or_entered():
    definition = shipped_definition("psi4sf")
    computed = score(definition, {"pd": 30, "pcdi": 25, "dc": 40})
    assert computed.total == 95
    assert computed.subscales == {"pd": 30, "pcdi": 25, "dc": 40}
    assert score(definition, {"total_stress": 100}).total == 100
    assert score(definition, {"pd": 30, "pcdi": 25, "dc": 40, "total_stress": 95}).total == 95
    errors = validate_answers(definition, {"pd": 30, "pcdi": 25, "dc": 40, "total_stress": 96})
    assert errors == {"total_stress": "total_stress: 96 does not equal pd + pcdi + dc = 95"}
    unscored = score(definition, {"pd": 30})
    assert unscored.status == "unscored"
    assert "Total Stress raw score (total_stress) is missing" in unscored.reasons[0]
    assert validate_answers(definition, {"pd": 61}) == {"pd": "pd: 61 is outside 12-60"}


def test_asqse2_needs_an_interval_and_reports_no_cutoff_configured():
    definition = shipped_definition("asqse2")
    result = score(definition, {"interval_months": 24, "total_score": 45})
    assert result.status == "scored"
    assert result.total == 45
    assert result.caseness is None and result.band is None and result.category is None
    assert any("No cut-off configured for this interval" in r for r in result.reasons)
    assert validate_answers(definition, {"interval_months": 7}) == {
        "interval_months": "interval_months: 7 is not one of 2, 6, 12, 18, 24, 30, 36, 48, 60"
    }
    assert validate_answers(definition, {"total_score": 42}) == {
        "total_score": "total_score: 42 is not a multiple of 5"
    }
    assert score(definition, {"total_score": 45}).status == "unscored"


def test_asqse2_screen_status_when_a_team_configures_cutoffs():
    from attune.measures.instruments import IntervalCutoff

    definition = dataclasses.replace(
        shipped_definition("asqse2"),
        interval_cutoffs=(IntervalCutoff(24, 50, "local licence", monitoring_from=40),),
    )
    assert score(definition, {"interval_months": 24, "total_score": 35}).category == 0
    monitoring = score(definition, {"interval_months": 24, "total_score": 45})
    assert (monitoring.category, monitoring.band) == (1, "In the monitoring zone")
    above = score(definition, {"interval_months": 24, "total_score": 50})
    assert (above.category, above.caseness) == (2, True)


def test_dc05_part_a_level_is_the_category():
    definition = shipped_definition("dc05_axis2")
    result = score(definition, {"part_a": 3, "part_b": 2})
    assert (result.total, result.category, result.band, result.caseness) == (3, 3, "Level 3", True)
    assert result.subscales == {"part_a": 3, "part_b": 2}
    assert score(definition, {"part_b": 2}).status == "unscored"


def test_score_result_round_trips_through_json():
    import json

    result = score(shipped_definition("pbq"), same(25, 0))
    restored = ScoreResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert restored == result
