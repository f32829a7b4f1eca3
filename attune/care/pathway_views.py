"""Pages along the path: engagement, assessment, care package, phases and ending.

Each view fetches through access helpers, validates with a form, calls a
service, then renders or redirects. A refusal from a service (``PathwayRefused``)
becomes a message on the form, never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.access import current_team, requires
from attune.accounts.roles import Capability, role_can
from attune.care import (
    assessment as assessment_services,
)
from attune.care import (
    ending,
    engagement,
    package,
    pathway_selectors,
    phases,
    selectors,
    toolbox,
)
from attune.care.access import (
    audit_read,
    can_read_clinical_text,
    get_episode_for,
    require_clinical_text,
)
from attune.care.codes import AssessmentDomain, EndingKind, Stage
from attune.care.models import CarePackageItem, Episode
from attune.care.pathway_access import (
    get_intervention_option_for,
    get_onward_referral_for,
    get_package_item_for,
    read_assessment,
)
from attune.care.pathway_forms import (
    AssessmentForm,
    ClosingForm,
    CompleteAssessmentForm,
    EngagementAttemptForm,
    FollowUpForm,
    GoalForm,
    InterventionOptionForm,
    OnwardReferralForm,
    OnwardStatusForm,
    OptionActiveForm,
    PackageItemForm,
    PhaseForm,
    ReviewForm,
    WaiveMeasuresForm,
)
from attune.care.phases import PathwayRefused
from attune.care.toolbox_forms import OfferEntryForm
from attune.catalogue import selectors as catalogue_selectors
from attune.core.locking import StaleEdit

GET_POST = ["GET", "POST"]


def _is_post(request: HttpRequest) -> bool:
    return request.method == "POST"


def _status(request: HttpRequest) -> int:
    # A form shown again after a POST is shown because something needs fixing.
    return 400 if _is_post(request) else 200


# Engagement


@require_http_methods(GET_POST)
def engagement_page(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id, write=_is_post(request))
    form = EngagementAttemptForm(request.POST) if _is_post(request) else EngagementAttemptForm()
    if _is_post(request) and form.is_valid():
        try:
            _attempt, created = engagement.record_attempt(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                method=form.cleaned_data["method"],
                outcome=form.cleaned_data["outcome"],
                attempted_at=form.cleaned_data["attempted_at"],
                next_step=form.cleaned_data["next_step"],
            )
        except PathwayRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                "The attempt was recorded."
                if created
                else "This attempt had already been recorded, so it was not added again.",
            )
            return redirect("care:engagement", episode.pk)
    attempts = pathway_selectors.engagement_attempts(episode)
    settings = selectors.care_settings_for(episode.team)
    today = timezone.localdate()
    context = {
        "episode": episode,
        "form": form,
        "attempts": attempts,
        "state": engagement.engagement_state(episode, attempts, settings),
        "threshold": settings.engagement_attempts_before_flag,
        "days_since_referral": selectors.days_since_referral(episode, today),
        "can_record": episode.stage != Stage.CLOSED,
        "can_move_on": episode.stage == Stage.ENGAGEMENT,
        "today": today,
    }
    return render(request, "care/pathway/engagement.jinja", context, status=_status(request))


# Phases


@require_http_methods(GET_POST)
def phase(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id, write=_is_post(request))
    later = phases.later_stages(episode)
    if _is_post(request):
        # The current stage is accepted too, so a repeated post is answered, not refused.
        form = PhaseForm(request.POST, stages=[Stage(episode.stage), *later])
    else:
        form = PhaseForm(stages=later)
    if _is_post(request) and form.is_valid():
        try:
            moved_episode, moved = phases.move_phase(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                stage=form.cleaned_data["stage"],
                on=form.cleaned_data["on"],
            )
        except PathwayRefused as refused:
            form.add_error(None, str(refused))
        else:
            label = moved_episode.get_stage_display()
            messages.success(
                request,
                f"The episode moved to “{label}”."
                if moved
                else f"The episode was already at “{label}”.",
            )
            return redirect("care:episode", episode.pk)
    context = {"episode": episode, "form": form, "can_move": bool(later)}
    return render(request, "care/pathway/phase.jinja", context, status=_status(request))


# Assessment


def _assessment_context(
    request: HttpRequest,
    episode: Episode,
    *,
    goal_form: GoalForm | None = None,
    complete_form: CompleteAssessmentForm | None = None,
) -> dict[str, Any]:
    assessment, goals = read_assessment(request, episode)
    entries = assessment_services.domain_entries(assessment)
    people = pathway_selectors.family_people(episode)
    return {
        "episode": episode,
        "assessment": assessment,
        "domains": [(d.label, entries[d.value]) for d in AssessmentDomain],
        "goals": goals,
        "goal_form": goal_form or GoalForm(people=people),
        "complete_form": complete_form or CompleteAssessmentForm(),
        "can_complete": assessment is not None and assessment.completed_on is None,
        "can_start_early": episode.stage == Stage.ASSESSMENT,
    }


@require_http_methods(["GET"])
def assessment_page(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinical_text(request)
    episode = get_episode_for(request, episode_id)
    return render(request, "care/pathway/assessment.jinja", _assessment_context(request, episode))


@require_http_methods(GET_POST)
def assessment_edit(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinical_text(request)
    episode = get_episode_for(request, episode_id, write=_is_post(request))
    if not _is_post(request):
        assessment, _goals = read_assessment(request, episode)
        entries = assessment_services.domain_entries(assessment)
        initial = AssessmentForm.initial_for(assessment, entries, episode.referral.narrative)
        form = AssessmentForm(initial=initial)
        context = {"episode": episode, "form": form, "conflict": [], "current": None}

        return render(request, "care/pathway/assessment_edit.jinja", context)
    form = AssessmentForm(request.POST)
    conflict: list[str] = []
    current = None
    if form.is_valid():
        try:
            assessment_services.save_assessment(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                expected_version=form.cleaned_data["version"],
                texts=form.texts(),
                domains=form.domains(),
            )
        except StaleEdit as stale:
            current = stale.current
            conflict = assessment_services.conflicting_parts(
                current,  # type: ignore[arg-type]
                form.texts(),
                form.domains(),
            )
            if conflict:
                # The saved values are shown beside the form: that is a read of the assessment.
                audit_read(request, "assessment.viewed", current, episode, conflict=True)
                form.add_error(
                    None, "Someone else saved changes to this assessment while you were editing."
                )
        if not conflict:
            # Saved, or the same text sent twice (the first post already saved it).
            messages.success(request, "The assessment was saved.")
            return redirect("care:assessment", episode.pk)
    context = {
        "episode": episode,
        "form": form,
        "conflict": [
            (form.fields[name].label, assessment_services.saved_value(current, name))  # type: ignore[arg-type]
            for name in conflict
        ],
        "current": current,
    }
    return render(
        request,
        "care/pathway/assessment_edit.jinja",
        context,
        status=409 if conflict else 400,
    )


@require_POST
def assessment_complete(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinical_text(request)
    episode = get_episode_for(request, episode_id, write=True)
    form = CompleteAssessmentForm(request.POST)
    if form.is_valid():
        try:
            assessment_services.complete_assessment(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                on=form.cleaned_data["completed_on"],
                start_early_phase=form.cleaned_data["start_early_phase"],
            )
        except PathwayRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The assessment is complete.")
            return redirect("care:assessment", episode.pk)
    context = _assessment_context(request, episode, complete_form=form)
    return render(request, "care/pathway/assessment.jinja", context, status=400)


@require_POST
def goal_add(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinical_text(request)
    episode = get_episode_for(request, episode_id, write=True)
    form = GoalForm(request.POST, people=pathway_selectors.family_people(episode))
    if form.is_valid():
        try:
            _goal, created = assessment_services.add_goal(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                wording=form.cleaned_data["wording"],
                person=form.chosen_person(),
                agreed_on=form.cleaned_data["agreed_on"],
            )
        except PathwayRefused as refused:
            form.add_error("wording", str(refused))
        else:
            messages.success(
                request,
                "The goal was added."
                if created
                else "This goal was already there, so it was not added again.",
            )
            return redirect("care:assessment", episode.pk)
    context = _assessment_context(request, episode, goal_form=form)
    return render(request, "care/pathway/assessment.jinja", context, status=400)


# Care package


@require_http_methods(["GET"])
def package_page(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id)
    page = pathway_selectors.package_page(episode)
    today = timezone.localdate()
    show_summaries = can_read_clinical_text(request)
    if show_summaries and any(review.summary for review in page.reviews):
        # Review summaries are clinical text: one audited read for the page.
        audit_read(
            request, "care_package.reviews_viewed", episode, episode, reviews=len(page.reviews)
        )
    context = {
        "episode": episode,
        "page": page,
        "show_summaries": show_summaries,
        "can_change": episode.stage != Stage.CLOSED,
        "can_review": show_summaries and episode.stage != Stage.CLOSED,
        "can_manage_options": role_can(getattr(request, "role", None), Capability.MANAGE_TEAM),
        "due_items": {i.pk for i in page.items if i.review_on and i.review_on < today},
        # Items whose directory entry carries a fidelity checklist to review against.
        "fidelity_items": {i.pk for i in page.items if toolbox.fidelity_checklist(i)},
    }
    return render(request, "care/pathway/package.jinja", context)


def _item_form(
    request: HttpRequest, episode: Episode, item: CarePackageItem | None = None
) -> PackageItemForm:
    options = list(pathway_selectors.team_options(episode.team, active_only=True))
    if item is not None and item.intervention not in options:
        # An item keeps its intervention even after the team stops offering it.
        options.append(item.intervention)
    members = package.delivering_members(episode.team)
    if _is_post(request):
        return PackageItemForm(request.POST, options=options, members=members)
    initial = PackageItemForm.initial_for(item) if item else {}
    return PackageItemForm(initial=initial, options=options, members=members)


@require_http_methods(GET_POST)
def package_item_add(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id, write=_is_post(request))
    form = _item_form(request, episode)
    if _is_post(request) and form.is_valid():
        try:
            _item, created = package.add_item(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                plan=form.plan(),
            )
        except PathwayRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                "The intervention was added to the care package."
                if created
                else "This intervention was already in the package, so it was not added again.",
            )
            _warn_if_untrained(request, form.plan())
            return redirect("care:package", episode.pk)
    return render(
        request,
        "care/pathway/package_item.jinja",
        _item_context(request, episode, form),
        status=_status(request),
    )


@require_http_methods(GET_POST)
def package_item_edit(request: HttpRequest, episode_id: int, package_item_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id, write=_is_post(request))
    item = get_package_item_for(request, episode, package_item_id)
    form = _item_form(request, episode, item)
    if _is_post(request) and form.is_valid():
        try:
            package.update_item(
                actor=request.user,  # type: ignore[arg-type]
                item=item,
                plan=form.plan(),
            )
        except PathwayRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The care package item was saved.")
            _warn_if_untrained(request, form.plan())
            return redirect("care:package", episode.pk)
    return render(
        request,
        "care/pathway/package_item.jinja",
        _item_context(request, episode, form, item),
        status=_status(request),
    )


def _warn_if_untrained(request: HttpRequest, plan: package.ItemPlan) -> None:
    """A warning, not a refusal: training records may lag behind the team's real skills."""
    untrained = toolbox.untrained_practitioners(plan.intervention, plan.practitioners)
    if untrained:
        names = ", ".join(user.display_name for user in untrained)
        messages.warning(
            request,
            f"{names}: no current training in {plan.intervention.name} is recorded. "
            "Check with them, or record the training in the team's training register.",
        )


