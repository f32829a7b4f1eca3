"""Opening an episode and moving it along its path. Area services live beside this file
(engagement.py, sessions.py, notes.py, video.py, ...), each audited the same way."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.services import record
from attune.care.codes import STAGE_ORDER, Stage
from attune.care.models import Episode, StageChange
from attune.referrals import services as referral_services
from attune.referrals.models import Referral


class StageNotAllowed(Exception):
    """The move is backwards, a repeat, or the episode is closed."""


def allocate_and_open_episode(
    *, actor: User, referral: Referral, expected_version: int, practitioner: User
) -> Episode:
    """Allocate a waiting family and open its episode of care (engagement starts today)."""
    with transaction.atomic():
        referral = referral_services.allocate(
            actor=actor,
            referral=referral,
            expected_version=expected_version,
            practitioner=practitioner,
        )
        today = timezone.localdate()
        episode = Episode.objects.create(
            team_id=referral.team_id,
            family_id=referral.family_id,
            referral=referral,
            lead_practitioner=practitioner,
            stage=Stage.ENGAGEMENT,
            stage_since=today,
            opened_on=today,
        )
        episode.practitioners.add(practitioner)
        StageChange.objects.create(
            episode=episode, stage=Stage.ENGAGEMENT, changed_on=today, changed_by=actor
        )
        record(
            "episode.opened",
            actor=actor,
            obj=episode,
            team_id=episode.team_id,
            details={"referral": referral.pk},
        )
        return episode


def move_to_stage(*, actor: User, episode: Episode, stage: str, on: date | None = None) -> Episode:
    """Move forward along the path (engagement, assessment, three phases, closed)."""
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        current, target = STAGE_ORDER.index(Stage(locked.stage)), STAGE_ORDER.index(Stage(stage))
        if locked.stage == Stage.CLOSED or target <= current:
            raise StageNotAllowed("An episode only moves forward along its path.")
        if on < locked.stage_since:
            raise StageNotAllowed("The date must be on or after the start of the current stage.")
        locked.stage, locked.stage_since = stage, on
        locked.version += 1
        locked.save(update_fields=["stage", "stage_since", "version", "updated_at"])
        StageChange.objects.create(episode=locked, stage=stage, changed_on=on, changed_by=actor)
        record(
            "episode.stage_changed",
            actor=actor,
            obj=locked,
            team_id=locked.team_id,
            details={"stage": stage},
        )
        return locked
