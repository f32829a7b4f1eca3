"""Who may reach what in the directory.

- Entries: anyone signed in may read them; only system administrators change them.
- Self-assessments: the staff of the team that made them (others 404).
- Training records: those who manage the team.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from attune.accounts.access import current_team, deny_as_not_found, parse_pk, require_capability
from attune.accounts.roles import Capability
from attune.audit.services import record
from attune.catalogue.models import Intervention, PractitionerTraining, SelfAssessment


def get_entry(request: HttpRequest, slug: str) -> Intervention:
    """A directory entry by its slug; an unknown slug is a 404."""
    entry = Intervention.objects.filter(slug=slug).first() if len(slug) <= 80 else None
    if entry is None:
        raise deny_as_not_found(request.user, "catalogue.intervention", slug)
    return entry


def require_system_admin(request: HttpRequest) -> None:
    """Only system administrators edit the directory (403, audited)."""
    if not request.user.is_superuser:
        record("access.forbidden", actor=request.user, details={"need": "system_admin"})
        raise PermissionDenied


def get_assessment_for(request: HttpRequest, assessment_id: Any) -> SelfAssessment:
    """A self-assessment made by the current team, for its staff; any other is a 404."""
    require_capability(request, Capability.USE_CLINICAL_RECORDS)
    pk = parse_pk(assessment_id)
    found = (
        SelfAssessment.objects.select_related("intervention", "recorded_by", "team")
        .filter(pk=pk, team=current_team(request))
        .first()
        if pk
        else None
    )
    if found is None:
        raise deny_as_not_found(request.user, "catalogue.selfassessment", assessment_id)
    return found


def get_training_for(request: HttpRequest, training_id: Any) -> PractitionerTraining:
    """A training record of the current team, for those who manage it; any other is a 404."""
    require_capability(request, Capability.MANAGE_TEAM)
    pk = parse_pk(training_id)
    found = (
        PractitionerTraining.objects.filter(pk=pk, team=current_team(request)).first()
        if pk
        else None
    )
    if found is None:
        raise deny_as_not_found(request.user, "catalogue.practitionertraining", training_id)
    return found
