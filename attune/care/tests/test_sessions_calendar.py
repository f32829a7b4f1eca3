"""The private iCalendar feed: a capability URL that shows times and initials, nothing else."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from attune.accounts.models import Membership
from attune.audit.models import AuditEvent
from attune.care import calendar_feed
from attune.care.codes import Attendance, LocationType
from attune.care.models import CalendarFeed
from attune.care.sessions import cancel_session
from attune.care.tests.factories import world_episode
from attune.care.tests.test_sessions import at, book

pytestmark = pytest.mark.django_db


def feed_url(token: str) -> str:
    return reverse("care:calendar_feed", args=[token])


def new_token(world: Any, persona: str = "practitioner") -> str:
    return calendar_feed.create_feed(actor=world.users[persona])[1]


def unfolded(body: str) -> list[str]:
    """The content lines with RFC 5545 folding undone."""
    return body.replace("\r\n ", "").split("\r\n")


def events(body: str) -> list[str]:
    return re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT", body, flags=re.S)


# ---------------------------------------------------------------- making and revoking a link


def test_the_link_is_shown_once_and_only_its_hash_is_kept(world, client_for) -> None:
    client = client_for("practitioner")
    response = client.post(reverse("care:calendar_create"))
    assert response.status_code == 200
    match = re.search(r"/care/calendar/([A-Za-z0-9_-]{40,})\.ics", response.content.decode())
    assert match, "the new link is on the page"
    token = match.group(1)
    feed = CalendarFeed.objects.get()
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    assert token not in client.get(reverse("care:calendar")).content.decode()
    event = AuditEvent.objects.get(action="calendar.feed_created")
    assert token not in str(event.details)


def test_a_new_link_replaces_the_old_one(world) -> None:
    first = new_token(world)
    second = new_token(world)
    client = Client()
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_revoked_link_stops_working(world, client_for) -> None:
    token = new_token(world)
    feed = CalendarFeed.objects.get()
    client = client_for("practitioner")
    response = client.post(reverse("care:calendar_revoke", args=[feed.pk]))
    assert response.status_code == 302
    assert Client().get(feed_url(token)).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert AuditEvent.objects.filter(action="calendar.feed_revoked").count() == 1


def test_nobody_revokes_someone_elses_link(world, client_for) -> None:
    token = new_token(world)
    feed = CalendarFeed.objects.get()
    response = client_for("colleague").post(reverse("care:calendar_revoke", args=[feed.pk]))
    assert response.status_code == 404
    assert Client().get(feed_url(token)).status_code == 200


# ---------------------------------------------------------------- reading the feed


def test_a_wrong_token_is_a_404_with_no_names(world) -> None:
    book(world, world_episode(world), at(1))
    new_token(world)
    for token in ("not-a-real-token", "x" * 43, "x" * 500):
        response = Client().get(feed_url(token))
        assert response.status_code == 404
        body = response.content.decode()
        assert "Shah" not in body and "VCALENDAR" not in body
    assert not AuditEvent.objects.filter(action="calendar.feed_read").exists()


def test_the_feed_needs_no_sign_in_and_is_valid_icalendar(world) -> None:
    episode = world_episode(world)
    book(world, episode, at(1, 9, 30), duration_minutes=50)
    token = new_token(world)
    response = Client().get(feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    [event] = events(body)
    lines = unfolded(event)
    start = at(1, 9, 30).astimezone(UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in lines
    assert f"DTEND:{start + timedelta(minutes=50):%Y%m%dT%H%M%SZ}" in lines
    assert any(re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", line) for line in lines)
    assert any(re.fullmatch(r"UID:attune-contact-\d+@attune", line) for line in lines)
    assert "SUMMARY:Session – S." in lines


def test_the_feed_holds_no_names_notes_or_places(world) -> None:
    episode = world_episode(world)
    book(world, episode, at(2), location_type=LocationType.HOME)
    body = Client().get(feed_url(new_token(world))).content.decode()
    for secret in ("Shah", "Maya", "Priya", "SW1A", "family", "LOCATION", "DESCRIPTION", "home"):
        assert secret not in body, secret


def test_the_feed_has_the_users_booked_sessions_in_its_window(world) -> None:
    episode = world_episode(world)
    kept = [at(-20), at(3), at(80)]
    for when in kept:
        book(world, episode, when)
    book(world, episode, at(-30))  # more than 4 weeks ago
    book(world, episode, at(90))  # more than 12 weeks ahead
    [cancelled] = book(world, episode, at(4))
    cancel_session(
        actor=world.users["practitioner"],
        contact=cancelled,
        expected_version=cancelled.version,
        attendance=Attendance.CANCELLED_BY_FAMILY,
    )
    # A colleague's session, not the practitioner's.
    book(
        world,
        episode,
        at(5),
        actor=world.users["colleague"],
        practitioners=[world.users["colleague"]],
    )
    body = Client().get(feed_url(new_token(world))).content.decode()
    starts = [line[8:] for line in unfolded(body) if line.startswith("DTSTART:")]
    assert starts == [f"{when.astimezone(UTC):%Y%m%dT%H%M%SZ}" for when in kept]


def test_leaving_the_team_empties_the_feed(world) -> None:
    book(world, world_episode(world), at(2))
    token = new_token(world)
    Membership.objects.filter(user=world.users["practitioner"]).update(is_active=False)
    body = Client().get(feed_url(token)).content.decode()
    assert "BEGIN:VEVENT" not in body


def test_each_fetch_is_audited_as_the_feeds_user(world) -> None:
    book(world, world_episode(world), at(2))
    token = new_token(world)
    client = Client()
    client.get(feed_url(token))
    assert AuditEvent.objects.filter(action="calendar.feed_read").count() == 1
    client.get(feed_url(token))
    reads = AuditEvent.objects.filter(action="calendar.feed_read")
    assert reads.count() == 2
    assert {e.actor_id for e in reads} == {world.users["practitioner"].pk}
    assert reads.first().details == {"events": 1}


# ---------------------------------------------------------------- RFC 5545 text


def test_text_is_escaped() -> None:
    assert calendar_feed.escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_characters() -> None:
    line = "SUMMARY:" + "Session – é" * 20
    folded = calendar_feed.fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line
    assert calendar_feed.fold("SHORT:line") == "SHORT:line"


def test_a_rendered_calendar_never_has_a_line_over_75_octets(world) -> None:
    episode = world_episode(world)
    episode.family.name = "Abcdefghij–Klmnopqrst–Uvwxyzabcd–Efghijklmn–Opqrstuvwx–Yzabcdefgh family"
    episode.family.save(update_fields=["name"])
    book(world, episode, at(2))
    body = Client().get(feed_url(new_token(world))).content.decode()
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert "SUMMARY:Session – A.K.U.E.O.Y." in unfolded(body)
