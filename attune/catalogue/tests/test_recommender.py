"""The care-package recommender: the age rule, each shipped rule, and the record."""

import json
from typing import Any

import pytest

from attune.catalogue import schema
from attune.catalogue.recommender import (
    AGE_RULE_ID,
    RULES_PATH,
    BabyFacts,
    Excluded,
    FamilyFacts,
    Recommendation,
    RuleError,
    Suggestions,
    default_rules,
    describe_age_range,
    load_rules,
    parse_condition,
    recommend,
)

# The directory's fixed slugs: the rules may name interventions only.
INTERVENTION_SLUGS = frozenset(schema.INTERVENTION_SLUGS)
ASSESSMENT_TOOL_SLUGS = frozenset(schema.ASSESSMENT_TOOL_SLUGS)

ANY_AGE = {"antenatal": True, "from_months": None, "to_months": None}


def entry(
    slug: str,
    *,
    name: str | None = None,
    kind: str = "intervention",
    age: dict[str, Any] | None = None,
    rank: float = 1.0,
    label: str = "Not rated",
) -> dict[str, Any]:
    """A small entry in the schema format, with the keys the caller adds."""
    return {
        "slug": slug,
        "name": name or slug.replace("-", " ").title(),
        "aliases": [],
        "kind": kind,
        "age": dict(age or ANY_AGE),
        "evidence_rank": rank,
        "evidence_label": label,
    }


# Every intervention open to any age, so rule tests see only the rule at work.
OPEN_CATALOGUE = [entry(slug) for slug in sorted(INTERVENTION_SLUGS)]


def baby(months: float) -> BabyFacts:
    return BabyFacts(age_months=months)


def unborn(weeks: int | None = None) -> BabyFacts:
    return BabyFacts(age_months=None, unborn=True, weeks_pregnant=weeks)


def family(*babies: BabyFacts, **kwargs: Any) -> FamilyFacts:
    kwargs.setdefault("carer_kinds", frozenset({"birth_mother"}))
    return FamilyFacts(babies=babies or (baby(3),), **kwargs)


def by_slug(result: Suggestions) -> tuple[dict[str, Recommendation], dict[str, Excluded]]:
    return {r.slug: r for r in result.fits}, {e.slug: e for e in result.excluded}


SHIPPED = {rule.id: rule for rule in default_rules()}

# For each shipped rule: facts where its condition holds, and facts where it does not.
RULE_CASES: dict[str, tuple[FamilyFacts, FamilyFacts | None]] = {
    "infant-massage-not-when-dyad-at-risk": (
        family(dyad_observed_at_risk=True, parental_mental_health=True),
        family(parental_mental_health=True),
    ),
    "infant-massage-parent-low-mood": (
        family(stressors=frozenset({"parent_mental_health"})),
        family(stressors=frozenset({"housing"})),
    ),
    "vipp-sd-older-child": (family(baby(6), baby(30)), family(baby(30))),
    "vipp-sd-fathers": (
        family(carer_kinds=frozenset({"birth_mother", "birth_father"})),
        family(carer_kinds=frozenset({"birth_mother", "grandparent"})),
    ),
    "mellow-dads": (
        family(carer_kinds=frozenset({"birth_mother", "partner"})),
        family(carer_kinds=frozenset({"birth_mother"})),
    ),
    "mellow-futures-learning": (family(parent_learning_difficulty=True), family()),
    "groups-ease-isolation": (
        family(stressors=frozenset({"isolation", "money"})),
        family(stressors=frozenset({"money"})),
    ),
    "ipp-mother-wellbeing": (
        family(parental_trauma=True),
        # Trauma noted, but the model was built with mothers and no mother is a carer.
        family(carer_kinds=frozenset({"foster_carer"}), parental_trauma=True),
    ),
    "ipp-not-yet-in-uk": (family(), None),
    "pip-parental-trauma": (
        family(reasons=frozenset({"own_childhood"})),
        family(reasons=frozenset({"interaction"})),
    ),
    "pip-psychotic-illness": (family(psychotic_illness=True), family(parental_trauma=True)),
    "cpp-safety-worries": (
        family(social_care="child_protection"),
        family(social_care="early_help"),
    ),
    "abc-foster-or-edge-of-care": (
        family(carer_kinds=frozenset({"foster_carer"}), social_care="looked_after"),
        family(social_care="child_in_need"),
    ),
    "cat-needs-history-blocking": (
        family(parent_history_blocks_progress=True),
        family(parental_mental_health=True),
    ),
    "emdr-needs-parental-trauma": (
        family(parental_trauma=True),
        family(parent_history_blocks_progress=True),
    ),
    "cbt-needs-parental-mental-health": (
        family(parental_mental_health=True),
        family(parental_trauma=True),
    ),
    "parent-alone-therapy-is-an-adjunct": (
        family(
            parent_history_blocks_progress=True,
            parental_trauma=True,
            parental_mental_health=True,
        ),
        None,
    ),
    "peep-antenatal-from-28-weeks": (family(unborn(30)), family(unborn(20))),
    "peep-antenatal-before-28-weeks": (family(unborn(20)), family(unborn(30))),
}


