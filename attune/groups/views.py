"""Group programme pages: the list, a group (sessions, families, waiting list), the register,
notes in the right place, and the group's outcomes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts.access import current_team, requires
from attune.accounts.roles import Capability
from attune.audit.services import record
from attune.care.access import can_read_clinical_text, require_clinical_text
from attune.catalogue import selectors as catalogue_selectors
from attune.groups import access, selectors, services
from attune.groups.forms import AddFamilyForm, FamilyNoteForm, GroupForm, GroupNoteForm, SessionForm
from attune.groups.models import EnrolmentStatus, GroupKind


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
@requires(Capability.USE_CLINICAL_RECORDS)
def group_list(request: HttpRequest) -> HttpResponse:
    team = current_team(request)
    form = GroupForm(
        _posted(request),
        members=catalogue_selectors.team_members(team),
        programmes=list(catalogue_selectors.interventions()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_group(actor=request.user, team=team, plan=form.plan())  # type: ignore[arg-type]
        except services.GroupRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"“{group.name}” was set up with its sessions.")
            untrained = selectors.untrained_facilitators(group)
            if untrained:
                names = ", ".join(u.display_name for u in untrained)
                messages.warning(
                    request,
                    f"{names}: no current training in {group.programme.name} is recorded.",  # type: ignore[union-attr]
                )
            return redirect("groups:detail", group.pk)
    context = {"groups": list(selectors.team_groups(team)), "form": form}
    return render(request, "groups/list.jinja", context, status=400 if form.is_bound else 200)


@require_GET
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access.get_group_for(request, group_id)
    enrolments = selectors.enrolments(group)
    taking_part = [e for e in enrolments if e.status == EnrolmentStatus.ENROLLED]
    context = {
        "group": group,
        "sessions": selectors.sessions(group),
        "taking_part": taking_part,
        "waiting": [e for e in enrolments if e.status == EnrolmentStatus.WAITING],
        "left": [e for e in enrolments if e.status == EnrolmentStatus.LEFT],
        "has_room": len(taking_part) < group.capacity,
        "creche_used": sum(e.needs_creche for e in taking_part),
        "facilitators": list(group.facilitators.all()),
        "untrained": selectors.untrained_facilitators(group),
        "notes": selectors.notes(group),
        "add_form": AddFamilyForm(None, families=selectors.families_to_add(group.team, group)),
        "note_form": GroupNoteForm(None),
        "is_course": group.kind == GroupKind.COURSE,
        "now": timezone.now(),
    }
    return render(request, "groups/detail.jinja", context)


@require_POST
def add_family(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access.get_group_for(request, group_id)
    form = AddFamilyForm(request.POST, families=selectors.families_to_add(group.team, group))
    if form.is_valid():
        try:
            enrolment = services.add_family(
                actor=request.user,  # type: ignore[arg-type]
                group=group,
                family=form.chosen_family(),
                people=form.chosen_people(),
                needs_creche=form.cleaned_data["needs_creche"],
                waiting=form.cleaned_data["waiting"],
            )
        except services.GroupRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                f"{enrolment.family.name} "
                + (
                    "is on the waiting list."
                    if enrolment.status == "waiting"
                    else "is taking part."
                ),
            )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("groups:detail", group.pk)


@require_POST
def offer_place(request: HttpRequest, group_id: int, enrolment_id: int) -> HttpResponse:
    group = access.get_group_for(request, group_id)
    enrolment = access.get_enrolment_for(request, enrolment_id, group)
    try:
        services.offer_place(actor=request.user, enrolment=enrolment)  # type: ignore[arg-type]
    except services.GroupRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{enrolment.family.name} was offered a place.")
    return redirect("groups:detail", group.pk)


@require_POST
def leave(request: HttpRequest, group_id: int, enrolment_id: int) -> HttpResponse:
    group = access.get_group_for(request, group_id)
    enrolment = access.get_enrolment_for(request, enrolment_id, group)
    services.leave(actor=request.user, enrolment=enrolment)  # type: ignore[arg-type]
    messages.success(request, f"{enrolment.family.name} has left the group.")
    return redirect("groups:detail", group.pk)


@require_POST
def group_note(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access.get_group_for(request, group_id)
    form = GroupNoteForm(request.POST)
    if form.is_valid():
        try:
            services.write_group_note(
                actor=request.user,  # type: ignore[arg-type]
                group=group,
                session=None,
                body=form.cleaned_data["body"],
            )
        except services.GroupRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "The group note was saved.")
    else:
        messages.error(request, " ".join(str(e) for e in form.errors["body"]))
    return redirect("groups:detail", group.pk)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, session_id: int) -> HttpResponse:
    """The register for one session: a tick per carer and baby, quick on a tablet."""
    session = access.get_session_for(request, session_id)
    error = ""
    if request.method == "POST":
        present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
        try:
            services.take_register(actor=request.user, session=session, present=present)  # type: ignore[arg-type]
        except services.GroupRefused as refused:
            error = str(refused)
        else:
            messages.success(request, "The register was saved.")
            return redirect("groups:register", session.pk)
    context = {
        "session": session,
        "group": session.group,
        "rows": selectors.register(session),
        "error": error,
        "can_write_family_notes": can_read_clinical_text(request),
    }
    return render(request, "groups/register.jinja", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access.get_session_for(request, session_id)
    local = timezone.localtime(session.starts_at)
    form = SessionForm(
        _posted(request) or None,
        initial={"on": local.date(), "start_time": local.time(), "cancelled": session.cancelled},
    )
    if request.method == "POST" and form.is_valid():
        services.move_session(
            actor=request.user,  # type: ignore[arg-type]
            session=session,
            starts_at=form.starts_at(),
            cancelled=form.cleaned_data["cancelled"],
        )
        messages.success(request, "The session was changed.")
        return redirect("groups:detail", session.group_id)
    context = {"session": session, "group": session.group, "form": form}
    return render(request, "groups/session.jinja", context, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def family_note(request: HttpRequest, session_id: int, enrolment_id: int) -> HttpResponse:
    """A note about one family from a session, written to that family's own record."""
    require_clinical_text(request)
    session = access.get_session_for(request, session_id)
    enrolment = access.get_enrolment_for(request, enrolment_id, session.group)
    form = FamilyNoteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.write_family_note(
                actor=request.user,  # type: ignore[arg-type]
                enrolment=enrolment,
                session=session,
                body=form.cleaned_data["body"],
            )
        except services.GroupRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"The note was saved in {enrolment.family.name}'s record.")
            return redirect("groups:register", session.pk)
    context = {"session": session, "group": session.group, "enrolment": enrolment, "form": form}
    return render(
        request, "groups/family_note.jinja", context, status=400 if form.is_bound else 200
    )


@require_GET
def outcomes(request: HttpRequest, group_id: int) -> HttpResponse:
    """Baseline and end measures of the group's families, and the group's summary of change."""
    require_clinical_text(request)  # scores are clinical data
    group = access.get_group_for(request, group_id)
    summary = selectors.group_outcomes(group)
    record("group.outcomes_viewed", actor=request.user, obj=group, team_id=group.team_id)
    return render(request, "groups/outcomes.jinja", {"group": group, "summary": summary})
