"""The evidence directory's seeded entries and Hexagon file, and the checks that guard them.

No database: the schema module is pure Python and the data files ship with the package.
"""

import copy
import os
import subprocess
import sys
from collections import Counter
from typing import Any

import pytest

from attune.catalogue import schema
from attune.catalogue.schema import (
    ASSESSMENT_TOOL_SLUGS,
    FIXED_SLUGS,
    INTERVENTION_SLUGS,
    RATING_VALUES,
    SOURCED_FIELDS,
    age_label,
    evidence_label,
    evidence_rank,
    fits_age,
    load_entries,
    load_hexagon,
    validate_all,
    validate_entry,
)

ENTRIES = load_entries()
BY_SLUG = {entry["slug"]: entry for entry in ENTRIES}


def entry(slug: str) -> dict[str, Any]:
    return copy.deepcopy(BY_SLUG[slug])


def bare(**changes: Any) -> dict[str, Any]:
    """A minimal valid entry with nothing known, changed as asked."""
    data: dict[str, Any] = {
        "slug": "test-entry",
        "name": "Test entry",
        "aliases": [],
        "kind": "intervention",
        "developer": "",
        "provider_url": "",
        "summary": "",
        "classification": "targeted",
        "needs": [],
        "age": {"antenatal": False, "from_months": None, "to_months": None},
        "recipients": [],
        "delivery": {
            "formats": [],
            "settings": [],
            "sessions": {"min": None, "max": None},
            "session_minutes": None,
            "duration": "",
            "description": "",
        },
        "practitioner": "",
        "training": {"hours": None, "cost": "", "where": "", "notes": ""},
        "supervision": "",
        "fidelity": "",
        "licence": "",
        "uk": {"available": "unknown", "tested": "unknown"},
        "ratings": [],
        "outcomes": {"children": [], "parents": []},
        "studies": [],
        "references": [],
        "fidelity_checklist": None,
        "sources": {"classification": "A named test document (2020)"},
    }
    data.update(changes)
    return data


def rated(*ratings: tuple[str, str]) -> dict[str, Any]:
    return bare(
        ratings=[{"scheme": s, "value": v, "source": "A named document"} for s, v in ratings]
    )


# The seeded data ---------------------------------------------------------------


def test_the_whole_file_validates() -> None:
    assert validate_all(ENTRIES) == []


@pytest.mark.parametrize("slug", FIXED_SLUGS)
def test_each_seeded_entry_validates(slug: str) -> None:
    assert validate_entry(BY_SLUG[slug]) == []


def test_every_fixed_slug_is_present_exactly_once() -> None:
    counts = Counter(entry["slug"] for entry in ENTRIES)
    assert {slug: counts[slug] for slug in FIXED_SLUGS} == dict.fromkeys(FIXED_SLUGS, 1)
    assert set(counts) == set(FIXED_SLUGS)
    assert len(INTERVENTION_SLUGS) == 22
    assert len(ASSESSMENT_TOOL_SLUGS) == 6


def test_assessment_tools_are_marked_as_tools_and_the_rest_as_interventions() -> None:
    for slug in ASSESSMENT_TOOL_SLUGS:
        assert BY_SLUG[slug]["kind"] == "assessment_tool", slug
    for slug in INTERVENTION_SLUGS:
        assert BY_SLUG[slug]["kind"] == "intervention", slug


@pytest.mark.parametrize("slug", FIXED_SLUGS)
def test_age_ranges_are_consistent(slug: str) -> None:
    age = BY_SLUG[slug]["age"]
    lower, upper = age["from_months"], age["to_months"]
    if lower is not None and upper is not None:
        assert 0 <= lower <= upper
    if age["antenatal"]:
        assert lower in (None, 0)


@pytest.mark.parametrize("slug", FIXED_SLUGS)
def test_ratings_use_known_schemes_and_values_and_name_a_source(slug: str) -> None:
    schemes = []
    for rating in BY_SLUG[slug]["ratings"]:
        assert rating["value"] in RATING_VALUES[rating["scheme"]]
        assert rating["source"].strip()
        schemes.append(rating["scheme"])
    assert len(schemes) == len(set(schemes))


@pytest.mark.parametrize("slug", FIXED_SLUGS)
def test_every_non_empty_fact_has_a_named_source(slug: str) -> None:
    data = BY_SLUG[slug]
    for field in SOURCED_FIELDS:
        if not schema._is_empty_fact(field, data[field]):
            assert data["sources"].get(field, "").strip(), f"{slug}: {field}"
    every_source = list(data["sources"].values()) + [r["source"] for r in data["ratings"]]
    for source in every_source:
        assert "/work/" not in source
        assert "seeds" not in source
        assert not source.startswith("/")