def test_every_shipped_rule_has_a_case() -> None:
    assert set(RULE_CASES) == set(SHIPPED)


def test_rules_file_uses_only_known_intervention_slugs() -> None:
    raw = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    used = {slug for rule in raw for slug in rule["entries"]}
    assert used <= INTERVENTION_SLUGS, used - INTERVENTION_SLUGS
    assert not used & ASSESSMENT_TOOL_SLUGS


def test_rules_file_has_sources_and_unique_ids() -> None:
    raw = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    ids = [rule["id"] for rule in raw]
    assert len(ids) == len(set(ids))
    for rule in raw:
        assert rule["source"].strip()
        assert "/" not in rule["source"], "a source names a document, not a file path"


def _assert_fires(rule_id: str, facts: FamilyFacts) -> None:
    rule = SHIPPED[rule_id]
    fits, excluded = by_slug(recommend(facts, OPEN_CATALOGUE, list(SHIPPED.values())))
    for slug in rule.entries:
        if rule.effect == "reason":
            assert rule.message in fits[slug].reasons
            assert rule_id in fits[slug].rule_ids
        elif rule.effect == "caution":
            assert rule.message in fits[slug].cautions
            assert rule_id in fits[slug].rule_ids
        elif rule.effect == "exclude":
            assert slug not in fits
            assert rule.message in excluded[slug].why
            assert rule_id in excluded[slug].rule_ids
        else:  # require: the condition holds, so the entry is offered
            assert slug in fits, excluded.get(slug)
            assert rule_id in fits[slug].rule_ids


def _assert_quiet(rule_id: str, facts: FamilyFacts) -> None:
    rule = SHIPPED[rule_id]
    fits, excluded = by_slug(recommend(facts, OPEN_CATALOGUE, list(SHIPPED.values())))
    for slug in rule.entries:
        if rule.effect in ("reason", "caution"):
            shown = fits[slug]
            assert rule.message not in shown.reasons + shown.cautions
            assert rule_id not in shown.rule_ids
        elif rule.effect == "exclude":
            assert slug in fits
            assert slug not in excluded
        else:  # require: the condition fails, so the entry is left out with the message
            assert slug not in fits
            assert rule.message in excluded[slug].why
            assert rule_id in excluded[slug].rule_ids


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_rule_fires_when_its_condition_holds(rule_id: str) -> None:
    fires, _ = RULE_CASES[rule_id]
    assert SHIPPED[rule_id].when.holds(fires)
    _assert_fires(rule_id, fires)


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_rule_is_quiet_when_its_condition_does_not_hold(rule_id: str) -> None:
    rule = SHIPPED[rule_id]
    _, quiet = RULE_CASES[rule_id]
    if quiet is None:
        # An "always" rule cannot be quiet through facts; without the rule it is absent.
        assert rule.when.kind == "always"
        others = [r for r in SHIPPED.values() if r.id != rule_id]
        fits, _ = by_slug(recommend(RULE_CASES[rule_id][0], OPEN_CATALOGUE, others))
        for slug in rule.entries:
            assert rule.message not in fits[slug].cautions + fits[slug].reasons
        return
    assert not rule.when.holds(quiet)
    _assert_quiet(rule_id, quiet)


