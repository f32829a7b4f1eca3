from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.accounts.roles import Role
from attune.accounts.tests.factories import MembershipFactory, UserFactory, sign_in_verified
from attune.audit.models import AuditEvent
from attune.core.locking import StaleEdit
from attune.referrals import services
from attune.referrals.models import Referral
from attune.referrals.selectors import median, percentile
from attune.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db


def accept(referral: Referral, actor, priority: int = 2) -> None:  # type: ignore[no-untyped-def]
    services.triage(
        actor=actor,
        referral=referral,
        expected_version=referral.version,
        decision="accept",
        priority=priority,
    )


def test_accepting_puts_the_family_on_the_waiting_list(world, client_for) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["referrer"])
    client = client_for("manager")
    response = client.post(
        reverse("referrals:triage", args=[referral.pk]),
        {"version": referral.version, "decision": "accept", "priority": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:letter", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.status == "waiting" and referral.priority == 1
    assert referral.accepted_on == timezone.localdate()
    letter = client.get(response["Location"]).content.decode()
    assert "added them to our waiting list" in letter
    event = AuditEvent.objects.get(action="referral.triaged")
    assert event.details == {"decision": "accept", "priority": 1}


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"decision": "accept"}, "Choose a priority"),
        ({"decision": "decline", "signposting": "Home-Start"}, "Give the reasons"),
        ({"decision": "decline", "reasons": "Out of area"}, "Name at least one service"),
        ({"decision": "more_information"}, "Say what more information"),
        ({}, "Choose a decision"),
    ],
)
def test_triage_rules_are_explained(world, client_for, data, field_message) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["referrer"])
    response = client_for("manager").post(
        reverse("referrals:triage", args=[referral.pk]), {"version": referral.version, **data}
    )
    assert response.status_code == 400
    assert field_message in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "received"


def test_decline_letter_carries_reasons_and_signposting(world, client_for) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["referrer"])
    client_for("manager").post(
        reverse("referrals:triage", args=[referral.pk]),
        {
            "version": referral.version,
            "decision": "decline",
            "reasons": "Baby is over two.",
            "signposting": "Home-Start Riverside",
        },
    )
    letter = (
        client_for("referrer").get(reverse("referrals:letter", args=[referral.pk])).content.decode()
    )
    assert "Baby is over two." in letter and "Home-Start Riverside" in letter


def test_only_managers_triage(world, client_for) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["referrer"])
    for persona in ("practitioner", "referrer", "administrator"):
        response = client_for(persona).post(
            reverse("referrals:triage", args=[referral.pk]),
            {"version": referral.version, "decision": "accept", "priority": "1"},
        )
        assert response.status_code == 403, persona
    referral.refresh_from_db()
    assert referral.status == "received"


def test_a_referral_is_triaged_once_and_stale_decisions_are_refused(world) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["referrer"])
    stale_version = referral.version
    accept(referral, world.users["manager"])
    with pytest.raises(StaleEdit):
        services.triage(
            actor=world.users["manager"],
            referral=referral,
            expected_version=stale_version,
            decision="decline",
        )
    referral.refresh_from_db()
    with pytest.raises(services.TriageNotAllowed):
        services.triage(
            actor=world.users["manager"],
            referral=referral,
            expected_version=referral.version,
            decision="decline",
        )
    assert referral.decisions.count() == 1


