import pytest
from django.urls import reverse

from attune.audit.models import AuditEvent
from attune.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db


def delegate(world, client_for, persona: str = "practitioner", allowed: str = "yes"):  # type: ignore[no-untyped-def]
    membership = world.users[persona].memberships.get()
    url = reverse("accounts:delegate_triage", args=[membership.pk])
    return client_for("manager").post(url, {"allowed": allowed})


def test_a_manager_can_let_a_practitioner_triage(world, client_for) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["referrer"])
    url = reverse("referrals:triage", args=[referral.pk])
    data = {"version": referral.version, "decision": "accept", "priority": "2"}
    assert client_for("practitioner").post(url, data).status_code == 403
    assert delegate(world, client_for).status_code == 302
    assert client_for("practitioner").post(url, data).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "waiting"
    assert AuditEvent.objects.filter(action="membership.triage_delegated").count() == 1


def test_delegation_can_be_withdrawn(world, client_for) -> None:
    delegate(world, client_for)
    delegate(world, client_for, allowed="no")
    referral = make_referral(team=world.team, submitted_by=world.users["referrer"])
    response = client_for("practitioner").post(
        reverse("referrals:triage", args=[referral.pk]),
        {"version": 1, "decision": "accept", "priority": "2"},
    )
    assert response.status_code == 403


def test_only_practitioners_and_supervisors_of_the_team_can_be_delegated(world, client_for) -> None:
    for persona in ("administrator", "referrer", "commissioner", "other_practitioner"):
        assert delegate(world, client_for, persona).status_code == 404, persona
    assert world.users["administrator"].memberships.get().can_triage is False


def test_team_page_lists_members_for_the_manager_only(world, client_for) -> None:
    html = client_for("manager").get(reverse("accounts:team_members")).content.decode()
    assert "Let them triage" in html and "practitioner" in html
    assert client_for("practitioner").get(reverse("accounts:team_members")).status_code == 403
