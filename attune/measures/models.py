"""Instruments (versioned definitions), administrations, risk flags, links, schedules, feedback.

Item answers and free text are encrypted at rest (``EncryptedTextField``).
Scores stay in plain columns because reports aggregate them in the database.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from attune.accounts.models import Team, User
from attune.care.models import Episode, InterventionOption
from attune.core.fields import EncryptedTextField
from attune.core.models import TimeStampedModel
from attune.families.models import CareRelationship, Family, Person
from attune.measures import codes
from attune.measures.instruments import Definition
from attune.referrals.models import Referral

USER = User


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    def available_to(self, team: Team) -> InstrumentQuerySet:
        """Shipped instruments and the team's own, active ones only."""
        return self.filter(models.Q(team__isnull=True) | models.Q(team=team), is_active=True)


class Instrument(TimeStampedModel):
    """One version of one instrument's definition (JSON). A new version never replaces an old.

    Shipped definitions have no team and arrive through data migrations; a team
    may add its own through the admin. Once an administration uses a version,
    its definition is frozen (the admin refuses to change it).
    """

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="instruments"
    )
    code = models.SlugField(max_length=40)
    version = models.CharField(max_length=20)
    definition = models.JSONField()
    is_active = models.BooleanField(default=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=models.Q(team__isnull=True),
                name="shipped_instrument_version_unique",
            ),
            models.UniqueConstraint(
                fields=["team", "code", "version"], name="team_instrument_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def parsed(self) -> Definition:
        """The definition as the scoring functions read it (cached on the instance)."""
        cached = getattr(self, "_parsed", None)
        if cached is None:
            cached = Definition.from_dict(self.definition)
            self._parsed = cached
        return cached


class Administration(TimeStampedModel):
    """One completion of one instrument: who answered, about whom, when, how, and the result."""

    # team, family and episode lead the composite indexes in Meta, which serve their
    # lookups too; a single-column index of each would only slow every write.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", db_index=False)
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="administrations", db_index=False
    )
    episode = models.ForeignKey(
        Episode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="administrations",
        db_index=False,
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    respondent_kind = models.CharField(max_length=16, choices=codes.RespondentKind.choices)
    respondent_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    respondent_user = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_kind = models.CharField(max_length=16, choices=codes.SubjectKind.choices)
    subject_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_relationship = models.ForeignKey(
        CareRelationship, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    timepoint = models.CharField(max_length=16, choices=codes.Timepoint.choices)
    completed_on = models.DateField()
    mode = models.CharField(max_length=16, choices=codes.Mode.choices)
    # JSON of the answers as marked, encrypted: item 9 of the PHQ-9 is itself sensitive.
    answers_json = EncryptedTextField()
    status = models.CharField(max_length=16)  # "scored" or "unscored" (see scoring.ScoreResult)
    primary_score = models.FloatField(null=True, blank=True)
    caseness = models.BooleanField(null=True)
    band = models.CharField(max_length=100, blank=True)
    # The whole ScoreResult (subscales, flags, reasons, the definition version used).
    result = models.JSONField()
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # For an end score: the baseline it pairs with (same respondent, subject and version)
    # and the change between them, kept so reports can count change in the database.
    change_baseline = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    change_classification = models.CharField(max_length=32, blank=True)
    change_improvement = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["completed_on", "id"]
        indexes = [
            models.Index(fields=["team", "instrument", "timepoint"], name="admin_team_instr_time"),
            models.Index(fields=["episode", "instrument"], name="admin_episode_instrument"),
            models.Index(fields=["family", "completed_on"], name="admin_family_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(timepoint__in=codes.Timepoint.values),
                name="administration_timepoint_known",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(respondent_kind=codes.RespondentKind.CARER)
                    & models.Q(respondent_person__isnull=False)
                )
                | (
                    models.Q(respondent_kind=codes.RespondentKind.PRACTITIONER)
                    & models.Q(respondent_user__isnull=False)
                ),
                name="administration_names_its_respondent",
            ),
        ]

    def __str__(self) -> str:
        return f"Administration {self.pk}"

    @property
    def answers(self) -> dict[str, Any]:
        return json.loads(self.answers_json or "{}")

    def same_series_key(self) -> tuple[Any, ...]:
        """Change is only computed within one respondent, subject and instrument version."""
        return (
            self.instrument_id,
            self.respondent_kind,
            self.respondent_person_id,
            self.respondent_user_id,
            self.subject_kind,
            self.subject_person_id,
            self.subject_relationship_id,
        )


class RiskFlag(TimeStampedModel):
    """A risk item answered: shown at once, and a task for the lead practitioner to follow up."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="risk_flags"
    )
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="risk_flags"
    )
    code = models.CharField(max_length=60)
    message = models.CharField(max_length=400)
    assigned_to = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="risk_tasks")
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    follow_up_note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["assigned_to", "followed_up_at"], name="riskflag_open_for_user"),
            models.Index(fields=["episode", "followed_up_at"], name="riskflag_open_for_episode"),
        ]

    def __str__(self) -> str:
        return f"Risk flag {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.followed_up_at is None


class QuestionnaireLink(models.Model):
    """A one-time link for a parent to answer on their own phone; only a hash of it is kept."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="links")
    kind = models.CharField(max_length=16, choices=codes.LinkKind.choices)
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    respondent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(max_length=16, choices=codes.SubjectKind.choices)
    subject_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_relationship = models.ForeignKey(
        CareRelationship, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    timepoint = models.CharField(max_length=16, choices=codes.Timepoint.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    send_by = models.CharField(max_length=8, choices=codes.SendBy.choices)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Link {self.pk}"


class MeasureSchedule(models.Model):
    """A team's rule: this measure is due at this point, for every episode or one kind of work."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="measure_schedules")
    # Blank: every episode. Otherwise episodes whose care package includes this intervention.
    applies_to = models.ForeignKey(
        InterventionOption, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    instrument_code = models.SlugField(max_length=40)
    due_when = models.CharField(max_length=16, choices=codes.DueWhen.choices)
    # Days after the due point before a measure not yet recorded is shown as overdue.
    overdue_after_days = models.PositiveSmallIntegerField(default=14)

    class Meta:
        ordering = ["due_when", "instrument_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "applies_to", "instrument_code", "due_when"],
                name="measure_schedule_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} {self.due_when}"


class ExperienceQuestion(models.Model):
    """A team's own question about families' experience of the service (a 1-5 agreement scale)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="experience_questions")
    wording = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"Experience question {self.pk}"


class ExperienceResponse(models.Model):
    """A parent's Friends and Family Test answer and experience ratings.

    Anonymous by default: the episode is kept only when the parent chose to
    share their answers with their practitioner.
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    timepoint = models.CharField(max_length=16, choices=codes.Timepoint.choices)
    received_on = models.DateField()
    fft_rating = models.CharField(max_length=16, choices=codes.FriendsAndFamily.choices)
    fft_reason = EncryptedTextField(blank=True)
    # {"<question id>": {"wording": ..., "rating": 1-5}}: the wording as the parent saw it.
    ratings = models.JSONField(default=dict)
    shared_with_practitioner = models.BooleanField(default=False)
    episode = models.ForeignKey(
        Episode, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["team", "received_on"], name="experience_team_date")]

    def __str__(self) -> str:
        return f"Experience response {self.pk}"


class ReferrerFeedback(models.Model):
    """A referrer's view of the service, after triage or after the family's work ended."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=16, choices=codes.FeedbackStage.choices)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField()
    # 1-5: how easy referring was, how clear the response was, how useful for the family.
    ease = models.PositiveSmallIntegerField()
    clarity = models.PositiveSmallIntegerField()
    usefulness = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "stage"], name="one_referrer_feedback_per_stage"
            ),
            models.CheckConstraint(
                condition=models.Q(ease__gte=1, ease__lte=5, clarity__gte=1, clarity__lte=5),
                name="referrer_feedback_ratings_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Referrer feedback {self.pk}"
