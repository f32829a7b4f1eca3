"""Who may reach which team, and the function-level role check for views.

Every app's ``access.py`` follows the same shape: fetch within the user's
scope, and treat anything outside it as if it did not exist (404, audited).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from attune.accounts.models import Membership, Team, User
from attune.accounts.roles import TRIAGE_DELEGATES, Capability, membership_can
from attune.audit.services import record


def deny_as_not_found(user: Any, object_type: str, object_id: object) -> Http404:
    """Audit an out-of-scope request and return the 404 to raise (never reveal it exists)."""
    record(
        "access.denied",
        actor=user,
        object_type=object_type,
        object_id=str(object_id)[:64],
        details={"reason": "out_of_scope"},
    )
    return Http404("Not found")


def current_role(request: HttpRequest) -> str | None:
    """The user's role in the team they are working in (set by CurrentTeamMiddleware)."""
    return getattr(request, "role", None)


def current_team(request: HttpRequest) -> Team:
    """The team the user is working in; views behind ``requires`` always have one."""
    team = getattr(request, "team", None)
    if team is None:
        raise PermissionDenied
    return team


def parse_pk(value: object) -> int | None:
    """A record id from a URL or form, or None when it is not a whole number."""
    try:
        return int(str(value))
    except ValueError:
        return None


def request_can(request: HttpRequest, capability: Capability) -> bool:
    """Whether the user's membership of the current team grants ``capability``."""
    membership = getattr(request, "membership", None)
    delegated = bool(membership is not None and membership.can_triage)
    return membership_can(getattr(request, "role", None), capability, delegated_triage=delegated)


def require_capability(request: HttpRequest, capability: Capability) -> None:
    """Raise 403 (audited) unless the user's role in the current team grants ``capability``."""
    if not request_can(request, capability):
        record("access.forbidden", actor=request.user, details={"capability": str(capability)})
        raise PermissionDenied


def active_memberships(user: User) -> list[Membership]:
    """A user's live memberships, with their teams, in a stable order."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.active().filter(user=user).select_related("team", "team__organisation")
    )


def get_team_for(user: User, team_id: object) -> Team:
    """A team the user belongs to; any other team is a 404."""
    team_pk = parse_pk(team_id)
    if team_pk is None:
        raise deny_as_not_found(user, "accounts.team", team_id)
    membership = (
        Membership.objects.active()
        .filter(user=user, team_id=team_pk)
        .select_related("team")
        .first()
    )
    if membership is None:
        raise deny_as_not_found(user, "accounts.team", team_pk)
    return membership.team


def get_delegable_membership_for(request: HttpRequest, membership_id: object) -> Membership:
    """A practitioner's or supervisor's membership of the current team; anything else is a 404."""
    pk = parse_pk(membership_id)
    membership = (
        Membership.objects.active()
        .filter(pk=pk, team=current_team(request), role__in=TRIAGE_DELEGATES)
        .first()
        if pk is not None
        else None
    )
    if membership is None:
        raise deny_as_not_found(request.user, "accounts.membership", membership_id)
    return membership


def requires(
    capability: Capability,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: the user's role in the current team must grant ``capability``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request_can(request, capability):
                record(
                    "access.forbidden",
                    actor=request.user,
                    object_type="view",
                    object_id=request.resolver_match.view_name if request.resolver_match else "",
                    details={"capability": str(capability)},
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
