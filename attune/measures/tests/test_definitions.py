"""Shipped definitions load and round-trip; bad definitions are refused in plain words."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

from attune.measures.instruments import Definition, DefinitionError
from attune.measures.registry import (
    available_definitions,
    shipped_definition,
    shipped_definitions,
)

EXPECTED_CODES = {
    "phq9",
    "gad7",
    "core10",
    "pbq",
    "kpcs",
    "gbo",
    "maas",
    "epds",
    "wemwbs",
    "swemwbs",
    "mors_sf",
    "prfq",
    "psi4sf",
    "asqse2",
    "kips",
    "pir_gas",
    "dc05_axis2",
}


def shipped_files() -> list[Any]:
    folder = resources.files("attune.measures").joinpath("definitions")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)


def test_every_brief_instrument_ships_at_version_1_and_nothing_unverified():
    definitions = shipped_definitions()
    assert {d.code for d in definitions} == EXPECTED_CODES
    assert {d.version for d in definitions} == {"1"}
    assert not {"paas", "mpas", "ors"} & {d.code for d in definitions}


@pytest.mark.parametrize("path", shipped_files(), ids=lambda f: f.name)
def test_shipped_file_loads_round_trips_and_is_named_by_its_key(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    definition = Definition.from_dict(data)
    assert path.name == f"{definition.key}.json"
    assert Definition.from_dict(definition.to_dict()) == definition
    assert definition.to_dict() == data  # files are written in the to_dict form
    assert definition.citation and definition.sources and definition.licence.attribution


def test_registry_latest_version_and_clear_key_errors():
    assert shipped_definition("phq9").key == "phq9-v1"
    assert shipped_definition("phq9", "1") is shipped_definition("phq9")
    with pytest.raises(KeyError, match=r"No shipped definition 'nope'\. Shipped codes: asqse2"):
        shipped_definition("nope")
    with pytest.raises(KeyError, match=r"phq9 has no version '9'\. Shipped versions: 1"):
        shipped_definition("phq9", "9")


@pytest.mark.django_db
def test_definitions_added_in_the_admin_are_available_after_the_shipped_ones():
    from attune.accounts.tests.factories import TeamFactory
    from attune.measures.models import Instrument

    assert available_definitions() == shipped_definitions()
    own = shipped_definition("phq9").to_dict() | {"code": "team_phq", "version": "2"}
    Instrument.objects.create(team=TeamFactory(), code="team_phq", version="2", definition=own)
    assert [d.key for d in available_definitions()][-1] == "team_phq-v2"
    assert len(available_definitions()) == len(shipped_definitions()) + 1


def test_version_order_is_numeric():
    from attune.measures.registry import version_key

    assert sorted(["10", "9", "1.1", "2"], key=version_key) == ["1.1", "2", "9", "10"]


def test_wording_and_sending_rules():
    phq9, gad7 = shipped_definition("phq9"), shipped_definition("gad7")
    assert phq9.has_wording and phq9.can_send_to_parent
    assert gad7.has_wording and gad7.can_send_to_parent
    assert phq9.intro == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert [o.label for o in phq9.items[0].options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert phq9.items[8].text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    # Licence allows wording but Attune does not have the exact wording yet.
    for code in ("core10", "pbq", "kpcs", "maas"):
        definition = shipped_definition(code)
        assert definition.licence.wording_may_be_shown
        assert not definition.has_wording
        assert not definition.can_send_to_parent
        assert "new version" in definition.licence.detail
    gbo = shipped_definition("gbo")
    assert gbo.goals and gbo.entry == "items" and not gbo.can_send_to_parent
    for code in ("epds", "wemwbs", "swemwbs", "mors_sf", "prfq", "kips"):
        assert shipped_definition(code).entry == "items_hidden"
        assert not shipped_definition(code).licence.wording_may_be_shown
    for code in ("psi4sf", "asqse2", "pir_gas", "dc05_axis2"):
        assert shipped_definition(code).entry == "scores"
    assert shipped_definition("asqse2").respondent == "carer_about_baby"
    assert shipped_definition("kips").respondent == "observer"
    assert shipped_definition("pir_gas").respondent == "clinician"


def test_answer_keys_and_primary_range():
    assert shipped_definition("phq9").answer_keys == tuple(f"item{i}" for i in range(1, 10))
    assert shipped_definition("psi4sf").answer_keys == ("pd", "pcdi", "dc", "total_stress")
    assert shipped_definition("phq9").primary_range == (0, 27)
    assert shipped_definition("core10").primary_range == (0, 40)
    assert shipped_definition("swemwbs").primary_range == (7, 35)
    assert shipped_definition("kips").primary_range == (1, 5)
    assert shipped_definition("pir_gas").primary_range == (1, 100)
    assert shipped_definition("prfq").primary_range is None


def test_reverse_items_as_published():
    def reversed_items(code: str) -> set[int]:
        return {i.number for i in shipped_definition(code).items if i.reverse}

    assert reversed_items("pbq") == set(range(1, 26)) - {1, 4, 8, 9, 11, 16, 22, 25}
    assert reversed_items("epds") == {3, 5, 6, 7, 8, 9, 10}
    assert reversed_items("core10") == {2, 3}
    assert reversed_items("prfq") == {11, 18}
    assert reversed_items("maas") == {1, 3, 5, 6, 7, 9, 10, 12, 15, 16, 18}
    assert reversed_items("phq9") == set()


# --- Bad definitions ------------------------------------------------------------------------


def minimal() -> dict[str, Any]:
    return {
        "code": "team_scale",
        "version": "1",
        "name": "A team's own scale",
        "short_name": "TS",
        "measures": "Something the team measures.",
        "respondent": "carer",
        "subject": "carer",
        "age_range": "Adults",
        "entry": "items",
        "items": [
            {"number": 1, "text": "First", "min": 0, "max": 3},
            {"number": 2, "text": "Second", "min": 0, "max": 3},
        ],
        "scoring": {"method": "sum"},
        "direction": "higher_worse",
        "licence": {
            "kind": "public_domain",
            "detail": "Written by the team.",
            "wording_may_be_shown": True,
            "attribution": "The team",
        },
        "citation": "The team (2026).",
    }


def messages(data: dict[str, Any]) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        Definition.from_dict(data)
    assert isinstance(caught.value, ValueError)
    return caught.value.messages


def test_minimal_team_definition_is_accepted_with_defaults():
    definition = Definition.from_dict(minimal())
    assert definition.items[0].options[-1].value == 3
    assert definition.primary_range == (0, 6)
    assert definition.can_send_to_parent
    assert Definition.from_dict(definition.to_dict()) == definition


def change(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(minimal())
    target: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    if value is _DELETE:
        del target[last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("items.1", {"number": 2, "min": 3, "max": 3}, "item 2: max must be greater than min"),
        ("items.1.number", 5, "item 2: number is 5; items must be numbered 1, 2, 3... in order"),
        (
            "code",
            "Team Scale",
            "code: 'Team Scale' must be lower-case letters, digits and _, starting with a letter",
        ),
        ("version", 2, 'version: must be text, e.g. "2", not a number'),
        ("name", _DELETE, "name: is required"),
        (
            "respondent",
            "grandparent",
            "respondent: 'grandparent' is not one of 'carer', "
            "'carer_about_baby', 'observer', 'clinician'",
        ),
        ("entry", "paper", "entry: 'paper' is not one of 'items', 'items_hidden', 'scores'"),
        (
            "direction",
            "up",
            "direction: 'up' is not one of 'higher_worse', 'higher_better' "
            "('mixed' only when scoring method is none)",
        ),
        (
            "scoring.method",
            "median",
            "scoring.method: 'median' is not one of 'sum', 'mean', "
            "'sum_scaled', 'mean_of_rated', 'none'",
        ),
        (
            "scoring.method",
            "sum_scaled",
            "scoring: method sum_scaled needs a scale greater than 0 (CORE-10: 10)",
        ),
        (
            "scoring.prorate_max_missing",
            2,
            "scoring: prorate_max_missing must be less than the 2 items",
        ),
        ("colour", "blue", "definition: unknown key 'colour'"),
        ("items.0.reverse", "yes", "item 1.reverse: must be true or false, not 'yes'"),
        (
            "items.0.options",
            [{"value": 1, "label": "a"}, {"value": 0, "label": "b"}],
            "item 1: give either options or min and max, not both",
        ),
        (
            "licence.wording_may_be_shown",
            False,
            "item 1: has wording but the licence does not allow wording to be shown",
        ),
        (
            "licence.kind",
            "free",
            "licence.kind: 'free' is not one of 'public_domain', "
            "'open_licence', 'free_with_conditions', 'licence_required', 'proprietary'",
        ),
        (
            "clinical_cutoff",
            {"value": 9, "rule": ">=", "label": "x", "source": "y"},
            "clinical_cutoff: 9 is outside the score range 0-6",
        ),
        (
            "clinical_cutoff",
            {"value": 3, "rule": "<=", "label": "x", "source": "y"},
            "clinical_cutoff: rule must be '>=' for direction higher_worse: the clinical range is "
            "on the worse side",
        ),
        (
            "reliable_change",
            {"confidence": 95, "source": "x"},
            "reliable_change: give a published threshold, or both sd and reliability so the "
            "threshold can be computed (or leave reliable_change out)",
        ),
        (
            "reliable_change",
            {"threshold": 2, "confidence": 99, "source": "x"},
            "reliable_change: confidence must be 95 or 90, not 99",
        ),
        (
            "reliable_change",
            {
                "sd": 5,
                "reliability": 1.2,
                "source": "x",
                "sd_source": "a",
                "reliability_source": "b",
            },
            "reliable_change: reliability must be between 0 and 1 (e.g. 0.9)",
        ),
        (
            "subscales",
            [{"code": "a", "name": "A", "items": [1, 7], "direction": "higher_worse"}],
            "subscale 'a': item 7 does not exist (items are 1-2)",
        ),
        (
            "subscales",
            [{"code": "a", "name": "A", "items": [1, 1], "direction": "higher_worse"}],
            "subscale 'a': item 1 is listed twice",
        ),
        (
            "risk_rules",
            [{"item": 4, "at_least": 1, "message": "m", "source": "s"}],
            "risk rule 1: item 4 does not exist",
        ),
        (
            "risk_rules",
            [{"item": 1, "message": "m", "source": "s"}],
            "risk rule 1: give at_least or at_most (or both)",
        ),
        (
            "risk_rules",
            [{"item": 1, "score": True, "at_least": 1, "message": "m", "source": "s"}],
            "risk rule 1: give exactly one of item, subscale or score: true",
        ),
        (
            "bands",
            [
                {"min": 0, "max": 3, "label": "a", "source": "s"},
                {"min": 3, "max": 6, "label": "b", "source": "s"},
            ],
            "band 2: must start above the previous band's max (list bands low to high)",
        ),
        (
            "bands",
            [{"min": 0, "max": 3, "label": "a", "source": "s"}],
            "band 1: must end at the highest possible score, 6",
        ),
        (
            "score_fields",
            [{"code": "x", "label": "X", "min": 0, "max": 5}],
            'score_fields: are only for entry "scores"',
        ),
        ("goals", True, "goals: goal items have no fixed wording: the family's goals are shown"),
    ],
)
def test_bad_definition_messages(path, value, expected):
    found = messages(change(path, value))
    assert any(message.startswith(expected) for message in found), found


def test_every_problem_is_reported_at_once():
    data = change("name", _DELETE)
    data["items"][1] = {"number": 2, "min": 2, "max": 1}
    data["direction"] = "sideways"
    found = messages(data)
    assert "name: is required" in found
    assert "item 2: max must be greater than min" in found
    assert len(found) >= 3


def test_reverse_item_needs_mirrored_options():
    data = change(
        "items.0",
        {
            "number": 1,
            "options": [
                {"value": 0, "label": "a"},
                {"value": 1, "label": "b"},
                {"value": 5, "label": "c"},
            ],
            "reverse": True,
        },
    )
    assert any("a reverse item needs option values that mirror" in m for m in messages(data))


def test_options_must_increase_in_printed_order():
    data = change(
        "items.0",
        {"number": 1, "options": [{"value": 3, "label": "a"}, {"value": 0, "label": "b"}]},
    )
    assert any("option values must increase in the printed order" in m for m in messages(data))


def test_not_applicable_needs_a_label_and_a_score_for_sums():
    data = change("items.0", {"number": 1, "min": 0, "max": 3, "allows_not_applicable": True})
    found = messages(data)
    assert any("allows_not_applicable needs a not_applicable_label" in m for m in found)
    data["items"][0]["not_applicable_label"] = "Not applicable"
    assert any(
        "can only be left out of a mean_of_rated score, not method sum" in m for m in messages(data)
    )
    data["items"][0]["not_applicable_score"] = 9
    assert "item 1: not_applicable_score 9 is outside 0-3" in messages(data)


def test_conversion_must_cover_every_raw_total():
    data = change("conversion", {"label": "Metric", "table": {"0": 0, "1": 1}, "source": "s"})
    assert any(
        m.startswith("conversion: table must cover every raw total 0-6: missing raw totals 2")
        for m in messages(data)
    )


def test_scores_entry_rules():
    data = minimal()
    data["entry"] = "scores"
    data["score_fields"] = [{"code": "total", "label": "Total", "min": 0, "max": 10}]
    data["scoring"] = {"method": "entered", "total_field": "missing"}
    found = messages(data)
    assert 'items: must be empty for entry "scores" (enter score_fields instead)' in found
    assert "scoring: total_field 'missing' is not a score field" in found
    data["items"] = []
    data["scoring"] = {"method": "entered", "total_field": "total"}
    data["licence"]["wording_may_be_shown"] = False
    definition = Definition.from_dict(data)
    assert definition.answer_keys == ("total",) and not definition.can_send_to_parent


def test_not_an_object():
    with pytest.raises(DefinitionError, match="a definition must be a JSON object"):
        Definition.from_dict([])  # type: ignore[arg-type]
