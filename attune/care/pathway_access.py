"""Scoped fetching for the pathway pages: package items, onward referrals, intervention options,
and the one audited read of an assessment.

Child records are looked up within an episode the caller already fetched
through ``access.get_episode_for`` (so within the current team); anything else
is a 404 through ``deny_as_not_found``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from attune.accounts.access import current_team, deny_as_not_found, parse_pk, require_capability
from attune.accounts.roles import Capability
from attune.care import pathway_selectors
from attune.care.access import audit_read, require_clinical_text
from attune.care.models import (
    Assessment,
    CarePackageItem,
    Episode,
    Goal,
    InterventionOption,
    OnwardReferral,
)


def get_package_item_for(request: HttpRequest, episode: Episode, item_id: Any) -> CarePackageItem:
    """An item of this episode's care package; any other id is a 404 (audited)."""
    pk = parse_pk(item_id)
    item = (
        CarePackageItem.objects.select_related("intervention", "episode", "episode__team")
        .filter(pk=pk, episode=episode)
        .first()
        if pk
        else None
    )
    if item is None:
        raise deny_as_not_found(request.user, "care.carepackageitem", item_id)
    return item


def get_onward_referral_for(
    request: HttpRequest, episode: Episode, onward_id: Any
) -> OnwardReferral:
    """An onward referral of this episode; any other id is a 404 (audited)."""
    pk = parse_pk(onward_id)
    onward = (
        OnwardReferral.objects.select_related("episode").filter(pk=pk, episode=episode).first()
        if pk
        else None
    )
    if onward is None:
        raise deny_as_not_found(request.user, "care.onwardreferral", onward_id)
    return onward


def get_intervention_option_for(request: HttpRequest, option_id: Any) -> InterventionOption:
    """An intervention on the current team's list, for people who manage the team; else 404."""
    require_capability(request, Capability.MANAGE_TEAM)
    pk = parse_pk(option_id)
    option = (
        InterventionOption.objects.filter(pk=pk, team=current_team(request)).first() if pk else None
    )
    if option is None:
        raise deny_as_not_found(request.user, "care.interventionoption", option_id)
    return option


def read_assessment(request: HttpRequest, episode: Episode) -> tuple[Assessment | None, list[Goal]]:
    """Clinicians only (403 otherwise); each read of the assessment and goals is audited once."""
    require_clinical_text(request)
    assessment = pathway_selectors.assessment_of(episode)
    goals = pathway_selectors.goals_of(episode)
    audit_read(
        request,
        "assessment.viewed",
        assessment or episode,
        episode,
        goals=len(goals),
    )
    return assessment, goals
