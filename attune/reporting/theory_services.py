"""Every change to a team's theory of change and its outcomes.

Each function runs in one transaction and writes its audit event inside it. Audit
details carry ids, field names and codes, never the team's wording.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max

from attune.accounts.models import Team, User
from attune.audit.services import record
from attune.core.locking import StaleEdit
from attune.measures.selectors import latest_instruments_for
from attune.reporting.models import ChangeOutcome, Horizon, TheoryOfChange
from attune.reporting.theory import ACTIVITY_COUNTS, TEMPLATE

TEXT_FIELDS = ("problem", "how_it_develops", "how_change_happens", "activities")
TEXT_LIMIT = 5000
WORDING_LIMIT = 300


class TheoryRefused(Exception):
    """The change breaks a rule; ``field`` names the form field it belongs beside, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def start_from_template(*, actor: User, team: Team) -> TheoryOfChange:
    """Give a team without a theory the starting one to adapt; a team with one keeps it."""
    offered = {i.code for i in latest_instruments_for(team)}
    with transaction.atomic():
        # Lock the team row so that two clicks cannot both create a theory.
        Team.objects.select_for_update().filter(pk=team.pk).first()
        existing = TheoryOfChange.objects.filter(team=team).first()
        if existing is not None:
            return existing
        theory = TheoryOfChange.objects.create(
            team=team,
            problem=TEMPLATE.problem,
            how_it_develops=TEMPLATE.how_it_develops,
            how_change_happens=TEMPLATE.how_change_happens,
            activities=TEMPLATE.activities,
            updated_by=actor,
        )
        positions: dict[str, int] = {}
        outcomes = []
        for item in TEMPLATE.outcomes:
            positions[item.horizon] = positions.get(item.horizon, 0) + 1
            outcomes.append(
                ChangeOutcome(
                    theory=theory,
                    horizon=item.horizon,
                    wording=item.wording,
                    position=positions[item.horizon],
                    # Only measures the team can record: a team without one links its own.
                    measure_codes=[code for code in item.measure_codes if code in offered],
                    activity_codes=list(item.activity_codes),
                )
            )
        ChangeOutcome.objects.bulk_create(outcomes)
        record(
            "theory.started_from_template",
            actor=actor,
            obj=theory,
            team_id=team.pk,
            details={"outcomes": len(outcomes)},
        )
        return theory


def _clean_text(name: str, value: str) -> str:
    text = value.strip()
    if not text:
        raise TheoryRefused("Write something here, even a sentence to start from", field=name)
    if len(text) > TEXT_LIMIT:
        raise TheoryRefused(f"Keep this to {TEXT_LIMIT:,} characters or fewer", field=name)
    return text


def save_theory(
    *, actor: User, theory: TheoryOfChange, expected_version: int, **texts: str
) -> TheoryOfChange:
    """Save the four texts unless someone saved the theory since the form was shown (StaleEdit)."""
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Not a part of the theory: {sorted(unknown)}")
    cleaned = {name: _clean_text(name, value) for name, value in texts.items()}
    with transaction.atomic():
        locked = TheoryOfChange.objects.select_for_update().get(pk=theory.pk)
        if locked.version != expected_version:
            raise StaleEdit(locked)
        changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.version = expected_version + 1
        locked.updated_by = actor
        locked.save(update_fields=[*cleaned, "version", "updated_by", "updated_at"])
        record(
            "theory.changed",
            actor=actor,
            obj=locked,
            team_id=locked.team_id,
            details={"fields": changed, "version": locked.version},
        )
        return locked