def _item_context(
    request: HttpRequest,
    episode: Episode,
    form: PackageItemForm,
    item: CarePackageItem | None = None,
) -> dict[str, Any]:
    return {
        "episode": episode,
        "form": form,
        "item": item,
        "has_options": bool(form.options),
        "can_manage_options": role_can(getattr(request, "role", None), Capability.MANAGE_TEAM),
    }


@require_http_methods(GET_POST)
def package_review_add(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinical_text(request)
    episode = get_episode_for(request, episode_id, write=_is_post(request))
    items = pathway_selectors.package_items(episode)
    form = ReviewForm(request.POST, items=items) if _is_post(request) else ReviewForm(items=items)
    if _is_post(request) and form.is_valid():
        try:
            _review, created = package.record_review(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                reviewed_on=form.cleaned_data["reviewed_on"],
                summary=form.cleaned_data["summary"],
                next_review_on=form.cleaned_data["next_review_on"],
                items=form.chosen_items(),
            )
        except PathwayRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                "The review was recorded."
                if created
                else "You had already recorded a review on that date, so it was not added again.",
            )
            return redirect("care:package", episode.pk)
    context = {"episode": episode, "form": form}
    return render(request, "care/pathway/package_review.jinja", context, status=_status(request))


@require_http_methods(GET_POST)
def onward_add(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id, write=_is_post(request))
    form = OnwardReferralForm(request.POST) if _is_post(request) else OnwardReferralForm()
    if _is_post(request) and form.is_valid():
        try:
            _onward, created = package.add_onward_referral(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                **form.cleaned_data,
            )
        except PathwayRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                "The onward referral was recorded."
                if created
                else "This onward referral was already recorded, so it was not added again.",
            )
            return redirect("care:package", episode.pk)
    context = {"episode": episode, "form": form, "onward": None}
    return render(request, "care/pathway/onward.jinja", context, status=_status(request))


