from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from attune.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditSearch:
    team_id: int
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search_team_events(search: AuditSearch) -> QuerySet[AuditEvent]:
    """A team's audit events matching the search, newest first."""
    events = AuditEvent.objects.for_team(search.team_id)
    if search.actor:
        events = events.filter(actor_label__icontains=search.actor)
    if search.action:
        events = events.filter(action__startswith=search.action)
    if search.object_type:
        events = events.filter(object_type=search.object_type)
    if search.object_id:
        events = events.filter(object_id=search.object_id)
    if search.date_from:
        events = events.filter(occurred_at__gte=_start_of(search.date_from))
    if search.date_to:
        events = events.filter(occurred_at__lt=_start_of(search.date_to) + timedelta(days=1))
    return events.order_by("-occurred_at", "-id")
