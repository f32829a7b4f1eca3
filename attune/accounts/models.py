"""Users, the organisations and teams they work in, and their role in each team."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from attune.accounts.roles import Role
from attune.core.models import TimeStampedModel


class User(AbstractUser):
    """A person who signs in. Clinical people (parents, babies) are not users."""

    # Seeded demo accounts: the only ones demo mode lets past MFA.
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        NHS_TRUST = "nhs_trust", "NHS trust"
        CHARITY = "charity", "Charity"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        COMMISSIONER = "commissioner", "Commissioning body"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    ods_code = models.CharField("ODS code", max_length=10, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamQuerySet(models.QuerySet["Team"]):
    def active(self) -> TeamQuerySet:
        return self.filter(is_active=True)


class Team(TimeStampedModel):
    """A parent-infant team: every clinical record belongs to exactly one."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, team__is_active=True)


class Membership(TimeStampedModel):
    """A user's role in one team. One role per team keeps the rules legible."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    # A team manager may delegate triage (and allocation) to a practitioner or supervisor.
    can_triage = models.BooleanField(default=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["team__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="one_role_per_team"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in team {self.team_id}"
