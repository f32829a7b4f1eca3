"""Which teams a report may cover, and whether it shows names and free text.

- Team managers and administrators (VIEW_TEAM_REPORTS): the teams they manage in; the
  whole of it, free text included, for the team only.
- Commissioners (VIEW_COMMISSIONED_REPORTS): the teams they commission, as aggregates
  only: no names, no person-level rows, no free text, small counts suppressed.
- Anyone else: 403. A team the user does not belong to is never included (asking for
  one by id is a 404).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest

from attune.accounts.access import deny_as_not_found, parse_pk, request_can, require_capability
from attune.accounts.models import Membership, Team
from attune.accounts.roles import Capability, Role


@dataclass(frozen=True)
class Audience:
    teams: list[Team]
    # Commissioners see suppressed aggregates only.
    commissioner: bool


def _member_teams(request: HttpRequest, roles: Sequence[str]) -> list[Team]:
    memberships = (
        Membership.objects.active()
        .filter(user=request.user, role__in=list(roles))  # type: ignore[misc]
        .select_related("team")
        .order_by("team__name")
    )
    return [m.team for m in memberships]


def report_audience(request: HttpRequest, team_ids: Sequence[str] = ()) -> Audience:
    """The teams this user may report on (all of them, or the ids asked for), and how."""
    if request_can(request, Capability.VIEW_TEAM_REPORTS):
        allowed = _member_teams(request, [Role.MANAGER, Role.ADMINISTRATOR])
        commissioner = False
    else:
        require_capability(request, Capability.VIEW_COMMISSIONED_REPORTS)
        allowed = _member_teams(request, [Role.COMMISSIONER])
        commissioner = True
    if not team_ids:
        return Audience(allowed, commissioner)
    by_id = {t.pk: t for t in allowed}
    chosen = []
    for raw in team_ids:
        pk = parse_pk(raw)
        if pk not in by_id:
            raise deny_as_not_found(request.user, "accounts.team", raw)
        chosen.append(by_id[pk])
    return Audience(chosen, commissioner)