def test_massage_exclusion_wins_over_its_low_mood_reason() -> None:
    facts = family(dyad_observed_at_risk=True, parental_mental_health=True)
    fits, excluded = by_slug(recommend(facts, OPEN_CATALOGUE, default_rules()))
    assert "infant-massage" not in fits
    assert excluded["infant-massage"].rule_ids == ("infant-massage-not-when-dyad-at-risk",)


def test_emdr_stays_out_for_mental_health_alone() -> None:
    facts = family(parental_mental_health=True)
    fits, excluded = by_slug(recommend(facts, OPEN_CATALOGUE, default_rules()))
    assert "cbt" in fits
    assert "emdr" in excluded
    assert "cognitive-analytic-therapy" in excluded


# --- the built-in age rule ---------------------------------------------------

IPP = entry(
    "infant-parent-psychotherapy",
    name="Infant-Parent Psychotherapy",
    age={"antenatal": False, "from_months": 0, "to_months": 5},
)
VIPP = entry(
    "vipp-sd", name="VIPP-SD", age={"antenatal": False, "from_months": 12, "to_months": 83}
)
PEEP_ANTENATAL = entry(
    "peep-antenatal",
    name="Peep Antenatal",
    age={"antenatal": True, "from_months": None, "to_months": 0},
)
SOLIHULL = entry(
    "solihull-approach",
    name="Solihull Approach",
    age={"antenatal": True, "from_months": 0, "to_months": None},
)
AGE_CATALOGUE = [IPP, VIPP, PEEP_ANTENATAL, SOLIHULL]


def test_ipp_fits_at_3_months_but_not_at_9() -> None:
    fits, _ = by_slug(recommend(family(baby(3)), [IPP], []))
    assert fits["infant-parent-psychotherapy"].reasons == ("Suits a baby of 3 months",)
    assert fits["infant-parent-psychotherapy"].rule_ids == (AGE_RULE_ID,)

    fits, excluded = by_slug(recommend(family(baby(9)), [IPP], []))
    assert not fits
    assert excluded["infant-parent-psychotherapy"].why == (
        "For babies under 6 months; the baby is 9 months",
    )
    assert excluded["infant-parent-psychotherapy"].rule_ids == (AGE_RULE_ID,)


def test_age_uses_completed_months() -> None:
    fits, excluded = by_slug(recommend(family(baby(5.9)), [IPP], []))
    assert "infant-parent-psychotherapy" in fits
    fits, excluded = by_slug(recommend(family(baby(6.0)), [IPP], []))
    assert "infant-parent-psychotherapy" in excluded


def test_vipp_sd_excluded_at_6_months_and_fits_at_14() -> None:
    _, excluded = by_slug(recommend(family(baby(6)), [VIPP], []))
    assert excluded["vipp-sd"].why == ("For children aged 1 to 6 years; the baby is 6 months",)

    fits, _ = by_slug(recommend(family(baby(14)), [VIPP], []))
    assert fits["vipp-sd"].reasons == ("Suits a baby of 14 months",)


def test_any_baby_in_range_is_enough_and_the_message_names_the_youngest() -> None:
    fits, _ = by_slug(recommend(family(baby(2), baby(20)), [IPP, VIPP], []))
    assert fits["infant-parent-psychotherapy"].reasons == ("Suits a baby of 2 months",)
    assert fits["vipp-sd"].reasons == ("Suits a baby of 20 months",)

    _, excluded = by_slug(recommend(family(baby(8), baby(9)), [IPP], []))
    assert excluded["infant-parent-psychotherapy"].why == (
        "For babies under 6 months; the youngest baby is 8 months",
    )


