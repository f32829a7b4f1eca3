"""The chronology: everything in date order, filtered by kind, a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.accounts.tests.factories import sign_in_verified
from attune.audit.models import AuditEvent
from attune.care import notes as note_services
from attune.care import safeguarding
from attune.care.chronology import EntryType, chronology
from attune.care.models import (
    CarePackageItem,
    Contact,
    EngagementAttempt,
    InterventionOption,
    OnwardReferral,
    PackageReview,
    SupervisionSession,
    Video,
)
from attune.care.tests.factories import world_episode

pytestmark = pytest.mark.django_db

NOTE_TEXT = "Baby turned towards dad's voice"
CONCERN_TEXT = "Saffron-Canary-6604 bruise noticed"


def fill(world, episode, rounds: int = 1) -> None:  # type: ignore[no-untyped-def]
    """A little of everything, ``rounds`` times, on days going back from yesterday."""
    practitioner, supervisor = world.users["practitioner"], world.users["supervisor"]
    option, _ = InterventionOption.objects.get_or_create(
        team=world.team, name="Watch, Wait, Wonder"
    )
    for index in range(rounds):
        when = timezone.now() - timedelta(days=index + 1)
        day = timezone.localdate(when)
        EngagementAttempt.objects.create(
            episode=episode,
            method="phone",
            outcome="spoke",
            attempted_at=when,
            recorded_by=practitioner,
        )
        contact = Contact.objects.create(
            episode=episode,
            starts_at=when,
            ends_at=when + timedelta(hours=1),
            location_type="home",
            attendance="attended",
        )
        note_services.write_note(
            actor=practitioner,
            episode=episode,
            kind="session",
            body=f"{NOTE_TEXT} ({index})\n\nSecond paragraph, private",
            contact=contact,
            written_on=day,
        )
        CarePackageItem.objects.create(
            episode=episode, intervention=option, delivery_format="dyad", starts_on=day
        )
        PackageReview.objects.create(
            episode=episode, reviewed_on=day, summary="Going well", reviewed_by=practitioner
        )
        OnwardReferral.objects.create(
            episode=episode, service="housing", status="made", status_on=day
        )
        safeguarding.raise_concern(
            actor=practitioner,
            episode=episode,
            category="neglect",
            raised_on=day,
            what_happened=f"{CONCERN_TEXT} {index}",
        )
        Video.objects.create(
            episode=episode,
            uploaded_by=practitioner,
            content_type="video/mp4",
            size_bytes=10,
            sha256="0" * 64,
            recorded_on=day,
            use="supervision",
            retain_until=day + timedelta(days=365),
        )
        session = SupervisionSession.objects.create(
            team=world.team, supervisor=supervisor, supervisee=practitioner, held_on=day
        )
        session.episodes.add(episode)


def test_everything_appears_in_date_order(world) -> None:
    episode = world_episode(world)
    type(episode.referral).objects.filter(pk=episode.referral_id).update(
        received_on=timezone.localdate() - timedelta(days=30)
    )
    episode.refresh_from_db()
    fill(world, episode, rounds=2)
    entries = chronology(episode, types=set(EntryType.values), sees_clinical_text=True)
    assert {e.kind for e in entries} == set(EntryType)
    days = [e.on for e in entries]
    assert days == sorted(days)
    assert entries[0].kind == EntryType.REFERRAL
    notes = [e for e in entries if e.kind == EntryType.NOTE]
    assert notes[0].detail == f"{NOTE_TEXT} (1)"  # the older note first, first line only


def test_clinicians_see_first_lines_and_a_line_per_concern(world, client_for) -> None:
    episode = world_episode(world)
    fill(world, episode)
    response = client_for("practitioner").get(reverse("care:chronology", args=[episode.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Baby turned towards dad&#39;s voice (0)" in body
    assert "Second paragraph" not in body
    assert "Safeguarding concern raised" in body and "Neglect" in body
    assert "Saffron-Canary" not in body  # never the concern's text


def test_administrators_see_that_notes_were_written_and_nothing_more(world, client_for) -> None:
    episode = world_episode(world)
    fill(world, episode)
    response = client_for("administrator").get(reverse("care:chronology", args=[episode.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Session note written" in body
    assert NOTE_TEXT.split("'")[0] not in body and "Second paragraph" not in body
    assert "Safeguarding" not in body and "Saffron-Canary" not in body
    assert 'value="safeguarding"' not in body  # not even offered as a filter
    only = client_for("administrator").get(
        reverse("care:chronology", args=[episode.pk]) + "?type=safeguarding"
    )
    assert "Safeguarding concern raised" not in only.content.decode()


def test_filter_by_kind(world, client_for) -> None:
    episode = world_episode(world)
    fill(world, episode)
    url = reverse("care:chronology", args=[episode.pk])
    body = client_for("practitioner").get(url + "?type=note&type=onward").content.decode()
    assert "Session note by" in body and "Onward referral: Housing" in body
    assert "Referral received" not in body and "Discussed in supervision" not in body
    assert 'value="note" checked' in body and 'value="onward" checked' in body
    assert 'value="referral" checked' not in body


def test_an_unknown_kind_shows_everything_and_explains(world, client_for) -> None:
    episode = world_episode(world)
    fill(world, episode)
    url = reverse("care:chronology", args=[episode.pk]) + "?type=gossip"
    response = client_for("practitioner").get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose from the kinds listed" in body
    assert "Referral received" in body and "Session note by" in body


def test_viewing_the_chronology_is_one_audited_read(world, client_for) -> None:
    episode = world_episode(world)
    fill(world, episode)
    before = AuditEvent.objects.count()
    client_for("supervisor").get(reverse("care:chronology", args=[episode.pk]) + "?type=note")
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "chronology.viewed"
    assert event.details["episode"] == episode.pk and event.details["types"] == ["note"]
    assert len(event.details["notes"]) == 1


def test_another_team_gets_not_found_without_details(world, client_for) -> None:
    episode = world_episode(world)
    fill(world, episode)
    response = client_for("other_practitioner").get(reverse("care:chronology", args=[episode.pk]))
    assert response.status_code == 404
    assert "Baby turned" not in response.content.decode()
    assert episode.family.name not in response.content.decode()


@pytest.mark.parametrize("rounds", [1, 5])
def test_chronology_query_count_does_not_grow(world, django_assert_num_queries, rounds) -> None:
    episode = world_episode(world)
    fill(world, episode, rounds=rounds)
    client = Client()
    sign_in_verified(client, world.users["practitioner"])
    client.get(reverse("home"))
    with django_assert_num_queries(25):
        assert client.get(reverse("care:chronology", args=[episode.pk])).status_code == 200
