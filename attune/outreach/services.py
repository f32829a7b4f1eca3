"""Every change to consultations, consultation groups, training courses and outreach records.

Each function runs in one transaction and writes its audit event inside it.
Audit details carry ids and codes, never names, topics, notes or feedback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import Membership, Team, User
from attune.accounts.roles import CLINICAL_STAFF
from attune.audit.services import record
from attune.core.locking import StaleEdit
from attune.families.models import Family
from attune.outreach import codes
from attune.outreach.models import (
    MAX_FAMILIES_REACHED,
    MAX_MINUTES,
    Consultation,
    ConsultationGroup,
    ConsultationGroupMember,
    Consultee,
    GroupAttendance,
    OutreachActivity,
    TrainingAttendee,
    TrainingCourse,
)

# The keys a consultation hands to the referral form, and nothing else.
PREFILL_KEYS = ("referrer_name", "referrer_role", "referrer_organisation", "narrative")


class OutreachRefused(Exception):
    """The request breaks a rule; ``field`` names the form field it belongs beside, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Person:
    """A professional outside the team, as typed: a consultee, group member or attendee."""

    name: str
    role: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class ConsultationDetails:
    """What the consultation form gives the service, checked by the form already."""

    consultant: User
    kind: str
    held_on: date
    duration_minutes: int
    topic: str
    family_link: str
    family: Family | None
    outcome: str
    responsibility: str
    consultees: Sequence[Person] = ()


# Checks against the database --------------------------------------------------------------


def _check_staff(team: Team, users: Iterable[User], field: str, message: str) -> None:
    """Everyone named works in the team in a staff role."""
    ids = {user.pk for user in users}
    if not ids:
        return
    in_team = set(
        Membership.objects.active()
        .filter(team=team, user_id__in=ids, role__in=CLINICAL_STAFF)
        .values_list("user_id", flat=True)
    )
    if in_team != ids:
        raise OutreachRefused(message, field=field)


def _check_consultation(
    team: Team, details: ConsultationDetails, group: ConsultationGroup | None
) -> None:
    _check_staff(team, [details.consultant], "consultant", "Choose someone from the team")
    if details.held_on > timezone.localdate():
        raise OutreachRefused("The date cannot be in the future", field="held_on")
    if not 0 < details.duration_minutes <= MAX_MINUTES:
        raise OutreachRefused(
            f"Enter a length from 1 to {MAX_MINUTES} minutes", field="duration_minutes"
        )
    if details.family_link == codes.FamilyLink.KNOWN:
        if details.family is None or details.family.team_id != team.pk:
            raise OutreachRefused("Choose a family from the team's list", field="family")
    elif details.family is not None:
        raise OutreachRefused("Only name a family the team knows", field="family")
    if group is not None:
        if group.team_id != team.pk:
            raise OutreachRefused("Choose one of the team's consultation groups")
        if details.kind != codes.ConsultationKind.GROUP:
            raise OutreachRefused("A group's meeting is a group consultation", field="kind")
    elif not details.consultees:
        raise OutreachRefused("Add at least one consultee", field="consultee1_name")
    if details.kind == codes.ConsultationKind.ONE_TO_ONE and len(details.consultees) > 1:
        raise OutreachRefused(
            "A one-to-one consultation has one consultee: choose group, or remove the others",
            field="kind",
        )


def _write_consultees(consultation: Consultation, people: Sequence[Person]) -> None:
    consultation.consultees.all().delete()
    Consultee.objects.bulk_create(
        Consultee(
            consultation=consultation,
            name=person.name,
            role=person.role,
            organisation=person.organisation,
            position=position,
        )
        for position, person in enumerate(people)
    )


def _write_attendance(
    consultation: Consultation, group: ConsultationGroup, attended_ids: Iterable[int]
) -> list[int]:
    """One tick per current member, attended or not; a former member's tick stays as it was."""
    wanted = set(attended_ids)
    recorded = {a.member_id: a for a in consultation.attendance.all()}
    members = list(group.members.filter(is_active=True))
    current = {member.pk for member in members}
    if not wanted <= current | set(recorded):
        raise OutreachRefused("Tick members of this group only", field="attended")
    for member in members:
        row = recorded.get(member.pk)
        came = member.pk in wanted
        if row is None:
            GroupAttendance.objects.create(consultation=consultation, member=member, attended=came)
        elif row.attended != came:
            row.attended = came
            row.save(update_fields=["attended"])
    former = {pk for pk, row in recorded.items() if pk not in current and row.attended}
    return sorted((wanted & current) | former)


