"""Reads for the referral list, the waiting list and a referrer's own referrals."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from attune.accounts.models import Membership, Team, User
from attune.accounts.roles import Role
from attune.families.codes import MemberRole
from attune.families.models import AgeRules, FamilyMember
from attune.families.selectors import BabyAge, baby_age
from attune.referrals.codes import TRIAGEABLE, Status, Urgency
from attune.referrals.models import Referral


def percentile(values: list[int], fraction: float) -> float | None:
    """Nearest-rank percentile (the value at or below which the share of waits falls)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return float(ordered[rank - 1])


def median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


URGENCY_RANK = Case(
    When(urgency=Urgency.URGENT, then=Value(0)),
    When(urgency=Urgency.SOON, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)

_BABIES = Prefetch(
    "family__members",
    queryset=FamilyMember.objects.filter(role=MemberRole.BABY).select_related("person"),
    to_attr="babies",
)


@dataclass(frozen=True)
class WaitingFamily:
    referral: Referral
    days_waiting: int
    babies: list[BabyAge]

    @property
    def age_out_soon(self) -> bool:
        return any(b.age_out_soon or b.aged_out for b in self.babies)


@dataclass(frozen=True)
class PractitionerLoad:
    user: User
    caseload: int


@dataclass(frozen=True)
class WaitingList:
    families: list[WaitingFamily]
    median_wait_days: float | None
    p90_wait_days: float | None
    practitioners: list[PractitionerLoad]


def waiting_list(team: Team, rules: AgeRules, today: date) -> WaitingList:
    """Accepted families in order (priority, then longest wait), with ages and wait figures."""
    referrals = list(
        Referral.objects.for_team(team)
        .waiting()
        .select_related("family")
        .prefetch_related(_BABIES)
        .order_by("priority", "received_on", "id")
    )
    families = [
        WaitingFamily(
            referral=r,
            days_waiting=(today - r.received_on).days,
            babies=[baby_age(m.person, rules, today) for m in r.family.babies],  # type: ignore[attr-defined]
        )
        for r in referrals
    ]
    waits = [f.days_waiting for f in families]
    return WaitingList(
        families=families,
        median_wait_days=median(waits),
        p90_wait_days=percentile(waits, 0.9),
        practitioners=practitioner_loads(team),
    )


def practitioner_loads(team: Team) -> list[PractitionerLoad]:
    """Everyone who can hold a caseload (practitioners, supervisors, managers), with a count."""
    memberships = (
        Membership.objects.active()
        .filter(team=team, role__in=[Role.PRACTITIONER, Role.SUPERVISOR, Role.MANAGER])
        .select_related("user")
        .annotate(
            caseload=Count(
                "user__allocated_referrals",
                filter=Q(
                    user__allocated_referrals__team=team,
                    user__allocated_referrals__status=Status.ALLOCATED,
                ),
            )
        )
        .order_by("user__last_name", "user__first_name")
    )
    return [PractitionerLoad(m.user, m.caseload) for m in memberships]


def triage_queue(team: Team) -> QuerySet[Referral]:
    return (
        Referral.objects.for_team(team)
        .filter(status__in=TRIAGEABLE)
        .select_related("family")
        .annotate(urgency_rank=URGENCY_RANK)
        .order_by("urgency_rank", "received_on", "id")
    )


def recent_referrals(team: Team) -> QuerySet[Referral]:
    return (
        Referral.objects.for_team(team)
        .select_related("family", "allocated_to")
        .order_by("-received_on", "-id")
    )


def referrer_referrals(team: Team, user: User) -> QuerySet[Referral]:
    return Referral.objects.for_team(team).submitted_by(user).order_by("-received_on", "-id")