@require_http_methods(GET_POST)
def onward_update(request: HttpRequest, episode_id: int, onward_referral_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id, write=_is_post(request))
    onward = get_onward_referral_for(request, episode, onward_referral_id)
    if _is_post(request):
        form = OnwardStatusForm(request.POST)
    else:
        form = OnwardStatusForm(initial={"status": onward.status, "status_on": onward.status_on})
    if _is_post(request) and form.is_valid():
        try:
            package.update_onward_referral(
                actor=request.user,  # type: ignore[arg-type]
                onward=onward,
                status=form.cleaned_data["status"],
                status_on=form.cleaned_data["status_on"],
            )
        except PathwayRefused as refused:
            form.add_error("status_on", str(refused))
        else:
            messages.success(request, "The onward referral was updated.")
            return redirect("care:package", episode.pk)
    context = {"episode": episode, "form": form, "onward": onward}
    return render(request, "care/pathway/onward.jinja", context, status=_status(request))


# The team's list of interventions


@require_http_methods(GET_POST)
@requires(Capability.MANAGE_TEAM)
def interventions(request: HttpRequest) -> HttpResponse:
    team = current_team(request)
    form = InterventionOptionForm(request.POST) if _is_post(request) else InterventionOptionForm()
    if _is_post(request) and form.is_valid():
        try:
            option = package.add_option(
                actor=request.user,  # type: ignore[arg-type]
                team=team,
                name=form.cleaned_data["name"],
            )
        except PathwayRefused as refused:
            form.add_error("name", str(refused))
        else:
            messages.success(request, f"“{option.name}” was added to the list.")
            return redirect("care:interventions")
    options = list(
        pathway_selectors.team_options(team, active_only=False).select_related("catalogue_entry")
    )
    offered = {o.catalogue_entry_id for o in options if o.is_active and o.catalogue_entry_id}
    not_yet = [e for e in catalogue_selectors.interventions() if e.pk not in offered]
    context = {
        "form": form,
        "options": options,
        "offer_form": OfferEntryForm(None, entries=not_yet),
    }
    return render(request, "care/pathway/interventions.jinja", context, status=_status(request))


