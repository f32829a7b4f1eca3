"""Consultations, groups, courses and outreach records for tests, made through the services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from attune.accounts.models import Team, User
from attune.families.models import Family
from attune.outreach import codes, services
from attune.outreach.models import (
    Consultation,
    ConsultationGroup,
    ConsultationGroupMember,
    OutreachActivity,
    TrainingAttendee,
    TrainingCourse,
)
from attune.outreach.services import ActivityDetails, ConsultationDetails, CourseDetails, Person

HEALTH_VISITOR = Person(
    name="Hana Visitor", role="Health visitor", organisation="Riverside HV team"
)


def details(consultant: User, **overrides: Any) -> ConsultationDetails:
    fields: dict[str, Any] = {
        "consultant": consultant,
        "kind": codes.ConsultationKind.ONE_TO_ONE,
        "held_on": timezone.localdate() - timedelta(days=2),
        "duration_minutes": 45,
        "topic": "A baby who rarely settles and a tired, worried mother",
        "family_link": codes.FamilyLink.ANONYMOUS,
        "family": None,
        "outcome": codes.Outcome.ADVICE,
        "responsibility": codes.Responsibility.CONSULTEE,
        "consultees": [HEALTH_VISITOR],
    }
    fields.update(overrides)
    return ConsultationDetails(**fields)


def make_consultation(
    team: Team,
    actor: User,
    *,
    notes: str = "Thought together about the baby's cues.",
    group: ConsultationGroup | None = None,
    attended: list[ConsultationGroupMember] | None = None,
    **overrides: Any,
) -> Consultation:
    if group is not None:
        overrides.setdefault("kind", codes.ConsultationKind.GROUP)
        overrides.setdefault("consultees", [])
    return services.record_consultation(
        actor=actor,
        team=team,
        details=details(actor, **overrides),
        notes=notes,
        group=group,
        attended_member_ids=[m.pk for m in attended or []],
    )


def make_known_family_consultation(team: Team, actor: User, family: Family) -> Consultation:
    return make_consultation(
        team,
        actor,
        family_link=codes.FamilyLink.KNOWN,
        family=family,
        outcome=codes.Outcome.REFERRAL_SUGGESTED,
        responsibility=codes.Responsibility.TEAM,
    )


def make_group(
    team: Team, actor: User, members: int = 3
) -> tuple[ConsultationGroup, list[ConsultationGroupMember]]:
    group = services.create_group(
        actor=actor,
        team=team,
        name="Reflective practice for health visitors",
        audience="Health visitors in the north locality",
        facilitators=[actor],
    )
    people = [
        services.add_group_member(
            actor=actor,
            group=group,
            person=Person(name=f"Member {n}", role="Health visitor", organisation="North HV"),
        )
        for n in range(1, members + 1)
    ]
    return group, people


def make_course(
    team: Team, actor: User, *, held_on: date | None = None, title: str = "Noticing babies' cues"
) -> TrainingCourse:
    return services.create_course(
        actor=actor,
        team=team,
        details=CourseDetails(
            title=title,
            audience="Health visitors and nursery nurses",
            held_on=held_on or timezone.localdate() - timedelta(days=7),
            format=codes.CourseFormat.IN_PERSON,
            trainers=[actor],
        ),
    )


def add_attendee(
    course: TrainingCourse,
    actor: User,
    name: str = "Ada Attendee",
    organisation_type: str = codes.OrganisationType.EARLY_YEARS,
) -> TrainingAttendee:
    return services.add_attendee(
        actor=actor,
        course=course,
        person=Person(name=name, role="Nursery nurse", organisation="Little Acorns nursery"),
        organisation_type=organisation_type,
    )


def make_activity(team: Team, actor: User, **overrides: Any) -> OutreachActivity:
    fields: dict[str, Any] = {
        "activity_type": codes.ActivityType.BABY_WEIGHING,
        "partner_organisation": "Riverside family hub",
        "held_on": timezone.localdate() - timedelta(days=1),
        "families_reached": 12,
        "interpreter_used": False,
        "notes": "A warm, busy clinic.",
    }
    fields.update(overrides)
    return services.record_activity(actor=actor, team=team, details=ActivityDetails(**fields))
