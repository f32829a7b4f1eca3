"""Scoped fetching of families and people: the current team only, else 404 (audited)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from attune.accounts.access import deny_as_not_found, parse_pk, require_capability
from attune.accounts.roles import Capability
from attune.audit.services import record
from attune.families.models import Family, Person


def _pk(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def get_family_for(request: HttpRequest, family_id: Any, *, write: bool = False) -> Family:
    """A family of the user's current team; any other is a 404. Reads are audited."""
    require_capability(request, Capability.USE_CLINICAL_RECORDS)
    pk = parse_pk(family_id)
    family = Family.objects.filter(pk=pk, team=request.team).first() if pk else None  # type: ignore[attr-defined]
    if family is None:
        raise deny_as_not_found(request.user, "families.family", family_id)
    if not write:
        record("family.viewed", actor=request.user, obj=family, team_id=family.team_id)
    return family


def get_person_for(request: HttpRequest, person_id: Any, *, write: bool = False) -> Person:
    """A person of the user's current team; any other is a 404. Reads are audited."""
    require_capability(request, Capability.USE_CLINICAL_RECORDS)
    pk = parse_pk(person_id)
    person = Person.objects.filter(pk=pk, team=request.team).first() if pk else None  # type: ignore[attr-defined]
    if person is None:
        raise deny_as_not_found(request.user, "families.person", person_id)
    if not write:
        record("person.viewed", actor=request.user, obj=person, team_id=person.team_id)
    return person
