"""Reads for the engagement, assessment, care package and ending pages, in fixed query counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from attune.accounts.models import Team
from attune.care.codes import Attendance, Stage
from attune.care.models import (
    Assessment,
    CarePackageItem,
    EngagementAttempt,
    Episode,
    Goal,
    InterventionOption,
    OnwardReferral,
    PackageRecommendation,
    PackageReview,
    StageChange,
)
from attune.families.codes import MemberRole
from attune.families.models import Person


def engagement_attempts(episode: Episode) -> list[EngagementAttempt]:
    """Every attempt to reach the family, oldest first, with who recorded it."""
    return list(episode.engagement_attempts.select_related("recorded_by"))


def assessment_of(episode: Episode) -> Assessment | None:
    """The episode's assessment with its domain notes, or None before the first save."""
    return Assessment.objects.filter(episode=episode).prefetch_related("domains").first()


def goals_of(episode: Episode) -> list[Goal]:
    """The goals agreed with the family, in the order they were agreed."""
    return list(Goal.objects.filter(episode=episode).select_related("person"))


def family_people(episode: Episode) -> list[Person]:
    """Babies and carers of the episode's family, for naming whose goal it is."""
    return [
        member.person
        for member in episode.family.members.filter(
            role__in=[MemberRole.BABY, MemberRole.CARER]
        ).select_related("person")
    ]


@dataclass(frozen=True)
class PackagePage:
    items: list[CarePackageItem]
    reviews: list[PackageReview]
    onward: list[OnwardReferral]
    recommendations: list[PackageRecommendation]


def package_items(episode: Episode) -> list[CarePackageItem]:
    """The planned interventions with their practitioners, loaded up front."""
    return list(
        CarePackageItem.objects.filter(episode=episode)
        .select_related("intervention__catalogue_entry")
        .prefetch_related("practitioners")
    )


def onward_referrals(episode: Episode) -> list[OnwardReferral]:
    """Signposting and onward referrals, by the date of their latest status."""
    return list(OnwardReferral.objects.filter(episode=episode))


def package_page(episode: Episode) -> PackagePage:
    """Items with interventions and practitioners, dated reviews, onward referrals."""
    return PackagePage(
        items=package_items(episode),
        reviews=list(PackageReview.objects.filter(episode=episode).select_related("reviewed_by")),
        onward=onward_referrals(episode),
        recommendations=list(
            PackageRecommendation.objects.filter(episode=episode).select_related("chosen_by")[:5]
        ),
    )


def team_options(team: Team, *, active_only: bool) -> QuerySet[InterventionOption]:
    """The team's interventions (only those still offered, when asked)."""
    options = InterventionOption.objects.filter(team=team)
    return options.filter(is_active=True) if active_only else options


@dataclass(frozen=True)
class ClosingSummary:
    dates: list[tuple[str, date]]
    sessions_attended: int
    onward: list[OnwardReferral]
    people: list[Person]
    gp_practices: list[str]


def _letter_date(change: StageChange) -> tuple[str, date]:
    if change.stage == Stage.CLOSED:
        return "Closed on", change.changed_on
    return f"{change.get_stage_display()} from", change.changed_on


def closing_summary(episode: Episode) -> ClosingSummary:
    """Dates, sessions attended and onward referrals for the closing letter (no clinical text)."""
    attended = episode.contacts.filter(attendance=Attendance.ATTENDED)
    people = list(episode.referral.people_in_scope.order_by("date_of_birth", "pk"))
    return ClosingSummary(
        dates=[_letter_date(change) for change in episode.stage_changes.all()],
        sessions_attended=attended.count(),
        onward=onward_referrals(episode),
        people=people,
        gp_practices=sorted({p.gp_practice for p in people if p.gp_practice}),
    )
