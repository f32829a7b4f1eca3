import pytest
from django.urls import reverse

from attune.audit.models import AuditEvent
from attune.audit.services import record
from attune.core import request_context

pytestmark = pytest.mark.django_db


def seed_events(world, count: int = 3) -> None:
    for n in range(count):
        with request_context.acting_as(role="practitioner", team_id=world.team.pk):
            record(
                "family.viewed",
                actor=world.users["practitioner"],
                object_type="families.family",
                object_id=n,
            )
    with request_context.acting_as(role="practitioner", team_id=world.other_team.pk):
        record(
            "family.viewed",
            actor=world.users["other_practitioner"],
            object_type="families.family",
            object_id=99,
        )


def test_manager_sees_only_their_own_teams_events(world, client_for) -> None:
    seed_events(world)
    html = client_for("manager").get(reverse("audit:search"), {"action": "family"}).content.decode()
    assert "3 events" in html
    assert "other_practitioner" not in html


def test_search_filters_by_user_and_record(world, client_for) -> None:
    seed_events(world)
    client = client_for("manager")
    html = client.get(
        reverse("audit:search"), {"object_type": "families.family", "object_id": "1"}
    ).content.decode()
    assert "1 event<" in html
    assert "families.family #1" in html


def test_searching_is_itself_audited(world, client_for) -> None:
    client_for("manager").get(reverse("audit:search"), {"actor": "prac"})
    event = AuditEvent.objects.get(action="audit.searched")
    assert event.actor == world.users["manager"]
    assert "actor=prac" in event.details["query"]


def test_bad_dates_are_shown_beside_the_field(client_for) -> None:
    response = client_for("manager").get(reverse("audit:search"), {"date_from": "yesterday"})
    assert response.status_code == 400
    assert "Enter the date as YYYY-MM-DD" in response.content.decode()
    reversed_range = client_for("manager").get(
        reverse("audit:search"), {"date_from": "2026-11-20", "date_to": "2026-11-01"}
    )
    assert reversed_range.status_code == 400
    assert "must be the same as or after" in reversed_range.content.decode()


@pytest.mark.parametrize("events", [2, 40])
def test_query_count_does_not_grow_with_events(
    world, client_for, django_assert_num_queries, events
) -> None:
    seed_events(world, events)
    client = client_for("manager")
    client.get(reverse("home"))  # settle the session
    with django_assert_num_queries(12):
        response = client.get(reverse("audit:search"))
    assert response.status_code == 200
