"""Who may reach supervision records.

A supervision session is between its supervisor and supervisee: each of them
sees it (in the team it was recorded in); anyone else gets a 404, audited.
Reading the agreed actions is clinical text, so administrators get a 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from attune.accounts.access import deny_as_not_found, parse_pk
from attune.audit.services import record
from attune.care.access import require_clinical_text
from attune.care.models import Episode, SupervisionSession


def _own_sessions(request: HttpRequest) -> QuerySet[SupervisionSession]:
    user = request.user
    return SupervisionSession.objects.filter(
        Q(supervisor=user) | Q(supervisee=user),
        team=request.team,  # type: ignore[attr-defined]
    )


def sessions_for(
    request: HttpRequest, *, episode: Episode | None = None
) -> list[SupervisionSession]:
    """The user's own sessions (as supervisor or supervisee) in the current team."""
    require_clinical_text(request)
    sessions = _own_sessions(request)
    if episode is not None:
        sessions = sessions.filter(episodes=episode)
    return list(
        sessions.select_related("supervisor", "supervisee")
        .prefetch_related("episodes__family")
        .order_by("-held_on", "-id")[:200]
    )


def get_session_for(request: HttpRequest, session_id: Any) -> SupervisionSession:
    """A session the user took part in, in the current team; any other is a 404 (audited)."""
    require_clinical_text(request)
    pk = parse_pk(session_id)
    session = (
        _own_sessions(request)
        .select_related("supervisor", "supervisee")
        .prefetch_related("episodes__family")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if session is None:
        raise deny_as_not_found(request.user, "care.supervisionsession", session_id)
    return session


def audit_actions_read(request: HttpRequest, session: SupervisionSession) -> None:
    """Exactly one event each time a session's agreed actions are shown."""
    record(
        "supervision.viewed",
        actor=request.user,
        obj=session,
        team_id=session.team_id,
        details={"episodes": sorted(e.pk for e in session.episodes.all())},
    )
