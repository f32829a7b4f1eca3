"""Who may reach group programmes: the staff of the group's team (others 404).

Notes about one family from a group are clinical text, for clinicians only.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from attune.accounts.access import current_team, deny_as_not_found, parse_pk, require_capability
from attune.accounts.roles import Capability
from attune.groups.models import Enrolment, Group, GroupSession


def get_group_for(request: HttpRequest, group_id: Any) -> Group:
    """A group of the current team, for its staff; any other is a 404 (audited)."""
    require_capability(request, Capability.USE_CLINICAL_RECORDS)
    pk = parse_pk(group_id)
    found = (
        Group.objects.select_related("programme", "team")
        .filter(pk=pk, team=current_team(request))
        .first()
        if pk
        else None
    )
    if found is None:
        raise deny_as_not_found(request.user, "groups.group", group_id)
    return found


def get_session_for(request: HttpRequest, session_id: Any) -> GroupSession:
    """A session of one of the current team's groups; any other is a 404."""
    require_capability(request, Capability.USE_CLINICAL_RECORDS)
    pk = parse_pk(session_id)
    found = (
        GroupSession.objects.select_related("group", "group__team")
        .filter(pk=pk, group__team=current_team(request))
        .first()
        if pk
        else None
    )
    if found is None:
        raise deny_as_not_found(request.user, "groups.groupsession", session_id)
    return found


def get_enrolment_for(
    request: HttpRequest, enrolment_id: Any, group: Group | None = None
) -> Enrolment:
    """A family's place in one of the current team's groups; any other is a 404."""
    require_capability(request, Capability.USE_CLINICAL_RECORDS)
    pk = parse_pk(enrolment_id)
    found = (
        Enrolment.objects.select_related("group", "family", "episode")
        .filter(pk=pk, group__team=current_team(request))
        .filter(**({"group": group} if group is not None else {}))
        .first()
        if pk
        else None
    )
    if found is None:
        raise deny_as_not_found(request.user, "groups.enrolment", enrolment_id)
    return found
