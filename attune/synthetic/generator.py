"""Synthetic data at any size, for load tests, benchmarks and the demo.

Deterministic for a seed and a "today": the same arguments always give the same
rows. Rows are built in memory and written with bulk_create in batches, with a
progress bar. Later issues add episodes and measures as further steps in
``STEPS``; each step takes the shared ``SyntheticRun``.

Synthetic rows deliberately bypass the domain services (``submit_referral``,
``triage``, ``allocate``): those write an audit event per row and would take
hours at scale. A run instead records one ``synthetic.generated`` event.
"""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import connection, connections, models, transaction
from django.utils import timezone
from faker import Faker
from tqdm import tqdm

from attune.accounts.models import Membership, Organisation, Team, User
from attune.accounts.roles import Role
from attune.audit.services import record
from attune.core import request_context
from attune.families.models import CareRelationship, Family, FamilyMember, Person
from attune.referrals.models import Referral, StressorAnswer, TriageDecision
from attune.synthetic.copy_rows import can_copy, copy_rows, give_keys
from attune.synthetic.episodes import make_episodes
from attune.synthetic.groups import make_groups
from attune.synthetic.households import Household, build_household
from attune.synthetic.measures import make_measures
from attune.synthetic.outreach import make_outreach
from attune.synthetic.referral_history import InScope, ReferralRows, TeamStaff, build_referrals
from attune.synthetic.volumes import FULL_CAPACITY, TODAY, Volumes

BATCH_SIZE = 2000
# Families are built and written this many at a time, so memory stays flat at any size.
FAMILY_CHUNK = 1000

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
    families_per_team: int = 40
    volumes: Volumes = TODAY


# A team resourced for everyone who needs it sees about 2,200 families a year (110,000
# across 50 teams, the national need estimate in docs/performance.md); about 48
# practitioners hold that at 20-25 open families each. "small" is one such team, so
# per-team pages can be compared like for like with the national dataset.
FULL_TEAM = SyntheticSize(
    organisations=1,
    teams_per_organisation=1,
    staff_scale=8,
    families_per_team=2200,
    volumes=FULL_CAPACITY,
)
PRESETS: dict[str, SyntheticSize] = {
    "small": FULL_TEAM,
    "national": replace(FULL_TEAM, organisations=10, teams_per_organisation=5),
}


@dataclass
class SyntheticRun:
    seed: int
    size: SyntheticSize
    rng: random.Random
    faker: Faker
    # Every date is drawn back from here; pass a fixed day for repeatable rows.
    today: date
    show_progress: bool = True
    organisations: list[Organisation] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    # Team pk -> role -> that team's staff in that role, in the order they were made.
    staff: dict[int, dict[str, list[User]]] = field(default_factory=dict)
    nhs_numbers: set[str] = field(default_factory=set)
    # (slot, slots): this run draws NHS numbers only from its own share of the test range,
    # so team runs made in parallel never give two people the same number.
    nhs_slot: tuple[int, int] = (0, 1)
    # Dice for NHS numbers only (None: the main dice). Team runs keep them apart, so
    # the slot's size never shifts the rest of a team's rows.
    nhs_rng: random.Random | None = None
    counts: Counter[str] = field(default_factory=Counter)


def start_run(
    *, seed: int, size: SyntheticSize, show_progress: bool = True, today: date | None = None
) -> SyntheticRun:
    faker = Faker("en_GB")
    faker.seed_instance(seed)
    return SyntheticRun(
        seed=seed,
        size=size,
        rng=random.Random(seed),
        faker=faker,
        today=today or timezone.localdate(),
        show_progress=show_progress,
    )


def bulk_insert[ModelT: models.Model](
    run: SyntheticRun, model: type[ModelT], rows: list[ModelT], label: str, *, bar: bool = True
) -> list[ModelT]:
    """Write rows in batches, with a progress bar counting rows (unless bar is False)."""
    saved: list[ModelT] = []
    show = run.show_progress and bar
    with tqdm(total=len(rows), desc=label, unit=" rows", disable=not show) as progress:
        if can_copy():
            give_keys(model, rows)  # one query for the lot, before any batch is written
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            if can_copy():
                copy_rows(model, batch)
                saved.extend(batch)
            else:
                saved.extend(model._default_manager.bulk_create(batch))
            progress.update(len(batch))
    run.counts[label] += len(saved)
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
    for membership in bulk_insert(run, Membership, memberships, "memberships"):
        run.staff.setdefault(membership.team.pk, {}).setdefault(membership.role, []).append(
            membership.user
        )


