"""The team's theory of change: reading it, editing it, and what the data says per outcome.

Who sees what:

- managers and administrators (MANAGE_TEAM, VIEW_TEAM_REPORTS) edit it and see the
  evidence report with exact figures;
- practitioners and supervisors (USE_CLINICAL_RECORDS) read the theory and its links,
  without the figures, which are a team report;
- commissioners (VIEW_COMMISSIONED_REPORTS) read the theory and the evidence report of
  the team they are working in, as aggregates with counts from 1 to 4 not shown;
- anyone else: 403.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts.access import current_team, request_can, require_capability, requires
from attune.accounts.models import Team
from attune.accounts.roles import Capability
from attune.audit.services import record
from attune.core.locking import StaleEdit, changed_fields
from attune.reporting import theory_services as services
from attune.reporting.access import report_audience
from attune.reporting.models import ChangeOutcome, Horizon, TheoryOfChange
from attune.reporting.periods import Period, period_from
from attune.reporting.suppression import (
    SMALL,
    SUPPRESSED_TEXT,
    count_cell,
    suppress_share,
    suppression_note,
)
from attune.reporting.theory import (
    ACTIVITY_COUNTS,
    HORIZON_ORDER,
    OutcomeEvidence,
    get_outcome_for,
    instrument_choices,
    instrument_labels,
    ordered_outcomes,
    outcome_evidence,
    theory_for,
)
from attune.reporting.theory_forms import OutcomeForm, PeriodForm, TheoryForm

NONE_YET = "none yet"


# Presentation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureRow:
    label: str
    closed: str
    with_baseline: str
    pairs: str
    completeness: str
    improved: str
    deteriorated: str
    not_judged: bool


@dataclass(frozen=True)
class OutcomeRow:
    outcome_id: int
    wording: str
    measure_labels: tuple[str, ...]
    activity_labels: tuple[str, ...]
    measures: tuple[MeasureRow, ...]
    activities: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class HorizonGroup:
    horizon: str
    label: str
    beyond_attune: bool
    outcomes: tuple[OutcomeRow, ...]


class _Figures:
    """Counts and shares as this audience may see them: commissioners never see 1 to 4."""

    def __init__(self, commissioner: bool) -> None:
        # A threshold of 1 hides nothing: staff of the team see every figure.
        self.threshold = SMALL if commissioner else 1

    def count(self, value: int) -> str:
        return count_cell(value, threshold=self.threshold).display

    def share(self, numerator: int, denominator: int) -> str:
        if denominator == 0:
            return NONE_YET
        shown = suppress_share(numerator, denominator, threshold=self.threshold)
        return SUPPRESSED_TEXT if shown is None else shown


def _measure_rows(evidence: OutcomeEvidence, figures: _Figures) -> tuple[MeasureRow, ...]:
    rows = []
    for m in evidence.measures:
        pairs_shown = count_cell(m.pairs, threshold=figures.threshold).value is not None
        rows.append(
            MeasureRow(
                label=m.label,
                closed=figures.count(m.closed_started),
                with_baseline=figures.count(m.with_baseline),
                pairs=figures.count(m.pairs),
                completeness=figures.share(m.pairs, m.closed_started),
                improved=figures.share(m.improved, m.pairs),
                deteriorated=figures.share(m.deteriorated, m.pairs),
                not_judged=m.not_judged > 0 and pairs_shown,
            )
        )
    return tuple(rows)


def _group(rows: Sequence[tuple[str, OutcomeRow]]) -> list[HorizonGroup]:
    return [
        HorizonGroup(
            horizon=horizon,
            label=str(Horizon(horizon).label),
            beyond_attune=horizon == Horizon.LONG,
            outcomes=tuple(row for h, row in rows if h == horizon),
        )
        for horizon in HORIZON_ORDER
    ]


def _evidence_groups(evidence: list[OutcomeEvidence], commissioner: bool) -> list[HorizonGroup]:
    figures = _Figures(commissioner)
    rows = [
        (
            e.horizon,
            OutcomeRow(
                outcome_id=e.outcome_id,
                wording=e.wording,
                measure_labels=tuple(m.label for m in e.measures),
                activity_labels=tuple(a.label for a in e.activities),
                measures=_measure_rows(e, figures),
                activities=tuple((a.label, figures.count(a.count)) for a in e.activities),
            ),
        )
        for e in evidence
    ]
    return _group(rows)


def _plain_groups(theory: TheoryOfChange, team: Team) -> list[HorizonGroup]:
    """The outcomes and their links, without figures (for practitioners and supervisors)."""
    labels = instrument_labels(team)
    rows = [
        (
            outcome.horizon,
            OutcomeRow(
                outcome_id=outcome.pk,
                wording=outcome.wording,
                measure_labels=tuple(labels.get(code, code) for code in outcome.measure_codes),
                activity_labels=tuple(
                    ACTIVITY_COUNTS[key].label
                    for key in outcome.activity_codes
                    if key in ACTIVITY_COUNTS
                ),
                measures=(),
                activities=(),
            ),
        )
        for outcome in ordered_outcomes(theory)
    ]
    return _group(rows)


# Pages ----------------------------------------------------------------------------------


@require_GET
def theory(request: HttpRequest) -> HttpResponse:
    """The theory, and for managers, administrators and commissioners what the data says."""
    readers = (Capability.USE_CLINICAL_RECORDS, Capability.VIEW_COMMISSIONED_REPORTS)
    if not any(request_can(request, capability) for capability in readers):
        require_capability(request, Capability.USE_CLINICAL_RECORDS)  # 403, audited
    team = current_team(request)
    found = theory_for(team)
    reports = request_can(request, Capability.VIEW_TEAM_REPORTS) or request_can(
        request, Capability.VIEW_COMMISSIONED_REPORTS
    )
    period: Period | None = None
    period_errors: list[str] = []
    commissioner = False
    groups: list[HorizonGroup] = []
    if found is not None and reports:
        audience = report_audience(request, [str(team.pk)])
        commissioner = audience.commissioner
        period, period_errors = period_from(request.GET, timezone.localdate())
        groups = _evidence_groups(outcome_evidence(found, audience.teams, period), commissioner)
        record(
            "theory.report_viewed",
            actor=request.user,
            obj=found,
            team_id=team.pk,
            details={
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "suppressed": commissioner,
            },
        )
    elif found is not None:
        groups = _plain_groups(found, team)
    context = {
        "team": team,
        "theory": found,
        "groups": groups,
        "show_evidence": found is not None and reports,
        "commissioner": commissioner,
        "suppression_note": suppression_note(),
        "period": period,
        "period_errors": period_errors,
        # The period actually shown (a refused choice falls back to the latest year).
        "period_form": PeriodForm(
            initial={"period": period.kind, "start": period.start, "end": period.end}
            if period
            else None
        ),
        "can_edit": request_can(request, Capability.MANAGE_TEAM),
    }
    return render(request, "reporting/theory.jinja", context)


@require_POST
@requires(Capability.MANAGE_TEAM)
def start(request: HttpRequest) -> HttpResponse:
    team = current_team(request)
    had_one = theory_for(team) is not None
    services.start_from_template(actor=request.user, team=team)  # type: ignore[arg-type]
    if had_one:
        messages.info(request, "The team already has a theory of change: here it is.")
    else:
        messages.success(
            request,
            "The starting theory is in place. Make it your team's own: change the words, "
            "and the outcomes and what shows them.",
        )
    return redirect("reporting_theory:theory")


def _no_theory_yet(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Start the team's theory of change first.")
    return redirect("reporting_theory:theory")


STALE_MESSAGE = (
    "Someone else saved the theory of change while you were editing. Your words are "
    "still below; compare them with what was saved, then save again."
)


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_TEAM)
def edit(request: HttpRequest) -> HttpResponse:
    """The four texts, saved only over the version the editor started from."""
    found = theory_for(current_team(request))
    if found is None:
        return _no_theory_yet(request)
    if request.method == "GET":
        initial = {name: getattr(found, name) for name in services.TEXT_FIELDS}
        form = TheoryForm(initial={"version": found.version, **initial})
        return _edit_page(request, form, found, [])
    form = TheoryForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, form, found, [], status=400)
    try:
        services.save_theory(
            actor=request.user,  # type: ignore[arg-type]
            theory=found,
            expected_version=form.cleaned_data["version"],
            **form.texts(),
        )
    except StaleEdit as stale:
        current = cast(TheoryOfChange, stale.current)
        typed = form.texts()
        data = request.POST.copy()
        data["version"] = str(current.version)
        form = TheoryForm(data)
        form.is_valid()
        form.add_error(None, STALE_MESSAGE)
        differing = changed_fields(current, typed, list(services.TEXT_FIELDS))
        saved = [(str(form[name].label), str(getattr(current, name))) for name in differing]
        return _edit_page(request, form, current, saved, status=409)
    except services.TheoryRefused as refused:
        form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        return _edit_page(request, form, found, [], status=400)
    messages.success(request, "The theory of change was saved.")
    return redirect("reporting_theory:theory")


def _edit_page(
    request: HttpRequest,
    form: TheoryForm,
    found: TheoryOfChange,
    saved: list[tuple[str, str]],
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "theory": found, "saved": saved, "team": current_team(request)}
    return render(request, "reporting/theory_edit.jinja", context, status=status)


def _outcome_page(
    request: HttpRequest, form: OutcomeForm, outcome: ChangeOutcome | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "outcome": outcome, "team": current_team(request)}
    return render(request, "reporting/theory_outcome_form.jinja", context, status=status)


def _save_outcome(
    request: HttpRequest, form: OutcomeForm, found: TheoryOfChange, outcome: ChangeOutcome | None
) -> HttpResponse:
    if not form.is_valid():
        return _outcome_page(request, form, outcome, status=400)
    fields = {
        "horizon": form.cleaned_data["horizon"],
        "wording": form.cleaned_data["wording"],
        "measure_codes": form.cleaned_data["measure_codes"],
        "activity_codes": form.cleaned_data["activity_codes"],
    }
    try:
        if outcome is None:
            services.add_outcome(actor=request.user, theory=found, **fields)  # type: ignore[arg-type]
        else:
            services.change_outcome(actor=request.user, outcome=outcome, **fields)  # type: ignore[arg-type]
    except services.TheoryRefused as refused:
        form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        return _outcome_page(request, form, outcome, status=400)
    messages.success(request, "The outcome was added." if outcome is None else "Outcome saved.")
    return redirect("reporting_theory:theory")


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_TEAM)
def outcome_new(request: HttpRequest) -> HttpResponse:
    team = current_team(request)
    found = theory_for(team)
    if found is None:
        return _no_theory_yet(request)
    choices = instrument_choices(team)
    if request.method == "GET":
        horizon = request.GET.get("horizon")
        initial = {"horizon": horizon} if horizon in Horizon.values else {}
        return _outcome_page(request, OutcomeForm(initial=initial, instruments=choices), None)
    return _save_outcome(request, OutcomeForm(request.POST, instruments=choices), found, None)


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_TEAM)
def outcome_edit(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome = get_outcome_for(request, outcome_id)
    choices = instrument_choices(current_team(request))
    if request.method == "GET":
        initial = {
            "horizon": outcome.horizon,
            "wording": outcome.wording,
            "measure_codes": list(outcome.measure_codes),
            "activity_codes": list(outcome.activity_codes),
        }
        return _outcome_page(request, OutcomeForm(initial=initial, instruments=choices), outcome)
    form = OutcomeForm(request.POST, instruments=choices)
    return _save_outcome(request, form, outcome.theory, outcome)


@require_POST
@requires(Capability.MANAGE_TEAM)
def outcome_remove(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome = get_outcome_for(request, outcome_id)
    services.remove_outcome(actor=request.user, outcome=outcome)  # type: ignore[arg-type]
    messages.success(request, "The outcome was taken out of the theory.")
    return redirect("reporting_theory:theory")
