"""Families, the people in them, and the carer-baby relationships that are the unit of care."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models

from attune.accounts.models import Team
from attune.core.locking import VersionedModel
from attune.core.models import TimeStampedModel
from attune.families.codes import (
    CarerKind,
    EthnicCategory,
    GenderIdentity,
    MemberRole,
    StatedGender,
)

FULL_TERM_WEEKS = 40
# Below 37 weeks a baby is premature, and their age is also shown corrected.
PREMATURE_BEFORE_WEEKS = 37


class FamilyQuerySet(models.QuerySet["Family"]):
    def for_team(self, team: Team) -> FamilyQuerySet:
        return self.filter(team=team)


class Family(VersionedModel, TimeStampedModel):
    """A household or network the team works with. Every family belongs to one team."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="families")
    # How the team refers to the family, e.g. "Shah–Evans family"; not a legal name.
    name = models.CharField(max_length=200)
    notes = models.TextField(blank=True)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "families"
        indexes = [models.Index(fields=["team", "name"], name="family_team_name")]

    def __str__(self) -> str:
        return f"Family {self.pk}"


class PersonQuerySet(models.QuerySet["Person"]):
    def for_team(self, team: Team) -> PersonQuerySet:
        return self.filter(team=team)


class Person(VersionedModel, TimeStampedModel):
    """Anyone the team records: a baby (born or not yet born), a carer or a sibling.

    One person has one record even when they appear in two families.
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="people")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # While a baby is unborn: the estimated due date. Kept after birth as history.
    due_date = models.DateField(null=True, blank=True)
    gestation_weeks_at_birth = models.PositiveSmallIntegerField(null=True, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    stated_gender = models.CharField(max_length=1, choices=StatedGender.choices, blank=True)
    gender_identity = models.CharField(max_length=1, choices=GenderIdentity.choices, blank=True)
    ethnic_category = models.CharField(max_length=2, choices=EthnicCategory.choices, blank=True)
    first_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    disability = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    gp_practice = models.CharField("GP practice", max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    consents_to_text = models.BooleanField(default=False)
    consents_to_email = models.BooleanField(default=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["team", "family_name", "given_name"], name="person_team_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gestation_weeks_at_birth__isnull=True)
                | models.Q(gestation_weeks_at_birth__gte=20, gestation_weeks_at_birth__lte=45),
                name="person_gestation_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"Person {self.pk}"

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}".strip()

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.due_date is not None

    @property
    def is_premature(self) -> bool:
        weeks = self.gestation_weeks_at_birth
        return weeks is not None and weeks < PREMATURE_BEFORE_WEEKS

    def corrected_birth_date(self) -> date | None:
        """The date of birth moved on by the weeks born early (used for corrected age)."""
        if self.date_of_birth is None or not self.is_premature:
            return None
        weeks_early = FULL_TERM_WEEKS - (self.gestation_weeks_at_birth or FULL_TERM_WEEKS)
        return self.date_of_birth + timedelta(weeks=weeks_early)


class FamilyMember(models.Model):
    """A person's place in one family (a person can be in more than one)."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=MemberRole.choices)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["family", "person"], name="person_once_per_family"),
            models.CheckConstraint(
                condition=models.Q(role__in=MemberRole.values), name="member_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} in family {self.family_id}"


class CareRelationship(models.Model):
    """Carer -> baby: the clinical unit. A dyad is one; a triad is two sharing a baby."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="care_relationships")
    carer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cares_for")
    baby = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cared_for_by")
    kind = models.CharField(max_length=32, choices=CarerKind.choices)
    has_parental_responsibility = models.BooleanField(default=False)
    lives_with_baby = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "carer", "baby"], name="one_link_per_carer_baby"
            ),
            models.CheckConstraint(
                condition=~models.Q(carer=models.F("baby")), name="carer_is_not_the_baby"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} link {self.pk}"


class AgeRules(models.Model):
    """A team's eligibility window. Default: from pregnancy to the second birthday."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="age_rules")
    upper_age_months = models.PositiveSmallIntegerField(default=24)
    includes_pregnancy = models.BooleanField(default=True)
    age_out_warning_weeks = models.PositiveSmallIntegerField(default=8)

    class Meta:
        verbose_name_plural = "age rules"

    def __str__(self) -> str:
        return f"Age rules for team {self.team_id}"
