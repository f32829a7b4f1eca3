"""Team-level measures pages: the schedule, the instruments, experience questions, feedback."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts.access import current_team, request_can, require_capability, requires
from attune.accounts.roles import Capability
from attune.audit.services import record
from attune.care.codes import Stage
from attune.measures import access, codes, selectors, services
from attune.measures.forms import ExperienceQuestionForm, ReferrerFeedbackForm, ScheduleForm
from attune.referrals.codes import Status


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_GET
@requires(Capability.USE_CLINICAL_RECORDS)
def instruments(request: HttpRequest) -> HttpResponse:
    """What each questionnaire measures, its cut-offs and reliable change, with sources."""
    shown = [i.parsed() for i in selectors.latest_instruments_for(current_team(request))]
    return render(request, "measures/instruments.jinja", {"definitions": shown})


@require_http_methods(["GET", "POST"])
@requires(Capability.USE_CLINICAL_RECORDS)
def schedule(request: HttpRequest) -> HttpResponse:
    """The team's measures schedule; managers and administrators change it."""
    team = current_team(request)
    can_edit = request_can(request, Capability.MANAGE_TEAM)
    offered = selectors.latest_instruments_for(team)
    form = ScheduleForm(
        _posted(request) if can_edit else None,
        instruments=offered,
        interventions=selectors.team_interventions(team),
    )
    if request.method == "POST":
        require_capability(request, Capability.MANAGE_TEAM)  # 403, audited
        if form.is_valid():
            try:
                services.add_schedule(
                    actor=request.user,  # type: ignore[arg-type]
                    team=team,
                    instrument_code=form.cleaned_data["instrument_code"],
                    due_when=form.cleaned_data["due_when"],
                    applies_to=form.chosen_intervention(),
                    overdue_after_days=form.cleaned_data["overdue_after_days"],
                )
            except services.MeasureRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, "The schedule was updated.")
                return redirect("measures:schedule")
    labels = {i.code: i.parsed().short_name for i in offered}
    rows = [
        (line, labels.get(line.instrument_code, line.instrument_code))
        for line in selectors.schedule_lines(team)
    ]
    context = {"rows": rows, "form": form, "can_edit": can_edit}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "measures/schedule.jinja", context, status=status)


@require_POST
def schedule_remove(request: HttpRequest, schedule_id: int) -> HttpResponse:
    line = access.get_schedule_for(request, schedule_id)
    services.remove_schedule(actor=request.user, schedule=line)  # type: ignore[arg-type]
    messages.success(request, "That line was removed from the schedule.")
    return redirect("measures:schedule")


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_TEAM)
def experience_questions(request: HttpRequest) -> HttpResponse:
    team = current_team(request)
    form = ExperienceQuestionForm(_posted(request))
    if request.method == "POST" and request.POST.get("defaults"):
        services.add_default_experience_questions(actor=request.user, team=team)  # type: ignore[arg-type]
        return redirect("measures:experience_questions")
    if request.method == "POST" and form.is_valid():
        services.add_experience_question(
            actor=request.user,  # type: ignore[arg-type]
            team=team,
            wording=form.cleaned_data["wording"],
        )
        messages.success(request, "The question was added.")
        return redirect("measures:experience_questions")
    context = {"questions": services.experience_questions(team), "form": form}
    status = 400 if form.is_bound else 200
    return render(request, "measures/experience_questions.jinja", context, status=status)


@require_POST
def experience_question_retire(request: HttpRequest, question_id: int) -> HttpResponse:
    question = access.get_experience_question_for(request, question_id)
    services.retire_experience_question(actor=request.user, question=question)  # type: ignore[arg-type]
    messages.success(request, "The question will no longer be asked.")
    return redirect("measures:experience_questions")


@require_GET
@requires(Capability.VIEW_TEAM_REPORTS)
def experience_summary(request: HttpRequest) -> HttpResponse:
    """Friends and Family Test and referrer feedback for the team (free text: the team only)."""
    team = current_team(request)
    summary = selectors.experience_summary(team)
    record(
        "experience.summary_viewed",
        actor=request.user,
        team_id=team.pk,
        details={"free_text": True},
    )
    context = {
        "fft_rows": [
            (label, summary.fft_counts.get(value, 0))
            for value, label in codes.FriendsAndFamily.choices
        ],
        "answered": summary.answered,
        "positive_share": round(100 * summary.positive / summary.answered)
        if summary.answered
        else None,
        "referrer": summary.referrer,
        "reasons": summary.reasons,
        "comments": summary.comments,
    }
    return render(request, "measures/experience_summary.jinja", context)


# Referrer feedback ------------------------------------------------------------------------


def _feedback_stage(referral: Any) -> str | None:
    """After ending once the family's episode has closed; after triage once triaged."""
    episode = getattr(referral, "episode", None)
    if episode is not None and episode.stage == Stage.CLOSED:
        return codes.FeedbackStage.AFTER_ENDING
    if referral.status != Status.RECEIVED:
        return codes.FeedbackStage.AFTER_TRIAGE
    return None


@require_http_methods(["GET", "POST"])
def referrer_feedback(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = access.get_referral_for_feedback(request, referral_id)
    stage = _feedback_stage(referral)
    given = selectors.feedback_stages_given(referral)
    form = ReferrerFeedbackForm(_posted(request))
    if stage is not None and stage not in given and request.method == "POST" and form.is_valid():
        services.give_referrer_feedback(
            actor=request.user,  # type: ignore[arg-type]
            referral=referral,
            stage=stage,
            ease=int(form.cleaned_data["ease"]),
            clarity=int(form.cleaned_data["clarity"]),
            usefulness=int(form.cleaned_data["usefulness"] or 0) or None,
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, "Thank you: your feedback reached the team.")
        return redirect("referrals:mine")
    context = {
        "referral": referral,
        "form": form,
        "stage": stage,
        "stage_label": codes.FeedbackStage(stage).label if stage else "",
        "already_given": stage in given,
        "asks_usefulness": stage == codes.FeedbackStage.AFTER_ENDING,
    }
    status = 400 if form.is_bound and stage and stage not in given else 200
    return render(request, "measures/referrer_feedback.jinja", context, status=status)