@pytest.mark.parametrize("slug", FIXED_SLUGS)
def test_summaries_are_short_and_present(slug: str) -> None:
    words = BY_SLUG[slug]["summary"].split()
    assert 0 < len(words) <= schema.SUMMARY_MAX_WORDS


def test_the_richest_entries_carry_the_seed_details() -> None:
    pip = BY_SLUG["parent-infant-psychotherapy"]
    assert pip["training"]["hours"] == 688
    assert pip["fidelity_checklist"]["expected_phases"] == 3
    assert {r["scheme"]: r["value"] for r in pip["ratings"]} == {
        "hexagon_usability": "3",
        "hexagon_supports": "3",
        "hexagon_evidence": "3+",
    }
    ipp = BY_SLUG["infant-parent-psychotherapy"]
    assert ipp["delivery"]["sessions"] == {"min": 32, "max": 32}
    assert ipp["training"]["hours"] == 92
    assert ipp["uk"] == {"available": "no", "tested": "no"}
    assert [s["sample_size"] for s in ipp["studies"]] == [100, 189]
    assert {s["design"] for s in ipp["studies"]} == {"rct"}


@pytest.mark.parametrize(
    ("slug", "sessions"),
    [
        ("infant-parent-psychotherapy", 32),
        ("vipp-sd", 7),
        ("epec-my-baby-and-us", 8),
        ("watch-wait-and-wonder", 18),
        ("mellow-programmes", 14),
    ],
)
def test_manualised_programmes_have_a_fidelity_checklist(slug: str, sessions: int) -> None:
    checklist = BY_SLUG[slug]["fidelity_checklist"]
    assert checklist["expected_sessions"] == sessions
    assert checklist["core_components"]


# The Hexagon file ----------------------------------------------------------------


def test_hexagon_has_all_six_indicators_with_questions_and_anchors() -> None:
    hexagon = load_hexagon()
    assert set(hexagon) == {"source", "scale", "indicators"}
    codes = {i["code"]: i["group"] for i in hexagon["indicators"]}
    assert codes == {
        "need": "site",
        "fit": "site",
        "capacity": "site",
        "evidence": "programme",
        "usability": "programme",
        "supports": "programme",
    }
    for indicator in hexagon["indicators"]:
        assert indicator["name"] and indicator["summary"]
        assert 4 <= len(indicator["guiding_questions"]) <= 6
        assert all(q.strip().endswith("?") for q in indicator["guiding_questions"])
        assert set(indicator["anchors"]) == {"1", "3", "5"}
    assert [point["value"] for point in hexagon["scale"]] == [1, 2, 3, 4, 5]


def test_hexagon_names_its_source_and_says_the_anchors_are_paraphrased() -> None:
    source = load_hexagon()["source"]
    assert "Metz" in source and "Louison" in source and "NIRN" in source
    assert "paraphrase" in source
    assert "not verified" in source


# validate_entry catches each kind of problem ------------------------------------------


def test_a_bare_entry_is_valid() -> None:
    assert validate_entry(bare()) == []


def test_a_rating_value_outside_its_scheme_is_refused() -> None:
    data = entry("infant-parent-psychotherapy")
    data["ratings"][1]["value"] = "6"
    assert validate_entry(data) == ["ratings[1]: 6 is not a eif_cost value"]


def test_a_rating_from_an_unknown_scheme_or_without_a_source_is_refused() -> None:
    data = rated(("blueprints", "model"))
    data["ratings"].append({"scheme": "eif_evidence", "value": "3", "source": ""})
    assert validate_entry(data) == [
        "ratings[0]: 'blueprints' is not a rating scheme",
        "ratings[1]: has no source",
    ]


def test_a_numeric_rating_value_is_refused_with_a_hint() -> None:
    data = bare(ratings=[{"scheme": "eif_cost", "value": 3, "source": "EIF Guidebook"}])
    assert validate_entry(data) == ["ratings[0]: value must be text ('3'), not a number"]


def test_a_scheme_rated_twice_is_refused() -> None:
    assert validate_entry(rated(("cebc", "2"), ("cebc", "3"))) == [
        "ratings[1]: a second cebc rating; give each scheme once"
    ]


