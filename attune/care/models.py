"""Episodes of care and everything that happens in one.

Free text written about a family (notes, assessment, safeguarding, supervision
actions, video moments) uses ``EncryptedTextField``: encrypted at rest, never
searchable by the database.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models

from attune.accounts.models import Team, User
from attune.care import codes
from attune.catalogue.models import Intervention
from attune.core.fields import EncryptedTextField
from attune.core.locking import VersionedModel
from attune.core.models import TimeStampedModel
from attune.families.models import Family, Person
from attune.referrals.models import Referral

USER = User


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def for_team(self, team: Team) -> EpisodeQuerySet:
        return self.filter(team=team)

    def open(self) -> EpisodeQuerySet:
        return self.exclude(stage=codes.Stage.CLOSED)

    def worked_by(self, user: object) -> EpisodeQuerySet:
        return self.filter(
            models.Q(lead_practitioner=user) | models.Q(practitioners=user)
        ).distinct()


class Episode(VersionedModel, TimeStampedModel):
    """The team's work with a family, from allocation to ending (and follow-up)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="episodes")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="episodes")
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="episode")
    lead_practitioner = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="led_episodes"
    )
    practitioners = models.ManyToManyField(USER, related_name="episodes", blank=True)
    stage = models.CharField(
        max_length=16, choices=codes.Stage.choices, default=codes.Stage.ENGAGEMENT
    )
    stage_since = models.DateField()
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    ending_kind = models.CharField(max_length=16, choices=codes.EndingKind.choices, blank=True)
    ending_reason = EncryptedTextField(blank=True)
    end_measures_waived = models.BooleanField(default=False)
    follow_up_on = models.DateField(null=True, blank=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["team", "stage"], name="episode_team_stage"),
            models.Index(fields=["lead_practitioner", "stage"], name="episode_lead_stage"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=codes.Stage.values), name="episode_stage_known"
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="episode_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return f"Episode {self.pk}"


class StageChange(models.Model):
    """Each move along the path: when, to which stage, by whom."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=16, choices=codes.Stage.choices)
    changed_on = models.DateField()
    changed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.stage} on {self.changed_on}"


class EngagementAttempt(models.Model):
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="engagement_attempts"
    )
    method = models.CharField(max_length=16, choices=codes.EngagementMethod.choices)
    outcome = models.CharField(max_length=16, choices=codes.EngagementOutcome.choices)
    attempted_at = models.DateTimeField()
    next_step = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.method}: {self.outcome}"


class Assessment(VersionedModel, TimeStampedModel):
    """The structured assessment; it doubles as the baseline for outcome measures."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="assessment")
    from_referrer = EncryptedTextField(blank=True)
    conversation = EncryptedTextField(blank=True)
    observation = EncryptedTextField(blank=True)
    # Seam for the measures issue: until then, the questionnaires used are named here.
    questionnaires_used = models.CharField(max_length=500, blank=True)
    formulation = EncryptedTextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Assessment for episode {self.episode_id}"


class AssessmentDomainNote(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=32, choices=codes.AssessmentDomain.choices)
    considered = models.BooleanField(default=False)
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="one_note_per_domain")
        ]

    def __str__(self) -> str:
        return self.domain


class Goal(models.Model):
    """A goal agreed with the family, in their own words (later rated as Goal-Based Outcomes)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="goals")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    wording = EncryptedTextField()
    agreed_on = models.DateField()

    class Meta:
        ordering = ["agreed_on", "id"]

    def __str__(self) -> str:
        return f"Goal {self.pk}"


class InterventionOption(models.Model):
    """The team's toolbox: what it offers, mostly from the evidence directory, some local."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="intervention_options")
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    # The directory entry this option delivers; blank for a team's own local offer.
    catalogue_entry = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="intervention_option_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CarePackageItem(TimeStampedModel):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="package_items")
    intervention = models.ForeignKey(InterventionOption, on_delete=models.PROTECT, related_name="+")
    delivery_format = models.CharField(max_length=16, choices=codes.DeliveryFormat.choices)
    frequency = models.CharField(max_length=100, blank=True)
    planned_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    practitioners = models.ManyToManyField(USER, related_name="+", blank=True)
    starts_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Package item {self.pk}"


class PackageReview(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="package_reviews")
    reviewed_on = models.DateField()
    summary = EncryptedTextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reviewed_on", "id"]

    def __str__(self) -> str:
        return f"Review {self.pk}"


class OnwardReferral(TimeStampedModel):
    """Signposting or a referral to another service that can ease the family's load."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="onward_referrals")
    service = models.CharField(max_length=32, choices=codes.OnwardService.choices)
    organisation = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=codes.OnwardStatus.choices)
    status_on = models.DateField()

    class Meta:
        ordering = ["status_on", "id"]

    def __str__(self) -> str:
        return f"{self.service}: {self.status}"


class Room(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=100)
    baby_friendly = models.BooleanField(default=True)
    video_equipped = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="room_name_unique_in_team")
        ]

    def __str__(self) -> str:
        return self.name


class SessionSeries(TimeStampedModel):
    """Weekly sessions at the same time; each session is its own Contact."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="series")
    practitioner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    first_starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["first_starts_at"]
        verbose_name_plural = "session series"

    def __str__(self) -> str:
        return f"Series {self.pk}"


class ContactQuerySet(models.QuerySet["Contact"]):
    def overlapping(self, starts_at: object, ends_at: object) -> ContactQuerySet:
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def booked(self) -> ContactQuerySet:
        return self.exclude(
            attendance__in=[
                codes.Attendance.CANCELLED_BY_FAMILY,
                codes.Attendance.CANCELLED_BY_SERVICE,
            ]
        )


