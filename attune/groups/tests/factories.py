"""Groups for tests, made through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from attune.groups import services
from attune.groups.models import Group


def make_course(
    world: Any,
    *,
    capacity: int = 8,
    creche_places: int = 2,
    sessions: int = 8,
    first_session_at: datetime | None = None,
    programme: Any = None,
    team: Any = None,
    facilitators: list[Any] | None = None,
) -> Group:
    return services.create_group(
        actor=world.users["manager"],
        team=team or world.team,
        plan=services.GroupPlan(
            name="Babies and us",
            kind="course",
            programme=programme,
            facilitators=facilitators or [world.users["practitioner"], world.users["colleague"]],
            venue="Riverside Children's Centre",
            first_session_at=first_session_at or timezone.now() - timedelta(days=1),
            session_minutes=120,
            sessions_planned=sessions,
            capacity=capacity,
            creche_places=creche_places,
        ),
    )
