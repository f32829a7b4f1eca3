import pytest
from django.core.management import call_command
from django.urls import reverse

from attune.accounts.models import Membership, Organisation, Team, User
from attune.accounts.roles import Role
from attune.accounts.tests.factories import TEST_PASSWORD, UserFactory
from attune.synthetic.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from attune.synthetic.generator import STAFF_MIX, SyntheticSize, generate

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_has_every_role() -> None:
    load_demo()
    load_demo()
    assert Organisation.objects.count() == 1
    assert Team.objects.count() == 2
    assert User.objects.filter(is_demo=True).count() == len(DEMO_ACCOUNTS)
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert User.objects.filter(is_demo=True, is_superuser=True).count() == 1


def test_demo_command_prints_the_sign_ins(capsys) -> None:
    call_command("demo")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    for account in DEMO_ACCOUNTS:
        assert account.username in out


def test_demo_mode_waives_mfa_for_demo_accounts_only(client, settings) -> None:
    settings.DEMO_MODE = True
    load_demo()
    response = client.post(
        reverse("accounts:login"), {"username": "practitioner", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home")).content.decode()
    assert "Demo mode" in home
    UserFactory(username="real.person")
    client.post(reverse("accounts:logout"))
    other = client.post(
        reverse("accounts:login"), {"username": "real.person", "password": TEST_PASSWORD}
    )
    assert other["Location"] == reverse("accounts:mfa_setup")


def test_demo_accounts_need_mfa_when_demo_mode_is_off(client, settings) -> None:
    settings.DEMO_MODE = False
    load_demo()
    response = client.post(
        reverse("accounts:login"), {"username": "manager", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("accounts:mfa_setup")
    assert "Demo mode" not in client.get(reverse("accounts:login"), follow=True).content.decode()


def test_generator_is_deterministic_for_a_seed() -> None:
    # Staff only, so the rows can be deleted; test_synthetic_families covers families.
    size = SyntheticSize(organisations=1, teams_per_organisation=2, families_per_team=0)
    first = generate(seed=11, size=size, show_progress=False)
    first_names = [u.username for u in first.users]
    first_teams = [t.name for t in first.teams]
    User.objects.filter(pk__in=[u.pk for u in first.users]).delete()
    Team.objects.filter(pk__in=[t.pk for t in first.teams]).delete()
    Organisation.objects.filter(pk__in=[o.pk for o in first.organisations]).delete()
    second = generate(seed=11, size=size, show_progress=False)
    assert [u.username for u in second.users] == first_names
    assert [t.name for t in second.teams] == first_teams


def test_generator_sizes_follow_the_arguments() -> None:
    run = generate(
        seed=5,
        size=SyntheticSize(organisations=2, teams_per_organisation=3, staff_scale=2),
        show_progress=False,
    )
    assert len(run.organisations) == 2
    assert len(run.teams) == 6
    per_team = sum(count for _, count in STAFF_MIX) * 2
    assert Membership.objects.filter(team__in=run.teams).count() == 6 * per_team
