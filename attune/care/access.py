"""Who may reach an episode and its most sensitive parts.

- Episodes: clinical staff of the episode's team (current team); others 404.
- Notes, assessment text, safeguarding: clinicians (not administrators); each
  read is audited by the view that shows it, through ``audit_read``.
- Video: the episode's own practitioners and the team's supervisors only.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from attune.accounts.access import deny_as_not_found, parse_pk, require_capability
from attune.accounts.roles import Capability, Role, role_can
from attune.audit.services import record
from attune.care.models import Episode


def get_episode_for(request: HttpRequest, episode_id: Any, *, write: bool = False) -> Episode:
    """An episode of the current team for clinical staff; any other is a 404 (audited)."""
    require_capability(request, Capability.USE_CLINICAL_RECORDS)
    pk = parse_pk(episode_id)
    episode = (
        Episode.objects.select_related("family", "lead_practitioner", "referral", "team")
        .filter(pk=pk, team=request.team)  # type: ignore[attr-defined]
        .first()
        if pk
        else None
    )
    if episode is None:
        raise deny_as_not_found(request.user, "care.episode", episode_id)
    if not write:
        record("episode.viewed", actor=request.user, obj=episode, team_id=episode.team_id)
    return episode


def can_read_clinical_text(request: HttpRequest) -> bool:
    return role_can(getattr(request, "role", None), Capability.READ_CLINICAL_NOTES)


def require_clinical_text(request: HttpRequest) -> None:
    """403 (audited) for roles that may not read clinical text, such as administrators."""
    require_capability(request, Capability.READ_CLINICAL_NOTES)


def works_on(user: Any, episode: Episode) -> bool:
    if episode.lead_practitioner_id == user.pk:
        return True
    return episode.practitioners.filter(pk=user.pk).exists()


def can_play_video(request: HttpRequest, episode: Episode) -> bool:
    """The episode's practitioners and the team's supervisors; nobody else."""
    if getattr(request, "role", None) == Role.SUPERVISOR:
        return True
    return works_on(request.user, episode)


def audit_read(
    request: HttpRequest, action: str, obj: Any, episode: Episode, **details: Any
) -> None:
    """Exactly one access event per read of notes, safeguarding or video."""
    record(
        action,
        actor=request.user,
        obj=obj,
        team_id=episode.team_id,
        details={"episode": episode.pk, **details},
    )
