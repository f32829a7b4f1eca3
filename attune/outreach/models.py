"""Work beyond the team's own families: consultation, workforce training, outreach and joint work.

Consultation notes are encrypted at rest (``EncryptedTextField``) and shown to
clinicians only. Training feedback and outreach notes hold no family details:
their forms say so.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from attune.accounts.models import Team, User
from attune.core.fields import EncryptedTextField
from attune.core.locking import VersionedModel
from attune.core.models import TimeStampedModel
from attune.families.models import Family
from attune.outreach import codes

USER = User
MAX_MINUTES = 600
MAX_FAMILIES_REACHED = 10_000


class ConsultationGroup(TimeStampedModel):
    """A recurring group consultation, such as a monthly reflective group for health visitors."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="consultation_groups")
    name = models.CharField(max_length=150)
    audience = models.CharField(max_length=200, blank=True)
    facilitators = models.ManyToManyField(USER, related_name="+", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"Consultation group {self.pk}"


class ConsultationGroupMember(models.Model):
    """One professional who belongs to a consultation group (kept when they leave)."""

    group = models.ForeignKey(ConsultationGroup, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=100, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"Group member {self.pk}"


class Consultation(VersionedModel, TimeStampedModel):
    """A conversation between a team member and professionals outside the team about their work."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="consultations")
    consultant = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=codes.ConsultationKind.choices)
    group = models.ForeignKey(
        ConsultationGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    held_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    topic = models.CharField(max_length=300)
    family_link = models.CharField(max_length=16, choices=codes.FamilyLink.choices)
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=24, choices=codes.Outcome.choices)
    responsibility = models.CharField(max_length=16, choices=codes.Responsibility.choices)
    notes = EncryptedTextField(blank=True)
    referral_started_at = models.DateTimeField(null=True, blank=True)
    referral_started_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["team", "held_on"], name="consultation_team_date"),
            models.Index(fields=["team", "consultant", "held_on"], name="consultation_consultant"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0, duration_minutes__lte=MAX_MINUTES),
                name="consultation_duration_positive",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=codes.ConsultationKind.values),
                name="consultation_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=codes.Outcome.values),
                name="consultation_outcome_known",
            ),
            models.CheckConstraint(
                condition=Q(responsibility__in=codes.Responsibility.values),
                name="consultation_responsibility_known",
            ),
            # A family is named exactly when the consultation is about a family the team knows.
            models.CheckConstraint(
                condition=(Q(family_link=codes.FamilyLink.KNOWN) & Q(family__isnull=False))
                | (
                    Q(family_link__in=[codes.FamilyLink.NONE, codes.FamilyLink.ANONYMOUS])
                    & Q(family__isnull=True)
                ),
                name="consultation_family_only_when_known",
            ),
            # Only a group consultation can be a meeting of a consultation group.
            models.CheckConstraint(
                condition=Q(group__isnull=True) | Q(kind=codes.ConsultationKind.GROUP),
                name="consultation_group_meeting_is_group",
            ),
        ]

    def __str__(self) -> str:
        return f"Consultation {self.pk}"


class Consultee(models.Model):
    """A professional outside the team who took part in a consultation."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="consultees"
    )
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=100, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"Consultee {self.pk}"


class GroupAttendance(models.Model):
    """Whether one member of a consultation group came to one of its meetings."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        ConsultationGroupMember, on_delete=models.CASCADE, related_name="attendance"
    )
    attended = models.BooleanField(default=False)

    class Meta:
        ordering = ["member__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "member"], name="one_attendance_per_member_and_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"Attendance {self.pk}"


class TrainingCourse(VersionedModel, TimeStampedModel):
    """A course the team delivers to the local workforce."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="training_courses")
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=200, blank=True)
    held_on = models.DateField()
    format = models.CharField(max_length=16, choices=codes.CourseFormat.choices)
    trainers = models.ManyToManyField(USER, related_name="+", blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["team", "held_on"], name="course_team_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=codes.CourseFormat.values), name="course_format_known"
            )
        ]

    def __str__(self) -> str:
        return f"Training course {self.pk}"


class TrainingAttendee(models.Model):
    """One person booked on a course: whether they came, and their feedback."""

    course = models.ForeignKey(TrainingCourse, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=100, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    organisation_type = models.CharField(max_length=24, choices=codes.OrganisationType.choices)
    # None until attendance is recorded for the course.
    attended = models.BooleanField(null=True, blank=True)
    confidence_before = models.PositiveSmallIntegerField(null=True, blank=True)
    confidence_after = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback = models.TextField(blank=True)
    feedback_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence_before__isnull=True)
                | Q(confidence_before__gte=1, confidence_before__lte=5),
                name="attendee_confidence_before_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(confidence_after__isnull=True)
                | Q(confidence_after__gte=1, confidence_after__lte=5),
                name="attendee_confidence_after_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(organisation_type__in=codes.OrganisationType.values),
                name="attendee_organisation_type_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Attendee {self.pk}"


class OutreachActivity(VersionedModel, TimeStampedModel):
    """Outreach or joint work with a partner: what, where, when and how many families it reached."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="outreach_activities")
    activity_type = models.CharField(max_length=32, choices=codes.ActivityType.choices)
    partner_organisation = models.CharField(max_length=200)
    held_on = models.DateField()
    families_reached = models.PositiveIntegerField(default=0)
    interpreter_used = models.BooleanField(default=False)
    # No personal data: the form says so, and nothing here is about one family.
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name_plural = "outreach activities"
        indexes = [models.Index(fields=["team", "held_on"], name="outreach_team_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(families_reached__gte=0, families_reached__lte=MAX_FAMILIES_REACHED),
                name="outreach_families_reached_in_range",
            ),
            models.CheckConstraint(
                condition=Q(activity_type__in=codes.ActivityType.values),
                name="outreach_activity_type_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Outreach activity {self.pk}"
