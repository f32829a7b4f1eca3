"""Safeguarding concerns: encrypted, every view audited once, escalated, closed, and the banner."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.accounts.roles import Role
from attune.accounts.tests.factories import MembershipFactory, UserFactory, sign_in_verified
from attune.audit.models import AuditEvent
from attune.care import safeguarding
from attune.care.models import SafeguardingConcern
from attune.care.tests.factories import world_episode

pytestmark = pytest.mark.django_db

CANARY = "Heliotrope-Canary-2208"
BANNER = "Safeguarding concern open"


def raise_one(world, episode, **extra) -> SafeguardingConcern:  # type: ignore[no-untyped-def]
    fields = {
        "category": "neglect",
        "raised_on": timezone.localdate(),
        "what_happened": f"{CANARY}: baby left alone",
        "who_was_informed": f"{CANARY} duty social worker",
        "action_taken": f"{CANARY} referral to social care",
    }
    fields.update(extra)
    return safeguarding.raise_concern(actor=world.users["practitioner"], episode=episode, **fields)


def outcome_post(concern: SafeguardingConcern, **data: str) -> dict[str, str]:
    return {"seen": concern.updated_at.isoformat(), "outcome": "Plan agreed", **data}


def test_concern_text_is_encrypted_in_the_database(world) -> None:
    concern = raise_one(world, world_episode(world))
    concern = safeguarding.record_outcome(
        actor=world.users["manager"],
        concern=concern,
        outcome=f"{CANARY} outcome",
        close=False,
        expected_updated_at=concern.updated_at.isoformat(),
    )
    columns = "what_happened, who_was_informed, action_taken, outcome"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM care_safeguardingconcern WHERE id = %s",  # noqa: S608
            [concern.pk],
        )
        stored = cursor.fetchone()
    assert all(value and CANARY not in value for value in stored)
    assert SafeguardingConcern.objects.get(pk=concern.pk).outcome == f"{CANARY} outcome"


def test_practitioner_records_a_concern_once(world, client_for) -> None:
    episode = world_episode(world)
    client = client_for("practitioner")
    data = {
        "category": "domestic_abuse",
        "raised_on": timezone.localdate().isoformat(),
        "what_happened": "Mum disclosed shouting at home.",
        "who_was_informed": "",
        "action_taken": "",
    }
    first = client.post(reverse("care:concern_add", args=[episode.pk]), data)
    again = client.post(reverse("care:concern_add", args=[episode.pk]), data)
    concern = SafeguardingConcern.objects.get()
    assert first.status_code == 302 and first["Location"] == again["Location"]
    assert first["Location"] == reverse("care:concern", args=[concern.pk])
    assert concern.is_open and concern.raised_by == world.users["practitioner"]
    event = AuditEvent.objects.get(action="safeguarding.raised")
    assert event.details == {"episode": episode.pk, "category": "domestic_abuse"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"category": "", "what_happened": "x"}, "Choose the category"),
        ({"category": "neglect", "what_happened": ""}, "Describe what happened"),
        ({"category": "neglect", "what_happened": "x", "raised_on": "2099-01-01"}, "future"),
        ({"category": "invented", "what_happened": "x"}, "Choose a category from the list"),
    ],
)
def test_concern_form_explains_each_problem(world, client_for, data, message) -> None:
    episode = world_episode(world)
    data = {"raised_on": timezone.localdate().isoformat(), **data}
    response = client_for("practitioner").post(reverse("care:concern_add", args=[episode.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SafeguardingConcern.objects.exists()


def test_each_view_of_a_concern_is_audited_exactly_once(world, client_for) -> None:
    concern = raise_one(world, world_episode(world))
    client = client_for("supervisor")
    for _ in range(2):
        before = AuditEvent.objects.count()
        response = client.get(reverse("care:concern", args=[concern.pk]))
        assert response.status_code == 200
        assert f"{CANARY}: baby left alone" in response.content.decode()
        assert AuditEvent.objects.count() == before + 1
        event = AuditEvent.objects.latest("id")
        assert (event.action, event.object_id) == ("safeguarding.viewed", str(concern.pk))
        assert event.details == {"episode": concern.episode_id}


def test_the_concerns_list_shows_no_text_and_is_one_event(world, client_for) -> None:
    episode = world_episode(world)
    concern = raise_one(world, episode)
    before = AuditEvent.objects.count()
    response = client_for("practitioner").get(reverse("care:concerns", args=[episode.pk]))
    assert response.status_code == 200
    assert CANARY not in response.content.decode() and "Neglect" in response.content.decode()
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").details == {
        "episode": episode.pk,
        "concerns": [concern.pk],
    }


@pytest.mark.parametrize("name", ["care:concerns", "care:concern_add", "care:concern"])
def test_administrators_may_not_see_safeguarding(world, client_for, name) -> None:
    concern = raise_one(world, world_episode(world))
    arg = concern.pk if name == "care:concern" else concern.episode_id
    response = client_for("administrator").get(reverse(name, args=[arg]))
    assert response.status_code == 403
    assert CANARY not in response.content.decode()
    assert not AuditEvent.objects.filter(action="safeguarding.viewed").exists()


def test_administrators_may_not_escalate_or_close(world, client_for) -> None:
    concern = raise_one(world, world_episode(world))
    client = client_for("administrator")
    escalate = client.post(
        reverse("care:concern_escalate", args=[concern.pk]),
        {"manager": world.users["manager"].pk},
    )
    close = client.post(
        reverse("care:concern_outcome", args=[concern.pk]), outcome_post(concern, close="on")
    )
    assert escalate.status_code == close.status_code == 403
    concern.refresh_from_db()
    assert concern.is_open and concern.escalated_to is None


@pytest.mark.parametrize("name", ["care:concern", "care:concerns"])
def test_another_teams_concern_is_not_found_and_holds_no_text(world, client_for, name) -> None:
    concern = raise_one(world, world_episode(world))
    arg = concern.pk if name == "care:concern" else concern.episode_id
    response = client_for("other_practitioner").get(reverse(name, args=[arg]))
    assert response.status_code == 404
    body = response.content.decode()
    assert CANARY not in body and "Neglect" not in body and BANNER not in body
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_escalation_emails_the_manager_a_link_and_nothing_else(
    world, client_for, django_capture_on_commit_callbacks
) -> None:
    manager = world.users["manager"]
    manager.email = "manager@example.org"
    manager.save(update_fields=["email"])
    concern = raise_one(world, world_episode(world))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("practitioner").post(
            reverse("care:concern_escalate", args=[concern.pk]), {"manager": manager.pk}
        )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.escalated_to == manager
    event = AuditEvent.objects.get(action="safeguarding.escalated")
    assert event.details == {"episode": concern.episode_id, "escalated_to": manager.pk}
    (message,) = mail.outbox
    assert message.to == ["manager@example.org"]
    assert message.subject == "A safeguarding concern needs your attention"
    assert reverse("care:concern", args=[concern.pk]) in message.body
    for private in (CANARY, "Neglect", "neglect", concern.episode.family.name):
        assert private not in message.body and private not in message.subject


def test_escalating_twice_to_the_same_manager_sends_one_email(
    world, client_for, django_capture_on_commit_callbacks
) -> None:
    manager = world.users["manager"]
    manager.email = "manager@example.org"
    manager.save(update_fields=["email"])
    concern = raise_one(world, world_episode(world))
    client = client_for("practitioner")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            client.post(
                reverse("care:concern_escalate", args=[concern.pk]), {"manager": manager.pk}
            )
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="safeguarding.escalated").count() == 1


def test_only_a_manager_of_the_team_can_be_chosen(
    world, client_for, django_capture_on_commit_callbacks
) -> None:
    concern = raise_one(world, world_episode(world))
    elsewhere = UserFactory(username="south_manager", email="south@example.org")
    MembershipFactory(user=elsewhere, team=world.other_team, role=Role.MANAGER)
    client = client_for("practitioner")
    with django_capture_on_commit_callbacks(execute=True):
        for choice in (world.users["colleague"].pk, elsewhere.pk, ""):
            response = client.post(
                reverse("care:concern_escalate", args=[concern.pk]), {"manager": choice}
            )
            assert response.status_code == 400
            assert "Choose" in response.content.decode()
    concern.refresh_from_db()
    assert concern.escalated_to is None and not mail.outbox
    with pytest.raises(safeguarding.ConcernNotAllowed):
        safeguarding.escalate_concern(
            actor=world.users["practitioner"], concern=concern, manager=elsewhere
        )


def test_a_manager_records_the_outcome_and_closes(world, client_for) -> None:
    episode = world_episode(world)
    concern = raise_one(world, episode)
    client = client_for("manager")
    response = client.post(
        reverse("care:concern_outcome", args=[concern.pk]),
        outcome_post(concern, outcome="Child protection plan ended", close="on"),
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert not concern.is_open and concern.outcome == "Child protection plan ended"
    assert AuditEvent.objects.filter(action="safeguarding.closed").count() == 1
    episode_page = client.get(reverse("care:episode", args=[episode.pk])).content.decode()
    assert BANNER not in episode_page


def test_a_practitioner_updates_the_outcome_but_cannot_close(world, client_for) -> None:
    concern = raise_one(world, world_episode(world))
    client = client_for("practitioner")
    response = client.post(
        reverse("care:concern_outcome", args=[concern.pk]), outcome_post(concern, close="on")
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.is_open and concern.outcome == "Plan agreed"
    assert AuditEvent.objects.filter(action="safeguarding.outcome_recorded").count() == 1


def test_closing_needs_an_outcome_and_a_closed_concern_stays_closed(world) -> None:
    concern = raise_one(world, world_episode(world))
    manager = world.users["manager"]
    with pytest.raises(safeguarding.ConcernNotAllowed):
        safeguarding.record_outcome(
            actor=manager,
            concern=concern,
            outcome=" ",
            close=True,
            expected_updated_at=concern.updated_at.isoformat(),
        )
    closed = safeguarding.record_outcome(
        actor=manager,
        concern=concern,
        outcome="Done",
        close=True,
        expected_updated_at=concern.updated_at.isoformat(),
    )
    with pytest.raises(safeguarding.ConcernNotAllowed):
        safeguarding.record_outcome(
            actor=manager,
            concern=closed,
            outcome="Again",
            close=False,
            expected_updated_at=closed.updated_at.isoformat(),
        )


def test_an_outcome_written_over_someone_elses_is_refused(world, client_for) -> None:
    concern = raise_one(world, world_episode(world))
    seen = outcome_post(concern, outcome="My version")
    safeguarding.record_outcome(
        actor=world.users["supervisor"],
        concern=concern,
        outcome="Their version",
        close=False,
        expected_updated_at=concern.updated_at.isoformat(),
    )
    response = client_for("manager").post(reverse("care:concern_outcome", args=[concern.pk]), seen)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else updated this concern" in body
    assert "Their version" in body and "My version" in body
    concern.refresh_from_db()
    assert concern.outcome == "Their version"


@pytest.mark.parametrize("persona", ["practitioner", "colleague", "supervisor", "manager"])
def test_clinicians_see_the_banner_on_the_episode_page(world, client_for, persona) -> None:
    episode = world_episode(world)
    raise_one(world, episode)
    html = client_for(persona).get(reverse("care:episode", args=[episode.pk])).content.decode()
    assert BANNER in html
    assert reverse("care:concerns", args=[episode.pk]) in html
    # Above the main content, so it is the first thing on the page.
    assert html.index(BANNER) < html.index('id="maincontent"')


@pytest.mark.parametrize(
    "name",
    [
        "care:notes",
        "care:note_add",
        "care:chronology",
        "care:concerns",
        "care:concern_add",
        "care:engagement",
        "care:package",
        "care:contacts",
        "care:session_book",
        "care:videos",
    ],
)
def test_the_banner_is_on_every_page_of_the_family(world, client_for, name) -> None:
    episode = world_episode(world)
    raise_one(world, episode)
    response = client_for("practitioner").get(reverse(name, args=[episode.pk]))
    assert response.status_code == 200
    assert BANNER in response.content.decode()


def test_administrators_see_neither_banner_nor_text(world, client_for) -> None:
    episode = world_episode(world)
    raise_one(world, episode)
    client = client_for("administrator")
    for url in (
        reverse("care:episode", args=[episode.pk]),
        reverse("care:chronology", args=[episode.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert BANNER not in body and CANARY not in body and "Neglect" not in body


def test_no_banner_without_an_open_concern(world, client_for) -> None:
    episode = world_episode(world)
    html = client_for("manager").get(reverse("care:episode", args=[episode.pk])).content.decode()
    assert BANNER not in html


def test_open_concern_count_is_per_family_and_team(world) -> None:
    episode = world_episode(world)
    raise_one(world, episode)
    raise_one(world, episode, category="emotional")
    assert safeguarding.open_concern_count(episode.family_id, world.team) == 2
    assert safeguarding.open_concern_count(episode.family_id, world.other_team) == 0


@pytest.mark.parametrize("count", [1, 5])
def test_concerns_list_query_count_does_not_grow(world, django_assert_num_queries, count) -> None:
    episode = world_episode(world)
    for index in range(count):
        raise_one(world, episode, what_happened=f"Concern {index}")
    client = Client()
    sign_in_verified(client, world.users["practitioner"])
    client.get(reverse("home"))
    with django_assert_num_queries(15):
        assert client.get(reverse("care:concerns", args=[episode.pk])).status_code == 200


def test_the_banner_is_on_the_family_record_and_not_on_other_families(world, client_for) -> None:
    episode = world_episode(world)
    other = world_episode(world)
    raise_one(world, episode)
    client = client_for("practitioner")
    assert (
        BANNER in client.get(reverse("families:detail", args=[episode.family_id])).content.decode()
    )
    assert (
        BANNER
        not in client.get(reverse("families:detail", args=[other.family_id])).content.decode()
    )
    assert BANNER not in client.get(reverse("care:episode", args=[other.pk])).content.decode()
