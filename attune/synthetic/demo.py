"""The demo organisation: two teams, one account for each role, and synthetic families.

Idempotent: running it again resets the demo accounts' passwords and roles and
creates nothing twice. Families and referrals are added only the first time
(when the demo teams have none). Used by `attune demo` and the quick start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from attune.accounts import services as account_services
from attune.accounts.models import Organisation, Team, User
from attune.accounts.roles import Role
from attune.care import toolbox
from attune.care.models import InterventionOption
from attune.catalogue import services as catalogue_services
from attune.catalogue.models import Intervention
from attune.core import request_context
from attune.families.models import Family
from attune.measures.models import Administration
from attune.synthetic import generator
from attune.synthetic.groups import make_groups
from attune.synthetic.measures import make_measures
from attune.synthetic.outreach import make_outreach

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
# Synthetic families per demo team, drawn with a fixed seed. Dates are drawn back from the
# day the demo is loaded, so the waiting list, its age-out warnings and the triage queue
# look the same whichever day that is. With this seed Riverside North has 13 families
# waiting (3 close to their second birthday) and 4 referrals to triage. A test checks that
# shape; if a generator change breaks it, choose another seed that passes.
DEMO_FAMILIES_PER_TEAM = 40
DEMO_FAMILIES_SEED = 75


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


def _demo_run(teams: list[Team], today: date | None) -> generator.SyntheticRun:
    run = generator.start_run(
        seed=DEMO_FAMILIES_SEED,
        size=generator.SyntheticSize(families_per_team=DEMO_FAMILIES_PER_TEAM),
        show_progress=False,
        today=today,
    )
    run.teams = teams
    run.staff = generator.staff_from_memberships(teams)
    return run


# What the demo teams offer, from the evidence directory, and who is trained in what.
DEMO_TOOLBOX = (
    "parent-infant-psychotherapy",
    "video-interaction-guidance",
    "watch-wait-and-wonder",
    "circle-of-security-parenting",
    "mellow-programmes",
    "infant-massage",
    "cognitive-analytic-therapy",
    "emdr",
)
DEMO_TRAINING = (
    ("practitioner", "parent-infant-psychotherapy", "Parent-infant psychotherapist"),
    ("practitioner", "video-interaction-guidance", "Accredited guider"),
    ("colleague", "circle-of-security-parenting", "Registered facilitator"),
    ("south.practitioner", "parent-infant-psychotherapy", "In training"),
)


def _add_demo_toolbox(teams: list[Team], users: dict[str, User]) -> None:
    """Each demo team's toolbox from the directory, once, and a few training records."""
    manager = users["manager"]
    for team in teams:
        if InterventionOption.objects.filter(team=team, catalogue_entry__isnull=False).exists():
            continue
        for slug in DEMO_TOOLBOX:
            entry = Intervention.objects.filter(slug=slug).first()
            if entry is not None:
                toolbox.add_from_directory(actor=manager, team=team, entry=entry)
        for username, slug, level in DEMO_TRAINING:
            user, entry = users.get(username), Intervention.objects.filter(slug=slug).first()
            member = user is not None and user.memberships.filter(team=team).exists()
            if member and entry is not None:
                catalogue_services.record_training(
                    actor=manager,
                    team=team,
                    user=user,  # type: ignore[arg-type]
                    intervention=entry,
                    level=level,
                    trained_on=None,
                    expires_on=None,
                )


def _add_demo_families(teams: list[Team], today: date | None) -> None:
    """Families and referrals for the demo teams, once: never when they already have some."""
    if Family.objects.filter(team__in=teams).exists():
        # A demo database made before outcome measures existed gets them once.
        if not Administration.objects.filter(team__in=teams).exists():
            run = _demo_run(teams, today)
            make_measures(run)
            generator.record_run(run, purpose="demo measures")
        return
    run = _demo_run(teams, today)
    generator.make_families_and_referrals(run)
    generator.make_episodes(run)
    make_measures(run)
    make_groups(run)
    make_outreach(run)
    generator.record_run(run, purpose="demo")


def load_demo(*, today: date | None = None) -> DemoResult:
    """Create (or refresh) the demo organisation, teams and accounts, and the first time,
    the teams' families and referrals (dates drawn back from ``today``)."""
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
        _add_demo_families(teams, today)
        _add_demo_toolbox(teams, {a.username: u for a, u in accounts})
        return DemoResult(teams=teams, accounts=accounts)
