"""Consultation pages: the landing page, consultations, consultation groups, referral hand-over.

Thin views: fetch through ``access``, read through ``selectors``, parse with a
form, call a service. Notes show only to roles that may read clinical notes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts.access import current_team, requires
from attune.accounts.roles import Capability
from attune.core.locking import StaleEdit
from attune.outreach import access, codes, selectors, services
from attune.outreach.forms import (
    CONSULTEE_SLOTS,
    ConsultationFilterForm,
    ConsultationForm,
    GroupForm,
    PersonForm,
)
from attune.outreach.models import Consultation, ConsultationGroup

LIST_LIMIT = 200
PREFILL_SESSION_KEY = "referral_prefill"


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _status(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


def refuse_into(form: Any, refused: services.OutreachRefused) -> None:
    """Put a service's refusal beside its field (or at the top when it names none)."""
    field = refused.field if refused.field in form.fields else None
    form.add_error(field, str(refused))


@require_GET
@requires(Capability.USE_CLINICAL_RECORDS)
def home(request: HttpRequest) -> HttpResponse:
    """Consultation, training and outreach: what the team has done in the last year."""
    since = timezone.localdate() - timedelta(days=365)
    context = {"overview": selectors.overview(current_team(request), since), "since": since}
    return render(request, "outreach/home.jinja", context)


# Consultations ----------------------------------------------------------------------------


@require_GET
@requires(Capability.USE_CLINICAL_RECORDS)
def consultations(request: HttpRequest) -> HttpResponse:
    """The team's consultations, filtered by month, consultant and kind."""
    team = current_team(request)
    clinicians = selectors.team_clinicians(team)
    filters = ConsultationFilterForm(request.GET, clinicians=clinicians, today=timezone.localdate())
    found = selectors.team_consultations(team, **filters.filters())
    rows = list(found[:LIST_LIMIT])
    context = {
        "filters": filters,
        "consultations": rows,
        "more": len(rows) == LIST_LIMIT,
        "total_minutes": sum(c.duration_minutes for c in rows),
    }
    return render(request, "outreach/consultations.jinja", context)


def _consultation_form(
    request: HttpRequest,
    *,
    group: ConsultationGroup | None,
    initial: dict[str, Any] | None = None,
    data: Any = None,
    slots: int = CONSULTEE_SLOTS,
) -> ConsultationForm:
    team = current_team(request)
    return ConsultationForm(
        data,
        clinicians=selectors.team_clinicians(team),
        families=selectors.team_families(team),
        can_read_notes=access.can_read_notes(request),
        members=selectors.group_members(group) if group is not None else None,
        consultee_slots=slots,
        initial=initial,
    )


def _new_initial(request: HttpRequest, group: ConsultationGroup | None) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "consultant": str(request.user.pk),
        "held_on": timezone.localdate(),
        "family_link": codes.FamilyLink.NONE,
        "outcome": codes.Outcome.ADVICE,
        "responsibility": codes.FOLLOW_OUTCOME,
    }
    if group is None:
        initial["kind"] = codes.ConsultationKind.ONE_TO_ONE
    else:
        initial["duration_minutes"] = 90
    return initial


def _create(request: HttpRequest, group: ConsultationGroup | None) -> HttpResponse:
    if request.method == "POST":
        form = _consultation_form(request, group=group, data=request.POST)
    else:
        form = _consultation_form(request, group=group, initial=_new_initial(request, group))
    if form.is_bound and form.is_valid():
        try:
            consultation = services.record_consultation(
                actor=request.user,  # type: ignore[arg-type]
                team=current_team(request),
                details=form.to_details(),
                notes=form.notes_or_none() or "",
                group=group,
                attended_member_ids=form.attended_ids(),
            )
        except services.OutreachRefused as refused:
            refuse_into(form, refused)
        else:
            messages.success(request, "The consultation was recorded.")
            return redirect("outreach:consultation", consultation.pk)
    context = {"form": form, "group": group, "consultation": None}
    return render(request, "outreach/consultation_form.jinja", context, status=_status(form))


@require_http_methods(["GET", "POST"])
@requires(Capability.USE_CLINICAL_RECORDS)
def consultation_new(request: HttpRequest) -> HttpResponse:
    return _create(request, None)


@require_http_methods(["GET", "POST"])
def group_meeting_new(request: HttpRequest, consultation_group_id: int) -> HttpResponse:
    """Record a meeting of a consultation group, ticking who came."""
    group = access.get_group_for(request, consultation_group_id)
    return _create(request, group)


@require_GET
def consultation_detail(request: HttpRequest, consultation_id: int) -> HttpResponse:
    consultation = access.get_consultation_for(request, consultation_id)
    context = {
        "consultation": consultation,
        "consultees": list(consultation.consultees.all()),
        "attendance": selectors.consultation_attendance(consultation),
        "can_read_notes": access.can_read_notes(request),
    }
    return render(request, "outreach/consultation.jinja", context)