def test_unborn_baby_fits_only_antenatal_entries() -> None:
    result = recommend(family(unborn(30)), AGE_CATALOGUE, [])
    fits, excluded = by_slug(result)
    assert set(fits) == {"peep-antenatal", "solihull-approach"}
    assert fits["peep-antenatal"].reasons == ("Can begin in pregnancy (now 30 weeks)",)
    assert set(excluded) == {"infant-parent-psychotherapy", "vipp-sd"}
    assert excluded["vipp-sd"].why == ("For children aged 1 to 6 years; the baby is not born yet",)


def test_antenatal_only_entry_excluded_for_an_older_baby() -> None:
    _, excluded = by_slug(recommend(family(baby(4)), [PEEP_ANTENATAL], []))
    assert excluded["peep-antenatal"].why == (
        "For pregnancy and the first weeks after birth; the baby is 4 months",
    )


def test_unknown_age_is_a_caution_not_an_exclusion() -> None:
    fits, _ = by_slug(recommend(family(BabyFacts(age_months=None)), [IPP], []))
    assert fits["infant-parent-psychotherapy"].cautions == (
        "Please check the age: this is for babies under 6 months, and a baby's age is not recorded",
    )


def test_entry_with_no_age_bounds_fits_without_an_age_reason() -> None:
    open_entry = entry(
        "five-to-thrive", age={"antenatal": False, "from_months": None, "to_months": None}
    )
    fits, _ = by_slug(recommend(family(baby(40)), [open_entry], []))
    assert fits["five-to-thrive"].reasons == ()


@pytest.mark.parametrize(
    ("age", "text"),
    [
        ({"antenatal": False, "from_months": 0, "to_months": 11}, "for babies under 1 year"),
        ({"antenatal": False, "from_months": 0, "to_months": 12}, "for babies up to 12 months"),
        ({"antenatal": False, "from_months": 4, "to_months": None}, "for babies from 4 months"),
        ({"antenatal": False, "from_months": 12, "to_months": None}, "for children from 1 year"),
        (
            {"antenatal": False, "from_months": 11, "to_months": 17},
            "for babies aged 11 to 17 months",
        ),
        (
            {"antenatal": True, "from_months": 0, "to_months": 11},
            "for pregnancy and babies under 1 year",
        ),
    ],
)
def test_describe_age_range(age: dict[str, Any], text: str) -> None:
    assert describe_age_range(age) == text


# --- ordering, kinds, the record -------------------------------------------


def test_fits_ordered_by_evidence_then_name() -> None:
    catalogue = [
        entry("watch-me-play", name="Watch Me Play", rank=1.0),
        entry("video-interaction-guidance", name="Video Interaction Guidance", rank=3.0),
        entry("circle-of-security-parenting", name="Circle of Security Parenting", rank=2.0),
        entry("peep-learning-together", name="Peep Learning Together", rank=3.0),
    ]
    result = recommend(family(), catalogue, [])
    assert [r.slug for r in result.fits] == [
        "peep-learning-together",
        "video-interaction-guidance",
        "circle-of-security-parenting",
        "watch-me-play",
    ]


def test_assessment_tools_are_skipped_entirely() -> None:
    catalogue = [entry("kips", kind="assessment_tool", rank=9.0), entry("watch-me-play")]
    result = recommend(family(), catalogue, [])
    shown = {r.slug for r in result.fits} | {e.slug for e in result.excluded}
    assert shown == {"watch-me-play"}


def test_to_dict_is_json_ready_and_round_trips() -> None:
    facts = family(baby(9), dyad_observed_at_risk=True, parental_trauma=True)
    catalogue = [*OPEN_CATALOGUE, IPP, entry("kips", kind="assessment_tool")]
    result = recommend(facts, catalogue, default_rules())
    record = result.to_dict()
    text = json.dumps(record)
    assert json.loads(text) == record
    assert Suggestions.from_dict(json.loads(text)) == result
    assert set(record) == {"fits", "excluded"}
    assert record["fits"][0].keys() == {
        "slug",
        "name",
        "reasons",
        "cautions",
        "evidence_label",
        "evidence_rank",
        "rule_ids",
    }


