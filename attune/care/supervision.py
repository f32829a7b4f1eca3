"""Clinical supervision: a supervisor records a session with a clinician of the team,
the families they talked about, and the actions they agreed (encrypted at rest)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import Membership, Team, User
from attune.accounts.roles import Capability, role_can
from attune.audit.services import record
from attune.care.models import Episode, SupervisionSession

MAX_ACTIONS = 5_000


class SupervisionNotAllowed(Exception):
    """The session names someone or something outside the rules; nothing was written."""


def role_in(team: Team, user: User) -> str | None:
    """The user's active role in the team (None when they are not a member)."""
    membership = Membership.objects.active().filter(team=team, user=user).first()
    return membership.role if membership else None


def supervisees_for(team: Team, supervisor: User) -> list[User]:
    """Clinicians of the team (anyone who reads clinical notes) other than the supervisor."""
    memberships = (
        Membership.objects.active()
        .filter(team=team)
        .exclude(user=supervisor)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    return [m.user for m in memberships if role_can(m.role, Capability.READ_CLINICAL_NOTES)]


def episodes_worked_by(team: Team, user: User) -> list[Episode]:
    """The team's episodes this clinician leads or works on, open ones first."""
    return list(
        Episode.objects.for_team(team)
        .worked_by(user)
        .select_related("family")
        .order_by("closed_on", "family__name", "pk")
    )


def _check(
    team: Team, actor: User, supervisee: User, held_on: date, episodes: Sequence[Episode]
) -> None:
    if not role_can(role_in(team, actor), Capability.SUPERVISE):
        raise SupervisionNotAllowed("Only supervisors can record supervision.")
    if supervisee.pk == actor.pk or not role_can(
        role_in(team, supervisee), Capability.READ_CLINICAL_NOTES
    ):
        raise SupervisionNotAllowed("Choose a clinician of this team to supervise.")
    if held_on > timezone.localdate():
        raise SupervisionNotAllowed("The date must be today or in the past.")
    allowed = {e.pk for e in episodes_worked_by(team, supervisee)}
    if any(e.pk not in allowed for e in episodes):
        raise SupervisionNotAllowed(
            "Choose only families that the person you are supervising works with."
        )


def record_supervision(
    *,
    actor: User,
    team: Team,
    supervisee: User,
    held_on: date,
    episodes: Sequence[Episode],
    agreed_actions: str,
) -> tuple[SupervisionSession, bool]:
    """A supervisor records a session with one of the team's clinicians; repeats are kept once."""
    _check(team, actor, supervisee, held_on, episodes)
    wanted = sorted(e.pk for e in episodes)
    with transaction.atomic():
        # Serialise sessions for this supervisee, so a double submission finds the first.
        User.objects.select_for_update().filter(pk=supervisee.pk).first()
        same_day = SupervisionSession.objects.filter(
            team=team, supervisor=actor, supervisee=supervisee, held_on=held_on
        ).prefetch_related("episodes")
        # Actions are encrypted, so identical sessions are compared here, not in SQL.
        for existing in same_day:
            same_episodes = sorted(e.pk for e in existing.episodes.all()) == wanted
            if same_episodes and existing.agreed_actions == agreed_actions:
                return existing, False
        session = SupervisionSession.objects.create(
            team=team,
            supervisor=actor,
            supervisee=supervisee,
            held_on=held_on,
            agreed_actions=agreed_actions,
        )
        session.episodes.set(episodes)
        record(
            "supervision.recorded",
            actor=actor,
            obj=session,
            team_id=team.pk,
            details={"supervisee": supervisee.pk, "episodes": wanted},
        )
        return session, True