def _edit_initial(consultation: Consultation, attendance: list[Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "version": consultation.version,
        "consultant": str(consultation.consultant_id),
        "kind": consultation.kind,
        "held_on": consultation.held_on,
        "duration_minutes": consultation.duration_minutes,
        "topic": consultation.topic,
        "family_link": consultation.family_link,
        "family": str(consultation.family_id or ""),
        "outcome": consultation.outcome,
        "responsibility": consultation.responsibility,
        "notes": consultation.notes,
        "attended": [str(a.member_id) for a in attendance if a.attended],
    }
    for slot, consultee in enumerate(consultation.consultees.all(), start=1):
        initial[f"consultee{slot}_name"] = consultee.name
        initial[f"consultee{slot}_role"] = consultee.role
        initial[f"consultee{slot}_organisation"] = consultee.organisation
    return initial


@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """Change a consultation; the notes are in the form only for roles that may read them."""
    # Showing the form shows the notes: a GET is a read (audited); a POST is recorded as a change.
    consultation = access.get_consultation_for(
        request, consultation_id, write=request.method == "POST"
    )
    slots = max(CONSULTEE_SLOTS, consultation.consultees.count() + 1)
    attendance = selectors.consultation_attendance(consultation)
    conflict = False
    if request.method == "GET":
        form = _consultation_form(
            request,
            group=consultation.group,
            initial=_edit_initial(consultation, attendance),
            slots=slots,
        )
        return render(
            request,
            "outreach/consultation_form.jinja",
            {"form": form, "group": consultation.group, "consultation": consultation},
        )
    form = _consultation_form(request, group=consultation.group, data=request.POST, slots=slots)
    if form.is_valid():
        try:
            services.update_consultation(
                actor=request.user,  # type: ignore[arg-type]
                consultation=consultation,
                expected_version=form.cleaned_data["version"] or 0,
                details=form.to_details(),
                notes=form.notes_or_none(),
                attended_member_ids=form.attended_ids(),
            )
        except StaleEdit as stale:
            consultation = cast(Consultation, stale.current)
            data = request.POST.copy()
            data["version"] = str(consultation.version)
            form = _consultation_form(request, group=consultation.group, data=data, slots=slots)
            form.is_valid()
            form.add_error(
                None,
                "Someone else changed this consultation while you were editing. Your changes "
                "are below: check them against the saved record, then save again.",
            )
            conflict = True
        except services.OutreachRefused as refused:
            refuse_into(form, refused)
        else:
            messages.success(request, "The consultation was updated.")
            return redirect("outreach:consultation", consultation.pk)
    context = {"form": form, "group": consultation.group, "consultation": consultation}
    return render(
        request, "outreach/consultation_form.jinja", context, status=409 if conflict else 400
    )


@require_POST
@requires(Capability.SUBMIT_REFERRALS)
def consultation_refer(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """Start a referral from a consultation: the referral form opens with its details filled in."""
    consultation = access.get_consultation_for(request, consultation_id, write=True)
    prefill = services.start_referral(actor=request.user, consultation=consultation)  # type: ignore[arg-type]
    request.session[PREFILL_SESSION_KEY] = prefill
    return redirect("referrals:new")


# Consultation groups ----------------------------------------------------------------------


@require_GET
@requires(Capability.USE_CLINICAL_RECORDS)
def groups(request: HttpRequest) -> HttpResponse:
    context = {"groups": list(selectors.team_groups(current_team(request)))}
    return render(request, "outreach/groups.jinja", context)


@require_http_methods(["GET", "POST"])
@requires(Capability.USE_CLINICAL_RECORDS)
def group_new(request: HttpRequest) -> HttpResponse:
    team = current_team(request)
    form = GroupForm(_posted(request), clinicians=selectors.team_clinicians(team))
    if request.method == "GET":
        form.initial = {"facilitators": [str(request.user.pk)]}
    elif form.is_valid():
        try:
            group = services.create_group(
                actor=request.user,  # type: ignore[arg-type]
                team=team,
                name=form.cleaned_data["name"],
                audience=form.cleaned_data["audience"],
                facilitators=form.chosen_facilitators(),
            )
        except services.OutreachRefused as refused:
            refuse_into(form, refused)
        else:
            messages.success(request, "The group was set up. Add its members next.")
            return redirect("outreach:group", group.pk)
    return render(request, "outreach/group_new.jinja", {"form": form}, status=_status(form))


def _group_page(
    request: HttpRequest, group: ConsultationGroup, member_form: PersonForm, status: int = 200
) -> HttpResponse:
    context = {
        "group": group,
        "facilitators": list(group.facilitators.all()),
        "members": selectors.group_members(group),
        "former_members": [
            m for m in selectors.group_members(group, active_only=False) if not m.is_active
        ],
        "meetings": selectors.group_meetings(group),
        "member_form": member_form,
    }
    return render(request, "outreach/group.jinja", context, status=status)


@require_GET
def group_detail(request: HttpRequest, consultation_group_id: int) -> HttpResponse:
    group = access.get_group_for(request, consultation_group_id)
    return _group_page(request, group, PersonForm())


@require_POST
def group_member_add(request: HttpRequest, consultation_group_id: int) -> HttpResponse:
    group = access.get_group_for(request, consultation_group_id)
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _group_page(request, group, form, status=400)
    services.add_group_member(actor=request.user, group=group, person=form.person())  # type: ignore[arg-type]
    messages.success(request, "The member was added to the group.")
    return redirect("outreach:group", group.pk)


@require_POST
def group_member_leave(
    request: HttpRequest, consultation_group_id: int, member_id: int
) -> HttpResponse:
    group = access.get_group_for(request, consultation_group_id)
    member = access.get_group_member_for(request, group, member_id)
    services.member_leaves(actor=request.user, member=member)  # type: ignore[arg-type]
    messages.success(request, "The member has left the group. Past meetings still show them.")
    return redirect("outreach:group", group.pk)
