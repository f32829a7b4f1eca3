"""Synthetic group programmes: per team an eight-week course and an open group, families
with open episodes taking part (a few waiting), weekly sessions and registers.

Bulk inserts only (see generator.py on why services are bypassed). Each family's
attended session also becomes a contact on its episode, as the register does in
the app. The proportions are believable round numbers, not statistics.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from attune.care import codes as care_codes
from attune.care.models import Contact, Episode
from attune.families.codes import MemberRole
from attune.families.models import FamilyMember
from attune.groups.models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Group,
    GroupKind,
    GroupSession,
    SessionContact,
)

if TYPE_CHECKING:
    from attune.synthetic.generator import SyntheticRun

SESSION_MINUTES = 120
ATTENDS = 0.8  # the chance each enrolled family comes to a given session
GROUP_SHAPES = (
    # name, kind, sessions, capacity, creche places, weeks before today it began
    ("Babies and us", GroupKind.COURSE, 8, 8, 4, 10),
    ("Tuesday parent-infant group", GroupKind.OPEN, 12, 10, 0, 8),
)


def _at(day: datetime) -> datetime:
    return timezone.make_aware(datetime.combine(day.date(), time(10, 0)))


def make_groups(run: SyntheticRun) -> None:
    """Two groups per team with families, registers and the contacts they become."""
    from attune.synthetic.generator import bulk_insert

    now = timezone.make_aware(datetime.combine(run.today, time(18, 0)))
    with_families = set(
        Episode.objects.filter(team__in=run.teams).values_list("team_id", flat=True).distinct()
    )
    groups, planned = [], []
    for team in run.teams:
        if team.pk not in with_families:
            continue
        staff = run.staff.get(team.pk, {})
        facilitators = staff.get("practitioner", [])[:2] or staff.get("manager", [])[:1]
        creator = (staff.get("manager") or facilitators)[0]
        for name, kind, count, capacity, creche, weeks_ago in GROUP_SHAPES:
            start = _at(datetime.combine(run.today - timedelta(weeks=weeks_ago), time()))
            groups.append(
                Group(
                    team=team,
                    name=name,
                    kind=kind,
                    venue="Children's Centre, main hall",
                    first_session_at=start,
                    session_minutes=SESSION_MINUTES,
                    sessions_planned=count,
                    capacity=capacity,
                    creche_places=creche,
                    created_by=creator,
                )
            )
            planned.append(facilitators)
    groups = bulk_insert(run, Group, groups, "groups", bar=False)
    through = Group.facilitators.through
    through.objects.bulk_create(
        through(group_id=group.pk, user_id=user.pk)
        for group, facilitators in zip(groups, planned, strict=True)
        for user in facilitators
    )
    sessions = bulk_insert(
        run,
        GroupSession,
        [
            GroupSession(
                group=group,
                number=n,
                starts_at=group.first_session_at + timedelta(weeks=n - 1),
                ends_at=group.first_session_at + timedelta(weeks=n - 1, minutes=SESSION_MINUTES),
                register_taken_at=(
                    group.first_session_at + timedelta(weeks=n - 1, hours=3)
                    if group.first_session_at + timedelta(weeks=n - 1) < now
                    else None
                ),
            )
            for group in groups
            for n in range(1, group.sessions_planned + 1)
        ],
        "group sessions",
        bar=False,
    )
    _enrol_and_register(run, groups, sessions, now)


def _enrol_and_register(
    run: SyntheticRun, groups: list[Group], sessions: list[GroupSession], now: datetime
) -> None:
    from attune.synthetic.generator import bulk_insert

    episodes = list(
        Episode.objects.filter(team__in=run.teams)
        .exclude(stage__in=[care_codes.Stage.ENGAGEMENT, care_codes.Stage.CLOSED])
        .order_by("id")
    )
    people: dict[int, list[int]] = {}
    for family_id, person_id in FamilyMember.objects.filter(
        family_id__in=[e.family_id for e in episodes],
        role__in=[MemberRole.CARER, MemberRole.BABY],
    ).values_list("family_id", "person_id"):
        people.setdefault(family_id, []).append(person_id)
    enrolments: list[Enrolment] = []
    for group in groups:
        team_episodes = [e for e in episodes if e.team_id == group.team_id]
        chosen = run.rng.sample(team_episodes, min(len(team_episodes), group.capacity + 2))
        for index, episode in enumerate(chosen):
            waiting = index >= group.capacity
            enrolments.append(
                Enrolment(
                    group=group,
                    family_id=episode.family_id,
                    episode=episode,
                    status=EnrolmentStatus.WAITING if waiting else EnrolmentStatus.ENROLLED,
                    needs_creche=run.rng.random() < 0.4 and index < group.creche_places,
                    waiting_since=run.today - timedelta(days=run.rng.randint(3, 30))
                    if waiting
                    else None,
                    joined_on=None if waiting else group.first_session_at.date(),
                )
            )
    enrolments = bulk_insert(run, Enrolment, enrolments, "group enrolments", bar=False)
    through = Enrolment.people.through
    through.objects.bulk_create(
        through(enrolment_id=e.pk, person_id=p) for e in enrolments for p in people[e.family_id]
    )
    marks, contacts, links = [], [], []
    by_group: dict[int, list[GroupSession]] = {}
    for session in sessions:
        by_group.setdefault(session.group_id, []).append(session)
    for enrolment in enrolments:
        if enrolment.status != EnrolmentStatus.ENROLLED:
            continue
        for session in by_group[enrolment.group_id]:
            if session.starts_at >= now:
                continue
            came = run.rng.random() < ATTENDS
            for person_id in people[enrolment.family_id]:
                marks.append(
                    Attendance(
                        session=session, enrolment=enrolment, person_id=person_id, present=came
                    )
                )
            assert enrolment.episode_id is not None  # synthetic enrolments all have one
            contacts.append(
                Contact(
                    episode_id=enrolment.episode_id,
                    starts_at=session.starts_at,
                    ends_at=session.ends_at,
                    location_type=care_codes.LocationType.COMMUNITY,
                    attendance=care_codes.Attendance.ATTENDED
                    if came
                    else care_codes.Attendance.DID_NOT_ATTEND,
                    modality=care_codes.Modality.GROUP,
                )
            )
            links.append((session, enrolment))
    bulk_insert(run, Attendance, marks, "group attendance", bar=False)
    contacts = bulk_insert(run, Contact, contacts, "group contacts", bar=False)
    bulk_insert(
        run,
        SessionContact,
        [
            SessionContact(session=s, enrolment=e, contact=c)
            for (s, e), c in zip(links, contacts, strict=True)
        ],
        "group session contacts",
        bar=False,
    )
