"""Scoped fetching of referrals.

Staff of the current team see the team's referrals; a referrer sees only the
referrals they submitted, and of those only the status and outcome letter.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from attune.accounts.access import deny_as_not_found, parse_pk, require_capability
from attune.accounts.roles import Capability, Role
from attune.audit.services import record
from attune.referrals.models import Referral


def get_referral_for(request: HttpRequest, referral_id: Any, *, write: bool = False) -> Referral:
    """A referral of the current team for clinical staff; others 404. Reads are audited."""
    require_capability(request, Capability.USE_CLINICAL_RECORDS)
    pk = parse_pk(referral_id)
    referral = (
        Referral.objects.select_related("family", "submitted_by", "allocated_to")
        .filter(pk=pk, team=request.team)  # type: ignore[attr-defined]
        .first()
        if pk
        else None
    )
    if referral is None:
        raise deny_as_not_found(request.user, "referrals.referral", referral_id)
    if not write:
        record("referral.viewed", actor=request.user, obj=referral, team_id=referral.team_id)
    return referral


def get_own_referral(request: HttpRequest, referral_id: Any) -> Referral:
    """A referral this user submitted to the current team (anyone else's is a 404)."""
    pk = parse_pk(referral_id)
    referral = (
        Referral.objects.filter(pk=pk, team=request.team, submitted_by=request.user).first()  # type: ignore[attr-defined,misc]
        if pk
        else None
    )
    if referral is None:
        raise deny_as_not_found(request.user, "referrals.referral", referral_id)
    record("referral.status_viewed", actor=request.user, obj=referral, team_id=referral.team_id)
    return referral


def is_referrer(request: HttpRequest) -> bool:
    return getattr(request, "role", None) == Role.REFERRER
