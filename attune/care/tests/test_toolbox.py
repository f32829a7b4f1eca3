"""The team's toolbox in care: offering directory entries, training warnings, the
recommender's suggestions recorded with the care package, and fidelity reviews."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from attune.care import toolbox
from attune.care.models import CarePackageItem, FidelityReview, PackageRecommendation
from attune.care.tests.factories import world_episode
from attune.catalogue import services as catalogue_services
from attune.catalogue.tests.factories import entry

pytestmark = pytest.mark.django_db

TOOLBOX = [
    "parent-infant-psychotherapy",
    "infant-parent-psychotherapy",
    "infant-massage",
    "vipp-sd",
    "emdr",
]


def _offer(world, slugs=TOOLBOX):  # type: ignore[no-untyped-def]
    return [
        toolbox.add_from_directory(actor=world.users["manager"], team=world.team, entry=entry(s))
        for s in slugs
    ]


def test_a_manager_offers_a_directory_entry(world, client_for) -> None:
    pip = entry("parent-infant-psychotherapy")
    response = client_for("manager").post(reverse("care:toolbox_offer"), {"entry": pip.slug})
    assert response.status_code == 302
    option = world.team.intervention_options.get()
    assert option.catalogue_entry == pip and option.is_active
    again = toolbox.add_from_directory(actor=world.users["manager"], team=world.team, entry=pip)
    assert again.pk == option.pk  # offered once
    assert (
        client_for("practitioner")
        .post(reverse("care:toolbox_offer"), {"entry": pip.slug})
        .status_code
        == 403
    )


def _add_item(client, episode, option, practitioner):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("care:package_item_add", args=[episode.pk]),
        {
            "intervention": option.pk,
            "delivery_format": "dyad",
            "frequency": "Weekly",
            "practitioners": [practitioner.pk],
        },
    )


def test_assigning_someone_untrained_warns_and_training_stops_the_warning(
    world, client_for
) -> None:
    episode = world_episode(world)
    (option,) = _offer(world, ["parent-infant-psychotherapy"])
    client = client_for("practitioner")
    response = _add_item(client, episode, option, world.users["colleague"])
    assert response.status_code == 302
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings and "no current training" in warnings[0]
    catalogue_services.record_training(
        actor=world.users["manager"],
        team=world.team,
        user=world.users["colleague"],
        intervention=option.catalogue_entry,
        level="Trained",
        trained_on=None,
        expires_on=None,
    )
    assert toolbox.untrained_practitioners(option, [world.users["colleague"]]) == []


def test_suggestions_fit_the_family_and_cautions_are_shown(world, client_for) -> None:
    episode = world_episode(world)  # the baby is 10 weeks old
    _offer(world)
    url = reverse("care:suggestions", args=[episode.pk])
    page = client_for("practitioner").get(url).content.decode()
    offered = re.findall(r'data-testid="suggestion-([a-z0-9-]+)"', page)
    assert "infant-parent-psychotherapy" in offered  # for infants under 6 months
    assert "vipp-sd" not in offered  # for children from 1 year
    assert 'data-testid="excluded-vipp-sd"' in page
    assert "emdr" not in offered  # only when parental trauma is holding the work back
    assert "infant-massage" in offered
    at_risk = client_for("practitioner").get(url, {"observed": ["dyad_observed_at_risk"]})
    html = at_risk.content.decode()
    assert 'data-testid="excluded-infant-massage"' in html
    assert 'data-testid="suggestion-infant-massage"' not in html


def test_the_choice_and_what_was_shown_are_kept_with_the_package(world, client_for) -> None:
    episode = world_episode(world)
    _offer(world)
    url = reverse("care:suggestions", args=[episode.pk])
    response = client_for("practitioner").post(
        url, {"chosen": ["infant-parent-psychotherapy"], "observed": ["parental_trauma"]}
    )
    assert response.status_code == 302
    choice = PackageRecommendation.objects.get(episode=episode)
    assert choice.chosen == ["infant-parent-psychotherapy"]
    assert choice.facts["parental_trauma"] is True
    shown = {s["slug"]: s for s in choice.shown["fits"]}
    assert shown["infant-parent-psychotherapy"]["reasons"]
    item = CarePackageItem.objects.get(episode=episode)
    assert item.intervention.catalogue_entry.slug == "infant-parent-psychotherapy"
    package = client_for("practitioner").get(reverse("care:package", args=[episode.pk]))
    assert "Why these interventions" in package.content.decode()


def test_only_what_was_suggested_can_be_chosen(world, client_for) -> None:
    episode = world_episode(world)
    _offer(world)
    response = client_for("practitioner").post(
        reverse("care:suggestions", args=[episode.pk]), {"chosen": ["vipp-sd"]}
    )
    assert response.status_code == 400
    assert not PackageRecommendation.objects.exists()


def test_a_fidelity_review_against_the_checklist(world, client_for) -> None:
    episode = world_episode(world)
    (option,) = _offer(world, ["parent-infant-psychotherapy"])
    _add_item(client_for("practitioner"), episode, option, world.users["practitioner"])
    item = CarePackageItem.objects.get(episode=episode)
    checklist = toolbox.fidelity_checklist(item)
    assert checklist and checklist["core_components"]
    url = reverse("care:fidelity_review", args=[episode.pk, item.pk])
    first = checklist["core_components"][0]
    saved = client_for("practitioner").post(
        url,
        {
            "reviewed_on": timezone.localdate().isoformat(),
            "components_met": [first],
            "sessions_delivered": "6",
            "supervision_received": "on",
        },
    )
    assert saved.status_code == 302
    review = FidelityReview.objects.get()
    assert review.components_met == [first]
    assert review.components_total == len(checklist["core_components"])
    bad = client_for("practitioner").post(
        url, {"reviewed_on": timezone.localdate().isoformat(), "components_met": ["Invented"]}
    )
    assert bad.status_code == 400 and FidelityReview.objects.count() == 1
