"""Booking, moving, cancelling, recording and ending sessions: the services and their rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

import pytest
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.care import services as episode_services
from attune.care import sessions
from attune.care.codes import Attendance, LocationType, Modality, Stage
from attune.care.models import Contact, Room, SessionSeries
from attune.care.tests.factories import make_episode, world_episode
from attune.core.locking import StaleEdit
from attune.families.models import FamilyMember

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- helpers (shared by the other
# test_sessions_* modules)


def at(days: int, hour: int = 10, minute: int = 0) -> datetime:
    """A local time ``days`` from today (never today, so past and future are certain)."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def plan_for(user: Any, starts_at: datetime, **overrides: Any) -> sessions.SessionPlan:
    fields: dict[str, Any] = {
        "starts_at": starts_at,
        "duration_minutes": 60,
        "location_type": LocationType.HOME,
        "practitioners": [user],
    }
    fields.update(overrides)
    return sessions.SessionPlan(**fields)


def book(world: Any, episode: Any, starts_at: datetime, **overrides: Any) -> list[Contact]:
    """Book as the 'practitioner' persona (or ``actor``), clashes allowed unless told."""
    user = overrides.pop("actor", world.users["practitioner"])
    allow = overrides.pop("allow_clashes", True)
    contacts, _ = sessions.book_sessions(
        actor=user,
        episode=episode,
        plan=plan_for(user, starts_at, **overrides),
        allow_clashes=allow,
    )
    return contacts


def make_room(world: Any, name: str = "Garden room", team: Any = None) -> Room:
    room, _ = sessions.add_room(
        actor=world.users["manager"],
        team=team or world.team,
        name=name,
        baby_friendly=True,
        video_equipped=False,
    )
    return room


def family_people(episode: Any) -> list[Any]:
    return [m.person for m in FamilyMember.objects.filter(family=episode.family)]


# ---------------------------------------------------------------- booking


def test_a_single_session_is_booked_with_its_stage_and_audited(world) -> None:
    episode = world_episode(world)
    [contact] = book(world, episode, at(3), modality=Modality.VIDEO_FEEDBACK)
    assert contact.series_id is None
    assert contact.attendance == Attendance.PLANNED
    assert contact.stage == Stage.ENGAGEMENT
    assert contact.duration == timedelta(minutes=60)
    assert list(contact.practitioners.all()) == [world.users["practitioner"]]
    assert AuditEvent.objects.filter(action="session.booked").count() == 1


def test_a_weekly_series_makes_one_contact_a_week(world) -> None:
    episode = world_episode(world)
    contacts = book(world, episode, at(2), weekly=True, sessions=6)
    assert len(contacts) == 6
    series = SessionSeries.objects.get()
    assert {c.series_id for c in contacts} == {series.pk}
    starts = [c.starts_at for c in Contact.objects.filter(series=series)]
    assert all(b - a == timedelta(weeks=1) for a, b in pairwise(starts))
    assert AuditEvent.objects.filter(action="session.booked").count() == 1


def test_a_weekly_series_keeps_the_local_time_across_the_clock_change(world) -> None:
    episode = world_episode(world)
    # British Summer Time starts on 31 March 2030: 10:00 stays 10:00 on the wall clock.
    first = timezone.make_aware(datetime(2030, 3, 18, 10, 0))
    contacts = book(world, episode, first, weekly=True, sessions=4)
    assert [timezone.localtime(c.starts_at).hour for c in contacts] == [10, 10, 10, 10]
    assert contacts[0].starts_at.astimezone(UTC).hour == 10
    assert contacts[-1].starts_at.astimezone(UTC).hour == 9


def test_a_weekly_series_up_to_an_end_date(world) -> None:
    episode = world_episode(world)
    first = at(1)
    contacts = book(world, episode, first, weekly=True, until=first.date() + timedelta(weeks=3))
    assert len(contacts) == 4


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"sessions": sessions.MAX_WEEKLY_SESSIONS + 1}, "sessions"),
        ({"until": date(2099, 1, 1)}, "until"),
        ({}, "sessions"),
    ],
)
def test_a_series_is_capped_and_needs_an_end(world, extra, field) -> None:
    episode = world_episode(world)
    with pytest.raises(sessions.SessionRefused) as refused:
        book(world, episode, at(1), weekly=True, **extra)
    assert refused.value.field == field
    assert not Contact.objects.exists() and not SessionSeries.objects.exists()


