import pytest
from django.urls import reverse

from attune.accounts.roles import Role
from attune.accounts.tests.factories import MembershipFactory
from attune.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("practitioner", "Practitioner"),
        ("supervisor", "Supervisor"),
        ("manager", "Team manager"),
        ("administrator", "Administrator"),
        ("commissioner", "Commissioner"),
        ("referrer", "Referrer"),
        ("system_admin", "System administration"),
    ],
)
def test_each_role_has_its_own_home_page(persona, heading, client_for) -> None:
    html = client_for(persona).get(reverse("home")).content.decode()
    assert f'<h1 class="nhsuk-heading-l">{heading}' in html


@pytest.mark.parametrize(
    ("persona", "sees_audit", "sees_admin"),
    [
        ("manager", True, False),
        ("practitioner", False, False),
        ("referrer", False, False),
        ("commissioner", False, False),
        ("system_admin", False, True),
    ],
)
def test_navigation_shows_only_what_the_role_may_use(
    persona, sees_audit, sees_admin, client_for
) -> None:
    html = client_for(persona).get(reverse("home")).content.decode()
    nav = html.split('aria-label="Main menu"', 1)[1].split("</nav>", 1)[0]
    assert (reverse("audit:search") in nav) is sees_audit
    assert (reverse("admin:index") in nav) is sees_admin


def test_team_switcher_moves_between_the_users_teams(world, client_for) -> None:
    MembershipFactory(user=world.users["practitioner"], team=world.other_team, role=Role.SUPERVISOR)
    client = client_for("practitioner")
    html = client.get(reverse("home")).content.decode()
    assert "Switch team" in html
    response = client.post(reverse("accounts:switch_team"), {"team": world.other_team.pk})
    assert response.status_code == 302
    home = client.get(reverse("home")).content.decode()
    assert "Supervisor — South team" in home
    assert AuditEvent.objects.filter(action="team.switched", team_id=world.other_team.pk).exists()


def test_switching_to_someone_elses_team_is_not_found_and_audited(world, client_for) -> None:
    client = client_for("practitioner")
    response = client.post(reverse("accounts:switch_team"), {"team": world.other_team.pk})
    assert response.status_code == 404
    denied = AuditEvent.objects.get(action="access.denied")
    assert denied.object_id == str(world.other_team.pk)
    assert denied.actor == world.users["practitioner"]
    assert "North team" in client.get(reverse("home")).content.decode()


def test_switch_team_rejects_bad_input(client_for) -> None:
    response = client_for("practitioner").post(reverse("accounts:switch_team"), {"team": "north"})
    assert response.status_code == 400


def test_forbidden_page_is_audited(world, client_for) -> None:
    assert client_for("practitioner").get(reverse("audit:search")).status_code == 403
    event = AuditEvent.objects.get(action="access.forbidden")
    assert event.details == {"capability": "search_audit"}


def test_removed_membership_takes_effect_at_once(world, client_for) -> None:
    client = client_for("manager")
    assert client.get(reverse("audit:search")).status_code == 200
    world.users["manager"].memberships.update(is_active=False)
    assert client.get(reverse("audit:search")).status_code == 403


def test_a_deactivated_account_loses_its_session_at_once(world, client_for) -> None:
    client = client_for("practitioner")
    assert client.get(reverse("home")).status_code == 200
    user = world.users["practitioner"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
