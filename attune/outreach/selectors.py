"""Reads for consultation, training and outreach pages: within one team, fixed query counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from attune.accounts.models import Membership, Team, User
from attune.accounts.roles import CLINICAL_STAFF
from attune.families.models import Family
from attune.families.selectors import team_families as _team_families
from attune.outreach.models import (
    Consultation,
    ConsultationGroup,
    ConsultationGroupMember,
    GroupAttendance,
    OutreachActivity,
    TrainingAttendee,
    TrainingCourse,
)


def team_clinicians(team: Team) -> list[User]:
    """Active staff of the team who may give a consultation or a course."""
    memberships = (
        Membership.objects.active()
        .filter(team=team, role__in=CLINICAL_STAFF, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    return [membership.user for membership in memberships]


def team_families(team: Team) -> list[Family]:
    """The team's families, by name, for choosing the family a consultation was about."""
    return list(_team_families(team))


def month_bounds(month: date) -> tuple[date, date]:
    """The first day of ``month`` and of the month after it."""
    start = month.replace(day=1)
    following = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, following


def team_consultations(
    team: Team,
    *,
    month: date | None = None,
    consultant_id: int | None = None,
    kind: str = "",
) -> QuerySet[Consultation]:
    """The team's consultations, newest first, with what the list shows fetched up front."""
    consultations = Consultation.objects.filter(team=team)
    if month is not None:
        start, following = month_bounds(month)
        consultations = consultations.filter(held_on__gte=start, held_on__lt=following)
    if consultant_id is not None:
        consultations = consultations.filter(consultant_id=consultant_id)
    if kind:
        consultations = consultations.filter(kind=kind)
    return (
        consultations.select_related("consultant", "family", "group")
        .annotate(present=Count("attendance", filter=Q(attendance__attended=True)))
        .prefetch_related("consultees")
        .defer("notes")
    )


def consultation_attendance(consultation: Consultation) -> list[GroupAttendance]:
    return list(consultation.attendance.select_related("member").order_by("member__name", "id"))


def team_groups(team: Team) -> QuerySet[ConsultationGroup]:
    """The team's consultation groups, with how many members and meetings each has."""
    return (
        ConsultationGroup.objects.filter(team=team)
        .annotate(
            member_count=Count("members", filter=Q(members__is_active=True), distinct=True),
            meeting_count=Count("meetings", distinct=True),
        )
        .prefetch_related("facilitators")
        .order_by("-is_active", "name", "id")
    )


def group_members(
    group: ConsultationGroup, *, active_only: bool = True
) -> list[ConsultationGroupMember]:
    members = group.members.all()
    return list(members.filter(is_active=True) if active_only else members)


@dataclass(frozen=True)
class MeetingRow:
    meeting: Consultation
    present: int
    expected: int


def group_meetings(group: ConsultationGroup) -> list[MeetingRow]:
    """Each meeting of a group, newest first, with how many members came."""
    meetings = (
        group.meetings.select_related("consultant")
        .annotate(
            present=Count("attendance", filter=Q(attendance__attended=True)),
            expected=Count("attendance"),
        )
        .defer("notes")
        .order_by("-held_on", "-id")
    )
    return [MeetingRow(m, m.present, m.expected) for m in meetings]


def team_courses(team: Team) -> QuerySet[TrainingCourse]:
    """The team's courses, newest first, with attendee counts."""
    return (
        TrainingCourse.objects.filter(team=team)
        .annotate(
            booked=Count("attendees"),
            came=Count("attendees", filter=Q(attendees__attended=True)),
        )
        .prefetch_related("trainers")
    )


def course_attendees(course: TrainingCourse) -> list[TrainingAttendee]:
    return list(course.attendees.all())


@dataclass(frozen=True)
class FeedbackSummary:
    """Mean confidence before and after a course, and the mean change for those who gave both."""

    responses: int
    mean_before: float | None
    mean_after: float | None
    paired: int
    mean_change: float | None


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def feedback_summary(attendees: list[TrainingAttendee]) -> FeedbackSummary:
    """Worked out in Python from the attendee list the page already holds (no extra query)."""
    before = [a.confidence_before for a in attendees if a.confidence_before is not None]
    after = [a.confidence_after for a in attendees if a.confidence_after is not None]
    changes = [
        a.confidence_after - a.confidence_before
        for a in attendees
        if a.confidence_before is not None and a.confidence_after is not None
    ]
    responses = sum(1 for a in attendees if a.feedback_recorded_at is not None)
    return FeedbackSummary(
        responses=responses,
        mean_before=_mean(before),
        mean_after=_mean(after),
        paired=len(changes),
        mean_change=_mean(changes),
    )


def team_activities(
    team: Team, *, month: date | None = None, activity_type: str = ""
) -> QuerySet[OutreachActivity]:
    activities = OutreachActivity.objects.filter(team=team)
    if month is not None:
        start, following = month_bounds(month)
        activities = activities.filter(held_on__gte=start, held_on__lt=following)
    if activity_type:
        activities = activities.filter(activity_type=activity_type)
    return activities.select_related("recorded_by")


@dataclass(frozen=True)
class ActivityTotals:
    activities: int
    families_reached: int
    with_interpreter: int


def activity_totals(activities: QuerySet[OutreachActivity]) -> ActivityTotals:
    """Totals over the filtered activities, in one query."""
    totals = activities.order_by().aggregate(
        activities=Count("id"),
        families=Sum("families_reached"),
        interpreter=Count("id", filter=Q(interpreter_used=True)),
    )
    return ActivityTotals(
        activities=totals["activities"] or 0,
        families_reached=totals["families"] or 0,
        with_interpreter=totals["interpreter"] or 0,
    )


@dataclass(frozen=True)
class Overview:
    consultations: int
    groups: int
    courses: int
    activities: int


def overview(team: Team, since: date) -> Overview:
    """Counts since a date, for the landing page."""
    return Overview(
        consultations=Consultation.objects.filter(team=team, held_on__gte=since).count(),
        groups=ConsultationGroup.objects.filter(team=team, is_active=True).count(),
        courses=TrainingCourse.objects.filter(team=team, held_on__gte=since).count(),
        activities=OutreachActivity.objects.filter(team=team, held_on__gte=since).count(),
    )
