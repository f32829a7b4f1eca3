"""Who may reach sessions, series, rooms, diaries and calendar links, and the reads for pages.

- A session or series belongs to its episode's team: clinical staff of the
  current team reach it; anyone else gets a 404 (audited), as for episodes.
- A diary and a calendar link are the signed-in user's own; nobody opens another's.
- Reads load their related rows up front, so a page costs the same number of
  queries however many sessions it lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone

from attune.accounts.access import deny_as_not_found, parse_pk, require_capability
from attune.accounts.models import Membership, Team, User
from attune.accounts.roles import CLINICAL_STAFF, Capability
from attune.audit.services import record
from attune.care.models import CalendarFeed, Contact, Episode, Room, SessionSeries
from attune.families.models import FamilyMember


def get_contact_for(request: HttpRequest, contact_id: Any, *, write: bool = False) -> Contact:
    """A session of an episode in the current team, for clinical staff; others 404 (audited)."""
    require_capability(request, Capability.USE_CLINICAL_RECORDS)
    pk = parse_pk(contact_id)
    contact = (
        Contact.objects.select_related("episode__family", "episode__team", "room", "series")
        .filter(pk=pk, episode__team=request.team)  # type: ignore[attr-defined]
        .first()
        if pk
        else None
    )
    if contact is None:
        raise deny_as_not_found(request.user, "care.contact", contact_id)
    if not write:
        record(
            "contact.viewed",
            actor=request.user,
            obj=contact,
            team_id=contact.episode.team_id,
            details={"episode": contact.episode_id},
        )
    return contact


def get_series_for(request: HttpRequest, series_id: Any, *, write: bool = False) -> SessionSeries:
    """A weekly series of an episode in the current team; others 404 (audited)."""
    require_capability(request, Capability.USE_CLINICAL_RECORDS)
    pk = parse_pk(series_id)
    series = (
        SessionSeries.objects.select_related("episode__family", "episode__team", "practitioner")
        .filter(pk=pk, episode__team=request.team)  # type: ignore[attr-defined]
        .first()
        if pk
        else None
    )
    if series is None:
        raise deny_as_not_found(request.user, "care.sessionseries", series_id)
    if not write:
        record(
            "series.viewed",
            actor=request.user,
            obj=series,
            team_id=series.episode.team_id,
            details={"episode": series.episode_id},
        )
    return series


def get_own_feed(request: HttpRequest, feed_id: Any) -> CalendarFeed:
    """One of the signed-in user's own calendar links; anyone else's is a 404 (audited)."""
    require_capability(request, Capability.USE_CLINICAL_RECORDS)
    pk = parse_pk(feed_id)
    feed = CalendarFeed.objects.filter(pk=pk, user=request.user).first() if pk else None  # type: ignore[misc]
    if feed is None:
        raise deny_as_not_found(request.user, "care.calendarfeed", feed_id)
    return feed


# ---------------------------------------------------------------- reads for pages


def _contacts_with_people() -> Any:
    return Contact.objects.select_related("room").prefetch_related(
        Prefetch("people_present", to_attr="people_list"),
        Prefetch("practitioners", to_attr="practitioner_list"),
    )


def episode_contacts(episode: Episode) -> list[Contact]:
    """Every session of an episode, oldest first, with the room and who took part."""
    return list(_contacts_with_people().filter(episode=episode).order_by("starts_at", "pk"))


def episode_series(episode: Episode) -> list[SessionSeries]:
    """The episode's weekly series (to end one), with their practitioner."""
    return list(episode.series.select_related("practitioner").order_by("first_starts_at"))


def team_rooms(team: Team, *, active_only: bool = True) -> list[Room]:
    """The team's rooms (only those in use, unless asked for all)."""
    rooms = Room.objects.filter(team=team)
    return list(rooms.filter(is_active=True) if active_only else rooms)


def team_clinicians(team: Team) -> list[User]:
    """People who can take a session: active clinical members of the team."""
    memberships = (
        Membership.objects.active()
        .filter(team=team, role__in=CLINICAL_STAFF, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    return [membership.user for membership in memberships]


def family_members(episode: Episode) -> list[FamilyMember]:
    """The family's babies, carers and siblings: who can be recorded as present."""
    return list(
        FamilyMember.objects.filter(family_id=episode.family_id)
        .select_related("person")
        .order_by("role", "person__given_name", "pk")
    )


def contact_people(contact: Contact) -> tuple[list[int], list[int]]:
    """Ids of the family members and of the practitioners recorded on a session."""
    return (
        list(contact.people_present.values_list("pk", flat=True)),
        list(contact.practitioners.values_list("pk", flat=True)),
    )


def user_feeds(user: User) -> list[CalendarFeed]:
    """The user's calendar links that still work."""
    return list(CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).order_by("-pk"))


@dataclass(frozen=True)
class DiaryDay:
    day: date
    contacts: list[Contact]


def monday_of(day: date) -> date:
    """Weeks in the diary run Monday to Sunday."""
    return day - timedelta(days=day.weekday())


def diary_week(team: Team, user: User, monday: date) -> list[DiaryDay]:
    """Monday to Sunday: the user's sessions in the team, each day in time order."""
    start = timezone.make_aware(datetime.combine(monday, time.min))
    end = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min))
    contacts = list(
        Contact.objects.filter(
            practitioners=user, episode__team=team, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("episode__family", "room")
        .order_by("starts_at", "pk")
    )
    days = [monday + timedelta(days=offset) for offset in range(7)]
    return [
        DiaryDay(day, [c for c in contacts if timezone.localdate(c.starts_at) == day])
        for day in days
    ]
