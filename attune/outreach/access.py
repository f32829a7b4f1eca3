"""Who may reach consultations, consultation groups, training courses and outreach records.

Team staff with "use clinical records" see and record all of them, within the
current team only: another team's record is a 404 (audited), other roles a 403.
Consultation notes are clinical text, for roles that may read clinical notes
(administrators see a consultation without its notes); each read is audited.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from attune.accounts.access import current_team, deny_as_not_found, parse_pk, require_capability
from attune.accounts.roles import Capability, role_can
from attune.audit.services import record
from attune.outreach.models import (
    Consultation,
    ConsultationGroup,
    ConsultationGroupMember,
    OutreachActivity,
    TrainingAttendee,
    TrainingCourse,
)


def can_read_notes(request: HttpRequest) -> bool:
    """Consultation notes are for clinicians: not administrators."""
    return role_can(getattr(request, "role", None), Capability.READ_CLINICAL_NOTES)


def _in_team[M: Model](
    request: HttpRequest, queryset: QuerySet[M], record_id: Any, label: str, team_path: str
) -> M:
    """The record of the current team with this id; anything else is a 404 (audited)."""
    require_capability(request, Capability.USE_CLINICAL_RECORDS)
    pk = parse_pk(record_id)
    team = current_team(request)
    found = queryset.filter(pk=pk, **{team_path: team}).first() if pk else None
    if found is None:
        raise deny_as_not_found(request.user, label, record_id)
    return found


def get_consultation_for(
    request: HttpRequest, consultation_id: Any, *, write: bool = False
) -> Consultation:
    """A consultation of the current team; each read is audited, saying if notes showed."""
    consultation = _in_team(
        request,
        Consultation.objects.select_related("consultant", "family", "group", "recorded_by"),
        consultation_id,
        "outreach.consultation",
        "team",
    )
    if not write:
        record(
            "consultation.viewed",
            actor=request.user,
            obj=consultation,
            team_id=consultation.team_id,
            details={"notes_shown": can_read_notes(request) and bool(consultation.notes)},
        )
    return consultation


def get_group_for(request: HttpRequest, group_id: Any) -> ConsultationGroup:
    """A consultation group of the current team; any other is a 404."""
    return _in_team(
        request, ConsultationGroup.objects.all(), group_id, "outreach.consultationgroup", "team"
    )


def get_group_member_for(
    request: HttpRequest, group: ConsultationGroup, member_id: Any
) -> ConsultationGroupMember:
    """A member of this group (which is already the current team's); any other is a 404."""
    pk = parse_pk(member_id)
    found = group.members.filter(pk=pk).first() if pk else None
    if found is None:
        raise deny_as_not_found(request.user, "outreach.consultationgroupmember", member_id)
    return found


def get_course_for(request: HttpRequest, course_id: Any) -> TrainingCourse:
    """A training course of the current team; any other is a 404."""
    return _in_team(
        request, TrainingCourse.objects.all(), course_id, "outreach.trainingcourse", "team"
    )


def get_attendee_for(request: HttpRequest, attendee_id: Any) -> TrainingAttendee:
    """An attendee of one of the current team's courses; any other is a 404."""
    return _in_team(
        request,
        TrainingAttendee.objects.select_related("course", "course__team"),
        attendee_id,
        "outreach.trainingattendee",
        "course__team",
    )


def get_certificate_attendee_for(request: HttpRequest, attendee_id: Any) -> TrainingAttendee:
    """An attendee who came to the course: only they have a certificate; others are a 404."""
    attendee = get_attendee_for(request, attendee_id)
    if attendee.attended is not True:
        raise deny_as_not_found(request.user, "outreach.certificate", attendee_id)
    record(
        "training.certificate_viewed",
        actor=request.user,
        obj=attendee,
        team_id=attendee.course.team_id,
        details={"course": attendee.course_id},
    )
    return attendee


def get_activity_for(request: HttpRequest, activity_id: Any) -> OutreachActivity:
    """An outreach activity of the current team; any other is a 404."""
    return _in_team(
        request, OutreachActivity.objects.all(), activity_id, "outreach.outreachactivity", "team"
    )
