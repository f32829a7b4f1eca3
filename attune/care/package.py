"""The care package: planned interventions, their reviews, and onward referrals to other services.

Also the team's list of interventions to choose from (a seam: the evidence
directory will replace ``InterventionOption`` in a later issue).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction

from attune.accounts.models import Membership, Team, User
from attune.accounts.roles import Role
from attune.audit.services import record
from attune.care.models import (
    CarePackageItem,
    Episode,
    InterventionOption,
    OnwardReferral,
    PackageReview,
)
from attune.care.phases import PathwayRefused, refuse_closed, refuse_future

# Who may deliver an intervention: people who hold a caseload (not administrators).
DELIVERING_ROLES = (Role.PRACTITIONER, Role.SUPERVISOR, Role.MANAGER)


def delivering_members(team: Team) -> list[User]:
    """The team's active practitioners, supervisors and managers, by name."""
    memberships = (
        Membership.objects.active()
        .filter(team=team, role__in=DELIVERING_ROLES)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return [m.user for m in memberships]


# The team's list of interventions


def add_option(*, actor: User, team: Team, name: str) -> InterventionOption:
    """Add an intervention to the team's list; a name already there (any case) is refused."""
    name = " ".join(name.split())
    if not name:
        raise PathwayRefused("Enter the name of the intervention")
    if InterventionOption.objects.filter(team=team, name__iexact=name).exists():
        raise PathwayRefused(f"“{name}” is already on the list")
    try:
        with transaction.atomic():
            option = InterventionOption.objects.create(team=team, name=name)
            record("intervention_option.added", actor=actor, obj=option, team_id=team.pk)
            return option
    except IntegrityError as clash:
        # Two identical posts at once: the unique constraint lets one through.
        raise PathwayRefused(f"“{name}” is already on the list") from clash


def set_option_active(
    *, actor: User, option: InterventionOption, is_active: bool
) -> InterventionOption:
    """Offer an intervention again, or stop offering it (items already planned keep it)."""
    with transaction.atomic():
        if option.is_active != is_active:
            option.is_active = is_active
            option.save(update_fields=["is_active"])
            record(
                "intervention_option.changed",
                actor=actor,
                obj=option,
                team_id=option.team_id,
                details={"is_active": is_active},
            )
        return option


# Items of the package


@dataclass(frozen=True)
class ItemPlan:
    intervention: InterventionOption
    delivery_format: str
    frequency: str
    planned_sessions: int | None
    practitioners: list[User]
    starts_on: date | None
    review_on: date | None


def _check_plan(episode: Episode, plan: ItemPlan, *, keeping: int | None = None) -> None:
    if plan.intervention.team_id != episode.team_id or (
        not plan.intervention.is_active and plan.intervention.pk != keeping
    ):
        raise PathwayRefused("Choose an intervention from the team's list")
    allowed = {u.pk for u in delivering_members(episode.team)}
    if any(p.pk not in allowed for p in plan.practitioners):
        raise PathwayRefused(
            "Choose practitioners, supervisors or managers of this team to deliver it"
        )
    if plan.starts_on and plan.review_on and plan.review_on < plan.starts_on:
        raise PathwayRefused("The review date must be on or after the start date")


def add_item(*, actor: User, episode: Episode, plan: ItemPlan) -> tuple[CarePackageItem, bool]:
    """Add an intervention to the package; the same item sent twice is kept once."""
    _check_plan(episode, plan)
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        refuse_closed(locked, "a care package item")
        same = CarePackageItem.objects.filter(
            episode=locked,
            intervention=plan.intervention,
            delivery_format=plan.delivery_format,
            starts_on=plan.starts_on,
        ).first()
        if same is not None:
            return same, False
        item = CarePackageItem.objects.create(
            episode=locked,
            intervention=plan.intervention,
            delivery_format=plan.delivery_format,
            frequency=plan.frequency,
            planned_sessions=plan.planned_sessions,
            starts_on=plan.starts_on,
            review_on=plan.review_on,
        )
        item.practitioners.set(plan.practitioners)
        _record_item("care_package.item_added", actor, item, locked)
        return item, True


def update_item(*, actor: User, item: CarePackageItem, plan: ItemPlan) -> CarePackageItem:
    """Change a planned item (its intervention may stay even if the team no longer offers it)."""
    _check_plan(item.episode, plan, keeping=item.intervention_id)
    refuse_closed(item.episode, "changes to the care package")
    with transaction.atomic():
        item.intervention = plan.intervention
        item.delivery_format = plan.delivery_format
        item.frequency = plan.frequency
        item.planned_sessions = plan.planned_sessions
        item.starts_on = plan.starts_on
        item.review_on = plan.review_on
        item.save()
        item.practitioners.set(plan.practitioners)
        _record_item("care_package.item_changed", actor, item, item.episode)
        return item


def _record_item(action: str, actor: User, item: CarePackageItem, episode: Episode) -> None:
    record(
        action,
        actor=actor,
        obj=item,
        team_id=episode.team_id,
        details={
            "episode": episode.pk,
            "intervention": item.intervention_id,
            "format": item.delivery_format,
        },
    )


# Reviews


def record_review(
    *,
    actor: User,
    episode: Episode,
    reviewed_on: date,
    summary: str,
    next_review_on: date | None,
    items: Iterable[CarePackageItem],
) -> tuple[PackageReview, bool]:
    """Record a dated review; the reviewed items' next review moves to ``next_review_on``."""
    refuse_future(reviewed_on, "The review date")
    if next_review_on is not None and next_review_on <= reviewed_on:
        raise PathwayRefused("The next review must be after this review")
    items = list(items)
    if any(item.episode_id != episode.pk for item in items):
        raise PathwayRefused("Choose items of this family's care package")
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        refuse_closed(locked, "a package review")
        if reviewed_on < locked.opened_on:
            raise PathwayRefused("The review cannot be before the episode opened")
        same = PackageReview.objects.filter(
            episode=locked, reviewed_on=reviewed_on, reviewed_by=actor
        ).first()
        if same is not None:
            # One review per person per day: a second post is the first sent again.
            return same, False
        review = PackageReview.objects.create(
            episode=locked,
            reviewed_on=reviewed_on,
            summary=summary,
            next_review_on=next_review_on,
            reviewed_by=actor,
        )
        # The caseload shows the earliest item review as due; reviewed items move on.
        CarePackageItem.objects.filter(pk__in=[i.pk for i in items]).update(
            review_on=next_review_on
        )
        record(
            "care_package.reviewed",
            actor=actor,
            obj=review,
            team_id=locked.team_id,
            details={"episode": locked.pk, "items": [i.pk for i in items]},
        )
        return review, True


# Signposting and onward referrals


def add_onward_referral(
    *,
    actor: User,
    episode: Episode,
    service: str,
    organisation: str,
    status: str,
    status_on: date,
) -> tuple[OnwardReferral, bool]:
    """Record signposting or a referral to another service; a repeat is kept once."""
    refuse_future(status_on, "The date")
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        if status_on < locked.opened_on:
            raise PathwayRefused("The date cannot be before the episode opened")
        fields = {"service": service, "organisation": organisation.strip(), "status": status}
        same = OnwardReferral.objects.filter(episode=locked, status_on=status_on, **fields).first()
        if same is not None:
            return same, False
        onward = OnwardReferral.objects.create(episode=locked, status_on=status_on, **fields)
        _record_onward("onward_referral.added", actor, onward, locked)
        return onward, True


def update_onward_referral(
    *, actor: User, onward: OnwardReferral, status: str, status_on: date
) -> OnwardReferral:
    """Move an onward referral to its latest status (dated no earlier than the last one)."""
    refuse_future(status_on, "The date")
    if status_on < onward.status_on:
        raise PathwayRefused(
            f"The date cannot be before the last update ({onward.status_on:%-d %B %Y})"
        )
    with transaction.atomic():
        if (onward.status, onward.status_on) == (status, status_on):
            return onward
        onward.status, onward.status_on = status, status_on
        onward.save(update_fields=["status", "status_on", "updated_at"])
        _record_onward("onward_referral.updated", actor, onward, onward.episode)
        return onward


def _record_onward(action: str, actor: User, onward: OnwardReferral, episode: Episode) -> None:
    record(
        action,
        actor=actor,
        obj=onward,
        team_id=episode.team_id,
        details={"episode": episode.pk, "service": onward.service, "status": onward.status},
    )
