"""Outcome measures pages: an episode's and a family's measures, entry, detail, links, risk tasks.

Thin views: fetch through ``access``, parse with a form, call a service.
Every page that shows scores or answers records one read event.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts.access import current_role, current_team, requires
from attune.accounts.roles import Capability, Role
from attune.audit.services import record
from attune.families.models import Family
from attune.measures import access, charts, codes, selectors, services
from attune.measures.forms import (
    PRACTITIONER,
    AdministrationForm,
    ChooseInstrumentForm,
    FamilyPeople,
    FollowUpForm,
    SendLinkForm,
)
from attune.measures.scoring import InvalidAnswers


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def family_people(family: Family) -> FamilyPeople:
    members = list(family.members.select_related("person"))
    relationships = list(family.care_relationships.select_related("carer", "baby"))
    return FamilyPeople(
        carers=[m.person for m in members if m.role == "carer"],
        babies=[m.person for m in members if m.role == "baby"],
        relationships=relationships,
    )


def _series_views(series_list: list[selectors.Series]) -> list[dict[str, Any]]:
    """What the template needs for each series: chart, table rows and the change."""
    shown = []
    for series in series_list:
        definition = series.definition
        scored = series.scored
        low, high = definition.primary_range or (0.0, 1.0)
        cutoff = definition.clinical_cutoff
        shown.append(
            {
                "series": series,
                "definition": definition,
                "chart": charts.line_chart(
                    [charts.Point(a.completed_on, a.primary_score or 0.0) for a in scored],
                    low=low,
                    high=high,
                    title=f"{definition.short_name} over time",
                    cutoff=cutoff.value if cutoff else None,
                    cutoff_label=f"Clinical cut-off {cutoff.value:g}" if cutoff else "",
                )
                if scored and definition.primary_range
                else None,
                "change": series.change(),
            }
        )
    return shown


def _audit_scores_read(request: HttpRequest, action: str, obj: Any, ids: list[int]) -> None:
    record(
        action,
        actor=request.user,
        obj=obj,
        team_id=current_team(request).pk,
        details={"administrations": ids},
    )


@require_GET
def episode_measures(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = access.get_episode_for_measures(request, episode_id)
    administrations = list(selectors.episode_administrations(episode))
    _audit_scores_read(request, "measures.viewed", episode, [a.pk for a in administrations])
    today = timezone.localdate()
    context = {
        "episode": episode,
        "series": _series_views(selectors.series_for(administrations)),
        "administrations": administrations,
        "due": selectors.due_measures(episode, today),
        "flags": list(selectors.open_risk_flags_for_episode(episode)),
        "links": selectors.waiting_links(episode),
    }
    return render(request, "measures/episode.jinja", context)


@require_GET
def family_measures(request: HttpRequest, family_id: int) -> HttpResponse:
    family = access.get_family_for_measures(request, family_id)
    administrations = selectors.family_administrations(family, current_team(request))
    _audit_scores_read(request, "measures.viewed", family, [a.pk for a in administrations])
    context = {"family": family, "series": _series_views(selectors.series_for(administrations))}
    return render(request, "measures/family.jinja", context)


@require_http_methods(["GET", "POST"])
def record_measure(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = access.get_episode_for_measures(request, episode_id)
    instrument_id = request.GET.get("instrument") or request.POST.get("instrument")
    if not instrument_id:
        chooser = ChooseInstrumentForm(
            None, instruments=selectors.latest_instruments_for(current_team(request))
        )
        return render(request, "measures/choose.jinja", {"episode": episode, "form": chooser})
    instrument = access.get_instrument_for(request, instrument_id)
    definition = instrument.parsed()
    goals = list(episode.goals.all()) if getattr(definition, "goals", False) else []
    form = AdministrationForm(
        _posted(request),
        definition=definition,
        people=family_people(episode.family),
        goals=goals,
        initial={"completed_on": timezone.localdate(), "mode": codes.Mode.IN_SESSION},
    )
    if request.method == "POST" and form.is_valid():
        try:
            administration = services.record_administration(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                instrument=instrument,
                respondent_person=form.respondent_person(),
                respondent_user=(
                    request.user  # type: ignore[arg-type]
                    if form.cleaned_data["respondent"] == PRACTITIONER
                    else None
                ),
                subject=form.chosen_subject(),
                timepoint=form.cleaned_data["timepoint"],
                completed_on=form.cleaned_data["completed_on"],
                mode=form.cleaned_data["mode"],
                answers=form.answers(),
            )
        except InvalidAnswers as invalid:
            for name, message in invalid.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except services.MeasureRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"The {definition.short_name} was saved.")
            return redirect("measures:administration", administration.pk)
    context = {"episode": episode, "form": form, "instrument": instrument, "definition": definition}
    return render(request, "measures/record.jinja", context, status=400 if form.is_bound else 200)


@require_GET
def administration_detail(request: HttpRequest, administration_id: int) -> HttpResponse:
    administration = access.get_administration_for(request, administration_id)
    definition = administration.instrument.parsed()
    answers = administration.answers
    items = [
        {
            "label": item.text if definition.licence.wording_may_be_shown and item.text else None,
            "number": item.number,
            "answer": answers.get(f"item{item.number}"),
            "score": administration.result.get("item_scores", {}).get(f"item{item.number}"),
        }
        for item in definition.items
    ]
    scores = [{"label": f.label, "value": answers.get(f.code)} for f in definition.score_fields]
    record(
        "measure.viewed",
        actor=request.user,
        obj=administration,
        team_id=administration.team_id,
        details={"episode": administration.episode_id},
    )
    context = {
        "administration": administration,
        "episode": administration.episode,
        "definition": definition,
        "items": items,
        "scores": scores,
        "subscales": [
            (s.name, administration.result.get("subscales", {}).get(s.code))
            for s in definition.subscales
        ],
        "flags": list(administration.risk_flags.all()),
    }
    return render(request, "measures/administration.jinja", context)


# One-time links --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def send_link(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = access.get_episode_for_measures(request, episode_id)
    sendable = [
        i
        for i in selectors.latest_instruments_for(current_team(request))
        if i.parsed().can_send_to_parent
    ]
    people = family_people(episode.family)
    form = SendLinkForm(_posted(request), instruments=sendable, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_link(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                kind=form.kind(),
                instrument=form.instrument(),
                respondent=form.respondent_person(),
                subject=form.chosen_subject(),
                timepoint=form.cleaned_data["timepoint"],
                send_by=form.cleaned_data["send_by"],
                base_url=request.build_absolute_uri("/"),
            )
        except services.MeasureRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The link was sent. It works once.")
            return redirect("measures:episode", episode.pk)
    context = {"episode": episode, "form": form, "people": people}
    return render(request, "measures/send.jinja", context, status=400 if form.is_bound else 200)


@require_POST
def withdraw_link(request: HttpRequest, link_id: int) -> HttpResponse:
    link = access.get_link_for(request, link_id)
    services.withdraw_link(actor=request.user, link=link)  # type: ignore[arg-type]
    messages.success(request, "The link was withdrawn and no longer works.")
    return redirect("measures:episode", link.episode_id)


# Risk answers ---------------------------------------------------------------------------


@require_GET
@requires(Capability.READ_CLINICAL_NOTES)
def risk_flags(request: HttpRequest) -> HttpResponse:
    """Your risk answers to follow up; a manager or supervisor sees the whole team's."""
    team = current_team(request)
    whole_team = current_role(request) in {Role.MANAGER, Role.SUPERVISOR}
    flags = (
        selectors.open_risk_flags_for(None, team)
        if whole_team
        else selectors.open_risk_flags_for(request.user, team)
    )
    shown = list(flags)
    record(
        "measures.risk_flags_viewed",
        actor=request.user,
        team_id=team.pk,
        details={"flags": [f.pk for f in shown]},
    )
    return render(request, "measures/risk_flags.jinja", {"flags": shown, "whole_team": whole_team})


@require_http_methods(["GET", "POST"])
def risk_flag(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = access.get_risk_flag_for(request, flag_id)
    form = FollowUpForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_risk_flag(
                actor=request.user,  # type: ignore[arg-type]
                flag=flag,
                note=form.cleaned_data["note"],
            )
        except services.MeasureRefused as refused:
            form.add_error("note", str(refused))
        else:
            messages.success(request, "The follow-up was recorded.")
            return redirect("measures:risk_flags")
    record(
        "measure.risk_flag_viewed",
        actor=request.user,
        obj=flag,
        team_id=flag.team_id,
        details={"administration": flag.administration_id},
    )
    context = {"flag": flag, "form": form, "episode": flag.episode}
    return render(
        request, "measures/risk_flag.jinja", context, status=400 if form.is_bound else 200
    )
