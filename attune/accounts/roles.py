"""Roles and what each may do: the function-level half of the permission rules.

Object-level rules (which records) live in each app's ``access.py``. The
permission matrix test (``tests/test_permission_matrix.py``) pins both.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    SUPERVISOR = "supervisor", "Supervisor"
    MANAGER = "manager", "Team manager (clinical lead)"
    ADMINISTRATOR = "administrator", "Administrator (business manager or admin)"
    COMMISSIONER = "commissioner", "Commissioner"
    REFERRER = "referrer", "Referrer"


SYSTEM_ADMIN = "system_admin"


class Capability(StrEnum):
    USE_CLINICAL_RECORDS = "use_clinical_records"
    SUBMIT_REFERRALS = "submit_referrals"
    VIEW_TEAM_REPORTS = "view_team_reports"
    VIEW_COMMISSIONED_REPORTS = "view_commissioned_reports"
    SEARCH_AUDIT = "search_audit"
    MANAGE_TEAM = "manage_team"
    TRIAGE_REFERRALS = "triage_referrals"
    # Clinical text (notes, assessment, safeguarding) is for clinicians, not administrators.
    READ_CLINICAL_NOTES = "read_clinical_notes"
    SUPERVISE = "supervise"
    DELEGATE_TRIAGE = "delegate_triage"


CLINICAL_STAFF = frozenset({Role.PRACTITIONER, Role.SUPERVISOR, Role.MANAGER, Role.ADMINISTRATOR})

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.PRACTITIONER: frozenset(
        {
            Capability.USE_CLINICAL_RECORDS,
            Capability.SUBMIT_REFERRALS,
            Capability.READ_CLINICAL_NOTES,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Capability.USE_CLINICAL_RECORDS,
            Capability.SUBMIT_REFERRALS,
            Capability.READ_CLINICAL_NOTES,
            Capability.SUPERVISE,
        }
    ),
    Role.MANAGER: frozenset(
        {
            Capability.USE_CLINICAL_RECORDS,
            Capability.SUBMIT_REFERRALS,
            Capability.VIEW_TEAM_REPORTS,
            Capability.SEARCH_AUDIT,
            Capability.MANAGE_TEAM,
            Capability.TRIAGE_REFERRALS,
            Capability.READ_CLINICAL_NOTES,
            Capability.SUPERVISE,
            Capability.DELEGATE_TRIAGE,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        {
            Capability.USE_CLINICAL_RECORDS,
            Capability.SUBMIT_REFERRALS,
            Capability.VIEW_TEAM_REPORTS,
            Capability.MANAGE_TEAM,
        }
    ),
    # Commissioners see aggregate reports only, never a person-level record.
    Role.COMMISSIONER: frozenset({Capability.VIEW_COMMISSIONED_REPORTS}),
    # Referrers submit referrals and follow their own, nothing else.
    Role.REFERRER: frozenset({Capability.SUBMIT_REFERRALS}),
}


def role_can(role: str | None, capability: Capability) -> bool:
    return role is not None and capability in ROLE_CAPABILITIES.get(role, frozenset())


# Roles a manager may delegate triage to (Membership.can_triage).
TRIAGE_DELEGATES = frozenset({Role.PRACTITIONER, Role.SUPERVISOR})


def membership_can(role: str | None, capability: Capability, *, delegated_triage: bool) -> bool:
    """The role's capabilities, plus triage when a manager has delegated it."""
    if role_can(role, capability):
        return True
    return (
        capability == Capability.TRIAGE_REFERRALS and delegated_triage and role in TRIAGE_DELEGATES
    )