def test_a_reversed_age_range_is_refused() -> None:
    data = bare(
        age={"antenatal": False, "from_months": 12, "to_months": 5},
        sources={"classification": "A document", "age": "A document"},
    )
    assert validate_entry(data) == ["age: from_months 12 is after to_months 5"]


def test_an_antenatal_range_must_run_on_from_birth() -> None:
    data = bare(
        age={"antenatal": True, "from_months": 3, "to_months": 12},
        sources={"classification": "A document", "age": "A document"},
    )
    assert len(validate_entry(data)) == 1
    assert validate_entry(data)[0].startswith("age: antenatal is true but from_months is 3")


def test_a_fact_without_a_source_is_refused() -> None:
    data = entry("watch-me-play")
    del data["sources"]["summary"]
    assert validate_entry(data) == ["sources: summary has no source"]


def test_a_source_that_is_a_local_file_path_is_refused() -> None:
    data = bare(sources={"classification": "/work/shared/seeds/000_x.txt"})
    assert validate_entry(data) == [
        "sources: classification looks like a local file path; name the original document"
    ]


def test_a_source_for_a_field_that_takes_none_is_refused() -> None:
    data = bare(sources={"classification": "A document", "name": "A document"})
    assert validate_entry(data) == ["sources: 'name' is not a field that takes a source"]


def test_an_unknown_key_is_refused() -> None:
    data = bare(colour="blue")
    assert validate_entry(data) == ["entry: unknown key 'colour'"]


def test_a_missing_key_is_refused() -> None:
    data = bare()
    del data["licence"]
    assert validate_entry(data) == ["entry: missing key 'licence'"]


def test_a_nested_unknown_key_is_refused() -> None:
    data = bare(uk={"available": "yes", "tested": "unknown", "since": "2019"})
    data["sources"]["uk"] = "A document"
    assert validate_entry(data) == ["uk: unknown key 'since'"]


@pytest.mark.parametrize("slug", ["Watch Wait", "watch--wait", "-watch", "watch_wait", "", 7])
def test_a_badly_formed_slug_is_refused(slug: object) -> None:
    problems = validate_entry(bare(slug=slug))
    assert len(problems) == 1
    assert problems[0].startswith(f"slug: {slug!r} must be lower-case letters and digits")


def test_wrong_types_are_refused() -> None:
    data = bare(
        name=5,
        needs="parenting",
        training={"hours": "92", "cost": "", "where": "", "notes": ""},
    )
    data["sources"].update(training="A document", needs="A document")
    assert validate_entry(data) == [
        "name: must be text, not int",
        "needs: must be a list of text",
        "training: hours: must be a whole number or null, not str",
    ]


def test_values_outside_the_vocabularies_are_refused() -> None:
    data = bare(
        kind="programme",
        classification="targeted_selective",
        needs=["sleep"],
        uk={"available": "maybe", "tested": "unknown"},
    )
    data["sources"].update(needs="A document", uk="A document")
    problems = validate_entry(data)
    assert problems[0] == "kind: 'programme' is not one of intervention, assessment_tool"
    assert problems[1] == "classification: 'targeted_selective' is not one of " + ", ".join(
        schema.CLASSIFICATIONS
    )
    assert problems[2].startswith("needs: 'sleep' is not one of parent_child_relationship")
    assert problems[3] == "uk: available: 'maybe' is not one of yes, no, unknown"
    assert len(problems) == 4


def test_a_summary_over_120_words_is_refused() -> None:
    data = bare(summary="word " * 121)
    data["sources"]["summary"] = "A document"
    assert validate_entry(data) == ["summary: 121 words is over the limit of 120"]


def test_a_fixed_assessment_tool_must_keep_its_kind() -> None:
    data = entry("kips")
    data["kind"] = "intervention"
    assert validate_entry(data) == [
        "kind: kips is one of the fixed assessment tools, so must be assessment_tool"
    ]


def test_sessions_and_study_details_are_checked() -> None:
    data = bare(
        delivery={
            "formats": ["individual"],
            "settings": ["clinic"],
            "sessions": {"min": 10, "max": 8},
            "session_minutes": 0,
            "duration": "",
            "description": "",
        },
        studies=[{"citation": "", "design": "survey", "country": "", "sample_size": 0}],
    )
    data["sources"].update(delivery="A document", studies="A document")
    assert validate_entry(data) == [
        "delivery: sessions min 10 is above max 8",
        "delivery: session_minutes: 0 is below 1",
        "studies[0]: citation: must not be empty",
        "studies[0]: design: 'survey' is not one of rct, qed, pre_post, qualitative, other",
        "studies[0]: sample_size: 0 is below 1",
    ]