def staff_from_memberships(teams: list[Team]) -> dict[int, dict[str, list[User]]]:
    """The same shape as ``SyntheticRun.staff``, read from the database (for the demo)."""
    staff: dict[int, dict[str, list[User]]] = {}
    memberships = (
        Membership.objects.active()
        .filter(team__in=teams)
        .select_related("user", "team")
        .order_by("user_id")
    )
    for membership in memberships:
        staff.setdefault(membership.team.pk, {}).setdefault(membership.role, []).append(
            membership.user
        )
    return staff


@dataclass
class FamilyRows:
    """A chunk of families and everything hanging off them, waiting to be inserted."""

    families: list[Family] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    members: list[FamilyMember] = field(default_factory=list)
    links: list[CareRelationship] = field(default_factory=list)
    referrals: ReferralRows = field(default_factory=ReferralRows)

    def add(self, household: Household, referrals: ReferralRows) -> None:
        self.families.append(household.family)
        self.people.extend(household.people)
        self.members.extend(household.members)
        self.links.extend(household.links)
        for name in ("referrals", "in_scope", "stressors", "decisions"):
            getattr(self.referrals, name).extend(getattr(referrals, name))


def insert_family_rows(run: SyntheticRun, rows: FamilyRows) -> None:
    """Parents before children: bulk_create fills in each row's key for the rows after it."""
    bulk_insert(run, Family, rows.families, "families", bar=False)
    bulk_insert(run, Person, rows.people, "people", bar=False)
    bulk_insert(run, FamilyMember, rows.members, "family members", bar=False)
    bulk_insert(run, CareRelationship, rows.links, "care relationships", bar=False)
    bulk_insert(run, Referral, rows.referrals.referrals, "referrals", bar=False)
    bulk_insert(run, InScope, rows.referrals.in_scope, "people in scope", bar=False)
    bulk_insert(run, StressorAnswer, rows.referrals.stressors, "stressor answers", bar=False)
    bulk_insert(run, TriageDecision, rows.referrals.decisions, "triage decisions", bar=False)


def chunk_sizes(total: int, chunk: int) -> Iterator[int]:
    for start in range(0, total, chunk):
        yield min(chunk, total - start)


def make_families_and_referrals(run: SyntheticRun) -> None:
    """Each team's families with their people, referrals, stressors and triage.

    Rows are built in memory a chunk at a time and bulk inserted; the domain
    services are not called (see the module docstring).
    """
    per_team = run.size.families_per_team
    total = per_team * len(run.teams)
    disable = not run.show_progress
    with tqdm(total=total, desc="families", unit=" families", disable=disable) as progress:
        for team in run.teams:
            staff = TeamStaff.from_roles(team, run.staff.get(team.pk, {}))
            for size in chunk_sizes(per_team, FAMILY_CHUNK):
                rows = FamilyRows()
                for _ in range(size):
                    household = build_household(run, team)
                    rows.add(household, build_referrals(run, staff, household))
                insert_family_rows(run, rows)
                progress.update(size)


# Steps for the whole run, then steps each team's own run takes (see ``team_run``).
SHARED_STEPS: list[Callable[[SyntheticRun], None]] = [make_organisations, make_teams, make_staff]
TEAM_STEPS: list[Callable[[SyntheticRun], None]] = [
    make_families_and_referrals,
    make_episodes,
    make_measures,
    make_groups,
    make_outreach,
]
STEPS = SHARED_STEPS + TEAM_STEPS


def team_run(run: SyntheticRun, index: int) -> SyntheticRun:
    """A run for one team of ``run``, with its own seeded dice.

    Each team's rows depend only on the seed and the team's position, so teams can be
    built in any order, or side by side in worker processes, and give the same rows.
    """
    team = run.teams[index]
    team_seed = f"{run.seed}/team/{index}"
    faker = Faker("en_GB")
    faker.seed_instance(team_seed)
    return SyntheticRun(
        seed=run.seed,
        size=run.size,
        rng=random.Random(team_seed),
        faker=faker,
        today=run.today,
        show_progress=False,
        organisations=run.organisations,
        teams=[team],
        staff={team.pk: run.staff.get(team.pk, {})},
        nhs_slot=(index, len(run.teams)),
        nhs_rng=random.Random(f"{team_seed}/nhs"),
    )


