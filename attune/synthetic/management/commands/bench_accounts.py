"""Sign-ins for the benchmark's load (bench/run): known second factors for synthetic staff.

For the chosen teams it picks practitioners with open episodes on their caseload and the
team managers, and one commissioner of its own who commissions every synthetic team. Each
gets a fresh confirmed authenticator with a random key, and the list (usernames, passwords,
keys and ids of records each may open) is written as JSON for the load generator.

Attune refuses a code from a time step already used, with no tolerance window, so each
load user signs in once with an account of its own; running the command again gives every
account a new authenticator, so the next load run can sign in again straight away.

It only ever works on a synthetic database: it refuses unless a synthetic run with this
seed is recorded, and touches only that run's accounts (usernames ``s<seed>.``) and its
own commissioner. The number of queries grows with the accounts, never with the families.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from itertools import chain, zip_longest
from pathlib import Path
from typing import Any

from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from attune.accounts.models import Membership, Team, User
from attune.accounts.roles import Role
from attune.audit.models import AuditEvent
from attune.audit.services import record
from attune.care.models import Episode
from attune.core import request_context
from attune.families.models import Family

COMMISSIONER_NAME = "bench.commissioner"


@dataclass
class Account:
    username: str
    password: str
    role: str
    team_id: int | None
    user_id: int
    family_ids: list[int] = field(default_factory=list)
    episode_ids: list[int] = field(default_factory=list)
    totp_key_hex: str = ""

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["user_id"]  # only the username signs in
        return data


class Command(BaseCommand):
    help = (
        "Give synthetic practitioners, managers and a commissioner known authenticators "
        "and write their sign-ins as JSON, for the benchmark's load (bench/run)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, required=True, help="the synthetic run's seed")
        parser.add_argument("--output", type=Path, required=True, help="where to write the JSON")
        parser.add_argument("--teams", type=int, default=1, help="how many teams to draw from")
        parser.add_argument("--practitioners-per-team", type=int, default=10)
        parser.add_argument("--managers-per-team", type=int, default=1)
        parser.add_argument(
            "--ids-per-account",
            type=int,
            default=20,
            help="how many families and episodes to list for each account",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed = options["seed"]
        if not AuditEvent.objects.filter(action="synthetic.generated", details__seed=seed).exists():
            raise CommandError(
                f"No synthetic run with seed {seed} in this database: bench_accounts only "
                "prepares synthetic accounts (run 'attune synth' first)."
            )
        prefix = f"s{seed}."
        teams = synthetic_teams(prefix)
        if not teams:
            raise CommandError(f"The synthetic run with seed {seed} has no teams.")
        chosen = teams[: max(1, options["teams"])]
        limit = options["ids_per_account"]
        with request_context.acting_as(role="system"), transaction.atomic():
            practitioners = [
                practitioner_accounts(team, prefix, seed, options["practitioners_per_team"], limit)
                for team in chosen
            ]
            managers = [
                manager_accounts(team, prefix, seed, options["managers_per_team"], limit)
                for team in chosen
            ]
            accounts = [*round_robin(practitioners), *round_robin(managers)]
            accounts.append(commissioner_account(prefix, seed, teams))
            give_authenticators(accounts)
            record(
                "synthetic.bench_accounts_prepared",
                actor=None,
                details={"seed": seed, "accounts": len(accounts), "teams": len(chosen)},
            )
        for account in accounts:
            # A failed sign-in in an earlier run must not lock this one out.
            reset_lockouts(username=account.username)
        output: Path = options["output"]
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps([a.as_json() for a in accounts], indent=1))
        output.chmod(0o600)
        counts = {role: sum(a.role == role for a in accounts) for role in Role.values}
        summary = ", ".join(f"{n} {role}" for role, n in counts.items() if n)
        self.stdout.write(f"Wrote {len(accounts)} sign-ins ({summary}) to {output}")


def synthetic_teams(prefix: str) -> list[Team]:
    """Every team where the run's own staff (not the benchmark commissioner) work."""
    staff = Membership.objects.filter(user__username__startswith=prefix).exclude(
        user__username=prefix + COMMISSIONER_NAME
    )
    return list(Team.objects.filter(Exists(staff.filter(team=OuterRef("pk")))).order_by("pk"))


