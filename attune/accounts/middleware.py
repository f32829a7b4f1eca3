from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from attune.accounts import mfa
from attune.accounts.access import active_memberships
from attune.accounts.roles import SYSTEM_ADMIN
from attune.audit.services import record
from attune.core import request_context

SESSION_STARTED = "attune_auth_started"
SESSION_LAST_SEEN = "attune_last_seen"
SESSION_TEAM = "attune_team_id"
SIGNED_OUT_REASON = "attune_signed_out_reason"
# Requests that poll in the background send this header; they must not keep a session alive.
BACKGROUND_HEADER = "X-Attune-Background"


def mark_session_started(request: HttpRequest) -> None:
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now


class SessionLimitsMiddleware:
    """End idle sessions (30 minutes by default) and old ones (12 hours), on the server."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._enforce(request)
        return self.get_response(request)

    def _enforce(self, request: HttpRequest) -> None:
        now = time.time()
        started = request.session.get(SESSION_STARTED)
        last_seen = request.session.get(SESSION_LAST_SEEN)
        if started is None or last_seen is None:
            mark_session_started(request)
            return
        reason = None
        if now - last_seen > settings.ATTUNE_IDLE_TIMEOUT.total_seconds():
            reason = "idle"
        elif now - started > settings.ATTUNE_ABSOLUTE_SESSION_LIMIT.total_seconds():
            reason = "absolute"
        if reason:
            record("session.expired", actor=request.user, details={"reason": reason})
            logout(request)
            request.session[SIGNED_OUT_REASON] = reason
            return
        if not request.headers.get(BACKGROUND_HEADER):
            request.session[SESSION_LAST_SEEN] = now


class MFARequiredMiddleware:
    """A password alone reaches nothing: protected pages need a verified second factor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or getattr(view, "mfa_exempt", False):
            return None
        # Public pages (marked login_not_required) need no second factor either.
        if not getattr(view, "login_required", True):
            return None
        if mfa.is_satisfied(request.user):
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        if mfa.has_confirmed_authenticator(request.user):
            return redirect(reverse("accounts:mfa_verify"))
        return redirect(reverse("accounts:mfa_setup"))


def mfa_exempt(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view reachable between the password and the second factor."""
    view.mfa_exempt = True  # type: ignore[attr-defined]
    return view


class CurrentTeamMiddleware:
    """Pick the team the user is working in (their choice, kept in the session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.memberships = []  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        request.team = None  # type: ignore[attr-defined]
        request.role = None  # type: ignore[attr-defined]
        if request.user.is_authenticated and mfa.is_satisfied(request.user):
            self._select_team(request)
        return self.get_response(request)

    def _select_team(self, request: HttpRequest) -> None:
        memberships = active_memberships(request.user)  # type: ignore[arg-type]
        chosen_id = request.session.get(SESSION_TEAM)
        membership = next((m for m in memberships if m.team_id == chosen_id), None)
        if membership is None and memberships:
            membership = memberships[0]
            request.session[SESSION_TEAM] = membership.team_id
        request.memberships = memberships  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        if membership is not None:
            request.team = membership.team  # type: ignore[attr-defined]
            request.role = membership.role  # type: ignore[attr-defined]
            request_context.update(role=membership.role, team_id=membership.team_id)
        elif request.user.is_superuser:
            request_context.update(role=SYSTEM_ADMIN)