def test_a_referrer_sees_only_their_own_referrals(world, client_for) -> None:
    mine = make_referral(team=world.team, submitted_by=world.users["referrer"])
    other_referrer = UserFactory(username="another_referrer")
    MembershipFactory(user=other_referrer, team=world.team, role=Role.REFERRER)
    theirs = make_referral(team=world.team, submitted_by=other_referrer)
    client = client_for("referrer")
    listing = client.get(reverse("referrals:mine")).content.decode()
    assert f"R{mine.pk}<" in listing and f"R{theirs.pk}<" not in listing
    assert client.get(reverse("referrals:letter", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("referrals:submitted", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("referrals:detail", args=[mine.pk])).status_code == 403
    assert client.get(reverse("families:detail", args=[mine.family_id])).status_code == 403


def test_waiting_list_orders_by_priority_then_wait_and_shows_figures(world, client_for) -> None:
    today = timezone.localdate()
    manager = world.users["manager"]
    old_standard = make_referral(
        team=world.team, submitted_by=manager, received_on=today - timedelta(days=90)
    )
    new_high = make_referral(
        team=world.team, submitted_by=manager, received_on=today - timedelta(days=10)
    )
    mid_standard = make_referral(
        team=world.team, submitted_by=manager, received_on=today - timedelta(days=30)
    )
    accept(old_standard, manager, priority=3)
    accept(new_high, manager, priority=1)
    accept(mid_standard, manager, priority=3)
    html = client_for("practitioner").get(reverse("referrals:waiting_list")).content.decode()
    order = [html.index(f"(R{r.pk})") for r in (new_high, old_standard, mid_standard)]
    assert order == sorted(order)
    assert "Median wait since referral" in html
    assert "30 days" in html  # the median of 10, 30 and 90


def test_waiting_list_warns_when_a_baby_will_age_out(world, client_for) -> None:
    born = timezone.localdate() - timedelta(days=365 * 2 - 20)
    referral = make_referral(team=world.team, submitted_by=world.users["manager"], baby_born=born)
    accept(referral, world.users["manager"])
    html = client_for("manager").get(reverse("referrals:waiting_list")).content.decode()
    assert "Ages out in 2 weeks" in html


def test_allocation_moves_the_family_to_a_caseload(world, client_for) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["manager"])
    accept(referral, world.users["manager"])
    referral.refresh_from_db()
    client = client_for("manager")
    practitioner = world.users["practitioner"]
    response = client.post(
        reverse("care:allocate", args=[referral.pk]),
        {"version": referral.version, "practitioner": practitioner.pk},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "allocated" and referral.allocated_to == practitioner
    html = client.get(reverse("referrals:waiting_list")).content.decode()
    assert "No families are waiting" in html
    assert AuditEvent.objects.filter(action="referral.allocated").count() == 1


def test_allocation_refuses_someone_outside_the_team(world, client_for) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["manager"])
    accept(referral, world.users["manager"])
    referral.refresh_from_db()
    response = client_for("manager").post(
        reverse("care:allocate", args=[referral.pk]),
        {"version": referral.version, "practitioner": world.users["other_practitioner"].pk},
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.allocated_to is None


def test_other_teams_referrals_are_not_found(world, client_for) -> None:
    referral = make_referral(team=world.other_team, submitted_by=world.users["other_practitioner"])
    client = client_for("manager")
    for name in ("referrals:detail", "referrals:letter"):
        assert client.get(reverse(name, args=[referral.pk])).status_code == 404
    response = client.post(
        reverse("referrals:triage", args=[referral.pk]),
        {"version": 1, "decision": "accept", "priority": 1},
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(referral.pk)).exists()


@pytest.mark.parametrize("families", [2, 12])
def test_waiting_list_query_count_does_not_grow(world, django_assert_num_queries, families) -> None:
    manager = world.users["manager"]
    for _ in range(families):
        accept(make_referral(team=world.team, submitted_by=manager), manager)
    from django.test import Client

    client = Client()
    sign_in_verified(client, manager)
    client.get(reverse("home"))
    with django_assert_num_queries(11):
        assert client.get(reverse("referrals:waiting_list")).status_code == 200


@pytest.mark.parametrize(
    ("values", "expected_median", "expected_p90"),
    [
        ([], None, None),
        ([5], 5, 5),
        ([1, 2, 3, 4], 2.5, 4),
        (list(range(1, 11)), 5.5, 9),
        ([10, 30, 90], 30, 90),
    ],
)
def test_wait_statistics(values, expected_median, expected_p90) -> None:
    assert median(values) == expected_median
    assert percentile(values, 0.9) == expected_p90
