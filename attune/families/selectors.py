"""Reads for family pages and the duplicate check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from attune.accounts.models import Team
from attune.families import ages
from attune.families.codes import MemberRole
from attune.families.models import AgeRules, CareRelationship, Family, FamilyMember, Person


@dataclass(frozen=True)
class PossibleDuplicate:
    person: Person
    reasons: list[str]


def possible_duplicates(
    team: Team,
    *,
    given_name: str,
    family_name: str,
    date_of_birth: date | None = None,
    due_date: date | None = None,
    nhs_number: str = "",
    postcode: str = "",
    exclude_id: int | None = None,
) -> list[PossibleDuplicate]:
    """People already in the team who may be this person.

    The user decides whether to link to one; records are never merged silently."""
    same_name = Q(given_name__iexact=given_name.strip(), family_name__iexact=family_name.strip())
    query = Q(pk__in=[])
    if nhs_number:
        query |= Q(nhs_number=nhs_number)
    if date_of_birth:
        query |= same_name & Q(date_of_birth=date_of_birth)
    if due_date:
        query |= same_name & Q(due_date=due_date)
    if postcode:
        query |= same_name & Q(postcode=postcode)
    candidates = Person.objects.for_team(team).filter(query)
    if exclude_id:
        candidates = candidates.exclude(pk=exclude_id)
    found = []
    for person in candidates[:10]:
        reasons = []
        if nhs_number and person.nhs_number == nhs_number:
            reasons.append("same NHS number")
        if (
            person.given_name.lower() == given_name.strip().lower()
            and person.family_name.lower() == family_name.strip().lower()
        ):
            if date_of_birth and person.date_of_birth == date_of_birth:
                reasons.append("same name and date of birth")
            if due_date and person.due_date == due_date:
                reasons.append("same name and due date")
            if postcode and person.postcode == postcode:
                reasons.append("same name and postcode")
        found.append(PossibleDuplicate(person, reasons))
    return found


@dataclass(frozen=True)
class BabyAge:
    person: Person
    age: str
    corrected_age: str | None
    age_out_on: date | None
    weeks_to_age_out: int | None
    age_out_soon: bool
    aged_out: bool


def baby_age(person: Person, rules: AgeRules, today: date) -> BabyAge:
    if person.date_of_birth is None:
        age = (
            ages.describe_pregnancy(person.due_date, today)
            if person.due_date
            else "date of birth not recorded"
        )
        return BabyAge(person, age, None, None, None, False, False)
    corrected_from = person.corrected_birth_date()
    corrected = ages.describe_age(corrected_from, today) if corrected_from else None
    age_out_on = ages.age_out_date(person.date_of_birth, rules.upper_age_months)
    weeks_left = ages.weeks_until(age_out_on, today)
    return BabyAge(
        person=person,
        age=ages.describe_age(person.date_of_birth, today),
        corrected_age=corrected,
        age_out_on=age_out_on,
        weeks_to_age_out=weeks_left,
        age_out_soon=0 <= weeks_left <= rules.age_out_warning_weeks,
        aged_out=today >= age_out_on,
    )


def family_page(family: Family) -> Family:
    """The family with its members and relationships, in a fixed number of queries."""
    return (
        Family.objects.filter(pk=family.pk)
        .select_related("team")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=FamilyMember.objects.select_related("person").order_by("role", "id"),
            ),
            Prefetch(
                "care_relationships",
                queryset=CareRelationship.objects.select_related("carer", "baby"),
            ),
        )
        .get()
    )


def team_families(team: Team, search: str = "") -> QuerySet[Family]:
    families = Family.objects.for_team(team)
    if search:
        families = families.filter(
            Q(name__icontains=search)
            | Q(members__person__family_name__icontains=search)
            | Q(members__person__given_name__icontains=search)
        ).distinct()
    return families.prefetch_related(
        Prefetch(
            "members",
            queryset=FamilyMember.objects.filter(role=MemberRole.BABY).select_related("person"),
            to_attr="babies",
        )
    ).order_by("name")
