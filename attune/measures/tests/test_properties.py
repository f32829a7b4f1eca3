"""Properties of scoring and change that must hold for every shipped definition."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune.measures.change import classify_change
from attune.measures.instruments import Cutoff, Definition, subscale_range
from attune.measures.registry import shipped_definitions
from attune.measures.scoring import score

ITEM_DEFINITIONS = [d for d in shipped_definitions() if d.entry != "scores"]
SCORE_CHANGE_DEFINITIONS = [
    d for d in shipped_definitions() if d.change_kind == "score" and d.primary_range is not None
]
ids = [d.key for d in ITEM_DEFINITIONS]
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def any_answer(item) -> st.SearchStrategy[object]:
    choices: list[st.SearchStrategy[object]] = [
        st.sampled_from([o.value for o in item.options]),
        st.none(),
    ]
    if item.allows_not_applicable:
        choices.append(st.just("na"))
    return st.one_of(*choices)


def answers_for(definition: Definition, *, complete: bool) -> st.SearchStrategy[dict]:
    per_item = {
        item.key: (
            st.sampled_from([o.value for o in item.options]) if complete else any_answer(item)
        )
        for item in definition.items
    }
    return st.fixed_dictionaries(per_item)


def within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] - 1e-9 <= value <= bounds[1] + 1e-9


@pytest.mark.parametrize("definition", ITEM_DEFINITIONS, ids=ids)
@FAST
@given(data=st.data())
def test_scores_stay_within_their_ranges(definition, data):
    answers = data.draw(answers_for(definition, complete=False))
    result = score(definition, answers)
    if result.primary is not None:
        assert definition.primary_range is not None
        assert within(result.primary, definition.primary_range)
    for sub in definition.subscales:
        value = result.subscales[sub.code]
        if value is not None:
            bounds = subscale_range(definition, sub)
            assert bounds is not None and within(value, bounds)
    for key, value in result.item_scores.items():
        if value is not None:
            item = definition.item(int(key.removeprefix("item")))
            assert item.min <= value <= item.max


@pytest.mark.parametrize("definition", ITEM_DEFINITIONS, ids=ids)
@FAST
@given(data=st.data())
def test_reverse_scoring_is_applied_exactly_once(definition, data):
    responses = data.draw(answers_for(definition, complete=False))
    as_scores = {}
    for item in definition.items:
        value = responses[item.key]
        if item.reverse and isinstance(value, int):
            value = item.min + item.max - value
        as_scores[item.key] = value
    assert score(definition, responses) == score(definition, as_scores, item_scores=True)


@pytest.mark.parametrize("definition", ITEM_DEFINITIONS, ids=ids)
@FAST
@given(data=st.data())
def test_raising_one_item_score_never_lowers_a_score(definition, data):
    item_scores = data.draw(answers_for(definition, complete=True))
    item = data.draw(st.sampled_from([i for i in definition.items if i.options[0].value < i.max]))
    higher_values = [o.value for o in item.options if o.value > item_scores[item.key]]
    if not higher_values:
        return
    raised = dict(item_scores, **{item.key: data.draw(st.sampled_from(higher_values))})
    before = score(definition, item_scores, item_scores=True)
    after = score(definition, raised, item_scores=True)
    if before.primary is not None:
        assert after.primary is not None and after.primary >= before.primary - 1e-9
    for code, value in before.subscales.items():
        if value is not None:
            assert (after.subscales[code] or 0) >= value - 1e-9


def mirrored(definition: Definition) -> Definition:
    """The same instrument with its scale turned upside down (and so its direction)."""
    low, high = definition.primary_range or (0.0, 0.0)
    cutoff = definition.clinical_cutoff
    flipped = None
    if cutoff is not None:
        rule = "<=" if cutoff.rule == ">=" else ">="
        flipped = Cutoff(low + high - cutoff.value, rule, cutoff.label, cutoff.source)
    direction = "higher_better" if definition.direction == "higher_worse" else "higher_worse"
    return dataclasses.replace(definition, direction=direction, clinical_cutoff=flipped)


@pytest.mark.parametrize(
    "definition", SCORE_CHANGE_DEFINITIONS, ids=[d.key for d in SCORE_CHANGE_DEFINITIONS]
)
@FAST
@given(data=st.data(), confidence=st.sampled_from([95, 90]))
def test_classification_is_symmetric_in_direction(definition, data, confidence):
    low, high = definition.primary_range or (0.0, 0.0)
    point = st.integers(min_value=int(low + 0.999), max_value=int(high))
    baseline, end = data.draw(point), data.draw(point)
    original = classify_change(definition, baseline, end, confidence=confidence)
    mirror = classify_change(
        mirrored(definition), low + high - baseline, low + high - end, confidence=confidence
    )
    assert mirror.classification == original.classification
    assert mirror.reliable == original.reliable
    assert mirror.improvement == pytest.approx(original.improvement)
    assert mirror.crossed_cutoff == original.crossed_cutoff


SCORE_DEFINITIONS = [d for d in shipped_definitions() if d.entry == "scores"]


def field_value(f) -> st.SearchStrategy[object]:
    if f.allowed:
        values: st.SearchStrategy[object] = st.sampled_from(list(f.allowed))
    else:
        step = f.multiple_of or 1
        values = st.integers(int(f.min) // step, int(f.max) // step).map(lambda v: v * step)
    return st.one_of(values, st.none())


@pytest.mark.parametrize("definition", SCORE_DEFINITIONS, ids=[d.key for d in SCORE_DEFINITIONS])
@FAST
@given(data=st.data())
def test_entered_scores_stay_within_their_ranges(definition, data):
    answers = data.draw(
        st.fixed_dictionaries({f.code: field_value(f) for f in definition.score_fields})
    )
    scoring = definition.scoring
    parts = [answers.get(code) for code in scoring.total_from]
    entered_total = answers.get(scoring.total_field or "")
    if entered_total is not None and parts and all(p is not None for p in parts):
        answers[scoring.total_field] = sum(parts)  # an inconsistent total is a validation error
    result = score(definition, answers)
    if result.primary is not None:
        assert definition.primary_range is not None
        assert within(result.primary, definition.primary_range)
