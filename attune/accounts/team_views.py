"""A team manager's view of the team, and delegating triage to a practitioner."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from attune.accounts import services
from attune.accounts.access import current_team, get_delegable_membership_for, requires
from attune.accounts.roles import TRIAGE_DELEGATES, Capability
from attune.accounts.selectors import team_members as members_of


@require_GET
@requires(Capability.DELEGATE_TRIAGE)
def team_members(request: HttpRequest) -> HttpResponse:
    members = members_of(current_team(request))
    delegable = {m.pk for m in members if m.role in TRIAGE_DELEGATES}
    context = {"members": members, "delegable": delegable}
    return render(request, "accounts/team_members.jinja", context)


@require_POST
@requires(Capability.DELEGATE_TRIAGE)
def delegate_triage(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_delegable_membership_for(request, membership_id)
    services.set_triage_delegation(
        actor=request.user,  # type: ignore[arg-type]
        membership=membership,
        allowed=request.POST.get("allowed") == "yes",
    )
    return redirect("accounts:team_members")
