"""The evidence directory: entries (versioned), Hexagon self-assessments, practitioners' training.

An entry's facts live in ``data`` (the format in docs/catalogue-entries.md);
the columns beside it are copies of what browsing filters and sorts on, set
by ``services.save_entry`` from the same data so they never disagree.
"""

from __future__ import annotations

from django.db import models

from attune.accounts.models import Team, User
from attune.core.models import TimeStampedModel

USER = User


class Kind(models.TextChoices):
    INTERVENTION = "intervention", "Intervention"
    ASSESSMENT_TOOL = "assessment_tool", "Assessment or observation tool"


class Decision(models.TextChoices):
    """The Hexagon discussion's outcome (NIRN: adopt, adapt or replicate, not now)."""

    ADOPT = "adopt", "Adopt"
    ADAPT = "adapt", "Adapt, then adopt"
    NOT_NOW = "not_now", "Not now"


class Intervention(TimeStampedModel):
    """One directory entry: an intervention or an assessment tool."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    classification = models.CharField(max_length=20)
    antenatal = models.BooleanField(default=False)
    from_months = models.PositiveSmallIntegerField(null=True, blank=True)
    to_months = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence_rank = models.FloatField(default=0)
    data = models.JSONField()
    # Optimistic locking and the version number shown in the history.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="intervention_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(from_months__isnull=True)
                | models.Q(to_months__isnull=True)
                | models.Q(from_months__lte=models.F("to_months")),
                name="intervention_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InterventionVersion(models.Model):
    """What an entry said before each change, and who changed it (the entry's history)."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField()
    data = models.JSONField()
    changed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "version"], name="one_row_per_entry_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.intervention_id} v{self.version}"


class SelfAssessment(TimeStampedModel):
    """A team's Hexagon self-assessment of one entry. Each save is a new row: the history."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="self_assessments")
    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, related_name="self_assessments"
    )
    # Site indicators, rated by the team (1 low - 5 high).
    need = models.PositiveSmallIntegerField()
    fit = models.PositiveSmallIntegerField()
    capacity = models.PositiveSmallIntegerField()
    # Programme indicators as the team reviewed them (shown pre-filled from the directory).
    evidence = models.PositiveSmallIntegerField()
    usability = models.PositiveSmallIntegerField()
    supports = models.PositiveSmallIntegerField()
    # {"need": "...", "fit": "...", ...}: the discussion's notes (no personal data).
    notes = models.JSONField(default=dict)
    assessors = models.ManyToManyField(USER, related_name="+", blank=True)
    other_assessors = models.CharField(max_length=300, blank=True)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    need__gte=1,
                    need__lte=5,
                    fit__gte=1,
                    fit__lte=5,
                    capacity__gte=1,
                    capacity__lte=5,
                    evidence__gte=1,
                    evidence__lte=5,
                    usability__gte=1,
                    usability__lte=5,
                    supports__gte=1,
                    supports__lte=5,
                ),
                name="self_assessment_ratings_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"Self-assessment {self.pk}"


class PractitionerTraining(TimeStampedModel):
    """The team's training and accreditation register: one member's training, its level,
    when it was completed and when it expires.

    Training in a directory entry names the entry (the toolbox reads it); other training
    (a coder's reliability, a safeguarding course) has a title instead.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="trainings")
    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, null=True, blank=True, related_name="trainings"
    )
    title = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=120)
    trained_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    # When the reminder before expiry was sent (once per record).
    reminded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["intervention__name", "title", "user__last_name", "id"]
        indexes = [
            models.Index(fields=["team", "intervention"], name="training_team_intervention"),
            models.Index(fields=["expires_on"], name="training_expires_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(intervention__isnull=False) | ~models.Q(title=""),
                name="training_names_what_it_is",
            )
        ]

    @property
    def what(self) -> str:
        return self.intervention.name if self.intervention else self.title

    def __str__(self) -> str:
        return f"Training {self.pk}"