@require_POST
@requires(Capability.MANAGE_TEAM)
def intervention_toggle(request: HttpRequest, intervention_option_id: int) -> HttpResponse:
    option = get_intervention_option_for(request, intervention_option_id)
    form = OptionActiveForm(request.POST)
    if form.is_valid():
        package.set_option_active(
            actor=request.user,  # type: ignore[arg-type]
            option=option,
            is_active=form.cleaned_data["is_active"],
        )
        messages.success(
            request,
            f"“{option.name}” is offered again."
            if option.is_active
            else f"“{option.name}” is no longer offered for new care packages.",
        )
    else:
        messages.error(request, "Nothing was changed: please try again.")
    return redirect("care:interventions")


# Ending


def _ending_context(
    request: HttpRequest,
    episode: Episode,
    *,
    closing_form: ClosingForm | None = None,
    waive_form: WaiveMeasuresForm | None = None,
    follow_up_form: FollowUpForm | None = None,
) -> dict[str, Any]:
    settings = selectors.care_settings_for(episode.team)
    closed_on = episode.closed_on or timezone.localdate()
    changes = list(episode.stage_changes.all())
    return {
        "episode": episode,
        "is_closed": episode.stage == Stage.CLOSED,
        "path": selectors.episode_path(episode, changes, timezone.localdate()),
        "onward": pathway_selectors.onward_referrals(episode),
        "end_measures_due": ending.end_measures_due(episode, changes),
        "follow_up_months": settings.follow_up_months,
        "closing_form": closing_form
        or ClosingForm(follow_up_default=ending.default_follow_up_on(closed_on, settings)),
        "waive_form": waive_form or WaiveMeasuresForm(),
        "follow_up_form": follow_up_form
        or FollowUpForm(initial={"follow_up_on": episode.follow_up_on}),
    }


