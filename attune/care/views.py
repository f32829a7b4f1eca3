"""The caseload, the episode page and allocation (which opens an episode)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from attune.accounts.access import current_role, current_team, requires
from attune.accounts.roles import Capability, Role, role_can
from attune.audit.services import record
from attune.care import selectors, services
from attune.care.access import get_episode_for
from attune.care.ending import end_measures_due
from attune.care.record_access import episode_page_extras
from attune.core.locking import StaleEdit
from attune.referrals import selectors as referral_selectors
from attune.referrals.access import get_referral_for
from attune.referrals.forms import AllocationForm
from attune.referrals.services import TriageNotAllowed


@require_POST
@requires(Capability.TRIAGE_REFERRALS)
def allocate(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for(request, referral_id, write=True)
    form = AllocationForm(request.POST)
    team = request.team  # type: ignore[attr-defined]
    practitioners = {
        load.user.pk: load.user for load in referral_selectors.practitioner_loads(team)
    }
    if not form.is_valid() or form.cleaned_data["practitioner"] not in practitioners:
        # A tampered or stale choice: nothing is written, and the attempt is on record.
        record(
            "access.forbidden",
            actor=request.user,
            obj=referral,
            details={"reason": "practitioner_not_in_team"},
        )
        raise PermissionDenied
    try:
        episode = services.allocate_and_open_episode(
            actor=request.user,  # type: ignore[arg-type]
            referral=referral,
            expected_version=form.cleaned_data["version"],
            practitioner=practitioners[form.cleaned_data["practitioner"]],
        )
    except (StaleEdit, TriageNotAllowed):
        context = {
            "title": "This family was allocated or changed by someone else",
            "message": "Go back to the waiting list to see the latest.",
        }
        return render(request, "errors/error.jinja", context, status=409)
    return (
        redirect("care:episode", episode.pk)
        if request.POST.get("then") == "episode"
        else redirect("referrals:waiting_list")
    )


@require_GET
@requires(Capability.USE_CLINICAL_RECORDS)
def caseload(request: HttpRequest) -> HttpResponse:
    """A practitioner's own families; a manager or supervisor can see the whole team's."""
    team = current_team(request)
    role = current_role(request)
    whole_team = request.GET.get("scope") == "team" and role in {Role.MANAGER, Role.SUPERVISOR}
    today = timezone.localdate()
    episodes = selectors.caseload(team, user=None if whole_team else request.user)
    rows = selectors.caseload_rows(episodes, selectors.care_settings_for(team), today)
    context = {
        "rows": rows,
        "whole_team": whole_team,
        "can_see_team": role in {Role.MANAGER, Role.SUPERVISOR},
        "can_see_safeguarding": role_can(role, Capability.READ_CLINICAL_NOTES),
    }
    return render(request, "care/caseload.jinja", context)


@require_GET
def episode_detail(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id)
    today = timezone.localdate()
    changes = list(episode.stage_changes.all())
    context = {
        "episode": episode,
        "path": selectors.episode_path(episode, changes, today),
        "days_since_referral": selectors.days_since_referral(episode, today),
        "practitioners": list(episode.practitioners.all()),
        "end_measures_due": end_measures_due(episode, changes),  # reminder until recorded or waived
        # Scores are clinical data: the measures link is for clinicians only.
        "can_see_measures": role_can(current_role(request), Capability.READ_CLINICAL_NOTES),
        **episode_page_extras(request, episode),  # safeguarding banner and record links
    }
    return render(request, "care/episode.jinja", context)
