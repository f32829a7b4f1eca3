"""Every change to families, people and care relationships, audited in the same transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from attune.accounts.models import Team, User
from attune.audit.services import record
from attune.core.locking import save_if_unchanged
from attune.families.codes import MemberRole
from attune.families.models import AgeRules, CareRelationship, Family, FamilyMember, Person

PERSON_FIELDS = [
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "due_date",
    "gestation_weeks_at_birth",
    "nhs_number",
    "stated_gender",
    "gender_identity",
    "ethnic_category",
    "first_language",
    "interpreter_needed",
    "disability",
    "address",
    "postcode",
    "gp_practice",
    "phone",
    "email",
    "consents_to_text",
    "consents_to_email",
]


def _check_person_fields(fields: dict[str, Any]) -> None:
    # Callers pass form data through: refuse anything but person fields (no mass assignment).
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Not person fields: {sorted(unknown)}")


def create_family(*, actor: User, team: Team, name: str, notes: str = "") -> Family:
    """Open a family record in a team."""
    with transaction.atomic():
        family = Family.objects.create(team=team, name=name, notes=notes)
        record("family.created", actor=actor, obj=family, team_id=team.pk)
        return family


def add_new_person(*, actor: User, family: Family, role: str, **fields: Any) -> Person:
    """Create a person and place them in the family."""
    _check_person_fields(fields)
    with transaction.atomic():
        person = Person.objects.create(team=family.team, **fields)
        FamilyMember.objects.create(family=family, person=person, role=role)
        record(
            "person.created",
            actor=actor,
            obj=person,
            team_id=family.team_id,
            details={"family": family.pk, "role": role},
        )
        return person


def add_existing_person(*, actor: User, family: Family, person: Person, role: str) -> FamilyMember:
    """Place a person already known to the team in (another) family: never a copy."""
    if person.team_id != family.team_id:
        raise ValueError("A person can only join families of their own team.")
    with transaction.atomic():
        member, created = FamilyMember.objects.get_or_create(
            family=family, person=person, defaults={"role": role}
        )
        if created:
            record(
                "family.person_linked",
                actor=actor,
                obj=family,
                team_id=family.team_id,
                details={"person": person.pk, "role": role},
            )
        return member


def add_to_family(
    *,
    actor: User,
    family: Family,
    existing: Person | None,
    fields: dict[str, Any],
    role: str,
    carer_kind: str = "",
    has_parental_responsibility: bool = False,
    lives_with_baby: bool = True,
) -> Person:
    """Add a new or known person; a carer is linked to each baby of the family."""
    with transaction.atomic():
        if existing is not None:
            add_existing_person(actor=actor, family=family, person=existing, role=role)
            person = existing
        else:
            person = add_new_person(actor=actor, family=family, role=role, **fields)
        if role == MemberRole.CARER:
            for member in FamilyMember.objects.filter(
                family=family, role=MemberRole.BABY
            ).select_related("person"):
                link_carer_and_baby(
                    actor=actor,
                    family=family,
                    carer=person,
                    baby=member.person,
                    kind=carer_kind,
                    has_parental_responsibility=has_parental_responsibility,
                    lives_with_baby=lives_with_baby,
                )
        return person


def update_person(*, actor: User, person: Person, expected_version: int, **fields: Any) -> Person:
    """Save edits to a person unless someone saved first (then StaleEdit, nothing written)."""
    _check_person_fields(fields)
    changed = [name for name, value in fields.items() if getattr(person, name) != value]
    with transaction.atomic():
        for name, value in fields.items():
            setattr(person, name, value)
        save_if_unchanged(person, expected_version=expected_version, fields=list(fields))
        record(
            "person.updated",
            actor=actor,
            obj=person,
            team_id=person.team_id,
            details={"fields": changed},
        )
        return person


def record_birth(
    *,
    actor: User,
    baby: Person,
    expected_version: int,
    date_of_birth: date,
    gestation_weeks: int | None,
) -> Person:
    """An unborn baby is born: same record, now with a date of birth and gestation."""
    return update_person(
        actor=actor,
        person=baby,
        expected_version=expected_version,
        date_of_birth=date_of_birth,
        gestation_weeks_at_birth=gestation_weeks,
    )


def link_carer_and_baby(
    *,
    actor: User,
    family: Family,
    carer: Person,
    baby: Person,
    kind: str,
    has_parental_responsibility: bool,
    lives_with_baby: bool,
) -> CareRelationship:
    """Record (or update) how a carer is related to a baby in this family."""
    roles = dict(
        FamilyMember.objects.filter(family=family, person__in=[carer, baby]).values_list(
            "person_id", "role"
        )
    )
    if roles.get(baby.pk) != MemberRole.BABY or carer.pk not in roles:
        raise ValueError("Both people must be in the family, and the second must be a baby.")
    with transaction.atomic():
        link, created = CareRelationship.objects.update_or_create(
            family=family,
            carer=carer,
            baby=baby,
            defaults={
                "kind": kind,
                "has_parental_responsibility": has_parental_responsibility,
                "lives_with_baby": lives_with_baby,
            },
        )
        record(
            "care_relationship.created" if created else "care_relationship.changed",
            actor=actor,
            obj=link,
            team_id=family.team_id,
            details={"kind": kind},
        )
        return link


def age_rules_for(team: Team) -> AgeRules:
    """The team's age rules (defaults until the team sets its own; nothing written on read)."""
    return AgeRules.objects.filter(team=team).first() or AgeRules(team=team)