def _details_audit(consultation: Consultation) -> dict[str, Any]:
    return {
        "kind": consultation.kind,
        "group": consultation.group_id,
        "family_link": consultation.family_link,
        "family": consultation.family_id,
        "outcome": consultation.outcome,
        "responsibility": consultation.responsibility,
        "consultant": consultation.consultant_id,
    }


# Consultations ----------------------------------------------------------------------------


def record_consultation(
    *,
    actor: User,
    team: Team,
    details: ConsultationDetails,
    notes: str = "",
    group: ConsultationGroup | None = None,
    attended_member_ids: Iterable[int] = (),
) -> Consultation:
    """Keep a consultation with its consultees (and, for a group's meeting, who came)."""
    _check_consultation(team, details, group)
    with transaction.atomic():
        consultation = Consultation.objects.create(
            team=team,
            consultant=details.consultant,
            kind=details.kind,
            group=group,
            held_on=details.held_on,
            duration_minutes=details.duration_minutes,
            topic=details.topic.strip(),
            family_link=details.family_link,
            family=details.family,
            outcome=details.outcome,
            responsibility=details.responsibility,
            notes=notes.strip(),
            recorded_by=actor,
        )
        _write_consultees(consultation, details.consultees)
        present: list[int] = []
        if group is not None:
            present = _write_attendance(consultation, group, attended_member_ids)
        record(
            "consultation.recorded",
            actor=actor,
            obj=consultation,
            team_id=team.pk,
            details={
                **_details_audit(consultation),
                "consultees": len(details.consultees),
                "attended": len(present),
            },
        )
    return consultation


def update_consultation(
    *,
    actor: User,
    consultation: Consultation,
    expected_version: int,
    details: ConsultationDetails,
    notes: str | None = None,
    attended_member_ids: Iterable[int] = (),
) -> Consultation:
    """Change a consultation unless someone saved it since the form was shown (StaleEdit).

    ``notes=None`` leaves the notes as they were (for roles that may not read them)."""
    team = consultation.team
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.version != expected_version:
            raise StaleEdit(locked)
        group = locked.group
        _check_consultation(team, details, group)
        locked.consultant = details.consultant
        locked.kind = details.kind
        locked.held_on = details.held_on
        locked.duration_minutes = details.duration_minutes
        locked.topic = details.topic.strip()
        locked.family_link = details.family_link
        locked.family = details.family
        locked.outcome = details.outcome
        locked.responsibility = details.responsibility
        fields = [
            "consultant",
            "kind",
            "held_on",
            "duration_minutes",
            "topic",
            "family_link",
            "family",
            "outcome",
            "responsibility",
            "version",
            "updated_at",
        ]
        if notes is not None:
            locked.notes = notes.strip()
            fields.append("notes")
        locked.version = expected_version + 1
        locked.save(update_fields=fields)
        _write_consultees(locked, details.consultees)
        present: list[int] = []
        if group is not None:
            present = _write_attendance(locked, group, attended_member_ids)
        record(
            "consultation.changed",
            actor=actor,
            obj=locked,
            team_id=locked.team_id,
            details={
                **_details_audit(locked),
                "consultees": len(details.consultees),
                "attended": len(present),
                "notes_changed": notes is not None,
            },
        )
    return locked


def start_referral(*, actor: User, consultation: Consultation) -> dict[str, str]:
    """Note that a referral was started from this consultation; return what the form is given."""
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        locked.referral_started_at = timezone.now()
        locked.referral_started_by = actor
        locked.save(update_fields=["referral_started_at", "referral_started_by", "updated_at"])
        record(
            "consultation.referral_started",
            actor=actor,
            obj=locked,
            team_id=locked.team_id,
            details={"family_link": locked.family_link, "family": locked.family_id},
        )
    return referral_prefill(locked)


def referral_prefill(consultation: Consultation) -> dict[str, str]:
    """The referral form's starting values: the first consultee (or member who came), the topic."""
    consultee = consultation.consultees.order_by("position", "id").first()
    person: Any = consultee
    if person is None:
        came = consultation.attendance.filter(attended=True).select_related("member").first()
        person = came.member if came else None
    prefill = {"narrative": consultation.topic}
    if person is not None:
        prefill["referrer_name"] = person.name
        prefill["referrer_organisation"] = person.organisation
        role = codes.referrer_role_for(person.role)
        if role:
            prefill["referrer_role"] = role
    return {key: value for key, value in prefill.items() if key in PREFILL_KEYS}


# Consultation groups ----------------------------------------------------------------------


