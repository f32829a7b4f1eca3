"""Entry pages built from definitions: every shipped instrument renders, licensed wording stays
hidden, scores-only entry works, and the admin refuses a broken definition."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.care.tests.factories import world_episode
from attune.measures.admin import InstrumentForm
from attune.measures.models import Administration, Instrument
from attune.measures.registry import shipped_definition
from attune.measures.tests.factories import carer_of, ensure_shipped_instruments, instrument

pytestmark = pytest.mark.django_db


def _record_url(episode, code: str) -> str:  # type: ignore[no-untyped-def]
    return reverse("measures:record", args=[episode.pk]) + f"?instrument={instrument(code).pk}"


def test_every_shipped_instrument_has_an_entry_page(world, client_for) -> None:
    episode = world_episode(world)
    client = client_for("practitioner")
    ensure_shipped_instruments()
    shipped_rows = list(Instrument.objects.filter(team=None))
    assert len(shipped_rows) == 17
    for shipped in shipped_rows:
        definition = shipped.parsed()
        page = client.get(_record_url(episode, shipped.code))
        assert page.status_code == 200, shipped.code
        text = page.content.decode()
        assert definition.short_name in text
        for name in definition.answer_keys:
            assert f'name="{name}"' in text, (shipped.code, name)


def test_licensed_wording_is_never_shown(world, client_for) -> None:
    episode = world_episode(world)
    page = client_for("practitioner").get(_record_url(episode, "epds")).content.decode()
    assert "does not show it" in page
    assert "Item 10" in page


def test_an_epds_entered_by_option_marked_is_reverse_scored(world, client_for) -> None:
    episode = world_episode(world)
    carer = carer_of(episode)
    # The top option everywhere: items 1, 2 and 4 score 0, the seven reversed items score 3.
    response = client_for("practitioner").post(
        _record_url(episode, "epds"),
        {
            "respondent": f"p{carer.pk}",
            "subject": f"p{carer.pk}",
            "timepoint": "baseline",
            "completed_on": timezone.localdate().isoformat(),
            "mode": "paper",
            **{f"item{n}": "0" for n in range(1, 11)},
        },
    )
    assert response.status_code == 302
    administration = Administration.objects.get()
    assert administration.primary_score == 21
    assert administration.risk_flags.exists()  # item 10 top option scores 3: self-harm thoughts


def test_scores_only_entry_for_a_proprietary_instrument(world, client_for) -> None:
    episode = world_episode(world)
    carer = carer_of(episode)
    definition = shipped_definition("psi4sf")
    # The three subscale raw scores; the total is their sum when left blank.
    values = {f.code: "30" for f in definition.score_fields if f.code != "total_stress"}
    assert definition.subject == "relationship"
    relationship = episode.family.care_relationships.get()
    response = client_for("practitioner").post(
        _record_url(episode, "psi4sf"),
        {
            "respondent": f"p{carer.pk}",
            "subject": f"r{relationship.pk}",
            "timepoint": "baseline",
            "completed_on": timezone.localdate().isoformat(),
            "mode": "paper",
            **values,
        },
    )
    assert response.status_code == 302, response.content.decode().split("maincontent")[-1][:3000]
    assert Administration.objects.get().primary_score == 90


def test_another_teams_own_instrument_is_not_found(world, client_for) -> None:
    episode = world_episode(world)
    own = shipped_definition("phq9").to_dict() | {"code": "south_phq", "version": "1"}
    theirs = Instrument.objects.create(
        team=world.other_team, code="south_phq", version="1", definition=own
    )
    url = reverse("measures:record", args=[episode.pk]) + f"?instrument={theirs.pk}"
    assert client_for("practitioner").get(url).status_code == 404


def test_the_admin_refuses_a_broken_definition_with_its_messages() -> None:
    broken = shipped_definition("phq9").to_dict()
    broken["items"][2]["options"] = []
    form = InstrumentForm(
        data={"code": "phq9x", "version": "1", "definition": _json(broken), "is_active": "on"}
    )
    assert not form.is_valid()
    assert "item 3" in " ".join(form.errors["definition"]).lower()


def test_the_admin_wants_the_code_and_version_to_match() -> None:
    good = shipped_definition("gad7").to_dict()
    form = InstrumentForm(
        data={"code": "other", "version": "1", "definition": _json(good), "is_active": "on"}
    )
    assert not form.is_valid()
    assert "must match" in " ".join(form.errors["definition"])


def _json(data: object) -> str:
    import json

    return json.dumps(data)
