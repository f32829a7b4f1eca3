from __future__ import annotations

from attune.accounts.models import Membership, Team


def team_members(team: Team) -> list[Membership]:
    """The team's active members with their accounts, grouped by role."""
    return list(
        Membership.objects.active()
        .filter(team=team)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )
