"""Session and case notes: written once, encrypted at rest, every read audited once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.accounts.tests.factories import sign_in_verified
from attune.audit.models import AuditEvent
from attune.care import notes as note_services
from attune.care.models import Contact, Note
from attune.care.tests.factories import make_episode, world_episode

pytestmark = pytest.mark.django_db

CANARY = "Marigold-Canary-7310"


def make_contact(episode, days_ago: int = 1) -> Contact:  # type: ignore[no-untyped-def]
    starts = timezone.now() - timedelta(days=days_ago)
    return Contact.objects.create(
        episode=episode,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        location_type="clinic",
        attendance="attended",
    )


def write(world, episode, body: str = f"<p>{CANARY} played peekaboo</p>", **extra) -> Note:  # type: ignore[no-untyped-def]
    return note_services.write_note(
        actor=world.users["practitioner"], episode=episode, kind="session", body=body, **extra
    )


def test_note_text_is_encrypted_in_the_database(world) -> None:
    note = write(world, world_episode(world))
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM care_note WHERE id = %s", [note.pk])
        stored = cursor.fetchone()[0]
    assert CANARY not in stored and "peekaboo" not in stored
    assert CANARY in Note.objects.get(pk=note.pk).body


def test_practitioner_writes_a_sanitised_note(world, client_for) -> None:
    episode = world_episode(world)
    contact = make_contact(episode)
    response = client_for("practitioner").post(
        reverse("care:note_add", args=[episode.pk]),
        {
            "kind": "session",
            "contact": contact.pk,
            "written_on": timezone.localdate().isoformat(),
            "body": '<p onclick="x()">Baby <strong>reached</strong> for mum</p>'
            "<script>bad()</script>",
        },
    )
    note = Note.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("care:notes", args=[episode.pk]) + f"#note-{note.pk}"
    assert note.body == "<p>Baby <strong>reached</strong> for mum</p>"
    assert note.contact == contact and note.author == world.users["practitioner"]
    event = AuditEvent.objects.get(action="note.written")
    assert event.details == {"episode": episode.pk, "kind": "session", "contact": contact.pk}


def test_a_double_submitted_note_is_saved_once(world, client_for) -> None:
    episode = world_episode(world)
    client = client_for("practitioner")
    data = {"kind": "case", "written_on": timezone.localdate().isoformat(), "body": "Called GP."}
    first = client.post(reverse("care:note_add", args=[episode.pk]), data)
    second = client.post(reverse("care:note_add", args=[episode.pk]), data)
    assert first["Location"] == second["Location"]
    assert Note.objects.count() == 1
    assert AuditEvent.objects.filter(action="note.written").count() == 1


def test_a_note_about_another_episodes_contact_is_refused(world, client_for) -> None:
    episode = world_episode(world)
    other = make_episode(
        team=world.team, manager=world.users["manager"], practitioner=world.users["colleague"]
    )
    elsewhere = make_contact(other)
    response = client_for("practitioner").post(
        reverse("care:note_add", args=[episode.pk]),
        {"kind": "session", "contact": elsewhere.pk, "written_on": "", "body": "x"},
    )
    assert response.status_code == 400
    assert "Choose a contact from this family" in response.content.decode()
    assert not Note.objects.exists()
    with pytest.raises(note_services.NoteNotAllowed):
        write(world, episode, contact=elsewhere)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"written_on": "today", "body": "x"}, "Choose whether this is a session note"),
        ({"kind": "case", "written_on": "2026-02-30", "body": "x"}, "Enter a real date"),
        ({"kind": "case", "body": ""}, "Write the note"),
        ({"kind": "case", "body": "<p><script>only()</script></p>"}, "nothing is left"),
        ({"kind": "case", "body": "ok\x07"}, "hidden control characters"),
        ({"kind": "case", "written_on": "FUTURE", "body": "x"}, "cannot be in the future"),
        ({"kind": "case", "written_on": "BEFORE", "body": "x"}, "before the episode opened"),
    ],
)
def test_note_form_explains_each_problem(world, client_for, data, message) -> None:
    episode = world_episode(world)
    today = timezone.localdate()
    dates = {"FUTURE": today + timedelta(days=1), "BEFORE": today - timedelta(days=1)}
    written = data.get("written_on", today.isoformat())
    data = {**data, "written_on": str(dates.get(written, written))}
    response = client_for("practitioner").post(reverse("care:note_add", args=[episode.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Note.objects.exists()


def test_listing_notes_is_one_audited_read(world, client_for) -> None:
    episode = world_episode(world)
    notes = [write(world, episode), write(world, episode, body="Second note")]
    client = client_for("supervisor")
    before = AuditEvent.objects.count()
    response = client.get(reverse("care:notes", args=[episode.pk]))
    assert response.status_code == 200
    assert CANARY in response.content.decode()
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "notes.viewed"
    assert event.details == {"episode": episode.pk, "notes": [n.pk for n in notes]}
    assert event.actor == world.users["supervisor"]


def test_a_note_written_outside_the_service_is_still_rendered_safely(world, client_for) -> None:
    episode = world_episode(world)
    Note.objects.create(
        episode=episode,
        kind="case",
        author=world.users["practitioner"],
        written_on=timezone.localdate(),
        body='<p>kept</p><img src=x onerror="alert(1)"><script>alert(2)</script>',
    )
    html = client_for("practitioner").get(reverse("care:notes", args=[episode.pk])).content
    assert b"<p>kept</p>" in html
    assert b"onerror" not in html and b"alert(" not in html


@pytest.mark.parametrize("name", ["care:notes", "care:note_add"])
def test_administrators_may_not_read_or_write_notes(world, client_for, name) -> None:
    episode = world_episode(world)
    write(world, episode)
    response = client_for("administrator").get(reverse(name, args=[episode.pk]))
    assert response.status_code == 403
    assert CANARY not in response.content.decode()
    assert AuditEvent.objects.filter(action="access.forbidden").exists()
    assert not AuditEvent.objects.filter(action="notes.viewed").exists()


def test_administrators_may_not_open_a_note_for_an_addendum(world, client_for) -> None:
    note = write(world, world_episode(world))
    response = client_for("administrator").get(reverse("care:note_addendum", args=[note.pk]))
    assert response.status_code == 403
    assert CANARY not in response.content.decode()


@pytest.mark.parametrize("which", ["list", "addendum"])
def test_another_teams_notes_are_not_found_and_hold_no_text(world, client_for, which) -> None:
    note = write(world, world_episode(world))
    url = (
        reverse("care:notes", args=[note.episode_id])
        if which == "list"
        else reverse("care:note_addendum", args=[note.pk])
    )
    response = client_for("other_practitioner").get(url)
    assert response.status_code == 404
    assert CANARY not in response.content.decode()
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_an_addendum_leaves_the_note_unchanged(world, client_for) -> None:
    episode = world_episode(world)
    note = write(world, episode)
    original = note.body
    client = client_for("colleague")
    page = client.get(reverse("care:note_addendum", args=[note.pk]))
    assert page.status_code == 200 and CANARY in page.content.decode()
    assert AuditEvent.objects.filter(action="note.viewed", object_id=str(note.pk)).count() == 1
    response = client.post(
        reverse("care:note_addendum", args=[note.pk]), {"body": "Mum asked us to add: dad came."}
    )
    addendum = Note.objects.latest("id")
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.body == original
    assert addendum.pk != note.pk and addendum.kind == note.kind
    assert addendum.body.startswith("<p><strong>Addendum to the note of ")
    assert "dad came." in addendum.body and addendum.author == world.users["colleague"]
    event = AuditEvent.objects.get(action="note.addendum_written")
    assert event.details == {"episode": episode.pk, "addendum_to": note.pk}


def test_an_empty_addendum_is_refused(world, client_for) -> None:
    note = write(world, world_episode(world))
    response = client_for("practitioner").post(
        reverse("care:note_addendum", args=[note.pk]), {"body": "  "}
    )
    assert response.status_code == 400
    assert "Write the addendum" in response.content.decode()
    assert Note.objects.count() == 1


@pytest.mark.parametrize("count", [1, 6])
def test_notes_page_query_count_does_not_grow(world, django_assert_num_queries, count) -> None:
    episode = world_episode(world)
    for index in range(count):
        write(world, episode, body=f"Note {index}", contact=make_contact(episode, index + 1))
    client = Client()
    sign_in_verified(client, world.users["practitioner"])
    client.get(reverse("home"))
    with django_assert_num_queries(15):
        assert client.get(reverse("care:notes", args=[episode.pk])).status_code == 200


def test_an_empty_submission_shows_the_required_errors(world, client_for) -> None:
    episode = world_episode(world)
    response = client_for("practitioner").post(reverse("care:note_add", args=[episode.pk]), {})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose whether this is a session note" in body and "Write the note" in body
    assert not Note.objects.exists()