def test_a_provider_url_must_be_a_full_address() -> None:
    assert validate_entry(bare(provider_url="www.example.org")) == [
        "provider_url: 'www.example.org' must be a full web address starting https://"
    ]


def test_validate_all_finds_duplicate_slugs_and_names_the_entry() -> None:
    broken = entry("kips")
    broken["uk"]["available"] = "perhaps"
    problems = validate_all([entry("kips"), broken, bare(slug="Bad Slug")])
    assert problems == [
        "kips: uk: available: 'perhaps' is not one of yes, no, unknown",
        "Bad Slug: slug: 'Bad Slug' must be lower-case letters and digits in words joined by "
        "single hyphens, such as 'watch-wait-and-wonder'",
        "slug: 'kips' is used by 2 entries; slugs must be unique",
    ]


def test_validate_entry_refuses_something_that_is_not_an_object() -> None:
    assert validate_entry(["not", "a", "dict"]) == ["entry: must be an object, not list"]  # type: ignore[arg-type]


# Evidence ordering ---------------------------------------------------------------------


def test_evidence_rank_orders_ipp_above_watch_wait_and_wonder_above_unrated() -> None:
    ipp = evidence_rank(BY_SLUG["infant-parent-psychotherapy"])
    www = evidence_rank(BY_SLUG["watch-wait-and-wonder"])
    unrated = evidence_rank(BY_SLUG["video-interaction-guidance"])
    assert ipp > www > unrated
    assert (ipp, www, unrated) == (3.5, 2.5, 0.5)
    ordered = sorted(ENTRIES, key=evidence_rank, reverse=True)
    slugs = [e["slug"] for e in ordered]
    assert slugs.index("infant-parent-psychotherapy") < slugs.index("watch-wait-and-wonder")
    assert slugs.index("watch-wait-and-wonder") < slugs.index("video-interaction-guidance")


@pytest.mark.parametrize(
    ("ratings", "rank", "label"),
    [
        ((("eif_evidence", "4+"),), 4.5, "EIF 4+"),
        ((("eif_evidence", "2"),), 2.0, "EIF 2"),
        ((("eif_evidence", "NL2"),), 1.0, "EIF: below level 2"),
        ((("eif_evidence", "NE"),), 0.0, "EIF: found not effective"),
        ((("eif_evidence", "NA"), ("hexagon_evidence", "3+")), 3.5, "Hexagon evidence 3+"),
        ((("hexagon_evidence", "4"), ("cebc", "1")), 4.0, "Hexagon evidence 4"),
        ((("eif_evidence", "3"), ("hexagon_evidence", "5")), 3.0, "EIF 3"),
        ((("cebc", "1"),), 4.0, "CEBC 1"),
        ((("cebc", "3"),), 2.0, "CEBC 3"),
        ((("cebc", "NR"),), 1.0, "CEBC: not able to be rated"),
        ((("cebc", "5"),), 0.0, "CEBC 5"),
        ((("nice", "recommended"),), 3.0, "Recommended by NICE"),
        ((("eif_evidence", "2+"), ("nice", "recommended")), 3.0, "Recommended by NICE"),
        ((("eif_evidence", "4"), ("nice", "recommended")), 4.0, "EIF 4"),
        ((("eif_cost", "1"), ("hexagon_usability", "5")), 0.5, "Not rated"),
        ((), 0.5, "Not rated"),
    ],
)
def test_evidence_rank_and_label_follow_the_documented_rule(
    ratings: tuple[tuple[str, str], ...], rank: float, label: str
) -> None:
    data = rated(*ratings)
    assert evidence_rank(data) == rank
    assert evidence_label(data) == label


def test_evidence_labels_of_seeded_entries() -> None:
    assert evidence_label(BY_SLUG["infant-parent-psychotherapy"]) == "EIF 3+"
    assert evidence_label(BY_SLUG["parent-infant-psychotherapy"]) == "Hexagon evidence 3+"
    assert evidence_label(BY_SLUG["child-parent-psychotherapy"]) == "Recommended by NICE"
    assert evidence_label(BY_SLUG["cbt"]) == "Not rated"


# Age ---------------------------------------------------------------------------------