def test_family_facts_derive_pregnancy_and_youngest() -> None:
    facts = FamilyFacts(babies=(baby(14), unborn(30), baby(3.5)))
    assert facts.pregnant
    assert facts.youngest_months == 3.5
    assert not FamilyFacts(babies=(baby(1),)).pregnant
    assert FamilyFacts(babies=(unborn(),)).youngest_months is None


# --- the condition language and its errors --------------------------------


def test_conditions_evaluate() -> None:
    facts = family(baby(3), unborn(29), stressors=frozenset({"housing"}), social_care="early_help")
    assert parse_condition({"baby_under_months": 4}).holds(facts)
    assert not parse_condition({"baby_at_least_months": 4}).holds(facts)
    assert parse_condition({"weeks_pregnant_at_least": 28}).holds(facts)
    assert parse_condition({"pregnant": True}).holds(facts)
    assert not parse_condition({"pregnant": False}).holds(facts)
    assert parse_condition({"carer_kind_any": ["birth_mother", "partner"]}).holds(facts)
    assert parse_condition({"social_care_any": ["early_help"]}).holds(facts)
    assert not parse_condition({"reason_any": ["interaction"]}).holds(facts)
    assert parse_condition(
        {"all": [{"stressor_any": ["housing"]}, {"not": {"fact": "parental_trauma"}}]}
    ).holds(facts)
    assert not parse_condition(
        {"any": [{"fact": "psychotic_illness"}, {"stressor_any": ["money"]}]}
    ).holds(facts)


def good_rule(**overrides: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": "test-rule",
        "entries": ["cbt"],
        "effect": "reason",
        "when": {"always": True},
        "message": "A message.",
        "source": "NICE NG26 (2015)",
    }
    rule.update(overrides)
    return rule


def test_a_good_rule_loads() -> None:
    (rule,) = load_rules([good_rule()])
    assert rule.id == "test-rule"
    assert rule.entries == ("cbt",)


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"when": {"sunny": True}}, "unknown condition 'sunny'"),
        ({"when": {"fact": "is_tired"}}, "unknown fact 'is_tired'"),
        ({"when": {"stressor_any": ["weather"]}}, "unknown codes ['weather']"),
        ({"when": {"social_care_any": ["cp"]}}, "unknown codes ['cp']"),
        ({"when": {"all": []}}, "non-empty list"),
        ({"when": {"not": {"carer_kind_any": ["uncle"]}}}, "unknown codes ['uncle']"),
        ({"when": {"baby_under_months": "six"}}, "needs a number"),
        ({"when": {"pregnant": "yes"}}, "true or false"),
        ({"when": {"always": True, "fact": "psychotic_illness"}}, "exactly one key"),
        ({"effect": "prefer"}, "effect 'prefer'"),
        ({"entries": []}, "non-empty list of slugs"),
        ({"message": "  "}, "'message' must be non-empty"),
        ({"source": ""}, "'source' must be non-empty"),
        ({"colour": "blue"}, "unknown keys colour"),
    ],
)
def test_bad_rule_raises_rule_error_naming_the_rule(
    overrides: dict[str, Any], problem: str
) -> None:
    with pytest.raises(RuleError) as caught:
        load_rules([good_rule(**overrides)])
    assert "'test-rule'" in str(caught.value)
    assert problem in str(caught.value)


def test_missing_keys_and_duplicate_ids_are_errors() -> None:
    incomplete = good_rule()
    del incomplete["source"]
    with pytest.raises(RuleError, match="'test-rule': missing source"):
        load_rules([incomplete])
    with pytest.raises(RuleError, match="'test-rule': the id is used twice"):
        load_rules([good_rule(), good_rule()])
    with pytest.raises(RuleError, match="reserved"):
        load_rules([good_rule(id="age")])
    with pytest.raises(RuleError, match="position 0"):
        load_rules([{"entries": ["cbt"]}])


def test_rule_error_is_a_value_error() -> None:
    assert issubclass(RuleError, ValueError)
