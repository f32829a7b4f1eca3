"""Scoped fetching of families and people: the current team only, else 404 (audited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from attune.accounts.access import deny_as_not_found
from attune.accounts.roles import Capability, role_can
from attune.audit.services import record
from attune.families.models import Family, Person


def _require_clinical_role(request: HttpRequest) -> None:
    if not role_can(getattr(request, "role", None), Capability.USE_CLINICAL_RECORDS):
        record(
            "access.forbidden", actor=request.user, details={"capability": "use_clinical_records"}
        )
        raise PermissionDenied


def _pk(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def get_family_for(request: HttpRequest, family_id: Any, *, write: bool = False) -> Family:
    """A family of the user's current team; any other is a 404. Reads are audited."""
    _require_clinical_role(request)
    pk = _pk(family_id)
    family = Family.objects.filter(pk=pk, team=request.team).first() if pk else None  # type: ignore[attr-defined]
    if family is None:
        raise deny_as_not_found(request.user, "families.family", family_id)
    if not write:
        record("family.viewed", actor=request.user, obj=family, team_id=family.team_id)
    return family


def get_person_for(request: HttpRequest, person_id: Any, *, write: bool = False) -> Person:
    """A person of the user's current team; any other is a 404. Reads are audited."""
    _require_clinical_role(request)
    pk = _pk(person_id)
    person = Person.objects.filter(pk=pk, team=request.team).first() if pk else None  # type: ignore[attr-defined]
    if person is None:
        raise deny_as_not_found(request.user, "families.person", person_id)
    if not write:
        record("person.viewed", actor=request.user, obj=person, team_id=person.team_id)
    return person
