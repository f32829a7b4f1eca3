"""Engagement: every attempt to reach a family, and when to ask a manager what next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.services import record
from attune.care.codes import EngagementOutcome, Stage
from attune.care.models import CareSettings, EngagementAttempt, Episode
from attune.care.phases import PathwayRefused, refuse_closed

# Outcomes that mean the team has spoken with the family (even if they said "not now").
REACHED = frozenset({EngagementOutcome.SPOKE, EngagementOutcome.BOOKED, EngagementOutcome.DECLINED})


def record_attempt(
    *,
    actor: User,
    episode: Episode,
    method: str,
    outcome: str,
    attempted_at: datetime,
    next_step: str = "",
) -> tuple[EngagementAttempt, bool]:
    """Log one try to reach the family; the same try sent twice is kept once: (attempt, created)."""
    if attempted_at > timezone.now():
        raise PathwayRefused("The attempt cannot be in the future")
    if timezone.localdate(attempted_at) < episode.referral.received_on:
        raise PathwayRefused("The attempt cannot be before the referral was received")
    with transaction.atomic():
        # Lock the episode so two identical posts cannot both pass the repeat check.
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        refuse_closed(locked, "an engagement attempt")
        # next_step is encrypted (a fresh nonce each time), so it is compared after decryption.
        candidates = EngagementAttempt.objects.filter(
            episode=locked, method=method, outcome=outcome, attempted_at=attempted_at
        )
        same = next((a for a in candidates if a.next_step == next_step), None)
        if same is not None:
            return same, False
        attempt = EngagementAttempt.objects.create(
            episode=locked,
            method=method,
            outcome=outcome,
            attempted_at=attempted_at,
            next_step=next_step,
            recorded_by=actor,
        )
        record(
            "engagement.attempt_recorded",
            actor=actor,
            obj=attempt,
            team_id=locked.team_id,
            details={"episode": locked.pk, "method": method, "outcome": outcome},
        )
        return attempt, True


@dataclass(frozen=True)
class EngagementState:
    attempts: int
    reached: bool
    needs_manager_decision: bool
    declined_last: bool


def engagement_state(
    episode: Episode, attempts: list[EngagementAttempt], settings: CareSettings
) -> EngagementState:
    """Not reached after the team's number of attempts (or a "not now"): a manager decides."""
    reached = any(a.outcome in REACHED for a in attempts)
    declined_last = bool(attempts) and attempts[-1].outcome == EngagementOutcome.DECLINED
    stuck = not reached and len(attempts) >= settings.engagement_attempts_before_flag
    return EngagementState(
        attempts=len(attempts),
        reached=reached,
        needs_manager_decision=episode.stage == Stage.ENGAGEMENT and (stuck or declined_last),
        declined_last=declined_last,
    )