def test_a_series_of_exactly_the_cap_is_allowed(world) -> None:
    episode = world_episode(world)
    assert len(book(world, episode, at(1), weekly=True, sessions=52)) == 52


@pytest.mark.parametrize("minutes", [0, -30])
def test_a_session_must_end_after_it_starts(world, minutes) -> None:
    episode = world_episode(world)
    with pytest.raises(sessions.SessionRefused) as refused:
        book(world, episode, at(1), duration_minutes=minutes)
    assert refused.value.field == "duration_minutes"
    assert "end after it starts" in refused.value.message
    assert not Contact.objects.exists()


def test_the_same_booking_sent_twice_is_made_once(world) -> None:
    episode = world_episode(world)
    user = world.users["practitioner"]
    plan = plan_for(user, at(4), weekly=True, sessions=3)
    first, created = sessions.book_sessions(actor=user, episode=episode, plan=plan)
    again, created_again = sessions.book_sessions(actor=user, episode=episode, plan=plan)
    assert (created, created_again) == (True, False)
    assert [c.pk for c in again] == [c.pk for c in first]
    assert Contact.objects.count() == 3
    assert AuditEvent.objects.filter(action="session.booked").count() == 1


def test_a_series_over_a_single_session_is_not_taken_for_a_repeat(world) -> None:
    episode = world_episode(world)
    book(world, episode, at(4))
    # Not the same form sent twice: a new request, so the clash is shown instead.
    with pytest.raises(sessions.PractitionerClash):
        book(world, episode, at(4), weekly=True, sessions=3, allow_clashes=False)
    assert Contact.objects.count() == 1


def test_practitioners_must_be_in_the_team(world) -> None:
    episode = world_episode(world)
    with pytest.raises(sessions.SessionRefused) as refused:
        book(world, episode, at(1), practitioners=[world.users["other_practitioner"]])
    assert refused.value.field == "practitioners"
    with pytest.raises(sessions.SessionRefused):
        book(world, episode, at(1), practitioners=[world.users["commissioner"]])
    with pytest.raises(sessions.SessionRefused):
        book(world, episode, at(1), practitioners=[])


def test_a_closed_episode_takes_no_bookings(world) -> None:
    episode = world_episode(world)
    episode_services.move_to_stage(
        actor=world.users["manager"], episode=episode, stage=Stage.CLOSED
    )
    with pytest.raises(sessions.SessionRefused, match="closed"):
        book(world, episode, at(1))


def test_a_contact_carries_the_stage_of_its_day(world) -> None:
    episode = world_episode(world)
    episode_services.move_to_stage(
        actor=world.users["manager"], episode=episode, stage=Stage.ASSESSMENT
    )
    [before] = book(world, episode, at(-2))
    [after] = book(world, episode, at(2))
    # The episode opened today in engagement and moved to assessment today.
    assert before.stage == Stage.ENGAGEMENT
    assert after.stage == Stage.ASSESSMENT


# ---------------------------------------------------------------- practitioner clashes


def test_a_practitioner_clash_is_a_warning_that_can_be_confirmed(world) -> None:
    first = world_episode(world)
    second = world_episode(world)
    book(world, first, at(5, 10))
    with pytest.raises(sessions.PractitionerClash) as clash:
        book(world, second, at(5, 10, 30), allow_clashes=False)
    assert [c.practitioner for c in clash.value.clashes] == [world.users["practitioner"]]
    assert Contact.objects.count() == 1
    book(world, second, at(5, 10, 30), allow_clashes=True)
    assert Contact.objects.count() == 2


def test_back_to_back_sessions_do_not_clash(world) -> None:
    episode = world_episode(world)
    book(world, episode, at(5, 10))
    book(world, episode, at(5, 11), allow_clashes=False)
    assert Contact.objects.count() == 2


# ---------------------------------------------------------------- rooms


def test_a_room_cannot_be_double_booked(world) -> None:
    room = make_room(world)
    first, second = world_episode(world), world_episode(world)
    clinic = {"location_type": LocationType.CLINIC, "room": room}
    book(world, first, at(3, 10), **clinic)
    with pytest.raises(sessions.SessionRefused) as refused:
        book(
            world,
            second,
            at(3, 10, 45),
            actor=world.users["colleague"],
            practitioners=[world.users["colleague"]],
            **clinic,
        )
    assert refused.value.field == "room"
    assert "Garden room is already booked" in refused.value.message
    assert Contact.objects.count() == 1


