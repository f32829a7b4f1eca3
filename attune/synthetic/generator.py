"""Synthetic data at any size, for load tests and benchmarks.

Deterministic for a seed: the same arguments always give the same rows. Rows
are built in memory and written with bulk_create in batches, with a progress
bar. Later issues add families, referrals, episodes and measures as further
steps in ``STEPS``; each step takes the shared ``SyntheticRun``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from faker import Faker
from tqdm import tqdm

from attune.accounts.models import Membership, Organisation, Team, User
from attune.accounts.roles import Role
from attune.audit.services import record
from attune.core import request_context

BATCH_SIZE = 2000

# A typical team's staff mix (practitioners dominate; one manager, one or two admins).
STAFF_MIX: Sequence[tuple[str, int]] = (
    (Role.PRACTITIONER, 6),
    (Role.SUPERVISOR, 1),
    (Role.MANAGER, 1),
    (Role.ADMINISTRATOR, 2),
    (Role.REFERRER, 4),
)


@dataclass(frozen=True)
class SyntheticSize:
    organisations: int = 1
    teams_per_organisation: int = 2
    staff_scale: int = 1


@dataclass
class SyntheticRun:
    seed: int
    size: SyntheticSize
    rng: random.Random
    faker: Faker
    show_progress: bool = True
    organisations: list[Organisation] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    users: list[User] = field(default_factory=list)


def bulk_insert[ModelT: models.Model](
    run: SyntheticRun, model: type[ModelT], rows: list[ModelT], label: str
) -> list[ModelT]:
    """Write rows in batches, with a progress bar counting rows."""
    saved: list[ModelT] = []
    with tqdm(total=len(rows), desc=label, unit=" rows", disable=not run.show_progress) as bar:
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            saved.extend(model._default_manager.bulk_create(batch))
            bar.update(len(batch))
    return saved


def make_organisations(run: SyntheticRun) -> None:
    kinds = [Organisation.Kind.NHS_TRUST, Organisation.Kind.CHARITY]
    prefix = f"Synthetic {run.seed}"
    rows = [
        Organisation(
            name=f"{prefix} {run.faker.unique.city()} Parent-Infant Service",
            kind=run.rng.choice(kinds),
        )
        for _ in range(run.size.organisations)
    ]
    run.organisations = bulk_insert(run, Organisation, rows, "organisations")


def make_teams(run: SyntheticRun) -> None:
    rows = [
        Team(organisation=organisation, name=f"{run.faker.unique.city()} PIP")
        for organisation in run.organisations
        for _ in range(run.size.teams_per_organisation)
    ]
    run.teams = bulk_insert(run, Team, rows, "teams")


def make_staff(run: SyntheticRun) -> None:
    # One shared hash: synthetic accounts are for load tests, never for real people.
    password = make_password(f"synthetic-{run.seed}")
    users: list[User] = []
    roles: list[tuple[int, str]] = []
    for team_index, _team in enumerate(run.teams):
        for role, count in STAFF_MIX:
            for _ in range(count * run.size.staff_scale):
                first, last = run.faker.first_name(), run.faker.last_name()
                username = f"s{run.seed}.{first}.{last}.{len(users)}".lower()
                users.append(
                    User(username=username, first_name=first, last_name=last, password=password)
                )
                roles.append((team_index, role))
    run.users = bulk_insert(run, User, users, "staff accounts")
    memberships = [
        Membership(user=user, team=run.teams[team_index], role=role)
        for user, (team_index, role) in zip(run.users, roles, strict=True)
    ]
    bulk_insert(run, Membership, memberships, "memberships")


STEPS: list[Callable[[SyntheticRun], None]] = [make_organisations, make_teams, make_staff]


def generate(*, seed: int, size: SyntheticSize, show_progress: bool = True) -> SyntheticRun:
    """Build a synthetic dataset in one transaction (all or nothing)."""
    faker = Faker("en_GB")
    faker.seed_instance(seed)
    run = SyntheticRun(
        seed=seed, size=size, rng=random.Random(seed), faker=faker, show_progress=show_progress
    )
    with request_context.acting_as(role="system"), transaction.atomic():
        for step in STEPS:
            step(run)
        record(
            "synthetic.generated",
            actor=None,
            details={
                "seed": seed,
                "organisations": size.organisations,
                "teams": len(run.teams),
                "users": len(run.users),
            },
        )
    return run
