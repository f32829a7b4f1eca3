"""The outreach and joint working log: entry, filters, totals, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.outreach.models import OutreachActivity
from attune.outreach.tests.factories import make_activity

pytestmark = pytest.mark.django_db


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "activity_type": "neonatal_liaison",
        "partner_organisation": "City hospital neonatal unit",
        "held_on": timezone.localdate().isoformat(),
        "families_reached": "6",
        "interpreter_used": "on",
        "notes": "Joined the parents' coffee morning.",
    }
    data.update(overrides)
    return data


def test_logging_and_changing_an_activity(world, client_for) -> None:
    client = client_for("administrator")
    assert client.post(reverse("outreach:activity_new"), form_data()).status_code == 302
    activity = OutreachActivity.objects.get()
    assert activity.interpreter_used and activity.families_reached == 6
    event = AuditEvent.objects.get(action="outreach.activity_recorded")
    assert event.details == {
        "activity_type": "neonatal_liaison",
        "families_reached": 6,
        "interpreter_used": True,
    }
    url = reverse("outreach:activity_edit", args=[activity.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, form_data(version="1", families_reached="8")).status_code == 302
    assert client.post(url, form_data(version="1")).status_code == 409
    activity.refresh_from_db()
    assert activity.families_reached == 8


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"families_reached": "-1"}, "Enter 0 or more"),
        ({"families_reached": "10001"}, "no bigger than 10,000"),
        ({"families_reached": ""}, "Enter how many families were reached"),
        ({"activity_type": "party"}, "Choose the kind of work"),
        ({"partner_organisation": ""}, "Enter the organisation you worked with"),
        ({"held_on": "2099-01-01"}, "cannot be in the future"),
        ({"notes": "bad\x00text"}, "control characters"),
    ],
)
def test_bad_input_is_refused(world, client_for, overrides, message) -> None:
    response = client_for("practitioner").post(
        reverse("outreach:activity_new"), form_data(**overrides)
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not OutreachActivity.objects.exists()


def test_the_database_keeps_counts_in_range(world) -> None:
    activity = make_activity(world.team, world.users["practitioner"])
    with pytest.raises(IntegrityError), transaction.atomic():
        OutreachActivity.objects.filter(pk=activity.pk).update(families_reached=10_001)


def test_filters_and_totals(world, client_for) -> None:
    practitioner = world.users["practitioner"]
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=5)
    make_activity(world.team, practitioner, held_on=today, families_reached=10)
    make_activity(
        world.team,
        practitioner,
        held_on=today,
        activity_type="joint_visit",
        families_reached=1,
        interpreter_used=True,
    )
    make_activity(world.team, practitioner, held_on=last_month, families_reached=30)
    make_activity(world.other_team, world.users["other_practitioner"], families_reached=999)
    client = client_for("practitioner")
    url = reverse("outreach:activities")

    def totals(**params: str) -> tuple[str, str]:
        page = client.get(url, params).content.decode()
        count = page.split('data-testid="total-activities">')[1].split("<")[0]
        families = page.split('data-testid="total-families">')[1].split("<")[0]
        return count, families

    assert totals() == ("3", "41")
    assert totals(month=today.strftime("%Y-%m")) == ("2", "11")
    assert totals(activity_type="joint_visit") == ("1", "1")
    assert totals(month=last_month.strftime("%Y-%m"), activity_type="joint_visit") == ("0", "0")


def test_activity_list_query_count_does_not_grow(world, client_for) -> None:
    client = client_for("practitioner")
    url = reverse("outreach:activities")
    make_activity(world.team, world.users["practitioner"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(8):
        make_activity(world.team, world.users["practitioner"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_another_teams_activity_is_a_404(world, client_for) -> None:
    activity = make_activity(world.other_team, world.users["other_practitioner"])
    url = reverse("outreach:activity_edit", args=[activity.pk])
    assert client_for("practitioner").get(url).status_code == 404
    assert client_for("referrer").get(reverse("outreach:activities")).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied").count() == 1


def test_the_landing_page_counts_the_last_year(world, client_for) -> None:
    make_activity(world.team, world.users["practitioner"])
    page = client_for("practitioner").get(reverse("outreach:home"))
    assert page.status_code == 200 and "Outreach and joint working" in page.content.decode()