def create_group(
    *, actor: User, team: Team, name: str, audience: str, facilitators: Sequence[User]
) -> ConsultationGroup:
    """Start a recurring consultation group, facilitated by members of the team."""
    _check_staff(team, facilitators, "facilitators", "Choose facilitators from the team")
    with transaction.atomic():
        group = ConsultationGroup.objects.create(
            team=team, name=name.strip(), audience=audience.strip()
        )
        group.facilitators.set(facilitators)
        record(
            "consultation_group.created",
            actor=actor,
            obj=group,
            team_id=team.pk,
            details={"facilitators": sorted(user.pk for user in facilitators)},
        )
    return group


def add_group_member(
    *, actor: User, group: ConsultationGroup, person: Person
) -> ConsultationGroupMember:
    """Add a professional to a consultation group's list of members."""
    with transaction.atomic():
        member = ConsultationGroupMember.objects.create(
            group=group,
            name=person.name.strip(),
            role=person.role.strip(),
            organisation=person.organisation.strip(),
        )
        record(
            "consultation_group.member_added",
            actor=actor,
            obj=member,
            team_id=group.team_id,
            details={"group": group.pk},
        )
    return member


def member_leaves(*, actor: User, member: ConsultationGroupMember) -> ConsultationGroupMember:
    """A member leaves the group: kept for past meetings, no longer ticked for new ones."""
    with transaction.atomic():
        if not member.is_active:
            return member
        member.is_active = False
        member.save(update_fields=["is_active"])
        record(
            "consultation_group.member_left",
            actor=actor,
            obj=member,
            team_id=member.group.team_id,
            details={"group": member.group_id},
        )
    return member


# Training ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseDetails:
    title: str
    audience: str
    held_on: date
    format: str
    trainers: Sequence[User]


def create_course(*, actor: User, team: Team, details: CourseDetails) -> TrainingCourse:
    """Add a course the team delivers (it may be in the future), with its trainers."""
    _check_staff(team, details.trainers, "trainers", "Choose trainers from the team")
    with transaction.atomic():
        course = TrainingCourse.objects.create(
            team=team,
            title=details.title.strip(),
            audience=details.audience.strip(),
            held_on=details.held_on,
            format=details.format,
            recorded_by=actor,
        )
        course.trainers.set(details.trainers)
        record(
            "training.course_created",
            actor=actor,
            obj=course,
            team_id=team.pk,
            details={"format": course.format, "trainers": sorted(u.pk for u in details.trainers)},
        )
    return course


def update_course(
    *, actor: User, course: TrainingCourse, expected_version: int, details: CourseDetails
) -> TrainingCourse:
    """Change a course unless someone saved it since the form was shown (StaleEdit)."""
    _check_staff(course.team, details.trainers, "trainers", "Choose trainers from the team")
    with transaction.atomic():
        locked = TrainingCourse.objects.select_for_update().get(pk=course.pk)
        if locked.version != expected_version:
            raise StaleEdit(locked)
        if (
            details.held_on > timezone.localdate()
            and locked.attendees.filter(attended__isnull=False).exists()
        ):
            raise OutreachRefused(
                "Attendance is already recorded, so the course cannot move to a later date",
                field="held_on",
            )
        locked.title = details.title.strip()
        locked.audience = details.audience.strip()
        locked.held_on = details.held_on
        locked.format = details.format
        locked.version = expected_version + 1
        locked.save(
            update_fields=["title", "audience", "held_on", "format", "version", "updated_at"]
        )
        locked.trainers.set(details.trainers)
        record(
            "training.course_changed",
            actor=actor,
            obj=locked,
            team_id=locked.team_id,
            details={"format": locked.format, "trainers": sorted(u.pk for u in details.trainers)},
        )
    return locked


def add_attendee(
    *, actor: User, course: TrainingCourse, person: Person, organisation_type: str
) -> TrainingAttendee:
    """Add someone to a course's list of attendees."""
    if organisation_type not in codes.OrganisationType.values:
        raise OutreachRefused("Choose the kind of organisation", field="organisation_type")
    with transaction.atomic():
        attendee = TrainingAttendee.objects.create(
            course=course,
            name=person.name.strip(),
            role=person.role.strip(),
            organisation=person.organisation.strip(),
            organisation_type=organisation_type,
        )
        record(
            "training.attendee_added",
            actor=actor,
            obj=attendee,
            team_id=course.team_id,
            details={"course": course.pk, "organisation_type": organisation_type},
        )
    return attendee