def build_team(run: SyntheticRun, index: int) -> Counter[str]:
    """Every per-team step for one team; returns the rows written, by label."""
    one = team_run(run, index)
    for step in TEAM_STEPS:
        step(one)
    return one.counts


def record_run(run: SyntheticRun, **details: object) -> None:
    """The one audit event for a whole synthetic run, with its seed and counts."""
    record(
        "synthetic.generated",
        actor=None,
        details={
            "seed": run.seed,
            "today": run.today.isoformat(),
            **details,
            **{label.replace(" ", "_"): count for label, count in sorted(run.counts.items())},
        },
    )


def generate(
    *,
    seed: int,
    size: SyntheticSize,
    show_progress: bool = True,
    today: date | None = None,
    workers: int = 1,
) -> SyntheticRun:
    """Build a synthetic dataset.

    With one worker (the default) everything is one transaction: all or nothing. With
    more, on PostgreSQL, each team is built in its own transaction in a worker
    process; the ``synthetic.generated`` event is written last, so a dataset without
    it is incomplete (``attune synth --describe`` tells).
    """
    run = start_run(seed=seed, size=size, show_progress=show_progress, today=today)
    parallel = workers > 1 and can_copy() and len(size_teams(size)) > 1
    with request_context.acting_as(role="system"):
        with transaction.atomic():
            for step in SHARED_STEPS:
                step(run)
            if not parallel:
                build_teams_here(run)
                refresh_planner_statistics()
                record_run(run, users=len(run.users), **size_details(size))
                return run
        build_teams_in_workers(run, workers)
        refresh_planner_statistics()
        record_run(run, users=len(run.users), **size_details(size))
    return run


def refresh_planner_statistics() -> None:
    """ANALYZE after a bulk load, as pg_restore advises: until autovacuum gets round to
    it, PostgreSQL plans the new millions of rows as if the tables were empty (the
    national report ran nested loops over 1.5 million contacts estimated at 20)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def size_details(size: SyntheticSize) -> dict[str, object]:
    """What the run was asked for, kept in its audit event (the benchmark reuses by it)."""
    return {
        "organisations_asked": size.organisations,
        "teams_per_organisation": size.teams_per_organisation,
        "staff_scale": size.staff_scale,
        "families_per_team": size.families_per_team,
        "volumes": size.volumes.name,
    }


def size_teams(size: SyntheticSize) -> range:
    return range(size.organisations * size.teams_per_organisation)


def _team_bar(run: SyntheticRun) -> tqdm:
    total = len(run.teams) * run.size.families_per_team
    return tqdm(total=total, desc="families", unit=" families", disable=not run.show_progress)


def build_teams_here(run: SyntheticRun) -> None:
    with _team_bar(run) as progress:
        for index in range(len(run.teams)):
            run.counts.update(build_team(run, index))
            progress.update(run.size.families_per_team)


# The run being built, for worker processes (they are forked from the parent, so they see
# it without pickling Django objects).
_PARENT_RUN: SyntheticRun | None = None


def _build_team_in_worker(index: int) -> Counter[str]:
    assert _PARENT_RUN is not None
    with request_context.acting_as(role="system"), transaction.atomic():
        skip_reference_checks()
        return build_team(_PARENT_RUN, index)


def skip_reference_checks() -> None:
    """Bulk loading: leave out the per-row foreign key checks, where the account may.

    Each synthetic row fires a foreign key trigger per reference, and checking them
    took a third of the database's work in a national build. As pg_restore's
    --disable-triggers does, a superuser can switch them off for the transaction; the
    same code runs with every check on in the tests (test_synthetic_presets), and
    ``attune synth --check`` verifies a finished dataset. Without the privilege, the
    checks simply stay on.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def build_teams_in_workers(run: SyntheticRun, workers: int) -> None:
    """Each team in its own transaction, ``workers`` at a time, in forked processes."""
    global _PARENT_RUN
    _PARENT_RUN = run
    # A forked child must open its own connection, never share the parent's socket.
    connections.close_all()
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool, _team_bar(run) as progress:
            for counts in pool.imap_unordered(_build_team_in_worker, range(len(run.teams))):
                run.counts.update(counts)
                progress.update(run.size.families_per_team)
    finally:
        _PARENT_RUN = None
