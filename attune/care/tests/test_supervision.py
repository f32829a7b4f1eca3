"""Supervision sessions: recorded by supervisors, read by the two people in them, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.accounts.tests.factories import sign_in_verified
from attune.audit.models import AuditEvent
from attune.care import supervision
from attune.care.models import SupervisionSession
from attune.care.tests.factories import make_episode, world_episode

pytestmark = pytest.mark.django_db

CANARY = "Juniper-Canary-2290"


def record_session(world, episode=None, **overrides) -> SupervisionSession:
    values = {
        "actor": world.users["supervisor"],
        "team": world.team,
        "supervisee": world.users["practitioner"],
        "held_on": timezone.localdate(),
        "episodes": [episode] if episode else [],
        "agreed_actions": f"Invite dad to the next session. {CANARY}",
    }
    values.update(overrides)
    session, _ = supervision.record_supervision(**values)
    return session


def form_data(world, episode, **overrides) -> dict:
    data = {
        "supervisee": world.users["practitioner"].pk,
        "held_on": timezone.localdate().isoformat(),
        "episodes": [episode.pk],
        "agreed_actions": "Think about what the baby might be telling mum.",
    }
    data.update(overrides)
    return data


def test_a_supervisor_records_a_session(world, client_for) -> None:
    episode = world_episode(world)
    client = client_for("supervisor")
    assert client.get(reverse("care:supervision_new")).status_code == 200
    response = client.post(reverse("care:supervision_new"), form_data(world, episode))
    session = SupervisionSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("care:supervision", args=[session.pk])
    assert session.supervisor == world.users["supervisor"]
    assert session.supervisee == world.users["practitioner"]
    assert list(session.episodes.all()) == [episode]
    assert AuditEvent.objects.filter(action="supervision.recorded").count() == 1


def test_a_double_submission_keeps_one_session(world, client_for) -> None:
    episode = world_episode(world)
    client = client_for("supervisor")
    client.post(reverse("care:supervision_new"), form_data(world, episode))
    again = client.post(reverse("care:supervision_new"), form_data(world, episode), follow=True)
    assert "already been recorded" in again.content.decode()
    assert SupervisionSession.objects.count() == 1
    # A different conversation on the same day is its own session.
    client.post(
        reverse("care:supervision_new"), form_data(world, episode, agreed_actions="Something new")
    )
    assert SupervisionSession.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("held_on", "2999-01-01", "must be today or in the past"),
        ("held_on", "", "Enter the date of the session"),
        ("supervisee", "", "Choose who you supervised"),
        ("agreed_actions", "x" * 5001, "Keep this under 5,000 characters"),
    ],
)
def test_form_errors_are_shown_beside_the_field(world, client_for, field, value, message) -> None:
    episode = world_episode(world)
    response = client_for("supervisor").post(
        reverse("care:supervision_new"), form_data(world, episode, **{field: value})
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SupervisionSession.objects.count() == 0


def test_only_the_supervisees_families_can_be_chosen(world, client_for) -> None:
    episode = world_episode(world)
    colleagues = make_episode(
        team=world.team, manager=world.users["manager"], practitioner=world.users["colleague"]
    )
    response = client_for("supervisor").post(
        reverse("care:supervision_new"), form_data(world, episode, episodes=[colleagues.pk])
    )
    assert response.status_code == 400
    assert "does not work with" in response.content.decode()
    assert SupervisionSession.objects.count() == 0


def test_people_and_families_from_other_teams_are_refused(world, client_for) -> None:
    episode = world_episode(world)
    theirs = make_episode(
        team=world.other_team,
        manager=world.users["other_practitioner"],
        practitioner=world.users["other_practitioner"],
    )
    client = client_for("supervisor")
    outsider = client.post(
        reverse("care:supervision_new"),
        form_data(world, episode, supervisee=world.users["other_practitioner"].pk),
    )
    assert outsider.status_code == 400 and "Choose someone from this team" in outsider.text
    their_family = client.post(
        reverse("care:supervision_new"), form_data(world, episode, episodes=[theirs.pk])
    )
    assert their_family.status_code == 400 and "Choose families from the list" in their_family.text
    assert SupervisionSession.objects.count() == 0


def test_the_service_holds_the_same_rules(world) -> None:
    episode = world_episode(world)
    with pytest.raises(supervision.SupervisionNotAllowed, match="Only supervisors"):
        record_session(world, episode, actor=world.users["colleague"])
    with pytest.raises(supervision.SupervisionNotAllowed, match="clinician of this team"):
        record_session(world, episode, supervisee=world.users["administrator"])
    with pytest.raises(supervision.SupervisionNotAllowed, match="clinician of this team"):
        record_session(world, episode, supervisee=world.users["supervisor"])
    with pytest.raises(supervision.SupervisionNotAllowed, match="today or in the past"):
        record_session(world, episode, held_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(supervision.SupervisionNotAllowed, match="works with"):
        record_session(world, episode, supervisee=world.users["colleague"])
    assert SupervisionSession.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("practitioner", 403),
        ("colleague", 403),
        ("administrator", 403),
        ("commissioner", 403),
        ("referrer", 403),
        ("supervisor", 200),
        ("manager", 200),
    ],
)
def test_only_supervisors_record_sessions(world, client_for, persona, status) -> None:
    assert client_for(persona).get(reverse("care:supervision_new")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("supervisor", 200),
        ("practitioner", 200),
        ("colleague", 404),
        ("manager", 404),
        ("other_practitioner", 404),
        ("administrator", 403),
        ("commissioner", 403),
        ("referrer", 403),
        ("system_admin", 403),
    ],
)
def test_a_session_is_read_by_its_two_people_and_audited(
    world, client_for, persona, status
) -> None:
    session = record_session(world, world_episode(world))
    response = client_for(persona).get(reverse("care:supervision", args=[session.pk]))
    assert response.status_code == status
    assert (CANARY in response.content.decode()) == (status == 200)
    reads = AuditEvent.objects.filter(action="supervision.viewed", object_id=str(session.pk))
    assert reads.count() == (1 if status == 200 else 0)


def test_each_read_of_the_actions_is_one_event(world, client_for) -> None:
    session = record_session(world, world_episode(world))
    client = client_for("practitioner")
    for expected in (1, 2):
        client.get(reverse("care:supervision", args=[session.pk]))
        assert AuditEvent.objects.filter(action="supervision.viewed").count() == expected


def test_agreed_actions_are_encrypted(world) -> None:
    session = record_session(world, world_episode(world))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT agreed_actions FROM care_supervisionsession WHERE id = %s", [session.pk]
        )
        assert CANARY not in cursor.fetchone()[0]


def test_the_list_shows_own_sessions_and_filters_by_family(world, client_for) -> None:
    mine = world_episode(world)
    other = make_episode(
        team=world.team, manager=world.users["manager"], practitioner=world.users["colleague"]
    )
    about_mine = record_session(world, mine)
    about_theirs = record_session(world, other, supervisee=world.users["colleague"])
    own = client_for("practitioner").get(reverse("care:supervision_list")).content.decode()
    assert reverse("care:supervision", args=[about_mine.pk]) in own
    assert reverse("care:supervision", args=[about_theirs.pk]) not in own
    assert CANARY not in own  # the list never shows the actions
    supervisor = client_for("supervisor")
    both = supervisor.get(reverse("care:supervision_list")).content.decode()
    assert reverse("care:supervision", args=[about_theirs.pk]) in both
    filtered = supervisor.get(reverse("care:supervision_list") + f"?episode={mine.pk}")
    assert reverse("care:supervision", args=[about_theirs.pk]) not in filtered.content.decode()
    theirs = make_episode(
        team=world.other_team,
        manager=world.users["other_practitioner"],
        practitioner=world.users["other_practitioner"],
    )
    outside = supervisor.get(reverse("care:supervision_list") + f"?episode={theirs.pk}")
    assert outside.status_code == 404


def test_supervisors_see_supervision_in_the_navigation(world, client_for) -> None:
    link = f'href="{reverse("care:supervision_list")}"'
    assert link in client_for("supervisor").get(reverse("home")).content.decode()
    assert link not in client_for("practitioner").get(reverse("home")).content.decode()


def test_the_episode_page_links_to_videos_and_supervision(world, client_for) -> None:
    episode = world_episode(world)
    html = client_for("practitioner").get(reverse("care:episode", args=[episode.pk])).text
    assert reverse("care:videos", args=[episode.pk]) in html
    assert f"{reverse('care:supervision_list')}?episode={episode.pk}" in html


@pytest.mark.parametrize("count", [1, 4])
def test_list_query_count_does_not_grow(world, django_assert_num_queries, count) -> None:
    episode = world_episode(world)
    for index in range(count):
        record_session(world, episode, agreed_actions=f"Session {index}")
    client = Client()
    sign_in_verified(client, world.users["supervisor"])
    client.get(reverse("home"))
    with django_assert_num_queries(10):
        response = client.get(reverse("care:supervision_list"))
    assert response.status_code == 200
    assert response.content.decode().count(episode.family.name) == count


def test_the_form_offers_only_this_teams_clinicians(world, client_for) -> None:
    html = client_for("supervisor").get(reverse("care:supervision_new")).text
    for name in ("practitioner", "colleague", "manager"):
        assert f'value="{world.users[name].pk}"' in html
    for name in ("administrator", "commissioner", "referrer", "other_practitioner", "supervisor"):
        assert f'value="{world.users[name].pk}"' not in html
