"""Permission matrix rows for consultation, consultation groups, workforce training and outreach."""

from __future__ import annotations

from typing import Any

from tests.matrix import FORBIDDEN, OK, clinical_record, post_only, row

# Team staff (practitioners, supervisors, managers, administrators) see and record all of it.
_TEAM_PAGE = row(OK, commissioner=FORBIDDEN, referrer=FORBIDDEN, system_admin=FORBIDDEN)

ROWS = {
    "outreach:home": _TEAM_PAGE,
    "outreach:consultations": _TEAM_PAGE,
    "outreach:consultation_new": _TEAM_PAGE,
    # Administrators see a consultation without its notes (checked in the app's tests).
    "outreach:consultation": clinical_record(),
    "outreach:consultation_edit": clinical_record(),
    "outreach:consultation_refer": post_only(),
    "outreach:groups": _TEAM_PAGE,
    "outreach:group_new": _TEAM_PAGE,
    "outreach:group": clinical_record(),
    "outreach:group_meeting_new": clinical_record(),
    "outreach:group_member_add": post_only(),
    "outreach:group_member_leave": post_only(),
    "outreach:courses": _TEAM_PAGE,
    "outreach:course_new": _TEAM_PAGE,
    "outreach:course": clinical_record(),
    "outreach:course_edit": clinical_record(),
    "outreach:attendee_add": post_only(),
    "outreach:attendance": post_only(),
    "outreach:feedback": clinical_record(),
    # Only for an attendee who came (the app's tests check the others are a 404).
    "outreach:certificate": clinical_record(),
    "outreach:activities": _TEAM_PAGE,
    "outreach:activity_new": _TEAM_PAGE,
    "outreach:activity_edit": clinical_record(),
}


def kwargs(world: Any, episode: Any) -> dict[str, Any]:
    """A consultation about the episode's family, a group with a member, a course, an activity."""
    from attune.outreach import services
    from attune.outreach.tests.factories import (
        add_attendee,
        make_activity,
        make_course,
        make_group,
        make_known_family_consultation,
    )

    manager = world.users["manager"]
    consultation = make_known_family_consultation(world.team, manager, episode.family)
    group, members = make_group(world.team, manager, members=1)
    course = make_course(world.team, manager)
    attendee = add_attendee(course, manager)
    services.record_attendance(actor=manager, course=course, attended_ids=[attendee.pk])
    activity = make_activity(world.team, manager)
    return {
        "consultation_id": consultation.pk,
        "consultation_group_id": group.pk,
        "member_id": members[0].pk,
        "course_id": course.pk,
        "attendee_id": attendee.pk,
        "activity_id": activity.pk,
    }
