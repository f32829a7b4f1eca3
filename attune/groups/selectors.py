"""Reads for group pages: the team's groups, a group's page, a register, the group's outcomes."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from attune.accounts.models import Team, User
from attune.care.models import Episode
from attune.catalogue import selectors as catalogue_selectors
from attune.families.models import Family
from attune.groups.models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Group,
    GroupNote,
    GroupSession,
)
from attune.measures import selectors as measure_selectors
from attune.measures.models import Administration
from attune.referrals.codes import Status
from attune.referrals.models import Referral


def team_groups(team: Team) -> QuerySet[Group]:
    """The team's groups with places taken, waiting and the next session, in one query."""
    now = timezone.now()
    return (
        Group.objects.filter(team=team)
        .select_related("programme")
        .annotate(
            taking_part=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED), distinct=True
            ),
            waiting=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING), distinct=True
            ),
            next_session=Min(
                "sessions__starts_at",
                filter=Q(sessions__starts_at__gte=now, sessions__cancelled=False),
            ),
        )
        .order_by("closed_on", "name")
    )


def enrolments(group: Group) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(group=group)
        .select_related("family", "episode")
        .prefetch_related("people")
        .order_by("status", "waiting_since", "id")
    )


def sessions(group: Group) -> list[GroupSession]:
    return list(
        group.sessions.annotate(present=Count("register", filter=Q(register__present=True)))
    )


def notes(group: Group) -> list[GroupNote]:
    return list(group.notes.select_related("author", "session"))


def families_to_add(team: Team, group: Group) -> list[Family]:
    """Families who could join: those with an open episode, and those on the waiting list."""
    already = Enrolment.objects.filter(group=group).exclude(status=EnrolmentStatus.LEFT)
    open_episodes = Episode.objects.filter(team=team).open().values("family_id")
    waiting = Referral.objects.filter(team=team, status=Status.WAITING).values("family_id")
    return list(
        Family.objects.filter(team=team)
        .filter(Q(pk__in=open_episodes) | Q(pk__in=waiting))
        .exclude(pk__in=already.values("family_id"))
        .prefetch_related("members__person")
        .order_by("name")
    )


@dataclass
class RegisterRow:
    enrolment: Enrolment
    marks: dict[int, bool] = field(default_factory=dict)


def register(session: GroupSession) -> list[RegisterRow]:
    """Each family taking part, its people, and their marks so far, in three queries."""
    rows = [
        RegisterRow(e)
        for e in Enrolment.objects.filter(
            group_id=session.group_id, status=EnrolmentStatus.ENROLLED
        )
        .select_related("family", "episode")
        .prefetch_related("people")
        .order_by("family__name")
    ]
    marks = {a.person_id: a.present for a in Attendance.objects.filter(session=session)}
    for row in rows:
        row.marks = {p.pk: marks.get(p.pk, False) for p in row.enrolment.people.all()}
    return rows


def untrained_facilitators(group: Group, on: date | None = None) -> list[User]:
    """Facilitators with no current training recorded in the group's programme."""
    if group.programme_id is None:
        return []
    trained = catalogue_selectors.trained_user_ids(
        group.team, [group.programme_id], on or timezone.localdate()
    ).get(group.programme_id, set())
    return [u for u in group.facilitators.all() if u.pk not in trained]


@dataclass(frozen=True)
class OutcomeSummary:
    """One measure across the group's families: pairs and their classifications."""

    label: str
    families_measured: int
    pairs: int
    classifications: dict[str, int]
    mean_change: float | None


def group_outcomes(group: Group) -> list[OutcomeSummary]:
    """Baseline-to-latest change for each family in the group, summed per measure."""
    episode_ids = [
        e.episode_id
        for e in Enrolment.objects.filter(group=group).exclude(episode=None)
        if e.episode_id is not None
    ]
    administrations = list(
        Administration.objects.filter(episode_id__in=episode_ids).select_related(
            "instrument", "respondent_person", "respondent_user", "subject_person",
            "subject_relationship__carer", "subject_relationship__baby",
        ).order_by("completed_on", "id")
    )  # fmt: skip
    by_measure: dict[str, list[measure_selectors.Series]] = defaultdict(list)
    for series in measure_selectors.series_for(administrations):
        by_measure[series.definition.short_name].append(series)
    summaries = []
    for label, series_list in sorted(by_measure.items()):
        changes = [c for c in (s.change() for s in series_list) if c is not None]
        counts = Counter(c.label for c in changes)
        summaries.append(
            OutcomeSummary(
                label=label,
                families_measured=len({a.family_id for s in series_list for a in s.points}),
                pairs=len(changes),
                classifications=dict(counts),
                mean_change=(sum(c.improvement for c in changes) / len(changes))
                if changes
                else None,
            )
        )
    return summaries