def _checked_outcome(
    team: Team,
    *,
    horizon: str,
    wording: str,
    measure_codes: Sequence[str],
    activity_codes: Sequence[str],
) -> tuple[str, list[str], list[str]]:
    if horizon not in Horizon.values:
        raise TheoryRefused("Choose when this outcome is expected", field="horizon")
    text = wording.strip()
    if not text:
        raise TheoryRefused("Describe the outcome", field="wording")
    if len(text) > WORDING_LIMIT:
        raise TheoryRefused(
            f"Keep the outcome to {WORDING_LIMIT} characters or fewer", field="wording"
        )
    offered = {i.code for i in latest_instruments_for(team)}
    unknown = [code for code in measure_codes if code not in offered]
    if unknown:
        raise TheoryRefused(
            f"“{unknown[0]}” is not one of the team's measures. Choose from the list: a team "
            "adds its own questionnaires in the admin first.",
            field="measure_codes",
        )
    not_counted = [key for key in activity_codes if key not in ACTIVITY_COUNTS]
    if not_counted:
        raise TheoryRefused(
            f"“{not_counted[0]}” is not an activity Attune counts. Choose from the list.",
            field="activity_codes",
        )
    # Keep the order chosen, once each.
    return text, list(dict.fromkeys(measure_codes)), list(dict.fromkeys(activity_codes))


def _audit_outcome(outcome: ChangeOutcome) -> dict[str, object]:
    return {
        "theory": outcome.theory_id,
        "horizon": outcome.horizon,
        "measures": list(outcome.measure_codes),
        "activities": list(outcome.activity_codes),
    }


def _next_position(theory: TheoryOfChange, horizon: str) -> int:
    last = theory.outcomes.filter(horizon=horizon).aggregate(n=Max("position"))["n"]
    return (last or 0) + 1


def add_outcome(
    *,
    actor: User,
    theory: TheoryOfChange,
    horizon: str,
    wording: str,
    measure_codes: Sequence[str] = (),
    activity_codes: Sequence[str] = (),
) -> ChangeOutcome:
    """Add an outcome at the end of its horizon, linked only to measures the team has."""
    text, measures, activities = _checked_outcome(
        theory.team,
        horizon=horizon,
        wording=wording,
        measure_codes=measure_codes,
        activity_codes=activity_codes,
    )
    with transaction.atomic():
        outcome = ChangeOutcome.objects.create(
            theory=theory,
            horizon=horizon,
            wording=text,
            position=_next_position(theory, horizon),
            measure_codes=measures,
            activity_codes=activities,
        )
        record(
            "theory.outcome_added",
            actor=actor,
            obj=outcome,
            team_id=theory.team_id,
            details=_audit_outcome(outcome),
        )
        return outcome


def change_outcome(
    *,
    actor: User,
    outcome: ChangeOutcome,
    horizon: str,
    wording: str,
    measure_codes: Sequence[str] = (),
    activity_codes: Sequence[str] = (),
) -> ChangeOutcome:
    """Change an outcome's wording, horizon and links (the team's measures, counted activities)."""
    theory = outcome.theory
    text, measures, activities = _checked_outcome(
        theory.team,
        horizon=horizon,
        wording=wording,
        measure_codes=measure_codes,
        activity_codes=activity_codes,
    )
    with transaction.atomic():
        locked = ChangeOutcome.objects.select_for_update().get(pk=outcome.pk)
        if locked.horizon != horizon:
            locked.position = _next_position(theory, horizon)
        locked.horizon = horizon
        locked.wording = text
        locked.measure_codes = measures
        locked.activity_codes = activities
        locked.save(
            update_fields=["horizon", "wording", "position", "measure_codes", "activity_codes"]
        )
        record(
            "theory.outcome_changed",
            actor=actor,
            obj=locked,
            team_id=theory.team_id,
            details=_audit_outcome(locked),
        )
        return locked


def remove_outcome(*, actor: User, outcome: ChangeOutcome) -> None:
    """Take an outcome out of the theory (the measures and activities themselves stay)."""
    with transaction.atomic():
        details = _audit_outcome(outcome)
        outcome_id = outcome.pk
        deleted, _ = ChangeOutcome.objects.filter(pk=outcome_id).delete()
        if not deleted:
            return
        record(
            "theory.outcome_removed",
            actor=actor,
            object_type="reporting.changeoutcome",
            object_id=outcome_id,
            team_id=outcome.theory.team_id,
            details=details,
        )
