"""Supervision sessions: the list of one's own, recording one (supervisors), reading one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from attune.accounts.access import current_role, current_team, requires
from attune.accounts.roles import Capability, role_can
from attune.care import supervision
from attune.care.access import get_episode_for
from attune.care.models import SupervisionSession
from attune.care.supervision_access import audit_actions_read, get_session_for, sessions_for
from attune.care.supervision_forms import SupervisionForm


@dataclass(frozen=True)
class SessionRow:
    session: SupervisionSession
    families: str


@require_GET
@requires(Capability.READ_CLINICAL_NOTES)
def supervision_list(request: HttpRequest) -> HttpResponse:
    """The user's own supervision (given and received), optionally for one family's episode."""
    episode_id = request.GET.get("episode")
    episode = get_episode_for(request, episode_id, write=True) if episode_id else None
    rows = [
        SessionRow(session=s, families=", ".join(e.family.name for e in s.episodes.all()))
        for s in sessions_for(request, episode=episode)
    ]
    context = {
        "rows": rows,
        "episode": episode,
        "can_record": role_can(current_role(request), Capability.SUPERVISE),
    }
    return render(request, "care/supervision/list.jinja", context)


def _form_page(request: HttpRequest, form: SupervisionForm, status: int = 200) -> HttpResponse:
    return render(request, "care/supervision/new.jinja", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@requires(Capability.SUPERVISE)
def supervision_new(request: HttpRequest) -> HttpResponse:
    team = current_team(request)
    options: dict[str, Any] = {"team": team, "supervisor": request.user}
    if request.method == "GET":
        return _form_page(request, SupervisionForm(**options))
    form = SupervisionForm(request.POST, **options)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    try:
        session, created = supervision.record_supervision(
            actor=request.user,  # type: ignore[arg-type]
            team=team,
            supervisee=form.supervisee_user(),
            held_on=form.cleaned_data["held_on"],
            episodes=form.chosen_episodes(),
            agreed_actions=form.cleaned_data["agreed_actions"].strip(),
        )
    except supervision.SupervisionNotAllowed as refused:
        form.add_error(None, str(refused))
        return _form_page(request, form, status=400)
    if not created:
        messages.info(request, "This session had already been recorded, so it was not added again.")
    return redirect("care:supervision", session.pk)


@require_GET
def supervision_detail(request: HttpRequest, supervision_id: int) -> HttpResponse:
    session = get_session_for(request, supervision_id)
    audit_actions_read(request, session)
    context = {"session": session, "episodes": list(session.episodes.all())}
    return render(request, "care/supervision/detail.jinja", context)
