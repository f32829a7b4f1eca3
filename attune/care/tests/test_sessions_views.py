"""The session pages: booking, recording, moving, cancelling, ending, rooms and the diary."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.accounts.tests.factories import sign_in_verified
from attune.audit.models import AuditEvent
from attune.care.codes import Attendance, LocationType
from attune.care.models import Contact, Room, SessionSeries
from attune.care.tests.factories import make_episode, world_episode
from attune.care.tests.test_sessions import at, book, family_people, make_room, record

pytestmark = pytest.mark.django_db


def booking(world: Any, starts: Any = None, **overrides: Any) -> dict[str, Any]:
    starts = starts or at(3)
    local = timezone.localtime(starts)
    data: dict[str, Any] = {
        "on": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "duration_minutes": "60",
        "location_type": LocationType.HOME,
        "room": "",
        "modality": "pip",
        "practitioners": [str(world.users["practitioner"].pk)],
        "repeat": "once",
        "sessions": "",
        "until": "",
    }
    data.update(overrides)
    return data


def errors_of(response: Any) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- booking


def test_booking_a_weekly_series_from_the_page(world, client_for) -> None:
    episode = world_episode(world)
    response = client_for("practitioner").post(
        reverse("care:session_book", args=[episode.pk]),
        booking(world, repeat="weekly", sessions="8"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("care:contacts", args=[episode.pk])
    assert Contact.objects.filter(episode=episode).count() == 8
    assert SessionSeries.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"duration_minutes": "0"}, "The session must end after it starts"),
        ({"duration_minutes": "-15"}, "The session must end after it starts"),
        ({"start_time": "25:99"}, "Enter a time like 14:30"),
        ({"on": "2026-02-31"}, "Enter a real date"),
        ({"repeat": "weekly"}, "Enter how many weekly sessions, or the date of the last one"),
        ({"repeat": "weekly", "sessions": "53"}, "Enter a number of sessions from 1 to 52"),
        ({"practitioners": []}, "Choose at least one practitioner"),
        ({"practitioners": ["999999"]}, "Choose practitioners from the team&#39;s list"),
        ({"room": "999999", "location_type": "clinic"}, "Choose one of the team&#39;s rooms"),
        ({"location_type": "moon"}, "Choose where the session takes place"),
    ],
)
def test_bad_bookings_are_refused_beside_the_field(world, client_for, overrides, message) -> None:
    episode = world_episode(world)
    response = client_for("practitioner").post(
        reverse("care:session_book", args=[episode.pk]), booking(world, **overrides)
    )
    assert response.status_code == 400
    html = errors_of(response)
    assert "There is a problem" in html
    assert message in html
    assert not Contact.objects.exists()


def test_a_room_for_a_home_visit_is_refused(world, client_for) -> None:
    episode = world_episode(world)
    room = make_room(world)
    response = client_for("practitioner").post(
        reverse("care:session_book", args=[episode.pk]),
        booking(world, room=str(room.pk), location_type="home"),
    )
    assert response.status_code == 400
    assert "Only a clinic session can book a room" in errors_of(response)


def test_a_double_booked_room_is_refused_on_the_page(world, client_for) -> None:
    room = make_room(world)
    book(world, world_episode(world), at(3), location_type=LocationType.CLINIC, room=room)
    episode = world_episode(world)
    response = client_for("colleague").post(
        reverse("care:session_book", args=[episode.pk]),
        booking(
            world,
            at(3, 10, 30),
            location_type="clinic",
            room=str(room.pk),
            practitioners=[str(world.users["colleague"].pk)],
        ),
    )
    assert response.status_code == 400
    assert "Garden room is already booked" in errors_of(response)
    assert Contact.objects.filter(episode=episode).count() == 0


def test_a_practitioner_clash_is_shown_then_confirmed(world, client_for) -> None:
    book(world, world_episode(world), at(3))
    episode = world_episode(world)
    client = client_for("practitioner")
    url = reverse("care:session_book", args=[episode.pk])
    warned = client.post(url, booking(world, at(3, 10, 30)))
    assert warned.status_code == 200
    html = errors_of(warned)
    assert "A practitioner already has a session at this time" in html
    assert 'name="confirm_clash"' in html
    assert not Contact.objects.filter(episode=episode).exists()
    confirmed = client.post(url, booking(world, at(3, 10, 30), confirm_clash="on"))
    assert confirmed.status_code == 302
    assert Contact.objects.filter(episode=episode).count() == 1


def test_the_booking_form_sent_twice_books_once(world, client_for) -> None:
    episode = world_episode(world)
    client = client_for("practitioner")
    url = reverse("care:session_book", args=[episode.pk])
    data = booking(world, repeat="weekly", sessions="4")
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Contact.objects.filter(episode=episode).count() == 4
    assert AuditEvent.objects.filter(action="session.booked").count() == 1


# ---------------------------------------------------------------- recording


def record_data(world: Any, contact: Contact, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": str(contact.version),
        "attendance": Attendance.ATTENDED,
        "modality": "pip",
        "people_present": [str(p.pk) for p in family_people(contact.episode)],
        "practitioners": [str(world.users["practitioner"].pk)],
    }
    data.update(overrides)
    return data


def test_recording_a_session_that_happened(world, client_for) -> None:
    [contact] = book(world, world_episode(world), at(-1))
    response = client_for("practitioner").post(
        reverse("care:contact", args=[contact.pk]),
        record_data(world, contact, interpreter_present="on"),
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.attendance == Attendance.ATTENDED and contact.interpreter_present
    assert contact.people_present.count() == 2


def test_attendance_for_a_future_session_is_refused_clearly(world, client_for) -> None:
    [contact] = book(world, world_episode(world), at(2))
    response = client_for("practitioner").post(
        reverse("care:contact", args=[contact.pk]), record_data(world, contact)
    )
    assert response.status_code == 400
    html = errors_of(response)
    assert "This session has not happened yet" in html
    assert 'href="#id_attendance"' in html
    assert Contact.objects.get().attendance == Attendance.PLANNED


def test_someone_from_another_family_cannot_be_recorded_as_present(world, client_for) -> None:
    [contact] = book(world, world_episode(world), at(-1))
    other = make_episode(
        team=world.team, manager=world.users["manager"], practitioner=world.users["colleague"]
    )
    stranger = family_people(other)[0]
    response = client_for("practitioner").post(
        reverse("care:contact", args=[contact.pk]),
        record_data(world, contact, people_present=[str(stranger.pk)]),
    )
    assert response.status_code == 400
    assert "Choose people from this family" in errors_of(response)
    assert not contact.people_present.exists()


def test_attended_needs_someone_from_the_family(world, client_for) -> None:
    [contact] = book(world, world_episode(world), at(-1))
    response = client_for("practitioner").post(
        reverse("care:contact", args=[contact.pk]), record_data(world, contact, people_present=[])
    )
    assert response.status_code == 400
    assert "Choose who came from the family" in errors_of(response)


def test_a_record_saved_from_an_old_page_shows_a_conflict(world, client_for) -> None:
    [contact] = book(world, world_episode(world), at(-1))
    client = client_for("practitioner")
    url = reverse("care:contact", args=[contact.pk])
    assert client.post(url, record_data(world, contact)).status_code == 302
    stale = record_data(world, contact, attendance=Attendance.DID_NOT_ATTEND, people_present=[])
    response = client.post(url, stale)
    assert response.status_code == 409
    html = errors_of(response)
    assert "Someone else changed this session first" in html
    assert 'name="version" value="2"' in html
    assert Contact.objects.get().attendance == Attendance.ATTENDED


def test_opening_a_contact_is_audited_once(world, client_for) -> None:
    [contact] = book(world, world_episode(world), at(1))
    client_for("practitioner").get(reverse("care:contact", args=[contact.pk]))
    assert (
        AuditEvent.objects.filter(action="contact.viewed", object_id=str(contact.pk)).count() == 1
    )


# ---------------------------------------------------------------- moving, cancelling, ending


def test_moving_a_session_into_a_booked_room_is_refused_on_the_page(world, client_for) -> None:
    room = make_room(world)
    book(world, world_episode(world), at(4), location_type=LocationType.CLINIC, room=room)
    [contact] = book(world, world_episode(world), at(5))
    local = timezone.localtime(at(4, 10, 30))
    response = client_for("practitioner").post(
        reverse("care:contact_move", args=[contact.pk]),
        {
            "version": contact.version,
            "on": local.date().isoformat(),
            "start_time": "10:30",
            "duration_minutes": "60",
            "location_type": "clinic",
            "room": str(room.pk),
            "confirm_clash": "on",
        },
    )
    assert response.status_code == 400
    assert "Garden room is already booked" in errors_of(response)
    contact.refresh_from_db()
    assert contact.starts_at == at(5)


def test_moving_one_session_from_the_page(world, client_for) -> None:
    contacts = book(world, world_episode(world), at(1), weekly=True, sessions=3)
    target = contacts[1]
    new_day = timezone.localdate(target.starts_at) + timedelta(days=2)
    response = client_for("practitioner").post(
        reverse("care:contact_move", args=[target.pk]),
        {
            "version": target.version,
            "on": new_day.isoformat(),
            "start_time": "14:15",
            "duration_minutes": "45",
            "location_type": "video",
            "room": "",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert timezone.localtime(target.starts_at).strftime("%Y-%m-%d %H:%M") == (
        f"{new_day.isoformat()} 14:15"
    )
    assert target.duration == timedelta(minutes=45)
    assert Contact.objects.get(pk=contacts[2].pk).starts_at == contacts[2].starts_at


def test_cancelling_from_the_page_twice_is_harmless(world, client_for) -> None:
    [contact] = book(world, world_episode(world), at(2))
    client = client_for("practitioner")
    url = reverse("care:contact_cancel", args=[contact.pk])
    data = {"version": contact.version, "attendance": Attendance.CANCELLED_BY_FAMILY}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Contact.objects.get().attendance == Attendance.CANCELLED_BY_FAMILY
    assert AuditEvent.objects.filter(action="session.cancelled").count() == 1


def test_cancelling_needs_who_cancelled(world, client_for) -> None:
    [contact] = book(world, world_episode(world), at(2))
    response = client_for("practitioner").post(
        reverse("care:contact_cancel", args=[contact.pk]), {"version": contact.version}
    )
    assert response.status_code == 400
    assert "Choose who cancelled the session" in errors_of(response)


def test_ending_a_series_from_the_page(world, client_for) -> None:
    contacts = book(world, world_episode(world), at(1), weekly=True, sessions=5)
    response = client_for("practitioner").post(
        reverse("care:series_end", args=[contacts[0].series_id]),
        {"last_day": timezone.localdate(contacts[1].starts_at).isoformat()},
    )
    assert response.status_code == 302
    assert Contact.objects.count() == 2
    assert SessionSeries.objects.get().ended_on == timezone.localdate(contacts[1].starts_at)


# ---------------------------------------------------------------- who may


@pytest.mark.parametrize(
    ("persona", "status"),
    [("other_practitioner", 404), ("commissioner", 403), ("referrer", 403)],
)
def test_out_of_scope_writes_change_nothing(world, client_for, persona, status) -> None:
    episode = world_episode(world)
    [contact] = book(world, episode, at(-1))
    client = client_for(persona)
    posts = [
        (reverse("care:session_book", args=[episode.pk]), booking(world)),
        (reverse("care:contact", args=[contact.pk]), record_data(world, contact)),
        (
            reverse("care:contact_cancel", args=[contact.pk]),
            {"version": contact.version, "attendance": Attendance.CANCELLED_BY_SERVICE},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == status, url
        assert "Shah" not in response.content.decode()
    contact.refresh_from_db()
    assert contact.attendance == Attendance.PLANNED
    assert Contact.objects.count() == 1


def test_another_teams_contact_page_is_a_404_with_nothing_in_it(world, client_for) -> None:
    episode = make_episode(
        team=world.other_team,
        manager=_other_team_manager(world),
        practitioner=world.users["other_practitioner"],
    )
    [contact] = book(
        world,
        episode,
        at(1),
        actor=world.users["other_practitioner"],
        practitioners=[world.users["other_practitioner"]],
    )
    client = client_for("practitioner")
    for url in (
        reverse("care:contact", args=[contact.pk]),
        reverse("care:contact_move", args=[contact.pk]),
        reverse("care:series_end", args=[999999]),
        reverse("care:contacts", args=[episode.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Shah" not in response.content.decode()
    assert AuditEvent.objects.filter(action="access.denied").count() == 4


def _other_team_manager(world: Any) -> Any:
    from attune.accounts.roles import Role
    from attune.accounts.tests.factories import MembershipFactory, UserFactory

    manager = UserFactory(username="south_manager")
    MembershipFactory(user=manager, team=world.other_team, role=Role.MANAGER)
    return manager


# ---------------------------------------------------------------- the episode's contacts


def test_the_episode_page_links_to_booking_and_contacts(world, client_for) -> None:
    episode = world_episode(world)
    html = client_for("practitioner").get(reverse("care:episode", args=[episode.pk]))
    assert reverse("care:session_book", args=[episode.pk]) in html.content.decode()
    assert reverse("care:contacts", args=[episode.pk]) in html.content.decode()


def test_the_contacts_list_shows_who_took_part(world, client_for) -> None:
    episode = world_episode(world)
    [past] = book(world, episode, at(-2))
    record(world, past, interpreter_present=True)
    room = make_room(world, "Sunflower room")
    book(world, episode, at(2), location_type=LocationType.CLINIC, room=room)
    html = client_for("practitioner").get(reverse("care:contacts", args=[episode.pk]))
    text = html.content.decode()
    assert "Maya Shah" in text and "Priya Shah" in text and "Interpreter" in text
    assert "Clinic: Sunflower room" in text
    assert "Attended" in text and "Planned" in text


def _signed_in(world: Any, persona: str = "practitioner") -> Client:
    client = Client()
    sign_in_verified(client, world.users[persona])
    client.get(reverse("home"))
    return client


@pytest.mark.parametrize("weeks", [1, 6])
def test_contacts_list_query_count_does_not_grow(world, django_assert_num_queries, weeks) -> None:
    episode = world_episode(world)
    room = make_room(world)
    contacts = book(
        world, episode, at(-50), weekly=True, sessions=weeks, location_type="clinic", room=room
    )
    for contact in contacts:
        record(world, contact)
    client = _signed_in(world)
    with django_assert_num_queries(17):
        assert client.get(reverse("care:contacts", args=[episode.pk])).status_code == 200


# ---------------------------------------------------------------- the diary


def test_the_diary_shows_this_weeks_sessions_only(world, client_for) -> None:
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    room = make_room(world, "Willow room")
    episode = world_episode(world)
    in_week = timezone.make_aware(datetime.combine(monday + timedelta(days=2), time(14, 0)))
    book(world, episode, in_week, location_type=LocationType.CLINIC, room=room)
    book(world, episode, in_week + timedelta(weeks=1))
    client = client_for("practitioner")
    html = client.get(reverse("care:diary") + f"?week={monday.isoformat()}").content.decode()
    assert "14:00–15:00" in html and "Shah family" in html and "Willow room" in html
    assert "1 session." in html
    assert f"?week={(monday + timedelta(weeks=1)).isoformat()}" in html
    assert f"?week={(monday - timedelta(weeks=1)).isoformat()}" in html
    # Any day of the week shows the same week; an unreadable week falls back to this one.
    midweek = (monday + timedelta(days=3)).isoformat()
    assert "Willow room" in client.get(reverse("care:diary") + f"?week={midweek}").content.decode()
    assert client.get(reverse("care:diary") + "?week=not-a-date").status_code == 200
    # A colleague's diary does not show the practitioner's sessions.
    colleague = client_for("colleague").get(reverse("care:diary") + f"?week={monday}")
    assert "Willow room" not in colleague.content.decode()


@pytest.mark.parametrize("families", [1, 5])
def test_diary_query_count_does_not_grow(world, django_assert_num_queries, families) -> None:
    room = make_room(world)
    for index in range(families):
        book(world, world_episode(world), at(1, 8 + index), location_type="clinic", room=room)
    client = _signed_in(world)
    week = at(1).date().isoformat()
    with django_assert_num_queries(8):
        assert client.get(reverse("care:diary") + f"?week={week}").status_code == 200


# ---------------------------------------------------------------- rooms


def test_a_manager_adds_a_room_and_a_duplicate_is_refused(world, client_for) -> None:
    client = client_for("manager")
    url = reverse("care:rooms")
    data = {"name": "Garden room", "baby_friendly": "on", "video_equipped": "on"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same form again
    assert Room.objects.count() == 1
    clash = client.post(url, {"name": "garden room"})
    assert clash.status_code == 400
    assert "The team already has a room called Garden room" in clash.content.decode()
    listed = client.get(url).content.decode()
    assert "Garden room" in listed
    assert client.post(url, {"name": ""}).status_code == 400


def test_a_practitioner_cannot_add_rooms(world, client_for) -> None:
    response = client_for("practitioner").post(reverse("care:rooms"), {"name": "Sneaky"})
    assert response.status_code == 403
    assert not Room.objects.exists()