def record_attendance(
    *, actor: User, course: TrainingCourse, attended_ids: Iterable[int]
) -> list[TrainingAttendee]:
    """Mark who came to a course that has taken place: everyone else on the list did not."""
    if course.held_on > timezone.localdate():
        raise OutreachRefused("Attendance can be recorded once the course has taken place")
    wanted = set(attended_ids)
    with transaction.atomic():
        attendees = list(course.attendees.select_for_update())
        if not wanted <= {a.pk for a in attendees}:
            raise OutreachRefused("Tick people on this course's list only", field="attended")
        changed = []
        for attendee in attendees:
            came = attendee.pk in wanted
            if attendee.attended is not came:
                attendee.attended = came
                attendee.save(update_fields=["attended"])
                changed.append(attendee.pk)
        record(
            "training.attendance_recorded",
            actor=actor,
            obj=course,
            team_id=course.team_id,
            details={"attended": len(wanted), "booked": len(attendees), "changed": changed},
        )
    return attendees


def record_feedback(
    *,
    actor: User,
    attendee: TrainingAttendee,
    confidence_before: int | None,
    confidence_after: int | None,
    comment: str,
) -> TrainingAttendee:
    """Keep one attendee's feedback (often typed in from the paper form): confidence 1-5."""
    for value, field in (
        (confidence_before, "confidence_before"),
        (confidence_after, "confidence_after"),
    ):
        if value is not None and not 1 <= value <= 5:
            raise OutreachRefused("Choose a number from 1 to 5", field=field)
    if confidence_before is None and confidence_after is None and not comment.strip():
        raise OutreachRefused("Enter at least one answer from the feedback form")
    with transaction.atomic():
        attendee.confidence_before = confidence_before
        attendee.confidence_after = confidence_after
        attendee.feedback = comment.strip()
        attendee.feedback_recorded_at = timezone.now()
        attendee.save(
            update_fields=[
                "confidence_before",
                "confidence_after",
                "feedback",
                "feedback_recorded_at",
            ]
        )
        record(
            "training.feedback_recorded",
            actor=actor,
            obj=attendee,
            team_id=attendee.course.team_id,
            details={
                "course": attendee.course_id,
                "confidence_before": confidence_before,
                "confidence_after": confidence_after,
                "comment": bool(comment.strip()),
            },
        )
    return attendee


# Outreach and joint working ---------------------------------------------------------------


@dataclass(frozen=True)
class ActivityDetails:
    activity_type: str
    partner_organisation: str
    held_on: date
    families_reached: int
    interpreter_used: bool
    notes: str


def _check_activity(details: ActivityDetails) -> None:
    if details.held_on > timezone.localdate():
        raise OutreachRefused("The date cannot be in the future", field="held_on")
    if not 0 <= details.families_reached <= MAX_FAMILIES_REACHED:
        raise OutreachRefused(
            f"Enter a number from 0 to {MAX_FAMILIES_REACHED:,}", field="families_reached"
        )


def _activity_audit(activity: OutreachActivity) -> dict[str, Any]:
    return {
        "activity_type": activity.activity_type,
        "families_reached": activity.families_reached,
        "interpreter_used": activity.interpreter_used,
    }


def record_activity(*, actor: User, team: Team, details: ActivityDetails) -> OutreachActivity:
    """Log one piece of outreach or joint work (no personal data)."""
    _check_activity(details)
    with transaction.atomic():
        activity = OutreachActivity.objects.create(
            team=team,
            activity_type=details.activity_type,
            partner_organisation=details.partner_organisation.strip(),
            held_on=details.held_on,
            families_reached=details.families_reached,
            interpreter_used=details.interpreter_used,
            notes=details.notes.strip(),
            recorded_by=actor,
        )
        record(
            "outreach.activity_recorded",
            actor=actor,
            obj=activity,
            team_id=team.pk,
            details=_activity_audit(activity),
        )
    return activity


def update_activity(
    *,
    actor: User,
    activity: OutreachActivity,
    expected_version: int,
    details: ActivityDetails,
) -> OutreachActivity:
    """Change an activity unless someone saved it since the form was shown (StaleEdit)."""
    _check_activity(details)
    with transaction.atomic():
        locked = OutreachActivity.objects.select_for_update().get(pk=activity.pk)
        if locked.version != expected_version:
            raise StaleEdit(locked)
        locked.activity_type = details.activity_type
        locked.partner_organisation = details.partner_organisation.strip()
        locked.held_on = details.held_on
        locked.families_reached = details.families_reached
        locked.interpreter_used = details.interpreter_used
        locked.notes = details.notes.strip()
        locked.version = expected_version + 1
        locked.save(
            update_fields=[
                "activity_type",
                "partner_organisation",
                "held_on",
                "families_reached",
                "interpreter_used",
                "notes",
                "version",
                "updated_at",
            ]
        )
        record(
            "outreach.activity_changed",
            actor=actor,
            obj=locked,
            team_id=locked.team_id,
            details=_activity_audit(locked),
        )
    return locked