def test_a_series_is_refused_if_any_week_clashes_for_the_room(world) -> None:
    room = make_room(world)
    clinic = {"location_type": LocationType.CLINIC, "room": room}
    book(world, world_episode(world), at(15, 10), **clinic)
    with pytest.raises(sessions.SessionRefused, match="already booked"):
        book(world, world_episode(world), at(1, 10), weekly=True, sessions=4, **clinic)
    assert Contact.objects.count() == 1


def test_a_cancelled_session_frees_its_room(world) -> None:
    room = make_room(world)
    clinic = {"location_type": LocationType.CLINIC, "room": room}
    [contact] = book(world, world_episode(world), at(3), **clinic)
    sessions.cancel_session(
        actor=world.users["practitioner"],
        contact=contact,
        expected_version=contact.version,
        attendance=Attendance.CANCELLED_BY_FAMILY,
    )
    book(world, world_episode(world), at(3), **clinic)
    assert Contact.objects.booked().filter(room=room).count() == 1


def test_only_a_clinic_session_books_a_room_and_only_the_teams_own(world) -> None:
    episode = world_episode(world)
    with pytest.raises(sessions.SessionRefused) as refused:
        book(world, episode, at(1), location_type=LocationType.HOME, room=make_room(world))
    assert refused.value.field == "room"
    elsewhere = make_room(world, "South room", team=world.other_team)
    with pytest.raises(sessions.SessionRefused, match="team's rooms"):
        book(world, episode, at(1), location_type=LocationType.CLINIC, room=elsewhere)
    assert not Contact.objects.exists()


def test_a_room_is_added_once_and_names_are_unique(world) -> None:
    room = make_room(world, "Blue room")
    again = make_room(world, "blue  room")
    assert again.pk == room.pk
    assert Room.objects.count() == 1
    assert AuditEvent.objects.filter(action="room.added").count() == 1
    with pytest.raises(sessions.SessionRefused, match="already has a room"):
        sessions.add_room(
            actor=world.users["manager"],
            team=world.team,
            name="Blue room",
            baby_friendly=False,
            video_equipped=True,
        )


# ---------------------------------------------------------------- moving and cancelling one


def test_moving_one_session_leaves_the_rest_of_the_series(world) -> None:
    episode = world_episode(world)
    contacts = book(world, episode, at(2), weekly=True, sessions=4)
    target = contacts[1]
    others = {c.pk: c.starts_at for c in contacts if c.pk != target.pk}
    moved, changed = sessions.move_session(
        actor=world.users["practitioner"],
        contact=target,
        expected_version=target.version,
        starts_at=target.starts_at + timedelta(days=1, hours=3),
        duration_minutes=90,
        location_type=LocationType.VIDEO,
        room=None,
    )
    assert changed and moved.version == target.version + 1
    assert moved.duration == timedelta(minutes=90)
    assert moved.series_id == target.series_id
    for contact in Contact.objects.exclude(pk=target.pk):
        assert contact.starts_at == others[contact.pk]
        assert contact.location_type == LocationType.HOME
    assert AuditEvent.objects.filter(action="session.moved").count() == 1


def test_a_move_made_from_an_old_page_is_refused_but_a_repeat_is_harmless(world) -> None:
    [contact] = book(world, world_episode(world), at(2))
    move = {
        "actor": world.users["practitioner"],
        "contact": contact,
        "expected_version": contact.version,
        "duration_minutes": 60,
        "location_type": LocationType.HOME,
        "room": None,
    }
    sessions.move_session(starts_at=at(3), **move)
    # The same form sent again: already done, nothing changes.
    _, changed = sessions.move_session(starts_at=at(3), **move)
    assert not changed
    # A different move from the page as it was before: someone else's change would be lost.
    with pytest.raises(StaleEdit):
        sessions.move_session(starts_at=at(4), **move)
    assert Contact.objects.get().starts_at == at(3)


def test_moving_into_a_booked_room_is_refused(world) -> None:
    room = make_room(world)
    book(world, world_episode(world), at(6), location_type=LocationType.CLINIC, room=room)
    [contact] = book(world, world_episode(world), at(7), location_type=LocationType.CLINIC)
    with pytest.raises(sessions.SessionRefused) as refused:
        sessions.move_session(
            actor=world.users["practitioner"],
            contact=contact,
            expected_version=contact.version,
            starts_at=at(6, 10, 30),
            duration_minutes=60,
            location_type=LocationType.CLINIC,
            room=room,
        )
    assert refused.value.field == "room"
    contact.refresh_from_db()
    assert contact.starts_at == at(7) and contact.room_id is None


