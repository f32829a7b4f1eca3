"""Referrals: one request for help for a family, triaged once, with its own history."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from attune.accounts.models import Team
from attune.core.locking import VersionedModel
from attune.core.models import TimeStampedModel
from attune.families.models import Family, Person
from attune.referrals.codes import (
    Channel,
    Decision,
    Priority,
    ReferrerRole,
    SocialCare,
    Status,
    StressorDomain,
    StressorStatus,
    Urgency,
)


class ReferralQuerySet(models.QuerySet["Referral"]):
    def for_team(self, team: Team) -> ReferralQuerySet:
        return self.filter(team=team)

    def submitted_by(self, user: object) -> ReferralQuerySet:
        return self.filter(submitted_by=user)

    def waiting(self) -> ReferralQuerySet:
        return self.filter(status=Status.WAITING)


class Referral(VersionedModel, TimeStampedModel):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="referrals")
    people_in_scope = models.ManyToManyField(Person, related_name="referrals")
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.RECEIVED)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    received_on = models.DateField()
    # The account that entered it: a referrer (portal) or a staff member (phone, letter...).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submitted_referrals"
    )
    # One form, one referral: a double click or resubmission reuses this key.
    submission_key = models.UUIDField(default=uuid.uuid4, unique=True)
    referrer_name = models.CharField(max_length=150)
    referrer_role = models.CharField(max_length=32, choices=ReferrerRole.choices)
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=30, blank=True)
    reasons = models.JSONField(default=list)
    narrative = models.TextField()
    social_care = models.CharField(
        max_length=24, choices=SocialCare.choices, default=SocialCare.NONE
    )
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE)
    family_agrees = models.BooleanField()
    # Only when the family has not agreed: why the referral must still be made.
    safeguarding_reason = models.TextField(blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, null=True, blank=True)
    accepted_on = models.DateField(null=True, blank=True)
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocated_referrals",
    )
    allocated_on = models.DateField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(
                fields=["team", "status", "priority", "accepted_on"], name="referral_waiting_list"
            ),
            models.Index(fields=["submitted_by", "-received_on"], name="referral_by_submitter"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(family_agrees=True) | ~models.Q(safeguarding_reason=""),
                name="referral_consent_or_safeguarding_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="referral_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk}"


class StressorAnswer(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="stressors")
    domain = models.CharField(max_length=32, choices=StressorDomain.choices)
    status = models.CharField(
        max_length=16, choices=StressorStatus.choices, default=StressorStatus.UNKNOWN
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "domain"], name="one_answer_per_domain")
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.status}"


class TriageDecision(TimeStampedModel):
    """A triage outcome: who decided what, when, and what the referrer is told."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=24, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, null=True, blank=True)
    reasons = models.TextField(blank=True)
    signposting = models.TextField(blank=True)
    information_requested = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.decision} for referral {self.referral_id}"
