"""Every change to group programmes: set-up and schedule, enrolment and the waiting list,
the register (which becomes each family's contacts), and notes kept in the right place.

Each function runs in one transaction and writes its audit event inside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import Membership, Team, User
from attune.audit.services import record
from attune.care import notes as care_notes
from attune.care.codes import Attendance as ContactAttendance
from attune.care.codes import LocationType, Modality, NoteKind
from attune.care.models import Contact, Episode, Note
from attune.catalogue.models import Intervention
from attune.families.models import Family, FamilyMember, Person
from attune.groups.models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Group,
    GroupNote,
    GroupSession,
    SessionContact,
)


class GroupRefused(Exception):
    """The change breaks a rule; the message says which, for the person at the keyboard."""


@dataclass(frozen=True)
class GroupPlan:
    name: str
    kind: str
    programme: Intervention | None
    facilitators: Sequence[User]
    venue: str
    first_session_at: datetime
    session_minutes: int
    sessions_planned: int
    capacity: int
    creche_places: int


def _check_plan(team: Team, plan: GroupPlan) -> None:
    if not plan.facilitators:
        raise GroupRefused("Choose at least one facilitator")
    members = set(Membership.objects.active().filter(team=team).values_list("user_id", flat=True))
    if any(user.pk not in members for user in plan.facilitators):
        raise GroupRefused("Facilitators must be members of the team")


def create_group(*, actor: User, team: Team, plan: GroupPlan) -> Group:
    """Set up a group with its weekly sessions (a course's number, or weeks ahead if open)."""
    _check_plan(team, plan)
    with transaction.atomic():
        group = Group.objects.create(
            team=team,
            name=plan.name.strip(),
            kind=plan.kind,
            programme=plan.programme,
            venue=plan.venue.strip(),
            first_session_at=plan.first_session_at,
            session_minutes=plan.session_minutes,
            sessions_planned=plan.sessions_planned,
            capacity=plan.capacity,
            creche_places=plan.creche_places,
            created_by=actor,
        )
        group.facilitators.set(plan.facilitators)
        length = timedelta(minutes=plan.session_minutes)
        GroupSession.objects.bulk_create(
            GroupSession(
                group=group,
                number=number,
                starts_at=plan.first_session_at + timedelta(weeks=number - 1),
                ends_at=plan.first_session_at + timedelta(weeks=number - 1) + length,
            )
            for number in range(1, plan.sessions_planned + 1)
        )
        record(
            "group.created",
            actor=actor,
            obj=group,
            team_id=team.pk,
            details={"kind": plan.kind, "sessions": plan.sessions_planned},
        )
        return group


def move_session(
    *, actor: User, session: GroupSession, starts_at: datetime, cancelled: bool
) -> GroupSession:
    """Move one session, or cancel it; the rest of the schedule stays as it is."""
    with transaction.atomic():
        length = session.ends_at - session.starts_at
        session.starts_at = starts_at
        session.ends_at = starts_at + length
        session.cancelled = cancelled
        session.save(update_fields=["starts_at", "ends_at", "cancelled"])
        record(
            "group.session_changed",
            actor=actor,
            obj=session,
            team_id=session.group.team_id,
            details={"group": session.group_id, "cancelled": cancelled},
        )
        return session


# Enrolment and the waiting list ----------------------------------------------------------


def _taking_part(group: Group) -> list[Enrolment]:
    return list(Enrolment.objects.filter(group=group, status=EnrolmentStatus.ENROLLED))


def _check_room(group: Group, needs_creche: bool) -> None:
    taking_part = _taking_part(group)
    if len(taking_part) >= group.capacity:
        raise GroupRefused(
            f"This group is full: all {group.capacity} places are taken. "
            "Add the family to the waiting list instead."
        )
    if needs_creche and sum(e.needs_creche for e in taking_part) >= group.creche_places:
        raise GroupRefused(
            f"All {group.creche_places} crèche places are taken. "
            "Add the family to the waiting list, or enrol them without a crèche place."
        )


def _family_people(family: Family, people: Iterable[Person]) -> list[Person]:
    chosen = list(people)
    in_family = set(FamilyMember.objects.filter(family=family).values_list("person_id", flat=True))
    if not chosen:
        raise GroupRefused("Choose who from the family will come")
    if any(person.pk not in in_family for person in chosen):
        raise GroupRefused("Choose people from this family")
    return chosen


def _open_episode(family: Family, team: Team) -> Episode | None:
    return Episode.objects.filter(family=family, team=team).open().first()


def add_family(
    *,
    actor: User,
    group: Group,
    family: Family,
    people: Iterable[Person],
    needs_creche: bool,
    waiting: bool,
) -> Enrolment:
    """Enrol a family (if there is room) or add it to the group's waiting list."""
    if family.team_id != group.team_id:
        raise GroupRefused("Choose a family of this team")
    chosen = _family_people(family, people)
    with transaction.atomic():
        locked = Group.objects.select_for_update().get(pk=group.pk)
        if locked.closed_on:
            raise GroupRefused("This group has finished")
        if (
            Enrolment.objects.filter(group=locked, family=family)
            .exclude(status=EnrolmentStatus.LEFT)
            .exists()
        ):
            raise GroupRefused("This family is already in the group or on its waiting list")
        if not waiting:
            _check_room(locked, needs_creche)
        today = timezone.localdate()
        enrolment, _ = Enrolment.objects.update_or_create(
            group=locked,
            family=family,
            defaults={
                "episode": _open_episode(family, locked.team),
                "status": EnrolmentStatus.WAITING if waiting else EnrolmentStatus.ENROLLED,
                "needs_creche": needs_creche,
                "waiting_since": today if waiting else None,
                "joined_on": None if waiting else today,
                "left_on": None,
            },
        )
        enrolment.people.set(chosen)
        record(
            "group.family_waiting" if waiting else "group.family_enrolled",
            actor=actor,
            obj=enrolment,
            team_id=locked.team_id,
            details={"group": locked.pk, "family": family.pk},
        )
        return enrolment


def offer_place(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """Move a family from the waiting list into the group, when a place is free."""
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=enrolment.group_id)
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status != EnrolmentStatus.WAITING:
            raise GroupRefused("This family is not on the waiting list")
        _check_room(group, locked.needs_creche)
        locked.status = EnrolmentStatus.ENROLLED
        locked.joined_on = timezone.localdate()
        locked.episode = locked.episode or _open_episode(locked.family, group.team)
        locked.save(update_fields=["status", "joined_on", "episode", "updated_at"])
        record(
            "group.place_offered",
            actor=actor,
            obj=locked,
            team_id=group.team_id,
            details={"group": group.pk, "family": locked.family_id},
        )
        return locked


def leave(*, actor: User, enrolment: Enrolment, on: date | None = None) -> Enrolment:
    """A family leaves the group (or the waiting list); its attendance so far is kept."""
    with transaction.atomic():
        enrolment.status = EnrolmentStatus.LEFT
        enrolment.left_on = on or timezone.localdate()
        enrolment.save(update_fields=["status", "left_on", "updated_at"])
        record(
            "group.family_left",
            actor=actor,
            obj=enrolment,
            team_id=enrolment.group.team_id,
            details={"group": enrolment.group_id, "family": enrolment.family_id},
        )
        return enrolment


# The register ---------------------------------------------------------------------------


def take_register(*, actor: User, session: GroupSession, present: Iterable[int]) -> int:
    """Mark each carer and baby present or not; each family's session becomes a contact."""
    present_ids = set(present)
    if session.cancelled:
        raise GroupRefused("This session was cancelled")
    if session.starts_at > timezone.now():
        raise GroupRefused("The register can be taken once the session has started")
    enrolments = list(
        Enrolment.objects.filter(group=session.group, status=EnrolmentStatus.ENROLLED)
        .select_related("episode")
        .prefetch_related("people")
    )
    with transaction.atomic():
        marked = 0
        for enrolment in enrolments:
            people = list(enrolment.people.all())
            for person in people:
                Attendance.objects.update_or_create(
                    session=session,
                    person=person,
                    defaults={"enrolment": enrolment, "present": person.pk in present_ids},
                )
                marked += 1
            came = [p for p in people if p.pk in present_ids]
            if enrolment.episode_id:
                _contact_for(session, enrolment, came, actor)
        session.register_taken_at = timezone.now()
        session.save(update_fields=["register_taken_at"])
        record(
            "group.register_taken",
            actor=actor,
            obj=session,
            team_id=session.group.team_id,
            details={"group": session.group_id, "marked": marked, "present": len(present_ids)},
        )
        return marked


def _contact_for(
    session: GroupSession, enrolment: Enrolment, came: list[Person], actor: User
) -> Contact:
    link = SessionContact.objects.filter(session=session, enrolment=enrolment).first()
    attendance = ContactAttendance.ATTENDED if came else ContactAttendance.DID_NOT_ATTEND
    episode = enrolment.episode
    assert episode is not None  # only families with an open episode get contacts
    if link is None:
        contact = Contact.objects.create(
            episode=episode,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            location_type=LocationType.COMMUNITY,
            attendance=attendance,
            modality=Modality.GROUP,
            stage=episode.stage,
        )
        SessionContact.objects.create(session=session, enrolment=enrolment, contact=contact)
    else:
        contact = link.contact
        contact.attendance = attendance
        contact.save(update_fields=["attendance", "updated_at"])
    contact.people_present.set(came)
    contact.practitioners.set(list(session.group.facilitators.all()))
    return contact


# Notes ------------------------------------------------------------------------------------


def _named_people(group: Group) -> list[str]:
    names = set()
    for enrolment in Enrolment.objects.filter(group=group).prefetch_related("people"):
        for person in enrolment.people.all():
            for name in (person.given_name, person.family_name, person.preferred_name):
                if name and len(name) >= 3:
                    names.add(name)
    return sorted(names)


def write_group_note(
    *, actor: User, group: Group, session: GroupSession | None, body: str
) -> GroupNote:
    """The group's own note. It must not name a family: that goes in the family's record."""
    text = body.strip()
    if not text:
        raise GroupRefused("Write the note")
    named = [n for n in _named_people(group) if re.search(rf"\b{re.escape(n)}\b", text, re.I)]
    if named:
        raise GroupRefused(
            "This note seems to name someone in the group. The group's notes are read by "
            "everyone who runs it: write about one family in that family's record instead."
        )
    with transaction.atomic():
        note = GroupNote.objects.create(group=group, session=session, body=text, author=actor)
        record(
            "group.note_written",
            actor=actor,
            obj=note,
            team_id=group.team_id,
            details={"group": group.pk, "session": session.pk if session else None},
        )
        return note


def write_family_note(
    *, actor: User, enrolment: Enrolment, session: GroupSession, body: str
) -> Note:
    """A note about one family from a group session: written to that family's own episode."""
    if enrolment.episode_id is None:
        raise GroupRefused("This family has no open episode, so there is no record to write to yet")
    link = SessionContact.objects.filter(session=session, enrolment=enrolment).first()
    episode = enrolment.episode
    assert episode is not None
    return care_notes.write_note(
        actor=actor,
        episode=episode,
        kind=NoteKind.SESSION,
        body=body,
        contact=link.contact if link else None,
        written_on=timezone.localtime(session.starts_at).date(),
    )
