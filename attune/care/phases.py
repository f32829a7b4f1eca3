"""Moving an episode between its phases from a page, and the checks every pathway step shares.

The path itself (forward only, never before the current stage began) is
``services.move_to_stage``; this module adds what a form needs on top: a
refusal with words for the page, and a repeat of the same move (a double
click) that changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.care.codes import STAGE_ORDER, Stage
from attune.care.models import Episode
from attune.care.services import StageNotAllowed, move_to_stage


class PathwayRefused(Exception):
    """A pathway step that does not apply now; the message is written for the person."""


def refuse_future(day: date | None, what: str) -> None:
    """Records of what has happened cannot be dated after today."""
    if day is not None and day > timezone.localdate():
        raise PathwayRefused(f"{what} cannot be in the future")


def refuse_closed(episode: Episode, what: str) -> None:
    """A closed episode takes no new work (onward referrals and follow-up excepted)."""
    if episode.stage == Stage.CLOSED:
        raise PathwayRefused(f"This episode is closed: {what} can no longer be recorded")


def later_stages(episode: Episode) -> list[Stage]:
    """The phases an episode may move on to from a page (closing has its own page)."""
    current = STAGE_ORDER.index(Stage(episode.stage))
    return [s for s in STAGE_ORDER[current + 1 :] if s != Stage.CLOSED]


def move_phase(*, actor: User, episode: Episode, stage: str, on: date) -> tuple[Episode, bool]:
    """Move forward to ``stage`` on ``on``; a repeat of a move just made changes nothing."""
    refuse_future(on, "The date of the move")
    if stage == Stage.CLOSED:
        raise PathwayRefused("Use the ending page to close an episode")
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        if locked.stage == stage:
            # The same form sent twice: the first one already moved the episode.
            return locked, False
        if locked.stage == Stage.CLOSED:
            raise PathwayRefused("This episode is closed")
        try:
            return move_to_stage(actor=actor, episode=locked, stage=stage, on=on), True
        except StageNotAllowed as refused:
            raise PathwayRefused(_stage_message(locked, stage, on)) from refused


def _stage_message(episode: Episode, stage: str, on: date) -> str:
    if on < episode.stage_since:
        return (
            f"The date must be on or after {episode.stage_since:%-d %B %Y}, "
            f"when “{episode.get_stage_display()}” began"
        )
    return (
        f"The episode is already at “{episode.get_stage_display()}”: "
        f"it only moves forward, so it cannot go to “{Stage(stage).label}”"
    )