def round_robin(groups: Sequence[Sequence[Account]]) -> list[Account]:
    """One from each team in turn, so the first few accounts already span several teams."""
    return [a for a in chain.from_iterable(zip_longest(*groups)) if a is not None]


def _members(team: Team, prefix: str, role: str) -> Any:
    return (
        Membership.objects.active()
        .filter(team=team, role=role, user__username__startswith=prefix)
        .order_by("user_id")
    )


def practitioner_accounts(
    team: Team, prefix: str, seed: int, count: int, limit: int
) -> list[Account]:
    """Practitioners with open episodes, each with their own caseload's records."""
    open_episodes = Episode.objects.for_team(team).open()
    works_on = open_episodes.filter(
        Q(lead_practitioner=OuterRef("user_id")) | Q(practitioners=OuterRef("user_id"))
    )
    members = _members(team, prefix, Role.PRACTITIONER).filter(Exists(works_on))
    accounts = []
    for user_id, username in members.values_list("user_id", "user__username")[:count]:
        own = open_episodes.worked_by(user_id).order_by("id").values_list("id", "family_id")
        rows = list(own[:limit])
        accounts.append(
            Account(
                username=username,
                password=f"synthetic-{seed}",
                role=Role.PRACTITIONER,
                team_id=team.pk,
                user_id=user_id,
                episode_ids=[episode for episode, _ in rows],
                family_ids=list(dict.fromkeys(family for _, family in rows)),
            )
        )
    return accounts


def manager_accounts(team: Team, prefix: str, seed: int, count: int, limit: int) -> list[Account]:
    """Team managers, each with records from across their team (open work first)."""
    members = _members(team, prefix, Role.MANAGER)
    episodes = list(
        Episode.objects.for_team(team).open().order_by("id").values_list("id", flat=True)[:limit]
    )
    families = list(
        Family.objects.filter(team=team).order_by("id").values_list("id", flat=True)[:limit]
    )
    return [
        Account(
            username=username,
            password=f"synthetic-{seed}",
            role=Role.MANAGER,
            team_id=team.pk,
            user_id=user_id,
            episode_ids=episodes,
            family_ids=families,
        )
        for user_id, username in members.values_list("user_id", "user__username")[:count]
    ]


def commissioner_account(prefix: str, seed: int, teams: Iterable[Team]) -> Account:
    """The benchmark's own commissioner, commissioning every synthetic team (made once)."""
    password = f"synthetic-{seed}"
    user, _ = User.objects.get_or_create(
        username=prefix + COMMISSIONER_NAME,
        defaults={"first_name": "Benchmark", "last_name": "Commissioner"},
    )
    if not user.check_password(password):  # hashing is slow: only when it changed
        user.set_password(password)
        user.save(update_fields=["password"])
    team_ids = [team.pk for team in teams]
    mine = Membership.objects.filter(user=user)
    mine.exclude(team_id__in=team_ids).update(is_active=False)
    mine.filter(team_id__in=team_ids).update(role=Role.COMMISSIONER, is_active=True)
    have = set(mine.values_list("team_id", flat=True))
    Membership.objects.bulk_create(
        Membership(user=user, team_id=pk, role=Role.COMMISSIONER)
        for pk in team_ids
        if pk not in have
    )
    return Account(
        username=user.username,
        password=password,
        role=Role.COMMISSIONER,
        team_id=None,
        user_id=user.pk,
    )


def give_authenticators(accounts: Sequence[Account]) -> None:
    """A new confirmed authenticator for each account, replacing any it had."""
    user_ids = [account.user_id for account in accounts]
    TOTPDevice.objects.filter(user_id__in=user_ids).delete()
    devices = []
    for account in accounts:
        account.totp_key_hex = secrets.token_hex(20)
        devices.append(
            TOTPDevice(
                user_id=account.user_id,
                name="benchmark",
                key=account.totp_key_hex,
                confirmed=True,
                # As Attune sets up every authenticator: 30-second steps, 6 digits, no window.
                step=30,
                digits=6,
                t0=0,
                tolerance=settings.ATTUNE_TOTP_TOLERANCE,
            )
        )
    TOTPDevice.objects.bulk_create(devices)
