"""Team managers search their team's audit trail (who did or viewed what, when)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from attune.accounts.access import requires
from attune.accounts.forms import AuditSearchForm
from attune.accounts.roles import Capability
from attune.audit.selectors import search_team_events
from attune.audit.services import record

PAGE_SIZE = 50


@require_GET
@requires(Capability.SEARCH_AUDIT)
def search(request: HttpRequest) -> HttpResponse:
    team = request.team  # type: ignore[attr-defined]
    form = AuditSearchForm(request.GET)  # every field is optional: no filters lists all
    if not form.is_valid():
        return render(request, "audit/search.jinja", {"form": form, "page": None}, status=400)
    events = search_team_events(form.to_search(team.pk))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # Reading the trail is itself recorded: it shows who looked at whom.
    record(
        "audit.searched",
        actor=request.user,
        team_id=team.pk,
        details={"query": request.GET.urlencode()[:300]},
    )
    return render(request, "audit/search.jinja", {"form": form, "page": page})
