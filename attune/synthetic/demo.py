"""The demo organisation: two teams and one account for each role.

Idempotent: running it again resets the demo accounts' passwords and roles and
creates nothing twice. Used by `attune demo` and the quick start.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from attune.accounts import services as account_services
from attune.accounts.models import Organisation, Team, User
from attune.accounts.roles import Role
from attune.core import request_context

ORGANISATION_NAME = "Riverside Parent-Infant Partnership"
TEAM_NAMES = ("Riverside North", "Riverside South")
# Demo passwords are printed on screen; they are for the demo database only.
DEMO_PASSWORD = "attune-demo-2026"  # noqa: S105 - printed for the demo, never real


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str
    team_index: int | None


DEMO_ACCOUNTS = (
    DemoAccount("practitioner", "Priya", "Shah", Role.PRACTITIONER, 0),
    DemoAccount("colleague", "Tom", "Evans", Role.PRACTITIONER, 0),
    DemoAccount("south.practitioner", "Grace", "Okafor", Role.PRACTITIONER, 1),
    DemoAccount("supervisor", "Helen", "Morris", Role.SUPERVISOR, 0),
    DemoAccount("manager", "Amara", "Bello", Role.MANAGER, 0),
    DemoAccount("administrator", "Jo", "Clarke", Role.ADMINISTRATOR, 0),
    DemoAccount("commissioner", "Sam", "Whitfield", Role.COMMISSIONER, 0),
    DemoAccount("referrer", "Lucy", "Patel", Role.REFERRER, 0),
    DemoAccount("sysadmin", "Chris", "Doyle", "", None),
)


@dataclass(frozen=True)
class DemoResult:
    teams: list[Team]
    accounts: list[tuple[DemoAccount, User]]


def _ensure_account(account: DemoAccount) -> User:
    user = User.objects.filter(username=account.username).first()
    if user is None:
        return account_services.create_user(
            actor=None,
            username=account.username,
            password=DEMO_PASSWORD,
            first_name=account.first_name,
            last_name=account.last_name,
            email=f"{account.username}@demo.attune.invalid",
            is_demo=True,
            is_system_admin=account.team_index is None,
        )
    user.set_password(DEMO_PASSWORD)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    return user


def load_demo() -> DemoResult:
    """Create (or refresh) the demo organisation, teams and accounts."""
    with request_context.acting_as(role="system"), transaction.atomic():
        organisation = Organisation.objects.filter(name=ORGANISATION_NAME).first()
        if organisation is None:
            organisation = account_services.create_organisation(
                actor=None, name=ORGANISATION_NAME, kind=Organisation.Kind.CHARITY
            )
        teams = []
        for name in TEAM_NAMES:
            team = Team.objects.filter(organisation=organisation, name=name).first()
            teams.append(
                team
                or account_services.create_team(actor=None, organisation=organisation, name=name)
            )
        accounts = []
        for account in DEMO_ACCOUNTS:
            user = _ensure_account(account)
            if account.team_index is not None:
                account_services.set_membership(
                    actor=None, user=user, team=teams[account.team_index], role=account.role
                )
            accounts.append((account, user))
        # The commissioner commissions both teams.
        commissioner = next(u for a, u in accounts if a.role == Role.COMMISSIONER)
        account_services.set_membership(
            actor=None, user=commissioner, team=teams[1], role=Role.COMMISSIONER
        )
        return DemoResult(teams=teams, accounts=accounts)