@require_http_methods(GET_POST)
def ending_page(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id, write=_is_post(request))
    if not _is_post(request):
        return render(request, "care/pathway/ending.jinja", _ending_context(request, episode))
    form = ClosingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        settings = selectors.care_settings_for(episode.team)
        try:
            episode = ending.close_episode(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                kind=data["kind"],
                reason=data["reason"],
                closed_on=data["closed_on"],
                follow_up_on=data["follow_up_on"]
                or ending.default_follow_up_on(data["closed_on"], settings),
            )
        except PathwayRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, "The episode is closed. The closing letter is ready to print."
            )
            return redirect("care:ending", episode.pk)
    context = _ending_context(request, episode, closing_form=form)
    return render(request, "care/pathway/ending.jinja", context, status=400)


@require_POST
def end_measures_waive(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id, write=True)
    form = WaiveMeasuresForm(request.POST)
    if form.is_valid():
        try:
            ending.waive_end_measures(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                reason=form.cleaned_data["reason"],
            )
        except PathwayRefused as refused:
            form.add_error("reason", str(refused))
        else:
            messages.success(request, "End-of-therapy measures will not be collected.")
            return redirect("care:ending", episode.pk)
    context = _ending_context(request, episode, waive_form=form)
    return render(request, "care/pathway/ending.jinja", context, status=400)


@require_POST
def follow_up(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id, write=True)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            ending.set_follow_up(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                follow_up_on=form.cleaned_data["follow_up_on"],
            )
        except PathwayRefused as refused:
            form.add_error("follow_up_on", str(refused))
        else:
            messages.success(request, "The follow-up date was saved.")
            return redirect("care:ending", episode.pk)
    context = _ending_context(request, episode, follow_up_form=form)
    return render(request, "care/pathway/ending.jinja", context, status=400)


@require_http_methods(["GET"])
def closing_letter(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Dates, sessions attended, ending and onward referrals: never clinical note text."""
    episode = get_episode_for(request, episode_id)
    context = {
        "episode": episode,
        "is_closed": episode.stage == Stage.CLOSED,
        "planned_ending": episode.ending_kind == EndingKind.PLANNED,
        "summary": pathway_selectors.closing_summary(episode),
    }
    return render(request, "care/pathway/closing_letter.jinja", context)
