"""What reports need that the rest of Attune does not hold: a team's theory of change, and
the local figures its reach is compared with (births by ethnicity, postcode deprivation).

Every figure a report shows is computed from the other apps' records by aggregate
queries (selectors.py); nothing here stores a computed result.
"""

from __future__ import annotations

from django.db import models

from attune.accounts.models import Team, User
from attune.core.models import TimeStampedModel

USER = User


class Horizon(models.TextChoices):
    SHORT = "short", "Short term: by the end of the work"
    MEDIUM = "medium", "Medium term: in the months after"
    LONG = "long", "Long term: for the population"


class TheoryOfChange(TimeStampedModel):
    """A team's own account of the problem, how change happens, and what it does."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="theory_of_change")
    problem = models.TextField()
    how_it_develops = models.TextField()
    how_change_happens = models.TextField()
    activities = models.TextField()
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Theory of change {self.pk}"


class ChangeOutcome(models.Model):
    """One outcome of the theory, with what evidences it: measures and activity counts."""

    theory = models.ForeignKey(TheoryOfChange, on_delete=models.CASCADE, related_name="outcomes")
    horizon = models.CharField(max_length=8, choices=Horizon.choices)
    wording = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    # Instrument codes (measures) whose change evidences this outcome, e.g. ["phq9", "pbq"].
    measure_codes = models.JSONField(default=list, blank=True)
    # Activity counts that evidence it: keys of reporting.theory.ACTIVITY_COUNTS.
    activity_codes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["horizon", "position", "id"]

    def __str__(self) -> str:
        return f"Outcome {self.pk}"


class EthnicityBaseline(models.Model):
    """The local population a team compares its reach with: e.g. births by ethnic group."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="ethnicity_baseline")
    # The NHS ethnic category code (families.codes.EthnicCategory), or "" for not stated.
    ethnic_category = models.CharField(max_length=2, blank=True)
    count = models.PositiveIntegerField()
    source = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["ethnic_category"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "ethnic_category"], name="one_baseline_row_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"Baseline {self.pk}"


class DeprivationDecile(models.Model):
    """A team's postcode-to-deprivation lookup (e.g. IMD deciles), 1 most deprived - 10 least."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="deprivation_deciles")
    postcode = models.CharField(max_length=8)
    decile = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "postcode"], name="one_decile_per_postcode"),
            models.CheckConstraint(
                condition=models.Q(decile__gte=1, decile__lte=10), name="decile_1_to_10"
            ),
        ]
        indexes = [models.Index(fields=["team", "postcode"], name="deprivation_lookup")]

    def __str__(self) -> str:
        return f"Decile {self.pk}"