def test_fits_age_for_the_seeded_entries() -> None:
    ipp = BY_SLUG["infant-parent-psychotherapy"]
    assert fits_age(ipp, pregnant=False, baby_months=3)
    assert not fits_age(ipp, pregnant=False, baby_months=9)
    vipp = BY_SLUG["vipp-sd"]
    assert not fits_age(vipp, pregnant=False, baby_months=6)
    assert fits_age(vipp, pregnant=False, baby_months=14)
    peep = BY_SLUG["peep-antenatal"]
    assert fits_age(peep, pregnant=True, baby_months=None)
    assert not fits_age(ipp, pregnant=True, baby_months=None)


@pytest.mark.parametrize(
    ("age", "pregnant", "months", "fits"),
    [
        ((False, 0, 5), False, 5.9, True),  # still in the sixth month
        ((False, 0, 5), False, 6.0, False),
        ((False, 12, 83), False, 11.99, False),
        ((False, None, None), False, 40, True),  # no bounds
        ((False, None, None), True, None, False),  # not marked antenatal
        ((True, None, 1), True, None, True),
        ((True, None, 1), False, 3, False),
        ((False, 0, 5), True, 2, True),  # pregnant again with a young baby
        ((False, 0, 5), False, None, True),  # nothing to rule it out
        ((False, 0, 5), False, -1, False),
    ],
)
def test_fits_age_rules(
    age: tuple[bool, int | None, int | None], pregnant: bool, months: float | None, fits: bool
) -> None:
    data = bare(age={"antenatal": age[0], "from_months": age[1], "to_months": age[2]})
    assert fits_age(data, pregnant=pregnant, baby_months=months) is fits


@pytest.mark.parametrize(
    ("age", "label"),
    [
        ((True, None, 12), "Pregnancy to 12 months"),
        ((True, None, 1), "Pregnancy to 1 month"),
        ((True, None, 0), "Pregnancy to birth"),
        ((True, None, None), "From pregnancy"),
        ((False, 12, 83), "From 12 months to 6 years"),
        ((False, 0, 5), "Under 6 months"),
        ((False, None, 5), "Under 6 months"),
        ((False, 0, 12), "Birth to 12 months"),
        ((False, 0, 35), "Birth to 2 years"),
        ((False, 4, None), "From 4 months"),
        ((False, 24, None), "From 2 years"),
        ((False, 0, None), "From birth"),
        ((False, None, None), "Any age"),
        ((False, 11, 17), "From 11 months to 17 months"),
    ],
)
def test_age_label(age: tuple[bool, int | None, int | None], label: str) -> None:
    data = bare(age={"antenatal": age[0], "from_months": age[1], "to_months": age[2]})
    assert age_label(data) == label


def test_age_labels_of_seeded_entries() -> None:
    assert age_label(BY_SLUG["infant-parent-psychotherapy"]) == "Under 6 months"
    assert age_label(BY_SLUG["vipp-sd"]) == "From 12 months to 6 years"
    assert age_label(BY_SLUG["peep-antenatal"]) == "Pregnancy to 1 month"


# Labels and packaging ---------------------------------------------------------------


def test_every_vocabulary_value_and_scheme_has_a_label_and_a_description() -> None:
    assert set(schema.LABELS["needs"]) == set(schema.NEEDS)
    assert set(schema.LABELS["classification"]) == set(schema.CLASSIFICATIONS)
    assert set(schema.LABELS["recipients"]) == set(schema.RECIPIENTS)
    assert set(schema.LABELS["formats"]) == set(schema.FORMATS)
    assert set(schema.LABELS["settings"]) == set(schema.SETTINGS)
    assert set(schema.LABELS["schemes"]) == set(RATING_VALUES)
    assert set(schema.SCHEME_SOURCES) == set(RATING_VALUES)
    assert schema.LABELS["needs"]["parent_child_relationship"] == (
        "Parent-child relationship and attachment"
    )
    assert schema.LABELS["schemes"]["hexagon_evidence"] == "Evidence (Hexagon programme indicator)"


def test_hexagon_schemes_allow_plus_values_up_to_four() -> None:
    assert "3+" in RATING_VALUES["hexagon_usability"]
    assert "5+" not in RATING_VALUES["hexagon_evidence"]
    assert "0" not in RATING_VALUES["hexagon_supports"]


def test_load_entries_returns_a_fresh_copy() -> None:
    first = load_entries()
    first[0]["name"] = "changed"
    assert load_entries()[0]["name"] != "changed"


def test_the_schema_imports_without_django() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys; from attune.catalogue import schema; "
        "assert schema.load_entries(); "
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
