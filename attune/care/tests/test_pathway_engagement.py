"""Engagement: logging attempts to reach a family, the manager flag, moving on to assessment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.accounts.tests.factories import sign_in_verified
from attune.audit.models import AuditEvent
from attune.care import engagement, services
from attune.care.codes import Stage
from attune.care.models import CareSettings, EngagementAttempt, StageChange
from attune.care.phases import PathwayRefused
from attune.care.tests.factories import make_episode

pytestmark = pytest.mark.django_db


def world_episode(world):  # type: ignore[no-untyped-def]
    """Referred ten days ago, so attempts a few hours back never fall before the referral."""
    return make_episode(
        team=world.team,
        manager=world.users["manager"],
        practitioner=world.users["practitioner"],
        received_on=timezone.localdate() - timedelta(days=10),
    )


def attempt(world, episode, outcome="no_answer", hours_ago=1, **extra):  # type: ignore[no-untyped-def]
    return engagement.record_attempt(
        actor=world.users["practitioner"],
        episode=episode,
        method=extra.pop("method", "phone"),
        outcome=outcome,
        attempted_at=timezone.now() - timedelta(hours=hours_ago),
        **extra,
    )


def form_data(**overrides: str) -> dict[str, str]:
    earlier = timezone.localtime() - timedelta(hours=2)
    data = {
        "method": "phone",
        "outcome": "no_answer",
        "attempted_on": earlier.date().isoformat(),
        "attempted_time": earlier.strftime("%H:%M"),
        "next_step": "Try again on Thursday morning",
    }
    data.update(overrides)
    return data


# Services


def test_an_attempt_is_recorded_and_audited(world) -> None:
    episode = world_episode(world)
    recorded, created = attempt(world, episode, next_step="Send a letter")
    assert created and recorded.recorded_by == world.users["practitioner"]
    event = AuditEvent.objects.get(action="engagement.attempt_recorded")
    assert event.details == {"episode": episode.pk, "method": "phone", "outcome": "no_answer"}
    assert event.team_id == world.team.pk


def test_the_same_attempt_twice_is_kept_once(world) -> None:
    episode = world_episode(world)
    at = timezone.now() - timedelta(hours=1)
    for _ in range(2):
        engagement.record_attempt(
            actor=world.users["practitioner"],
            episode=episode,
            method="text",
            outcome="no_answer",
            attempted_at=at,
        )
    assert EngagementAttempt.objects.filter(episode=episode).count() == 1
    assert AuditEvent.objects.filter(action="engagement.attempt_recorded").count() == 1


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (timedelta(hours=2), "cannot be in the future"),
        (-timedelta(days=11), "before the referral was received"),
    ],
)
def test_impossible_dates_are_refused(world, moment, message) -> None:
    episode = world_episode(world)
    with pytest.raises(PathwayRefused, match=message):
        engagement.record_attempt(
            actor=world.users["practitioner"],
            episode=episode,
            method="phone",
            outcome="spoke",
            attempted_at=timezone.now() + moment,
        )
    assert not EngagementAttempt.objects.exists()


def test_a_closed_episode_takes_no_attempts(world) -> None:
    episode = world_episode(world)
    services.move_to_stage(actor=world.users["manager"], episode=episode, stage=Stage.CLOSED)
    with pytest.raises(PathwayRefused, match="closed"):
        attempt(world, episode)


def test_the_flag_follows_the_teams_number_of_attempts(world) -> None:
    episode = world_episode(world)
    settings = CareSettings.objects.create(team=world.team, engagement_attempts_before_flag=2)
    attempt(world, episode, hours_ago=3)
    state = engagement.engagement_state(episode, list(episode.engagement_attempts.all()), settings)
    assert not state.needs_manager_decision
    attempt(world, episode, hours_ago=2)
    state = engagement.engagement_state(episode, list(episode.engagement_attempts.all()), settings)
    assert state.needs_manager_decision and not state.reached
    # Once the team has spoken with the family, they are reached: no flag.
    attempt(world, episode, outcome="booked", hours_ago=1)
    state = engagement.engagement_state(episode, list(episode.engagement_attempts.all()), settings)
    assert state.reached and not state.needs_manager_decision


def test_a_family_saying_not_now_goes_to_a_manager(world) -> None:
    episode = world_episode(world)
    attempt(world, episode, outcome="declined")
    state = engagement.engagement_state(
        episode, list(episode.engagement_attempts.all()), CareSettings(team=world.team)
    )
    assert state.needs_manager_decision and state.declined_last


# Views


def test_the_page_shows_attempts_days_and_the_flag(world, client_for) -> None:
    episode = world_episode(world)
    for hours in (5, 4, 3):
        attempt(world, episode, hours_ago=hours, next_step=f"Step-{hours}")
    html = client_for("practitioner").get(reverse("care:engagement", args=[episode.pk]))
    body = html.content.decode()
    assert html.status_code == 200
    assert "3 attempts so far" in body and "Step-4" in body
    assert "For a manager" in body
    assert "days ago" in body
    assert "move on to assessment" in body


def test_posting_an_attempt_records_it_once_even_if_sent_twice(world, client_for) -> None:
    episode = world_episode(world)
    client = client_for("administrator")
    url = reverse("care:engagement", args=[episode.pk])
    data = form_data()
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert EngagementAttempt.objects.filter(episode=episode).count() == 1
    page = client.get(url).content.decode()
    assert "already been recorded" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"attempted_on": (timezone.localdate() + timedelta(days=1)).isoformat()}, "future"),
        ({"attempted_time": "25:99"}, "Enter a time like 14:30"),
        ({"attempted_on": "31/02/2026"}, "Enter a real date"),
        ({"method": ""}, "Choose how you tried to reach the family"),
        ({"outcome": "maybe"}, "Choose what happened"),
        ({"next_step": "x" * 501}, "Keep this under 500 characters"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(world, client_for, overrides, message) -> None:
    episode = world_episode(world)
    response = client_for("practitioner").post(
        reverse("care:engagement", args=[episode.pk]), form_data(**overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EngagementAttempt.objects.exists()


def test_moving_on_to_assessment_from_the_page(world, client_for) -> None:
    episode = world_episode(world)
    client = client_for("practitioner")
    data = {"stage": "assessment", "on": timezone.localdate().isoformat()}
    url = reverse("care:phase", args=[episode.pk])
    assert client.post(url, data).status_code == 302
    # A double click: the second post is answered, and nothing moves twice.
    assert client.post(url, data).status_code == 302
    episode.refresh_from_db()
    assert episode.stage == Stage.ASSESSMENT
    assert StageChange.objects.filter(episode=episode, stage=Stage.ASSESSMENT).count() == 1


def test_another_teams_engagement_page_is_not_found(world, client_for) -> None:
    episode = world_episode(world)
    attempt(world, episode, next_step="Canary-Engage-7781")
    response = client_for("other_practitioner").get(reverse("care:engagement", args=[episode.pk]))
    assert response.status_code == 404
    assert "Canary-Engage-7781" not in response.content.decode()
    response = client_for("other_practitioner").post(
        reverse("care:engagement", args=[episode.pk]), form_data()
    )
    assert response.status_code == 404
    assert EngagementAttempt.objects.count() == 1


@pytest.mark.parametrize("attempts", [1, 6])
def test_engagement_page_query_count_does_not_grow(
    world, django_assert_num_queries, attempts
) -> None:
    episode = world_episode(world)
    for hours in range(attempts):
        attempt(world, episode, hours_ago=hours + 1)
    client = Client()
    sign_in_verified(client, world.users["practitioner"])
    client.get(reverse("home"))
    with django_assert_num_queries(15):
        assert client.get(reverse("care:engagement", args=[episode.pk])).status_code == 200