def test_a_session_can_move_within_its_own_room_booking(world) -> None:
    room = make_room(world)
    [contact] = book(
        world, world_episode(world), at(6), location_type=LocationType.CLINIC, room=room
    )
    moved, _ = sessions.move_session(
        actor=world.users["practitioner"],
        contact=contact,
        expected_version=contact.version,
        starts_at=at(6, 10, 15),
        duration_minutes=60,
        location_type=LocationType.CLINIC,
        room=room,
    )
    assert moved.room_id == room.pk


def test_cancelling_one_session_leaves_the_others(world) -> None:
    contacts = book(world, world_episode(world), at(2), weekly=True, sessions=3)
    target = contacts[0]
    cancel = {
        "actor": world.users["practitioner"],
        "contact": target,
        "expected_version": target.version,
        "attendance": Attendance.CANCELLED_BY_SERVICE,
    }
    _, changed = sessions.cancel_session(**cancel)
    _, changed_again = sessions.cancel_session(**cancel)
    assert (changed, changed_again) == (True, False)
    assert Contact.objects.get(pk=target.pk).attendance == Attendance.CANCELLED_BY_SERVICE
    assert set(Contact.objects.exclude(pk=target.pk).values_list("attendance", flat=True)) == {
        Attendance.PLANNED
    }
    assert AuditEvent.objects.filter(action="session.cancelled").count() == 1


def test_a_session_that_happened_cannot_be_cancelled(world) -> None:
    episode = world_episode(world)
    [contact] = book(world, episode, at(-1))
    contact = record(world, contact, attendance=Attendance.ATTENDED)
    with pytest.raises(sessions.SessionRefused):
        sessions.cancel_session(
            actor=world.users["practitioner"],
            contact=contact,
            expected_version=contact.version,
            attendance=Attendance.CANCELLED_BY_FAMILY,
        )


# ---------------------------------------------------------------- recording what happened


def record(world: Any, contact: Contact, **overrides: Any) -> Contact:
    fields: dict[str, Any] = {
        "actor": world.users["practitioner"],
        "contact": contact,
        "expected_version": contact.version,
        "attendance": Attendance.ATTENDED,
        "modality": Modality.PARENT_INFANT_PSYCHOTHERAPY,
        "people_present": family_people(contact.episode),
        "practitioners": [world.users["practitioner"]],
        "interpreter_present": False,
    }
    fields.update(overrides)
    recorded, _ = sessions.record_contact(**fields)
    return recorded


def test_recording_who_came_and_what_happened(world) -> None:
    episode = world_episode(world)
    [contact] = book(world, episode, at(-1))
    people = family_people(episode)
    recorded = record(
        world,
        contact,
        people_present=people[:1],
        practitioners=[world.users["practitioner"], world.users["colleague"]],
        interpreter_present=True,
        modality=Modality.VIDEO_FEEDBACK,
    )
    assert recorded.attendance == Attendance.ATTENDED
    assert recorded.interpreter_present
    assert list(recorded.people_present.all()) == people[:1]
    assert set(recorded.practitioners.all()) == {
        world.users["practitioner"],
        world.users["colleague"],
    }
    event = AuditEvent.objects.get(action="contact.recorded")
    assert event.details == {"episode": episode.pk, "attendance": "attended"}


@pytest.mark.parametrize("attendance", [Attendance.ATTENDED, Attendance.DID_NOT_ATTEND])
def test_attendance_cannot_be_recorded_for_a_session_still_to_come(world, attendance) -> None:
    [contact] = book(world, world_episode(world), at(2))
    with pytest.raises(sessions.SessionRefused) as refused:
        record(world, contact, attendance=attendance, people_present=[])
    assert refused.value.field == "attendance"
    assert "has not happened yet" in refused.value.message
    assert Contact.objects.get().attendance == Attendance.PLANNED


