"""The care package: the team's interventions, planned items, dated reviews, onward referrals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.accounts.tests.factories import sign_in_verified
from attune.audit.models import AuditEvent
from attune.care import package, selectors
from attune.care.models import CarePackageItem, InterventionOption, OnwardReferral, PackageReview
from attune.care.phases import PathwayRefused
from attune.care.tests.factories import world_episode

pytestmark = pytest.mark.django_db


def option(world, name="Video feedback (VIPP)", team=None):  # type: ignore[no-untyped-def]
    return package.add_option(actor=world.users["manager"], team=team or world.team, name=name)


def plan(world, intervention, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "intervention": intervention,
        "delivery_format": "dyad",
        "frequency": "weekly",
        "planned_sessions": 8,
        "practitioners": [world.users["practitioner"]],
        "starts_on": timezone.localdate(),
        "review_on": timezone.localdate() + timedelta(weeks=6),
    }
    fields.update(overrides)
    return package.ItemPlan(**fields)


def add(world, episode, intervention=None, **overrides):  # type: ignore[no-untyped-def]
    item, _ = package.add_item(
        actor=world.users["practitioner"],
        episode=episode,
        plan=plan(world, intervention or option(world), **overrides),
    )
    return item


def item_data(world, chosen, **overrides):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    data = {
        "intervention": str(chosen.pk),
        "delivery_format": "triad",
        "frequency": "fortnightly",
        "planned_sessions": "10",
        "practitioners": [str(world.users["practitioner"].pk), str(world.users["supervisor"].pk)],
        "starts_on": today.isoformat(),
        "review_on": (today + timedelta(weeks=8)).isoformat(),
    }
    data.update(overrides)
    return data


# The team's list


def test_a_manager_keeps_the_teams_list(world, client_for) -> None:
    client = client_for("manager")
    url = reverse("care:interventions")
    assert client.post(url, {"name": "  Watch, Wait and Wonder "}).status_code == 302
    listed = InterventionOption.objects.get(team=world.team)
    assert listed.name == "Watch, Wait and Wonder"
    again = client.post(url, {"name": "watch, wait and wonder"})
    assert again.status_code == 400
    assert "already on the list" in again.content.decode()
    toggle = reverse("care:intervention_toggle", args=[listed.pk])
    assert client.post(toggle, {"is_active": "no"}).status_code == 302
    listed.refresh_from_db()
    assert not listed.is_active
    assert AuditEvent.objects.filter(action="intervention_option.changed").count() == 1


def test_practitioners_do_not_manage_the_list(world, client_for) -> None:
    assert client_for("practitioner").get(reverse("care:interventions")).status_code == 403
    assert (
        client_for("practitioner").post(reverse("care:interventions"), {"name": "X"}).status_code
        == 403
    )
    assert not InterventionOption.objects.exists()


def test_another_teams_option_cannot_be_switched(world, client_for) -> None:
    theirs = option(world, team=world.other_team)
    response = client_for("manager").post(
        reverse("care:intervention_toggle", args=[theirs.pk]), {"is_active": "no"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


# Items


def test_only_the_teams_clinicians_deliver_an_intervention(world) -> None:
    episode = world_episode(world)
    vipp = option(world)
    for outsider in (world.users["administrator"], world.users["other_practitioner"]):
        with pytest.raises(PathwayRefused, match="practitioners, supervisors or managers"):
            add(world, episode, vipp, practitioners=[outsider])
    with pytest.raises(PathwayRefused, match="team's list"):
        add(world, episode, option(world, team=world.other_team))
    assert not CarePackageItem.objects.exists()


def test_review_before_start_is_refused(world) -> None:
    episode = world_episode(world)
    with pytest.raises(PathwayRefused, match="on or after the start date"):
        add(world, episode, review_on=timezone.localdate() - timedelta(days=1))


def test_adding_an_item_from_the_page_once(world, client_for) -> None:
    episode = world_episode(world)
    vipp = option(world)
    client = client_for("practitioner")
    url = reverse("care:package_item_add", args=[episode.pk])
    assert client.post(url, item_data(world, vipp)).status_code == 302
    assert client.post(url, item_data(world, vipp)).status_code == 302
    item = CarePackageItem.objects.get(episode=episode)
    assert set(item.practitioners.all()) == {world.users["practitioner"], world.users["supervisor"]}
    assert item.planned_sessions == 10 and item.delivery_format == "triad"
    event = AuditEvent.objects.get(action="care_package.item_added")
    assert event.details["episode"] == episode.pk


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"review_on": "2000-01-01"}, "on or after the start date"),
        ({"practitioners": ["ADMIN"]}, "Choose practitioners, supervisors or managers"),
        ({"intervention": ""}, "Choose an intervention"),
        ({"planned_sessions": "0"}, "Enter at least 1 session"),
        ({"planned_sessions": "lots"}, "Enter a whole number of sessions"),
        ({"delivery_format": "circus"}, "Choose who takes part"),
        ({"starts_on": "2026-02-30"}, "Enter a real date"),
    ],
)
def test_bad_item_input_is_explained(world, client_for, overrides, field_message) -> None:
    episode = world_episode(world)
    vipp = option(world)
    if overrides.get("practitioners") == ["ADMIN"]:
        overrides["practitioners"] = [str(world.users["administrator"].pk)]
    response = client_for("practitioner").post(
        reverse("care:package_item_add", args=[episode.pk]), item_data(world, vipp, **overrides)
    )
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not CarePackageItem.objects.exists()


def test_an_item_keeps_an_intervention_the_team_stopped_offering(world, client_for) -> None:
    episode = world_episode(world)
    vipp = option(world)
    item = add(world, episode, vipp)
    package.set_option_active(actor=world.users["manager"], option=vipp, is_active=False)
    url = reverse("care:package_item_edit", args=[episode.pk, item.pk])
    client = client_for("practitioner")
    assert client.get(url).status_code == 200
    response = client.post(url, item_data(world, vipp, planned_sessions="12"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.planned_sessions == 12
    # A new item cannot use it any more.
    with pytest.raises(PathwayRefused):
        add(world, episode, vipp, delivery_format="group")


def test_an_item_of_another_episode_is_not_found(world, client_for) -> None:
    episode, other = world_episode(world), world_episode(world)
    item = add(world, other)
    response = client_for("practitioner").get(
        reverse("care:package_item_edit", args=[episode.pk, item.pk])
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action="access.denied", object_type="care.carepackageitem"
    ).exists()


# Reviews


def test_a_review_moves_the_next_review_and_the_caseload_follows(world) -> None:
    episode = world_episode(world)
    today = timezone.localdate()
    item = add(
        world, episode, starts_on=today - timedelta(days=60), review_on=today - timedelta(days=3)
    )
    overdue = selectors.caseload(world.team, user=None).get(pk=episode.pk)
    assert overdue.next_review == today - timedelta(days=3)
    review, created = package.record_review(
        actor=world.users["practitioner"],
        episode=episode,
        reviewed_on=today,
        summary="Going well",
        next_review_on=today + timedelta(weeks=6),
        items=[item],
    )
    assert created
    item.refresh_from_db()
    assert item.review_on == today + timedelta(weeks=6)
    assert selectors.caseload(world.team, user=None).get(pk=episode.pk).next_review == (
        today + timedelta(weeks=6)
    )
    again, created = package.record_review(
        actor=world.users["practitioner"],
        episode=episode,
        reviewed_on=today,
        summary="Going well",
        next_review_on=today + timedelta(weeks=6),
        items=[item],
    )
    assert again == review and not created
    assert PackageReview.objects.count() == 1


@pytest.mark.parametrize(
    ("reviewed", "following", "message"),
    [
        (1, None, "cannot be in the future"),
        (0, 0, "next review must be after"),
        (0, -5, "next review must be after"),
    ],
)
def test_review_dates_are_checked(world, reviewed, following, message) -> None:
    episode = world_episode(world)
    today = timezone.localdate()
    with pytest.raises(PathwayRefused, match=message):
        package.record_review(
            actor=world.users["practitioner"],
            episode=episode,
            reviewed_on=today + timedelta(days=reviewed),
            summary="",
            next_review_on=today + timedelta(days=following) if following is not None else None,
            items=[],
        )
    assert not PackageReview.objects.exists()


def test_reviewing_from_the_page(world, client_for) -> None:
    episode = world_episode(world)
    item = add(world, episode)
    today = timezone.localdate()
    client = client_for("practitioner")
    url = reverse("care:package_review_add", args=[episode.pk])
    assert client.get(url).status_code == 200
    data = {
        "reviewed_on": today.isoformat(),
        "summary": "Reviewed with Priya",
        "items": [str(item.pk)],
        "next_review_on": (today + timedelta(weeks=4)).isoformat(),
    }
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.review_on == today + timedelta(weeks=4)
    bad = client.post(url, {**data, "next_review_on": today.isoformat()})
    assert bad.status_code == 400
    assert "The next review must be after this review" in bad.content.decode()


def test_review_summaries_are_read_once_and_not_by_administrators(world, client_for) -> None:
    episode = world_episode(world)
    package.record_review(
        actor=world.users["practitioner"],
        episode=episode,
        reviewed_on=timezone.localdate(),
        summary="Canary-Review-4471",
        next_review_on=None,
        items=[],
    )
    url = reverse("care:package", args=[episode.pk])
    seen = client_for("practitioner").get(url).content.decode()
    assert "Canary-Review-4471" in seen
    assert AuditEvent.objects.filter(action="care_package.reviews_viewed").count() == 1
    admin = client_for("administrator").get(url)
    assert admin.status_code == 200
    assert "Canary-Review-4471" not in admin.content.decode()
    assert AuditEvent.objects.filter(action="care_package.reviews_viewed").count() == 1
    assert (
        client_for("administrator")
        .get(reverse("care:package_review_add", args=[episode.pk]))
        .status_code
        == 403
    )


# Onward referrals


def test_onward_referrals_are_recorded_and_updated(world, client_for) -> None:
    episode = world_episode(world)
    client = client_for("practitioner")
    today = timezone.localdate().isoformat()
    data = {
        "service": "debt",
        "organisation": "Citizens Advice",
        "status": "made",
        "status_on": today,
    }
    url = reverse("care:onward_add", args=[episode.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    onward = OnwardReferral.objects.get(episode=episode)
    update = reverse("care:onward_update", args=[episode.pk, onward.pk])
    assert client.post(update, {"status": "accepted", "status_on": today}).status_code == 302
    onward.refresh_from_db()
    assert onward.status == "accepted"
    earlier = (timezone.localdate() - timedelta(days=3)).isoformat()
    refused = client.post(update, {"status": "completed", "status_on": earlier})
    assert refused.status_code == 400
    assert "cannot be before the last update" in refused.content.decode()
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = client.post(url, {**data, "status_on": future})
    assert refused.status_code == 400 and "cannot be in the future" in refused.content.decode()
    assert OnwardReferral.objects.count() == 1


@pytest.mark.parametrize("size", [1, 5])
def test_package_page_query_count_does_not_grow(world, django_assert_num_queries, size) -> None:
    episode = world_episode(world)
    for n in range(size):
        add(world, episode, option(world, name=f"Intervention {n}"))
        package.add_onward_referral(
            actor=world.users["practitioner"],
            episode=episode,
            service="housing",
            organisation=f"Housing {n}",
            status="made",
            status_on=timezone.localdate(),
        )
        PackageReview.objects.create(
            episode=episode,
            reviewed_on=timezone.localdate() - timedelta(days=n),
            summary=f"Review {n}",
            reviewed_by=world.users["practitioner"],
        )
    client = Client()
    sign_in_verified(client, world.users["practitioner"])
    client.get(reverse("home"))
    # 20 for the package itself, 1 for the suggestions recorded with it (the toolbox).
    with django_assert_num_queries(21):
        assert client.get(reverse("care:package", args=[episode.pk])).status_code == 200


def test_a_review_past_its_date_is_marked_due(world, client_for) -> None:
    episode = world_episode(world)
    today = timezone.localdate()
    add(world, episode, starts_on=today - timedelta(days=30), review_on=today - timedelta(days=1))
    page = client_for("practitioner").get(reverse("care:package", args=[episode.pk]))
    assert ">Due</strong>" in page.content.decode()
