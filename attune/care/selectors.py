"""Reads for the caseload and the episode page, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from attune.accounts.models import Team
from attune.care import extensions
from attune.care.codes import STAGE_ORDER, Attendance, EngagementOutcome, Stage
from attune.care.models import CareSettings, Episode, StageChange


def care_settings_for(team: Team) -> CareSettings:
    return CareSettings.objects.filter(team=team).first() or CareSettings(team=team)


def caseload(team: Team, *, user: object | None) -> QuerySet[Episode]:
    """Open episodes with what the caseload shows, annotated in one query."""
    now = timezone.now()
    episodes = Episode.objects.for_team(team).open()
    if user is not None:
        episodes = episodes.worked_by(user)
    return (
        episodes.select_related("family", "lead_practitioner")
        .annotate(
            last_contact=Max(
                "contacts__starts_at",
                filter=Q(contacts__starts_at__lte=now, contacts__attendance=Attendance.ATTENDED),
            ),
            next_contact=Min(
                "contacts__starts_at",
                filter=Q(contacts__starts_at__gt=now)
                & ~Q(
                    contacts__attendance__in=[
                        Attendance.CANCELLED_BY_FAMILY,
                        Attendance.CANCELLED_BY_SERVICE,
                    ]
                ),
            ),
            next_review=Min("package_items__review_on"),
            open_concerns=Count(
                "safeguarding_concerns",
                filter=Q(safeguarding_concerns__is_open=True),
                distinct=True,
            ),
            # Only tries that reached nobody count towards the "not reached" flag.
            attempts=Count(
                "engagement_attempts",
                filter=Q(engagement_attempts__outcome=EngagementOutcome.NO_ANSWER),
                distinct=True,
            ),
            times_reached=Count(
                "engagement_attempts",
                filter=Q(
                    engagement_attempts__outcome__in=[
                        EngagementOutcome.SPOKE,
                        EngagementOutcome.BOOKED,
                    ]
                ),
                distinct=True,
            ),
        )
        .order_by("family__name")
    )


@dataclass(frozen=True)
class CaseloadRow:
    episode: Episode
    overdue: list[str]


def overdue_items(episode: Episode, settings: CareSettings, today: date) -> list[str]:
    """What needs attention: reviews past due, long gaps without contact, engagement stuck."""
    items = []
    next_review = getattr(episode, "next_review", None)
    if next_review and next_review < today:
        items.append(f"Care package review was due {next_review:%-d %b}")
    last: datetime | None = getattr(episode, "last_contact", None)
    started = episode.opened_on
    since = timezone.localdate(last) if last else started
    if (today - since).days > settings.days_without_contact_flag:
        items.append(f"No contact for {(today - since).days} days")
    never_reached = getattr(episode, "times_reached", 0) == 0
    if (
        episode.stage == Stage.ENGAGEMENT
        and never_reached
        and getattr(episode, "attempts", 0) >= settings.engagement_attempts_before_flag
    ):
        items.append("Not yet reached: for a manager's decision")
    return items


def caseload_rows(
    episodes: QuerySet[Episode], settings: CareSettings, today: date
) -> list[CaseloadRow]:
    loaded = list(episodes)
    # Measures due and risk answers to follow up come from the apps built on care.
    extra = extensions.caseload_attention(loaded, today)
    return [CaseloadRow(e, overdue_items(e, settings, today) + extra.get(e.pk, [])) for e in loaded]


@dataclass(frozen=True)
class PathStep:
    stage: str
    label: str
    started_on: date | None
    days: int | None
    is_current: bool
    is_done: bool


def episode_path(episode: Episode, changes: list[StageChange], today: date) -> list[PathStep]:
    """Each stage with when it started and how long it lasted (or has lasted so far)."""
    started = {c.stage: c.changed_on for c in changes}
    steps = []
    current_index = STAGE_ORDER.index(Stage(episode.stage))
    for index, stage in enumerate(STAGE_ORDER):
        begin = started.get(stage)
        later = [started[s] for s in STAGE_ORDER[index + 1 :] if s in started]
        end = min(later) if later else (today if stage == episode.stage else None)
        days = (end - begin).days if begin and end and stage != Stage.CLOSED else None
        steps.append(
            PathStep(stage, stage.label, begin, days, index == current_index, index < current_index)
        )
    return steps


def days_since_referral(episode: Episode, today: date) -> int:
    return (today - episode.referral.received_on).days


def week_window(day: date) -> tuple[datetime, datetime]:
    monday = day - timedelta(days=day.weekday())
    start = timezone.make_aware(datetime.combine(monday, datetime.min.time()))
    return start, start + timedelta(days=7)
