"""Group programmes: open (rolling) groups and fixed courses, their sessions, the families
enrolled or waiting, and a register per session for each carer and baby.

A group's own notes hold no personal data; anything about one family is written to
that family's record (a care note on its episode), so no family can read of another.
"""

from __future__ import annotations

from django.db import models

from attune.accounts.models import Team, User
from attune.care.models import Contact, Episode
from attune.catalogue.models import Intervention
from attune.core.models import TimeStampedModel
from attune.families.models import Family, Person

USER = User


class GroupKind(models.TextChoices):
    OPEN = "open", "Open group: families join and leave over time"
    COURSE = "course", "Course: a fixed number of sessions"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Taking part"
    WAITING = "waiting", "On the waiting list"
    LEFT = "left", "Left"


class Group(TimeStampedModel):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="group_programmes")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=GroupKind.choices)
    programme = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    facilitators = models.ManyToManyField(USER, related_name="facilitated_groups")
    venue = models.CharField(max_length=200)
    first_session_at = models.DateTimeField()
    session_minutes = models.PositiveSmallIntegerField(default=120)
    # A course's number of sessions; an open group is scheduled this many weeks ahead.
    sessions_planned = models.PositiveSmallIntegerField()
    capacity = models.PositiveSmallIntegerField(help_text="Families who can take part at once")
    creche_places = models.PositiveSmallIntegerField(default=0)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-first_session_at", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=GroupKind.values), name="group_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    capacity__gte=1, sessions_planned__gte=1, session_minutes__gte=10
                ),
                name="group_sizes_sensible",
            ),
        ]

    def __str__(self) -> str:
        return f"Group {self.pk}"


class GroupSession(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    cancelled = models.BooleanField(default=False)
    register_taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="one_session_number"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="group_session_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Group session {self.pk}"


class Enrolment(TimeStampedModel):
    """One family's place in a group (or on its waiting list): who comes, and since when."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="enrolments")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="+")
    # The family's open episode when it has one: attendance becomes its contacts.
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=EnrolmentStatus.choices)
    people = models.ManyToManyField(Person, related_name="+")
    needs_creche = models.BooleanField(default=False)
    waiting_since = models.DateField(null=True, blank=True)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["status", "waiting_since", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "family"], name="family_once_per_group")
        ]

    def __str__(self) -> str:
        return f"Enrolment {self.pk}"


class Attendance(models.Model):
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="register")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_mark_per_person")
        ]

    def __str__(self) -> str:
        return f"Attendance {self.pk}"


class SessionContact(models.Model):
    """The contact on a family's episode that a group session became (so it counts)."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="one_contact_per_session")
        ]

    def __str__(self) -> str:
        return f"Session contact {self.pk}"


class GroupNote(models.Model):
    """The group's own note: how the group went, never about one family."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="notes")
    session = models.ForeignKey(
        GroupSession, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    body = models.TextField()
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return f"Group note {self.pk}"
