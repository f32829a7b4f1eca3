"""Episodes for tests, built through the real services (referral -> triage -> allocation)."""

from __future__ import annotations

from typing import Any

from attune.accounts.models import Team, User
from attune.care.models import Episode
from attune.care.services import allocate_and_open_episode
from attune.referrals.services import triage
from attune.referrals.tests.factories import make_referral


def make_episode(
    *, team: Team, manager: User, practitioner: User, **referral_overrides: Any
) -> Episode:
    """An open episode (engagement stage) led by ``practitioner`` in ``team``."""
    referral = make_referral(team=team, submitted_by=manager, **referral_overrides)
    triage(
        actor=manager,
        referral=referral,
        expected_version=referral.version,
        decision="accept",
        priority=2,
    )
    referral.refresh_from_db()
    return allocate_and_open_episode(
        actor=manager,
        referral=referral,
        expected_version=referral.version,
        practitioner=practitioner,
    )


def world_episode(world: Any) -> Episode:
    """The usual test episode: first team, led by the 'practitioner' persona."""
    return make_episode(
        team=world.team, manager=world.users["manager"], practitioner=world.users["practitioner"]
    )
