"""Safeguarding concerns: raised, escalated to a team manager, given an outcome and closed.

Who may see them: the roles that read clinical text (practitioner, supervisor,
manager) in the episode's team, never administrators. Every view of a
concern's text writes one ``safeguarding.viewed`` event (the view does it,
through ``care.access.audit_read``). The text is encrypted at rest; audit
events and emails carry ids only, never what happened.

While any concern about a family is open, every page of that family shows the
safeguarding banner (``safeguarding_banner``) to the people who may see it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from attune.accounts.models import Membership, Team, User
from attune.accounts.roles import Role
from attune.audit.services import record
from attune.care.access import can_read_clinical_text
from attune.care.models import Episode, SafeguardingConcern
from attune.core.locking import StaleEdit
from attune.core.notifications import send_email_after_commit

REPEAT_WINDOW = timedelta(minutes=2)
ESCALATION_SUBJECT = "A safeguarding concern needs your attention"


class ConcernNotAllowed(Exception):
    """The change breaks a rule: the concern is closed, or the person is not the team's manager."""


def raise_concern(
    *,
    actor: User,
    episode: Episode,
    category: str,
    raised_on: date,
    what_happened: str,
    who_was_informed: str = "",
    action_taken: str = "",
) -> SafeguardingConcern:
    """Record a concern about a family in an episode; a repeated submission returns the first."""
    with transaction.atomic():
        earlier = _recent_same_concern(actor, episode, category, raised_on, what_happened)
        if earlier is not None:
            return earlier
        concern = SafeguardingConcern.objects.create(
            episode=episode,
            category=category,
            raised_on=raised_on,
            raised_by=actor,
            what_happened=what_happened,
            who_was_informed=who_was_informed,
            action_taken=action_taken,
        )
        record(
            "safeguarding.raised",
            actor=actor,
            obj=concern,
            team_id=episode.team_id,
            details={"episode": episode.pk, "category": category},
        )
        return concern


def _recent_same_concern(
    actor: User, episode: Episode, category: str, raised_on: date, what_happened: str
) -> SafeguardingConcern | None:
    # Encrypted text cannot be compared by the database; the few recent rows are compared here.
    recent = SafeguardingConcern.objects.filter(
        episode=episode,
        raised_by=actor,
        category=category,
        raised_on=raised_on,
        created_at__gte=timezone.now() - REPEAT_WINDOW,
    )
    return next((c for c in recent if c.what_happened == what_happened), None)


def escalate_concern(
    *, actor: User, concern: SafeguardingConcern, manager: User
) -> SafeguardingConcern:
    """Hand an open concern to a manager of its team, and email them a link (never the text)."""
    with transaction.atomic():
        locked = _locked_open(concern)
        if not is_team_manager(manager, locked.episode.team_id):
            raise ConcernNotAllowed("Choose a manager of this team.")
        if locked.escalated_to_id == manager.pk:
            return locked  # Already with this manager: no second email.
        locked.escalated_to = manager
        locked.save(update_fields=["escalated_to", "updated_at"])
        record(
            "safeguarding.escalated",
            actor=actor,
            obj=locked,
            team_id=locked.episode.team_id,
            details={"episode": locked.episode_id, "escalated_to": manager.pk},
        )
        send_email_after_commit(
            to=manager.email,
            subject=ESCALATION_SUBJECT,
            body=escalation_email_body(locked),
        )
        return locked


def escalation_email_body(concern: SafeguardingConcern) -> str:
    # Only a link: email leaves the system, so it names no family and holds no clinical text.
    path = reverse("care:concern", args=[concern.pk])
    return f"{ESCALATION_SUBJECT}.\n\nSign in to Attune and open: {path}\n"


def record_outcome(
    *,
    actor: User,
    concern: SafeguardingConcern,
    outcome: str,
    close: bool,
    expected_updated_at: str,
) -> SafeguardingConcern:
    """Write the outcome of an open concern and, if asked, close it (an outcome is needed)."""
    with transaction.atomic():
        locked = _locked_open(concern)
        if locked.updated_at.isoformat() != expected_updated_at:
            raise StaleEdit(locked)
        if close and not outcome.strip():
            raise ConcernNotAllowed("Write the outcome before closing the concern.")
        locked.outcome = outcome
        locked.is_open = not close
        locked.save(update_fields=["outcome", "is_open", "updated_at"])
        record(
            "safeguarding.closed" if close else "safeguarding.outcome_recorded",
            actor=actor,
            obj=locked,
            team_id=locked.episode.team_id,
            details={"episode": locked.episode_id},
        )
        return locked


def _locked_open(concern: SafeguardingConcern) -> SafeguardingConcern:
    locked = (
        SafeguardingConcern.objects.select_for_update().select_related("episode").get(pk=concern.pk)
    )
    if not locked.is_open:
        raise ConcernNotAllowed("This concern is closed; raise a new one if there is more.")
    return locked


# Reads ---------------------------------------------------------------------------------


def is_team_manager(user: User, team_id: int) -> bool:
    """True when the user is an active manager of the team."""
    return (
        Membership.objects.active().filter(user=user, team_id=team_id, role=Role.MANAGER).exists()
    )


def team_managers(team: Team) -> list[User]:
    """The team's active managers, the people a concern can be escalated to."""
    memberships = (
        Membership.objects.active()
        .filter(team=team, role=Role.MANAGER)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    return [m.user for m in memberships]


def episode_concerns(episode: Episode) -> QuerySet[SafeguardingConcern]:
    """An episode's concerns, open ones first, then the most recent."""
    return episode.safeguarding_concerns.select_related("raised_by", "escalated_to").order_by(
        "-is_open", "-raised_on", "-id"
    )


def open_concern_episodes(family_id: int, team: Team) -> list[int]:
    """The episode of each open concern about a family in the team, newest concern first."""
    return list(
        SafeguardingConcern.objects.filter(
            episode__family_id=family_id, episode__team=team, is_open=True
        )
        .order_by("-raised_on", "-id")
        .values_list("episode_id", flat=True)
    )


def open_concern_count(family_id: int, team: Team) -> int:
    """How many safeguarding concerns about a family are open in the team."""
    return len(open_concern_episodes(family_id, team))


def safeguarding_banner(request: HttpRequest, family: Any) -> dict[str, Any] | None:
    """The banner for a family's pages: only for those who may see safeguarding, when open."""
    if not can_read_clinical_text(request):
        return None
    return safeguarding_banner_for_family(family.pk, request.team)  # type: ignore[attr-defined]


def safeguarding_banner_for_family(family_id: int, team: Team) -> dict[str, Any] | None:
    """Banner data when the family has open concerns in this team (callers check the role)."""
    episodes = open_concern_episodes(family_id, team)
    if not episodes:
        return None
    return {"count": len(episodes), "href": reverse("care:concerns", args=[episodes[0]])}
