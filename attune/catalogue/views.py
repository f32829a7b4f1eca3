"""The directory's pages: browse and filter, an entry by the Hexagon's indicators, compare,
edit (system administrators), the team's self-assessments and its training register."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts.access import current_team, request_can, require_capability, requires
from attune.accounts.roles import Capability
from attune.catalogue import access, charts, schema, selectors, services
from attune.catalogue.forms import (
    PROGRAMME,
    SITE,
    DirectoryFilterForm,
    EntryEditForm,
    SelfAssessmentForm,
    TrainingForm,
)
from attune.catalogue.models import Intervention, SelfAssessment
from attune.core.locking import StaleEdit

# Training expiring within this many days is flagged, and its holder reminded by email.
REMIND_DAYS = 60
HEXAGON_ORDER = ("need", "fit", "capacity", "supports", "usability", "evidence")


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _hexagon() -> dict[str, Any]:
    data = schema.load_hexagon()
    return {"source": data.get("source", ""), "by_code": {i["code"]: i for i in data["indicators"]}}


def _programme_rating(entry: Intervention, code: str) -> str | None:
    for rating in entry.data.get("ratings", []):
        if rating["scheme"] == f"hexagon_{code}":
            return str(rating["value"])
    return None


def entry_summary(entry: Intervention) -> dict[str, Any]:
    """What the browse list, the entry page and the comparison show of one entry."""
    data = entry.data
    return {
        "entry": entry,
        "data": data,
        "age": schema.age_label(data),
        "evidence": schema.evidence_label(data),
        "programme": {code: _programme_rating(entry, code) for code in PROGRAMME},
        "labels": schema.LABELS,
    }


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    rows = [entry_summary(e) for e in selectors.browse(form.chosen())]
    return render(request, "catalogue/directory.jinja", {"form": form, "rows": rows})


@require_GET
def entry_page(request: HttpRequest, slug: str) -> HttpResponse:
    entry = access.get_entry(request, slug)
    team = getattr(request, "team", None)
    can_assess = team is not None and request_can(request, Capability.USE_CLINICAL_RECORDS)
    context = {
        **entry_summary(entry),
        "hexagon": _hexagon(),
        "can_edit": request.user.is_superuser,
        "can_assess": can_assess,
        "assessments": selectors.team_assessments(team, entry) if can_assess and team else [],
        "scheme_sources": schema.SCHEME_SOURCES,
    }
    return render(request, "catalogue/entry.jinja", context)


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """Up to four entries side by side; the URL itself is the shareable comparison."""
    chosen = request.GET.getlist("e")
    entries = selectors.entries_by_slug(chosen)
    too_many = len(dict.fromkeys(s for s in chosen if s)) > selectors.MAX_COMPARED
    shared = reverse("catalogue:compare") + "?" + urlencode([("e", e.slug) for e in entries])
    context = {
        "rows": [entry_summary(e) for e in entries],
        "too_many": too_many,
        "share_url": request.build_absolute_uri(shared),
    }
    return render(request, "catalogue/compare.jinja", context)


@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, slug: str) -> HttpResponse:
    access.require_system_admin(request)
    entry = access.get_entry(request, slug)
    initial = {
        "entry_json": json.dumps(entry.data, indent=2, ensure_ascii=False),
        "version": entry.version,
    }
    form = EntryEditForm(_posted(request), initial=initial, slug=entry.slug)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.save_entry(
                actor=request.user,  # type: ignore[arg-type]
                data=form.cleaned_data["entry_json"],
                expected_version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            )
        except StaleEdit:
            conflict = True
            form.add_error(
                None,
                "Someone else saved this entry while you were editing. Your text is kept "
                "below; open the entry again in another tab to see their version.",
            )
        else:
            messages.success(request, "The entry was saved as a new version.")
            return redirect("catalogue:entry", entry.slug)
    status = 409 if conflict else (400 if form.is_bound else 200)
    context = {"entry": entry, "form": form}
    return render(request, "catalogue/entry_edit.jinja", context, status=status)


@require_GET
def entry_history(request: HttpRequest, slug: str) -> HttpResponse:
    entry = access.get_entry(request, slug)
    versions = selectors.history(entry)
    rows = []
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        changed = (
            sorted(
                k
                for k in set(newer.data) | set(older.data)
                if newer.data.get(k) != older.data.get(k)
            )
            if older
            else []
        )
        rows.append({"version": newer, "changed": changed})
    return render(request, "catalogue/history.jinja", {"entry": entry, "rows": rows})


# Self-assessments -------------------------------------------------------------------------


def _assessment_view(assessment: SelfAssessment) -> dict[str, Any]:
    hexagon = _hexagon()
    names = [hexagon["by_code"][code]["name"] for code in HEXAGON_ORDER]
    ratings = [getattr(assessment, code) for code in HEXAGON_ORDER]
    return {
        "assessment": assessment,
        "entry": assessment.intervention,
        "hexagon": hexagon,
        "chart": charts.hexagon_chart(
            names, ratings, title=f"Hexagon ratings for {assessment.intervention.name}"
        ),
        "rows": [
            (code, hexagon["by_code"][code]["name"], getattr(assessment, code))
            for code in HEXAGON_ORDER
        ],
        "assessors": list(assessment.assessors.all()),
    }


@require_GET
@requires(Capability.USE_CLINICAL_RECORDS)
def assessments(request: HttpRequest) -> HttpResponse:
    rows = selectors.team_assessments(current_team(request))
    return render(request, "catalogue/assessments.jinja", {"rows": rows})


@require_http_methods(["GET", "POST"])
@requires(Capability.USE_CLINICAL_RECORDS)
def assessment_new(request: HttpRequest, slug: str) -> HttpResponse:
    entry = access.get_entry(request, slug)
    team = current_team(request)
    hexagon = _hexagon()
    names = {code: item["name"] for code, item in hexagon["by_code"].items()}
    initial: dict[str, Any] = {
        "completed_on": timezone.localdate(),
        "assessors": [str(request.user.pk)],
    }
    for code in PROGRAMME:
        value = _programme_rating(entry, code)
        if value and value[0].isdigit():
            initial[code] = value[0]  # the directory's rating, for the team to review
    form = SelfAssessmentForm(
        _posted(request),
        members=selectors.team_members(team),
        indicator_names=names,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.record_self_assessment(
                actor=request.user,  # type: ignore[arg-type]
                team=team,
                intervention=entry,
                ratings=form.ratings(),
                notes=form.notes(),
                assessors=form.chosen_assessors(),
                other_assessors=form.cleaned_data["other_assessors"],
                decision=form.cleaned_data["decision"],
                completed_on=form.cleaned_data["completed_on"],
            )
        except services.CatalogueRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The self-assessment was saved.")
            return redirect("catalogue:assessment", assessment.pk)
    context = {
        "entry": entry,
        "form": form,
        "hexagon": hexagon,
        "groups": [("The programme", PROGRAMME), ("Your setting", SITE)],
        **entry_summary(entry),
    }
    return render(
        request, "catalogue/assessment_new.jinja", context, status=400 if form.is_bound else 200
    )


@require_GET
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = access.get_assessment_for(request, assessment_id)
    return render(request, "catalogue/assessment.jinja", _assessment_view(assessment))


# Training register (the toolbox's "who is trained") --------------------------------------


@require_http_methods(["GET", "POST"])
@requires(Capability.USE_CLINICAL_RECORDS)
def training(request: HttpRequest) -> HttpResponse:
    team = current_team(request)
    can_edit = request_can(request, Capability.MANAGE_TEAM)
    form = TrainingForm(
        _posted(request) if can_edit else None,
        members=selectors.team_members(team),
        entries=list(selectors.interventions()),
    )
    if request.method == "POST":
        require_capability(request, Capability.MANAGE_TEAM)  # 403, audited
        if form.is_valid():
            try:
                services.record_training(
                    actor=request.user,  # type: ignore[arg-type]
                    team=team,
                    user=form.members[form.cleaned_data["user"]],
                    intervention=form.chosen_entry(),
                    title=form.cleaned_data["title"],
                    level=form.cleaned_data["level"],
                    trained_on=form.cleaned_data["trained_on"],
                    expires_on=form.cleaned_data["expires_on"],
                )
            except services.CatalogueRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, "The training was recorded.")
                return redirect("catalogue:training")
    today = timezone.localdate()
    context = {
        "rows": selectors.team_training(team),
        "soon": today + timedelta(days=REMIND_DAYS),
        "form": form,
        "can_edit": can_edit,
        "today": today,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "catalogue/training.jinja", context, status=status)


@require_POST
def training_remove(request: HttpRequest, training_id: int) -> HttpResponse:
    record = access.get_training_for(request, training_id)
    services.remove_training(actor=request.user, training=record)  # type: ignore[arg-type]
    messages.success(request, "The training record was removed.")
    return redirect("catalogue:training")
