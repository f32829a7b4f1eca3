"""Reliable and clinically significant change against measures.md section 5."""

from __future__ import annotations

import dataclasses

import pytest

from attune.measures.change import (
    classify_change,
    clinical_cutoffs_abc,
    jacobson_truax_threshold,
    reliable_change_index,
)
from attune.measures.instruments import Cutoff
from attune.measures.registry import shipped_definition
from attune.measures.scoring import score

# (example, code, baseline, end, confidence, classification, reliable, crossed, rule, threshold)
WORKED_EXAMPLES = [
    (1, "phq9", 18, 8, 95, "recovered", "improved", True, "published", 6),
    (2, "phq9", 12, 7, 95, "no_reliable_change", "none", True, "published", 6),
    (3, "phq9", 8, 15, 95, "reliably_deteriorated", "deteriorated", True, "published", 6),
    (4, "gad7", 15, 11, 95, "reliably_improved", "improved", False, "published", 4),
    (5, "gad7", 9, 6, 95, "no_reliable_change", "none", True, "published", 4),
    (6, "epds", 16, 11, 95, "recovered", "improved", True, "published", 4),
    (7, "epds", 14, 11, 95, "no_reliable_change", "none", True, "published", 4),
    # CORE-10's published 6 is a 90% threshold: the worked examples use it at 90%.
    (8, "core10", 22, 12, 90, "reliably_improved", "improved", False, "published", 6),
    (9, "core10", 16, 9, 90, "recovered", "improved", True, "published", 6),
    (10, "core10", 15, 10, 90, "no_reliable_change", "none", True, "published", 6),
    # SWEMWBS has no clinical cut-off (its bands are uncertain), as in the worked examples.
    (11, "swemwbs", 15.84, 21.54, 95, "reliably_improved", "improved", False, "published", 2.87),
    (12, "swemwbs", 17.98, 19.25, 95, "no_reliable_change", "none", False, "published", 2.87),
    (13, "kpcs", 35, 41, 95, "not_computable", "unknown", True, "none", None),
    (14, "gbo", 2, 19 / 3, 95, "reliably_improved", "improved", False, "published", 2.45),
]


@pytest.mark.parametrize(
    (
        "example",
        "code",
        "baseline",
        "end",
        "confidence",
        "classification",
        "reliable",
        "crossed",
        "rule",
        "threshold",
    ),
    WORKED_EXAMPLES,
    ids=[f"example-{row[0]}" for row in WORKED_EXAMPLES],
)
def test_worked_examples(
    example, code, baseline, end, confidence, classification, reliable, crossed, rule, threshold
):
    result = classify_change(shipped_definition(code), baseline, end, confidence=confidence)
    assert result.classification == classification
    assert result.reliable == reliable
    assert result.crossed_cutoff is crossed
    assert result.rule == rule
    if threshold is None:
        assert result.threshold is None
    else:
        assert result.threshold == pytest.approx(threshold)
    assert result.change == pytest.approx(end - baseline)


def test_example_11_and_12_from_raw_swemwbs_scores():
    definition = shipped_definition("swemwbs")
    raw15 = score(definition, {f"item{i}": v for i, v in enumerate([3, 2, 2, 2, 2, 2, 2], 1)})
    raw24 = score(definition, {f"item{i}": v for i, v in enumerate([4, 4, 4, 3, 3, 3, 3], 1)})
    assert (raw15.total, raw24.total) == (15, 24)
    result = classify_change(definition, raw15.primary, raw24.primary)
    assert result.improvement == pytest.approx(5.70)
    assert result.classification == "reliably_improved"
    # It left the (uncertain) probable-depression band, shown by the bands, not as recovery.
    assert (raw15.band, raw24.band) == ("Probable depression", "Average")
    small = classify_change(definition, 17.98, 19.25)
    assert small.improvement == pytest.approx(1.27)
    assert small.reliable == "none"


def test_example_6_with_the_lower_epds_cutoff_of_10_is_reliably_improved_only():
    definition = dataclasses.replace(
        shipped_definition("epds"),
        clinical_cutoff=Cutoff(10, ">=", "Possible depression", "Cox et al. 1987"),
    )
    result = classify_change(definition, 16, 11)
    assert result.classification == "reliably_improved"
    assert result.label == "Reliably improved"


def test_example_8_to_10_records_the_jacobson_truax_rci():
    definition = shipped_definition("core10")
    assert classify_change(definition, 22, 12, confidence=90).rci == pytest.approx(-2.904, abs=1e-3)
    assert classify_change(definition, 16, 9, confidence=90).rci == pytest.approx(-2.033, abs=1e-3)


def test_core10_uses_its_published_6_unless_95_percent_is_asked_for():
    definition = shipped_definition("core10")
    published = classify_change(definition, 22, 12)
    assert (published.rule, published.threshold, published.confidence) == ("published", 6, 90)
    assert "Barkham" in (published.source or "")
    for baseline, end, expected in [
        (22, 12, "reliably_improved"),
        (16, 9, "recovered"),
        (15, 10, "no_reliable_change"),
    ]:
        result = classify_change(definition, baseline, end, confidence=95)
        assert result.rule == "jacobson_truax"
        assert result.threshold == pytest.approx(6.749, abs=1e-3)
        assert result.confidence == 95
        assert result.classification == expected
        assert result.sd == 7.7 and result.reliability == 0.9
        assert "Barkham" in (result.reliability_source or "")