def test_people_present_must_be_in_the_family(world) -> None:
    episode = world_episode(world)
    stranger = family_people(
        make_episode(
            team=world.team, manager=world.users["manager"], practitioner=world.users["colleague"]
        )
    )[0]
    [contact] = book(world, episode, at(-1))
    with pytest.raises(sessions.SessionRefused) as refused:
        record(world, contact, people_present=[*family_people(episode), stranger])
    assert refused.value.field == "people_present"
    assert not Contact.objects.get(pk=contact.pk).people_present.exists()


def test_recording_twice_changes_nothing_the_second_time(world) -> None:
    [contact] = book(world, world_episode(world), at(-1))
    record(world, contact)
    # The same form again, still carrying the version it was shown with.
    _, changed = sessions.record_contact(
        actor=world.users["practitioner"],
        contact=contact,
        expected_version=contact.version,
        attendance=Attendance.ATTENDED,
        modality=Modality.PARENT_INFANT_PSYCHOTHERAPY,
        people_present=family_people(contact.episode),
        practitioners=[world.users["practitioner"]],
        interpreter_present=False,
    )
    assert not changed
    assert AuditEvent.objects.filter(action="contact.recorded").count() == 1


def test_taking_back_a_cancellation_needs_the_room_free(world) -> None:
    room = make_room(world)
    clinic = {"location_type": LocationType.CLINIC, "room": room}
    [contact] = book(world, world_episode(world), at(3), **clinic)
    contact, _ = sessions.cancel_session(
        actor=world.users["practitioner"],
        contact=contact,
        expected_version=contact.version,
        attendance=Attendance.CANCELLED_BY_FAMILY,
    )
    book(world, world_episode(world), at(3), **clinic)
    with pytest.raises(sessions.SessionRefused, match="already booked"):
        record(world, contact, attendance=Attendance.PLANNED, people_present=[])


# ---------------------------------------------------------------- ending a series


def test_ending_a_series_removes_planned_sessions_after_the_day_and_keeps_the_past(world) -> None:
    episode = world_episode(world)
    contacts = book(world, episode, at(-21), weekly=True, sessions=6)
    # The series ran 3 weeks ago, 2 weeks ago, last week, today, next week, the week after.
    record(world, contacts[0])
    series, removed = sessions.end_series(
        actor=world.users["practitioner"],
        series=contacts[0].series,
        last_day=timezone.localdate(),
    )
    assert removed == 2
    assert series.ended_on == timezone.localdate()
    kept = list(Contact.objects.filter(series=series))
    assert [c.pk for c in kept] == [c.pk for c in contacts[:4]]
    assert kept[0].attendance == Attendance.ATTENDED
    event = AuditEvent.objects.get(action="session.series_ended")
    assert event.details["removed"] == 2


def test_ending_a_series_keeps_sessions_already_cancelled(world) -> None:
    contacts = book(world, world_episode(world), at(1), weekly=True, sessions=4)
    sessions.cancel_session(
        actor=world.users["practitioner"],
        contact=contacts[2],
        expected_version=contacts[2].version,
        attendance=Attendance.CANCELLED_BY_FAMILY,
    )
    _, removed = sessions.end_series(
        actor=world.users["practitioner"],
        series=contacts[0].series,
        last_day=timezone.localdate(contacts[0].starts_at),
    )
    assert removed == 2
    assert list(Contact.objects.values_list("pk", flat=True)) == [contacts[0].pk, contacts[2].pk]


def test_ending_a_series_twice_and_before_it_starts(world) -> None:
    contacts = book(world, world_episode(world), at(3), weekly=True, sessions=3)
    series = contacts[0].series
    with pytest.raises(sessions.SessionRefused, match="before its first session"):
        sessions.end_series(
            actor=world.users["practitioner"], series=series, last_day=timezone.localdate()
        )
    last_day = timezone.localdate() + timedelta(days=5)
    ending = {"actor": world.users["practitioner"], "series": series, "last_day": last_day}
    assert sessions.end_series(**ending)[1] == 2
    assert sessions.end_series(**ending)[1] == 0
    with pytest.raises(sessions.SessionRefused, match="already ended"):
        sessions.end_series(**{**ending, "last_day": last_day + timedelta(days=7)})
    assert AuditEvent.objects.filter(action="session.series_ended").count() == 1


# ---------------------------------------------------------------- small rules


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Shah family", "S."),
        ("Patel–Smith family", "P.S."),
        ("O'Neil-Brown family", "O.B."),
        ("New family", "N."),
        ("", ""),
    ],
)
def test_family_initials(name, initials) -> None:
    assert sessions.family_initials(name) == initials
