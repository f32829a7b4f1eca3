"""The outreach and joint working log: a list with filters and totals, and the entry form."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from attune.accounts.access import current_team, requires
from attune.accounts.roles import Capability
from attune.core.locking import StaleEdit
from attune.outreach import access, selectors, services
from attune.outreach.forms import ActivityFilterForm, ActivityForm
from attune.outreach.models import OutreachActivity
from attune.outreach.views import refuse_into

LIST_LIMIT = 200


@require_GET
@requires(Capability.USE_CLINICAL_RECORDS)
def activities(request: HttpRequest) -> HttpResponse:
    """The team's outreach and joint work, filtered by month and kind, with totals."""
    filters = ActivityFilterForm(request.GET, today=timezone.localdate())
    found = selectors.team_activities(current_team(request), **filters.filters())
    rows = list(found[:LIST_LIMIT])
    context = {
        "filters": filters,
        "activities": rows,
        "more": len(rows) == LIST_LIMIT,
        "totals": selectors.activity_totals(found),
    }
    return render(request, "outreach/activities.jinja", context)


def _form_page(
    request: HttpRequest, form: ActivityForm, activity: OutreachActivity | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "activity": activity}
    return render(request, "outreach/activity_form.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
@requires(Capability.USE_CLINICAL_RECORDS)
def activity_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = ActivityForm(initial={"held_on": timezone.localdate(), "families_reached": 0})
        return _form_page(request, form, None)
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            services.record_activity(
                actor=request.user,  # type: ignore[arg-type]
                team=current_team(request),
                details=form.to_details(),
            )
        except services.OutreachRefused as refused:
            refuse_into(form, refused)
        else:
            messages.success(request, "The activity was added to the log.")
            return redirect("outreach:activities")
    return _form_page(request, form, None, status=400)


@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access.get_activity_for(request, activity_id)
    if request.method == "GET":
        initial = {
            "version": activity.version,
            "activity_type": activity.activity_type,
            "partner_organisation": activity.partner_organisation,
            "held_on": activity.held_on,
            "families_reached": activity.families_reached,
            "interpreter_used": activity.interpreter_used,
            "notes": activity.notes,
        }
        return _form_page(request, ActivityForm(initial=initial), activity)
    form = ActivityForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.update_activity(
                actor=request.user,  # type: ignore[arg-type]
                activity=activity,
                expected_version=form.cleaned_data["version"] or 0,
                details=form.to_details(),
            )
        except StaleEdit as stale:
            activity = cast(OutreachActivity, stale.current)
            data = request.POST.copy()
            data["version"] = str(activity.version)
            form = ActivityForm(data)
            form.is_valid()
            form.add_error(
                None,
                "Someone else changed this entry while you were editing. Check your changes, "
                "then save again.",
            )
            status = 409
        except services.OutreachRefused as refused:
            refuse_into(form, refused)
        else:
            messages.success(request, "The activity was updated.")
            return redirect("outreach:activities")
    return _form_page(request, form, activity, status=status)