def test_example_13_label_says_crossed_and_not_computable():
    result = classify_change(shipped_definition("kpcs"), 35, 41)
    assert result.label == "Reliability not computable"
    assert result.detail.startswith("Crossed the cut-off; reliability not computable")
    assert result.rci is None


def test_example_14_gbo_is_provisional():
    result = classify_change(shipped_definition("gbo"), 2, (6 + 7 + 6) / 3)
    assert result.improvement == pytest.approx(4.333, abs=1e-3)
    assert result.uncertain is True
    assert result.label == "Reliably improved"


def test_example_2_is_recovery_without_reliable_change():
    result = classify_change(shipped_definition("phq9"), 12, 7)
    assert result.label == "No reliable change"
    assert result.crossed_cutoff is True
    assert "crossed the cut-off" in result.detail


def test_labels_are_the_strengths_based_words():
    phq9 = shipped_definition("phq9")
    assert classify_change(phq9, 18, 8).label == "Recovered"
    assert classify_change(phq9, 8, 15).label == "Reliably deteriorated"
    assert classify_change(phq9, 8, 2).label == (
        "Reliable change only (started outside the clinical range)"
    )
    assert classify_change(phq9, 8, 2).reliable == "improved"


def test_published_threshold_is_met_at_exactly_the_threshold():
    phq9 = shipped_definition("phq9")
    assert classify_change(phq9, 20, 14).reliable == "improved"
    assert classify_change(phq9, 20, 15).reliable == "none"
    assert classify_change(phq9, 14, 20).reliable == "deteriorated"


def test_generic_jacobson_truax_check():
    assert jacobson_truax_threshold(10, 0.84) == pytest.approx(11.09, abs=5e-3)
    assert jacobson_truax_threshold(10, 0.84, 90) == pytest.approx(9.31, abs=5e-3)
    assert reliable_change_index(30, 15, 10, 0.84) == pytest.approx(-2.652, abs=5e-4)


def test_core10_jacobson_truax_and_abc_cutoffs():
    s_diff = jacobson_truax_threshold(7.7, 0.90) / 1.96
    assert s_diff == pytest.approx(3.4435, abs=5e-5)
    assert jacobson_truax_threshold(7.7, 0.90) == pytest.approx(6.749, abs=5e-4)
    assert jacobson_truax_threshold(7.7, 0.90, 90) == pytest.approx(5.665, abs=5e-4)
    a, b, c = clinical_cutoffs_abc(19.7, 7.7, 4.7, 4.8, "higher_worse")
    assert (round(a, 2), round(b, 2), round(c, 2)) == (4.3, 14.3, 10.46)


def test_abc_for_higher_is_better_goes_the_other_way():
    a, b, c = clinical_cutoffs_abc(20, 5, 40, 5, "higher_better")
    assert (a, b, c) == (30, 30, 30)


def test_wemwbs_threshold_from_alpha_and_sd():
    assert jacobson_truax_threshold(8.79, 0.89) == pytest.approx(8.08, abs=5e-3)
    result = classify_change(shipped_definition("wemwbs"), 38, 47)
    assert result.rule == "jacobson_truax"
    assert result.threshold == pytest.approx(8.08, abs=5e-3)
    assert result.classification == "reliably_improved"
    assert result.uncertain is True


def test_category_change_for_dc05_and_asq():
    dc05 = shipped_definition("dc05_axis2")
    improved = classify_change(dc05, 4, 2)
    assert (improved.rule, improved.classification, improved.label) == (
        "category",
        "improved",
        "Improved",
    )
    assert improved.threshold is None and improved.rci is None
    assert improved.crossed_cutoff is True
    assert classify_change(dc05, 2, 2).classification == "unchanged"
    assert classify_change(dc05, 1, 3).classification == "worsened"
    asq = shipped_definition("asqse2")
    assert classify_change(asq, 2, 0).classification == "improved"
    with pytest.raises(ValueError, match="outside 0-2"):
        classify_change(asq, 3, 0)


def test_measures_without_a_total_cannot_classify():
    result = classify_change(shipped_definition("prfq"), 3, 4)
    assert result.classification == "not_computable"


def test_bad_inputs_are_refused():
    phq9 = shipped_definition("phq9")
    with pytest.raises(ValueError, match="outside 0-27"):
        classify_change(phq9, 30, 10)
    with pytest.raises(ValueError, match="confidence must be 95 or 90"):
        classify_change(phq9, 10, 5, confidence=99)
    with pytest.raises(ValueError):
        jacobson_truax_threshold(-1, 0.8)
    with pytest.raises(ValueError):
        clinical_cutoffs_abc(1, 1, 1, 1, "sideways")


def test_to_dict_holds_provenance():
    data = classify_change(shipped_definition("phq9"), 18, 8).to_dict()
    assert data["rule"] == "published"
    assert "NHS Talking Therapies" in data["source"]
    assert data["classification"] == "recovered"
    assert data["improvement"] == 10
