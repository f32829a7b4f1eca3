"""Synthetic families and referrals: repeatable, plausible, consistent, and written in bulk."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attune.accounts.models import Membership
from attune.accounts.roles import Role
from attune.audit.models import AuditEvent
from attune.core import nhs_number
from attune.families.codes import FATHER_OR_PARTNER_KINDS, CarerKind, MemberRole
from attune.families.models import CareRelationship, Family, Person
from attune.families.services import age_rules_for
from attune.referrals import selectors
from attune.referrals.codes import Decision, Status, StressorDomain
from attune.referrals.models import Referral, StressorAnswer, TriageDecision
from attune.synthetic.demo import DEMO_FAMILIES_PER_TEAM, load_demo
from attune.synthetic.generator import SyntheticRun, SyntheticSize, generate

pytestmark = pytest.mark.django_db

FIXED_DAY = date(2026, 3, 2)


def make(seed: int = 7, families: int = 30, teams: int = 1) -> SyntheticRun:
    size = SyntheticSize(organisations=1, teams_per_organisation=teams, families_per_team=families)
    return generate(seed=seed, size=size, show_progress=False, today=FIXED_DAY)


def snapshot(run: SyntheticRun) -> dict[str, list[Any]]:
    people = Person.objects.filter(team__in=run.teams).order_by("pk")
    referrals = Referral.objects.filter(team__in=run.teams).order_by("pk")
    return {
        "people": list(
            people.values_list("given_name", "family_name", "nhs_number", "date_of_birth")
        ),
        "families": list(Family.objects.filter(team__in=run.teams).order_by("pk").values("name")),
        "referrals": list(
            referrals.values_list("status", "received_on", "submission_key", "referrer_role")
        ),
        "stressors": list(
            StressorAnswer.objects.filter(referral__team__in=run.teams)
            .order_by("pk")
            .values_list("domain", "status")
        ),
    }


def snapshot_then_roll_back(seed: int) -> dict[str, list[Any]]:
    with transaction.atomic():
        taken = snapshot(make(seed=seed))
        transaction.set_rollback(True)
    return taken


def babies(run: SyntheticRun) -> list[Person]:
    return list(Person.objects.filter(team__in=run.teams, memberships__role=MemberRole.BABY))


def test_the_same_seed_and_day_give_the_same_families_and_referrals() -> None:
    first = snapshot_then_roll_back(seed=7)
    second = snapshot_then_roll_back(seed=7)
    other = snapshot_then_roll_back(seed=8)
    assert first["people"]
    assert first == second
    assert first["people"] != other["people"]


def test_counts_follow_the_arguments() -> None:
    run = make(families=12, teams=3)
    per_team = Counter(Family.objects.filter(team__in=run.teams).values_list("team", flat=True))
    assert sorted(per_team.values()) == [12, 12, 12]
    families = Family.objects.filter(team__in=run.teams).annotate(
        babies=Count("members", filter=Q(members__role=MemberRole.BABY), distinct=True),
        referral_count=Count("referrals", distinct=True),
    )
    for family in families:
        assert family.babies == 1  # type: ignore[attr-defined]
        assert 1 <= family.referral_count <= 2  # type: ignore[attr-defined]
    assert run.counts["families"] == 36
    assert run.counts["referrals"] == Referral.objects.filter(team__in=run.teams).count()


def test_every_nhs_number_is_valid_from_the_test_range_and_used_once() -> None:
    run = make(families=60)
    numbers = list(
        Person.objects.filter(team__in=run.teams)
        .exclude(nhs_number="")
        .values_list("nhs_number", flat=True)
    )
    assert numbers
    assert all(nhs_number.is_valid(n) and n.startswith("999") for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_unborn_babies_have_a_due_date_and_no_birth_date_or_nhs_number() -> None:
    run = make(families=80)
    unborn = [b for b in babies(run) if b.date_of_birth is None]
    assert unborn, "80 families should include some pregnancies"
    for baby in unborn:
        assert baby.due_date is not None
        assert FIXED_DAY <= baby.due_date <= FIXED_DAY + timedelta(weeks=20)
        assert baby.nhs_number == ""
    for baby in babies(run):
        if baby.date_of_birth is not None:
            assert FIXED_DAY - timedelta(days=731) < baby.date_of_birth <= FIXED_DAY
            assert nhs_number.is_valid(baby.nhs_number)


def test_fathers_or_partners_are_involved_in_a_plausible_share_of_families() -> None:
    run = make(families=200)
    families = Family.objects.filter(team__in=run.teams)
    with_father_or_partner = (
        families.filter(care_relationships__kind__in=FATHER_OR_PARTNER_KINDS).distinct().count()
    )
    with_mother = (
        families.filter(care_relationships__kind=CarerKind.BIRTH_MOTHER).distinct().count()
    )
    assert 0.4 <= with_father_or_partner / 200 <= 0.7
    assert with_mother / 200 >= 0.9


def test_birth_parents_have_parental_responsibility() -> None:
    run = make(families=60)
    links = CareRelationship.objects.filter(family__team__in=run.teams)
    for link in links:
        birth_parent = link.kind in {CarerKind.BIRTH_MOTHER, CarerKind.BIRTH_FATHER}
        assert link.has_parental_responsibility == birth_parent


def test_every_referral_has_one_stressor_answer_for_each_domain() -> None:
    run = make(families=40)
    referrals = Referral.objects.filter(team__in=run.teams).annotate(
        answers=Count("stressors"), domains=Count("stressors__domain", distinct=True)
    )
    assert referrals.exists()
    for referral in referrals:
        assert referral.answers == referral.domains == len(StressorDomain)  # type: ignore[attr-defined]


def test_referrals_are_consistent_with_their_triage_and_their_team() -> None:
    run = make(families=120, teams=2)
    referrals = Referral.objects.filter(team__in=run.teams).select_related("submitted_by")
    statuses = Counter(r.status for r in referrals)
    assert statuses[Status.ALLOCATED] and statuses[Status.WAITING] and statuses[Status.RECEIVED]
    for referral in referrals:
        assert FIXED_DAY - timedelta(days=366) <= referral.received_on <= FIXED_DAY
        submitter_role = Membership.objects.get(user=referral.submitted_by, team=referral.team)
        assert submitter_role.role in {Role.REFERRER, Role.ADMINISTRATOR}
        decisions = list(TriageDecision.objects.filter(referral=referral))
        if referral.status == Status.RECEIVED:
            assert decisions == []
        if referral.status in {Status.WAITING, Status.ALLOCATED}:
            assert [d.decision for d in decisions] == [Decision.ACCEPT]
            assert referral.priority is not None and referral.accepted_on is not None
            assert referral.received_on <= referral.accepted_on <= FIXED_DAY
        if referral.status == Status.ALLOCATED:
            assert referral.accepted_on and referral.allocated_on
            assert referral.accepted_on <= referral.allocated_on <= FIXED_DAY
            assert Membership.objects.filter(
                user=referral.allocated_to, team=referral.team, role=Role.PRACTITIONER
            ).exists()
        else:
            assert referral.allocated_to is None


def test_generation_writes_in_bulk_so_queries_do_not_grow_with_families() -> None:
    def queries_for(seed: int, families: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            make(seed=seed, families=families)
        return len(captured)

    # Enough families in both runs that every kind of row (end questionnaires too) occurs.
    few, many = queries_for(31, 60), queries_for(32, 150)
    assert many == few
    # A handful of bulk inserts per step; what matters is that it does not grow with families.
    # On PostgreSQL each table also reserves its keys in one query before COPY.
    assert many < (140 if connection.vendor == "postgresql" else 70)


def test_a_run_writes_one_audit_event_not_one_per_row() -> None:
    last_before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    run = make(families=25)
    events = list(AuditEvent.objects.filter(id__gt=last_before))
    assert [e.action for e in events] == ["synthetic.generated"]
    assert events[0].details["families"] == 25
    assert events[0].details["referrals"] == run.counts["referrals"]


def test_the_command_takes_the_number_of_families() -> None:
    call_command(
        "synth",
        "--seed=41",
        "--organisations=1",
        "--teams-per-organisation=1",
        "--families-per-team=3",
        "--today=2026-03-02",
        "--no-progress",
    )
    assert Family.objects.count() == 3


def test_loading_the_demo_twice_adds_families_only_once() -> None:
    load_demo(today=FIXED_DAY)
    families, referrals = Family.objects.count(), Referral.objects.count()
    load_demo(today=FIXED_DAY)
    assert families == 2 * DEMO_FAMILIES_PER_TEAM
    assert (Family.objects.count(), Referral.objects.count()) == (families, referrals)


@pytest.mark.parametrize("today", [FIXED_DAY, date(2026, 12, 31), date(2027, 6, 15), None])
def test_the_demo_shows_a_waiting_list_with_age_out_warnings_and_a_triage_queue(
    today: date | None,
) -> None:
    result = load_demo(today=today)
    day = today or timezone.localdate()
    north, south = result.teams
    waiting = selectors.waiting_list(north, age_rules_for(north), day)
    assert len(waiting.families) >= 5
    assert sum(f.age_out_soon for f in waiting.families) >= 2
    assert selectors.triage_queue(north).count() >= 3
    assert selectors.triage_queue(south).count() >= 2
    allocated_to = {
        team.name: set(
            Referral.objects.filter(team=team, status=Status.ALLOCATED).values_list(
                "allocated_to__username", flat=True
            )
        )
        for team in result.teams
    }
    assert allocated_to == {
        north.name: {"practitioner", "colleague"},
        south.name: {"south.practitioner"},
    }