class Contact(VersionedModel, TimeStampedModel):
    """A planned or recorded event with the family, and who took part."""

    # episode and room lead the composite indexes in Meta, which serve their lookups too.
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="contacts", db_index=False
    )
    series = models.ForeignKey(
        SessionSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location_type = models.CharField(max_length=16, choices=codes.LocationType.choices)
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        db_index=False,
    )
    attendance = models.CharField(
        max_length=24, choices=codes.Attendance.choices, default=codes.Attendance.PLANNED
    )
    modality = models.CharField(
        max_length=24,
        choices=codes.Modality.choices,
        default=codes.Modality.PARENT_INFANT_PSYCHOTHERAPY,
    )
    stage = models.CharField(max_length=16, choices=codes.Stage.choices, blank=True)
    people_present = models.ManyToManyField(Person, related_name="contacts", blank=True)
    practitioners = models.ManyToManyField(USER, related_name="contacts", blank=True)
    interpreter_present = models.BooleanField(default=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["episode", "starts_at"], name="contact_episode_time"),
            models.Index(fields=["room", "starts_at"], name="contact_room_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="contact_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Contact {self.pk}"

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


class Note(TimeStampedModel):
    """A session or case note. Sanitised rich text, encrypted at rest."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="notes")
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="notes"
    )
    kind = models.CharField(max_length=16, choices=codes.NoteKind.choices)
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField()
    body = EncryptedTextField()

    class Meta:
        ordering = ["written_on", "id"]

    def __str__(self) -> str:
        return f"Note {self.pk}"


class SafeguardingConcern(TimeStampedModel):
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="safeguarding_concerns"
    )
    category = models.CharField(max_length=24, choices=codes.SafeguardingCategory.choices)
    raised_on = models.DateField()
    raised_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    what_happened = EncryptedTextField()
    who_was_informed = EncryptedTextField(blank=True)
    action_taken = EncryptedTextField(blank=True)
    outcome = EncryptedTextField(blank=True)
    escalated_to = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return f"Safeguarding concern {self.pk}"


class SupervisionSession(TimeStampedModel):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="supervision_sessions")
    supervisor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    supervisee = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    episodes = models.ManyToManyField(Episode, related_name="supervision_sessions", blank=True)
    agreed_actions = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Supervision {self.pk}"


class Video(TimeStampedModel):
    """A session recording, encrypted at rest; playable only by the episode's clinicians."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="videos")
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="videos"
    )
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # A server-made name inside the video storage; never derived from the upload's name.
    storage_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=50)
    size_bytes = models.PositiveBigIntegerField()
    duration_seconds = models.FloatField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    recorded_on = models.DateField()
    use = models.CharField(max_length=16, choices=codes.VideoUse.choices)
    consented_by = models.ManyToManyField(Person, related_name="+", blank=True)
    retain_until = models.DateField()
    # After the retention job: the bytes are gone, this row remains as the record it existed.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_on", "-id"]
        indexes = [models.Index(fields=["retain_until"], name="video_retention")]

    def __str__(self) -> str:
        return f"Video {self.pk}"


class VideoMoment(models.Model):
    """A timestamped note on a video, optionally a short clip to review with the parent."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="moments")
    at_seconds = models.FloatField()
    clip_end_seconds = models.FloatField(null=True, blank=True)
    note = EncryptedTextField()
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at_seconds", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(clip_end_seconds__isnull=True)
                | models.Q(clip_end_seconds__gt=models.F("at_seconds")),
                name="clip_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"Moment {self.pk}"


class CalendarFeed(models.Model):
    """A private, revocable iCalendar feed of sessions: times and initials only."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="calendar_feeds")
    # Only a hash of the token is stored, like a password.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed {self.pk}"


class CareSettings(models.Model):
    """A team's thresholds for flags on the caseload."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="care_settings")
    engagement_attempts_before_flag = models.PositiveSmallIntegerField(default=3)
    days_without_contact_flag = models.PositiveSmallIntegerField(default=21)
    video_retention_days = models.PositiveIntegerField(default=365)
    follow_up_months = models.PositiveSmallIntegerField(default=6)

    class Meta:
        verbose_name_plural = "care settings"

    def __str__(self) -> str:
        return f"Care settings for team {self.team_id}"


class FidelityReview(models.Model):
    """A care package item checked against its intervention's fidelity checklist."""

    package_item = models.ForeignKey(
        CarePackageItem, on_delete=models.CASCADE, related_name="fidelity_reviews"
    )
    reviewed_on = models.DateField()
    # The checklist's core components the team judged were delivered, by their wording.
    components_met = models.JSONField(default=list)
    components_total = models.PositiveSmallIntegerField(default=0)
    sessions_delivered = models.PositiveSmallIntegerField(null=True, blank=True)
    supervision_received = models.BooleanField(default=False)
    note = EncryptedTextField(blank=True)
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Fidelity review {self.pk}"


class PackageRecommendation(models.Model):
    """What the recommender showed for a family, and what the practitioner chose, and why.

    The recommender never decides: this keeps the list as shown (reasons and
    cautions) beside the choice, so the care package's reasoning can be read later.
    """

    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="package_recommendations"
    )
    facts = models.JSONField()
    shown = models.JSONField()
    chosen = models.JSONField(default=list)
    chosen_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Package recommendation {self.pk}"
