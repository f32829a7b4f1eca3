"""Ending an episode: planned or not, end-of-therapy measures, closing and the follow-up date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import models, transaction

from attune.accounts.models import User
from attune.audit.services import record
from attune.care import extensions
from attune.care.codes import Stage
from attune.care.models import CareSettings, Episode, StageChange
from attune.care.phases import PathwayRefused, refuse_future
from attune.care.services import move_to_stage
from attune.families.ages import add_months

INTERVENTION_STAGES = frozenset({Stage.EARLY, Stage.MIDDLE, Stage.ENDING})


class WaiveReason(models.TextChoices):
    """Why end-of-therapy measures will not be collected (kept as a code, never free text)."""

    ENDED_SUDDENLY = "ended_suddenly", "The family ended before a last session"
    FAMILY_PREFERRED = "family_preferred", "The family preferred not to complete them"
    NOT_SUITABLE = "not_suitable", "The measures did not suit this family (language, literacy)"
    OTHER = "other", "Another reason, agreed in supervision"


def end_measures_due(episode: Episode, changes: Iterable[StageChange]) -> bool:
    """A reminder from the ending phase on, for families who started an intervention."""
    if episode.end_measures_waived or episode.stage not in {Stage.ENDING, Stage.CLOSED}:
        return False
    started_intervention = any(change.stage in INTERVENTION_STAGES for change in changes)
    # Recorded end-of-therapy measures (the measures app's check) end the reminder too.
    return started_intervention and not extensions.end_measures_recorded(episode)


def waive_end_measures(*, actor: User, episode: Episode, reason: str) -> Episode:
    """Record that end-of-therapy measures will not be collected, and why (a code)."""
    if reason not in WaiveReason.values:
        raise PathwayRefused("Choose why the measures will not be collected")
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        if locked.end_measures_waived:
            return locked
        if locked.stage not in {Stage.ENDING, Stage.CLOSED}:
            raise PathwayRefused(
                "End-of-therapy measures are asked for from the ending phase; "
                "there is nothing to waive yet"
            )
        locked.end_measures_waived = True
        locked.version += 1
        locked.save(update_fields=["end_measures_waived", "version", "updated_at"])
        record(
            "episode.end_measures_waived",
            actor=actor,
            obj=locked,
            team_id=locked.team_id,
            details={"reason": reason},
        )
        return locked


def default_follow_up_on(closed_on: date, settings: CareSettings) -> date:
    """When to ask how the family is doing: the team's number of months after closing."""
    return add_months(closed_on, settings.follow_up_months)


def close_episode(
    *,
    actor: User,
    episode: Episode,
    kind: str,
    reason: str,
    closed_on: date,
    follow_up_on: date | None,
) -> Episode:
    """Close the episode (stage, date, ending and follow-up together); closing twice is refused."""
    refuse_future(closed_on, "The closing date")
    _check_follow_up(closed_on, follow_up_on)
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        if locked.stage == Stage.CLOSED:
            raise PathwayRefused(f"This episode was already closed on {locked.closed_on:%-d %B %Y}")
        if closed_on < locked.stage_since:
            raise PathwayRefused(
                f"The closing date must be on or after {locked.stage_since:%-d %B %Y}, "
                f"when “{locked.get_stage_display()}” began"
            )
        closed = move_to_stage(actor=actor, episode=locked, stage=Stage.CLOSED, on=closed_on)
        closed.closed_on, closed.ending_kind = closed_on, kind
        closed.ending_reason, closed.follow_up_on = reason.strip(), follow_up_on
        closed.version += 1
        closed.save(
            update_fields=[
                "closed_on",
                "ending_kind",
                "ending_reason",
                "follow_up_on",
                "version",
                "updated_at",
            ]
        )
        record(
            "episode.closed",
            actor=actor,
            obj=closed,
            team_id=closed.team_id,
            details={"kind": kind, "closed_on": closed_on.isoformat()},
        )
        return closed


def set_follow_up(*, actor: User, episode: Episode, follow_up_on: date | None) -> Episode:
    """Change (or clear) the date to follow up a closed episode's medium-term outcomes."""
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        if locked.stage != Stage.CLOSED or locked.closed_on is None:
            raise PathwayRefused("A follow-up date is set when the episode closes")
        _check_follow_up(locked.closed_on, follow_up_on)
        if locked.follow_up_on == follow_up_on:
            return locked
        locked.follow_up_on = follow_up_on
        locked.version += 1
        locked.save(update_fields=["follow_up_on", "version", "updated_at"])
        record(
            "episode.follow_up_set",
            actor=actor,
            obj=locked,
            team_id=locked.team_id,
            details={"follow_up_on": follow_up_on.isoformat() if follow_up_on else None},
        )
        return locked


def _check_follow_up(closed_on: date, follow_up_on: date | None) -> None:
    if follow_up_on is not None and follow_up_on <= closed_on:
        raise PathwayRefused("The follow-up date must be after the closing date")
