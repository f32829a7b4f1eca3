"""The toolbox pages in care: offer a directory entry, suggestions for a family, fidelity."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.access import current_team, requires
from attune.accounts.roles import Capability
from attune.care import toolbox
from attune.care.access import get_episode_for
from attune.care.pathway_access import get_package_item_for
from attune.care.phases import PathwayRefused
from attune.care.toolbox_forms import ChooseForm, FidelityForm, ObservedForm, OfferEntryForm
from attune.catalogue import selectors as catalogue_selectors


@require_POST
@requires(Capability.MANAGE_TEAM)
def offer_entry(request: HttpRequest) -> HttpResponse:
    team = current_team(request)
    form = OfferEntryForm(request.POST, entries=list(catalogue_selectors.interventions()))
    if form.is_valid():
        option = toolbox.add_from_directory(
            actor=request.user,  # type: ignore[arg-type]
            team=team,
            entry=form.chosen(),
        )
        messages.success(request, f"“{option.name}” is in the team's toolbox.")
    else:
        messages.error(request, "Choose an intervention from the directory.")
    return redirect("care:interventions")


@require_http_methods(["GET", "POST"])
def suggestions(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The recommender's list for this family: why each fits, and cautions. It never decides."""
    episode = get_episode_for(request, episode_id, write=request.method == "POST")
    source = request.POST if request.method == "POST" else request.GET
    observed_form = ObservedForm(source or None)
    observed = observed_form.cleaned_data["observed"] if observed_form.is_valid() else []
    today = timezone.localdate()
    facts, shown = toolbox.suggestions_for(episode, observed, today)
    offered = [(s.slug, s.name) for s in shown.fits]
    choose = ChooseForm(request.POST if request.method == "POST" else None, offered=offered)
    if request.method == "POST" and choose.is_valid():
        try:
            _choice, items = toolbox.record_choice(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                facts=facts,
                shown=shown,
                chosen=choose.cleaned_data["chosen"],
            )
        except PathwayRefused as refused:
            choose.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"{len(items)} added to the care package, with the suggestions as shown. "
                "Set each one's format, frequency and practitioners below.",
            )
            return redirect("care:package", episode.pk)
    context: dict[str, Any] = {
        "episode": episode,
        "observed_form": observed_form,
        "choose": choose,
        "shown": shown,
        "observed": observed,
        "has_toolbox": bool(toolbox.toolbox_entries(episode.team)),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "care/pathway/suggestions.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def fidelity_review(request: HttpRequest, episode_id: int, package_item_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id, write=request.method == "POST")
    item = get_package_item_for(request, episode, package_item_id)
    checklist = toolbox.fidelity_checklist(item)
    components = list((checklist or {}).get("core_components", []))
    form = FidelityForm(
        request.POST if request.method == "POST" else None,
        components=components,
        initial={"reviewed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            toolbox.record_fidelity_review(
                actor=request.user,  # type: ignore[arg-type]
                item=item,
                **form.cleaned_data,
            )
        except PathwayRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The fidelity review was saved.")
            return redirect("care:package", episode.pk)
    context = {
        "episode": episode,
        "item": item,
        "checklist": checklist,
        "form": form,
        "reviews": list(item.fidelity_reviews.select_related("reviewed_by")),
    }
    status = 400 if form.is_bound else 200
    return render(request, "care/pathway/fidelity.jinja", context, status=status)
