"""Notes, the chronology and safeguarding concerns of an episode.

Each page that shows clinical text records exactly one audit event naming what
it showed. Every page about the family carries the safeguarding banner for
those who may see it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts.access import current_role, current_team
from attune.accounts.roles import Role
from attune.care import chronology as timeline
from attune.care import notes as note_services
from attune.care import safeguarding
from attune.care.access import audit_read, can_read_clinical_text
from attune.care.models import Episode, Note, SafeguardingConcern
from attune.care.record_access import (
    get_concern_for,
    get_episode_for_clinical_text,
    get_episode_for_records,
    get_note_for,
)
from attune.care.record_forms import (
    AddendumForm,
    ChronologyFilterForm,
    ConcernForm,
    EscalateForm,
    NoteForm,
    OutcomeForm,
)
from attune.core.locking import StaleEdit


def _posted(request: HttpRequest) -> Any:
    # An empty POST is still a submission: it must show the "required" errors.
    return request.POST if request.method == "POST" else None


def _family_page(request: HttpRequest, episode: Episode, **context: Any) -> dict[str, Any]:
    return {
        "episode": episode,
        "safeguarding_banner": safeguarding.safeguarding_banner(request, episode.family),
        **context,
    }


# Notes ---------------------------------------------------------------------------------


@require_GET
def notes(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for_clinical_text(request, episode_id)
    shown = note_services.shown_notes(episode)
    audit_read(request, "notes.viewed", episode, episode, notes=[row.note.pk for row in shown])
    return render(request, "care/records/notes.jinja", _family_page(request, episode, rows=shown))


@require_http_methods(["GET", "POST"])
def note_add(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for_clinical_text(request, episode_id)
    contacts = note_services.episode_contacts(episode)
    form = NoteForm(_posted(request), contacts=contacts, opened_on=episode.opened_on)
    if request.method == "POST" and form.is_valid():
        try:
            note = note_services.write_note(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                **form.cleaned_data,
            )
        except note_services.NoteNotAllowed as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The note was saved.")
            return redirect(reverse("care:notes", args=[episode.pk]) + f"#note-{note.pk}")
    status = 400 if form.is_bound else 200
    context = _family_page(request, episode, form=form)
    return render(request, "care/records/note_add.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def note_addendum(request: HttpRequest, note_id: int) -> HttpResponse:
    note = get_note_for(request, note_id)
    form = AddendumForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            addendum = note_services.add_addendum(
                actor=request.user,  # type: ignore[arg-type]
                note=note,
                body=form.cleaned_data["body"],
            )
        except note_services.NoteNotAllowed as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The addendum was saved; the original note is unchanged.")
            return redirect(reverse("care:notes", args=[note.episode_id]) + f"#note-{addendum.pk}")
    return _addendum_page(request, note, form, status=400 if form.is_bound else 200)


def _addendum_page(
    request: HttpRequest, note: Note, form: AddendumForm, status: int
) -> HttpResponse:
    # The page shows the original note: that is a read of its text.
    audit_read(request, "note.viewed", note, note.episode)
    context = _family_page(request, note.episode, note=note_services.shown_note(note), form=form)
    return render(request, "care/records/note_addendum.jinja", context, status=status)


# Chronology ----------------------------------------------------------------------------


@require_GET
def chronology(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for_records(request, episode_id)
    sees_text = can_read_clinical_text(request)
    choices = timeline.entry_types(sees_clinical_text=sees_text)
    form = ChronologyFilterForm(request.GET or None, choices=choices)
    types = form.chosen()
    entries = timeline.chronology(episode, types=types, sees_clinical_text=sees_text)
    audit_read(
        request,
        "chronology.viewed",
        episode,
        episode,
        types=sorted(types),
        notes=[e.note_id for e in entries if e.note_id],
    )
    context = _family_page(request, episode, form=form, entries=entries, sees_text=sees_text)
    return render(request, "care/records/chronology.jinja", context)


# Safeguarding --------------------------------------------------------------------------


@require_GET
def concerns(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for_clinical_text(request, episode_id)
    listed = list(safeguarding.episode_concerns(episode))
    # The list shows categories and dates, not the text; the listing is still on record.
    audit_read(request, "safeguarding.listed", episode, episode, concerns=[c.pk for c in listed])
    context = _family_page(request, episode, concerns=listed)
    return render(request, "care/records/concerns.jinja", context)


@require_http_methods(["GET", "POST"])
def concern_add(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for_clinical_text(request, episode_id)
    form = ConcernForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        concern = safeguarding.raise_concern(
            actor=request.user,  # type: ignore[arg-type]
            episode=episode,
            **form.cleaned_data,
        )
        messages.success(request, "The concern was recorded. Escalate it to a manager below.")
        return redirect("care:concern", concern.pk)
    context = _family_page(request, episode, form=form)
    return render(
        request, "care/records/concern_add.jinja", context, status=400 if form.is_bound else 200
    )


@require_GET
def concern_detail(request: HttpRequest, concern_id: int) -> HttpResponse:
    concern = get_concern_for(request, concern_id)
    return _concern_page(request, concern)


@require_POST
def concern_escalate(request: HttpRequest, concern_id: int) -> HttpResponse:
    concern = get_concern_for(request, concern_id)
    managers = safeguarding.team_managers(current_team(request))
    form = EscalateForm(request.POST, managers=managers)
    if form.is_valid():
        manager = form.cleaned_data["manager"]
        try:
            safeguarding.escalate_concern(
                actor=request.user,  # type: ignore[arg-type]
                concern=concern,
                manager=manager,
            )
        except safeguarding.ConcernNotAllowed as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"Escalated to {manager.display_name}, who has been emailed a link."
            )
            return redirect("care:concern", concern.pk)
    return _concern_page(request, concern, escalate_form=form, status=400)


@require_POST
def concern_outcome(request: HttpRequest, concern_id: int) -> HttpResponse:
    concern = get_concern_for(request, concern_id)
    form = OutcomeForm(request.POST, can_close=_can_close(request))
    status = 400
    if form.is_valid():
        try:
            safeguarding.record_outcome(
                actor=request.user,  # type: ignore[arg-type]
                concern=concern,
                outcome=form.cleaned_data["outcome"],
                close=form.cleaned_data.get("close", False),
                expected_updated_at=form.cleaned_data["seen"],
            )
        except StaleEdit as stale:
            # Keep what this person wrote; the page shows the outcome saved meanwhile,
            # and saving again (with the new "seen") writes this person's version.
            concern = stale.current  # type: ignore[assignment]
            data = request.POST.copy()
            data["seen"] = concern.updated_at.isoformat()
            form = OutcomeForm(data, can_close=_can_close(request))
            form.is_valid()
            form.add_error(None, "Someone else updated this concern while you were writing.")
            status = 409
        except safeguarding.ConcernNotAllowed as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The outcome was saved.")
            return redirect("care:concern", concern.pk)
    return _concern_page(request, concern, outcome_form=form, status=status)


def _can_close(request: HttpRequest) -> bool:
    # Closing takes the banner away, so it is the team manager's decision.
    return current_role(request) == Role.MANAGER


def _concern_page(
    request: HttpRequest,
    concern: SafeguardingConcern,
    *,
    escalate_form: EscalateForm | None = None,
    outcome_form: OutcomeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    # Every render of this page shows the concern's text: one audited read each time.
    audit_read(request, "safeguarding.viewed", concern, concern.episode)
    managers = safeguarding.team_managers(current_team(request))
    can_close = _can_close(request)
    context = _family_page(
        request,
        concern.episode,
        concern=concern,
        escalate_form=escalate_form or EscalateForm(managers=managers),
        outcome_form=outcome_form
        or OutcomeForm(
            initial={"seen": concern.updated_at.isoformat(), "outcome": concern.outcome},
            can_close=can_close,
        ),
        can_close=can_close,
    )
    return render(request, "care/records/concern.jinja", context, status=status)
