"""What every page's shell needs: team switcher, navigation for the role, demo marker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from attune.accounts import mfa
from attune.accounts.roles import Capability, role_can


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    url_name: str


def navigation_for(request: HttpRequest) -> list[NavItem]:
    """Only the places the user's role may use: the server enforces the same rules."""
    user = request.user
    if not user.is_authenticated or not mfa.is_satisfied(user):
        return []
    role = getattr(request, "role", None)
    items = [NavItem("Home", reverse("home"), "home")]
    if role_can(role, Capability.USE_CLINICAL_RECORDS):
        items += [
            NavItem("Caseload", reverse("care:caseload"), "care:caseload"),
            NavItem("Diary", reverse("care:diary"), "care:diary"),
            NavItem("Referrals", reverse("referrals:list"), "referrals:list"),
            NavItem("Waiting list", reverse("referrals:waiting_list"), "referrals:waiting_list"),
            NavItem("Families", reverse("families:list"), "families:list"),
            NavItem("Groups", reverse("groups:list"), "groups:list"),
        ]
    elif role_can(role, Capability.SUBMIT_REFERRALS):
        items += [
            NavItem("Refer a family", reverse("referrals:new"), "referrals:new"),
            NavItem("Your referrals", reverse("referrals:mine"), "referrals:mine"),
        ]
    if role_can(role, Capability.VIEW_COMMISSIONED_REPORTS):
        items.append(NavItem("Reports", reverse("reporting:dashboard"), "reporting:dashboard"))
    # The evidence directory is for everyone signed in, with or without a team.
    items.append(NavItem("Directory", reverse("catalogue:directory"), "catalogue:directory"))
    if role_can(role, Capability.SUPERVISE):
        items.append(
            NavItem("Supervision", reverse("care:supervision_list"), "care:supervision_list")
        )
    # Rooms, the team page, outreach and the other places used less often are on the home
    # page: the header holds about eleven links before it runs out of room.
    if role_can(role, Capability.SEARCH_AUDIT):
        items.append(NavItem("Audit trail", reverse("audit:search"), "audit:search"))
    if user.is_superuser:
        items.append(NavItem("System administration", reverse("admin:index"), "admin:index"))
    items.append(NavItem("Your account", reverse("accounts:security"), "accounts:security"))
    return items


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated and mfa.is_satisfied(user))
    current_view = request.resolver_match.view_name if request.resolver_match else ""
    return {
        "signed_in": signed_in,
        "demo_mode": settings.DEMO_MODE,
        "demo_waived": bool(signed_in and mfa.demo_waiver_applies(user)),  # type: ignore[arg-type]
        "current_team": getattr(request, "team", None),
        "current_role_label": getattr(
            getattr(request, "membership", None), "get_role_display", lambda: ""
        )(),
        "switchable_memberships": getattr(request, "memberships", []) if signed_in else [],
        "navigation": navigation_for(request) if signed_in else [],
        "current_view": current_view,
        "service_name": "Attune",
    }
