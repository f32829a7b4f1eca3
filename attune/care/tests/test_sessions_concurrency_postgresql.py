"""Two bookings of one room at the same moment, on PostgreSQL (real row locks): one wins."""

from __future__ import annotations

import pytest
from django.db import connection

from attune.care import sessions
from attune.care.codes import LocationType
from attune.care.models import Contact
from attune.care.tests.factories import world_episode
from attune.care.tests.test_sessions import at, make_room, plan_for
from attune.referrals.tests.test_concurrency_postgresql import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking"),
]


def test_a_room_is_never_double_booked_by_concurrent_requests(world) -> None:
    room = make_room(world)
    people = ["practitioner", "colleague", "supervisor", "manager"]
    episodes = [world_episode(world) for _ in people]
    for trial in range(10):
        starts = at(trial + 1, 10)

        def book_as(persona: str, episode: object, starts: object = starts) -> object:
            user = world.users[persona]
            return sessions.book_sessions(
                actor=user,
                episode=episode,  # type: ignore[arg-type]
                plan=plan_for(
                    user,
                    # Each request overlaps the others by at least half an hour.
                    starts,  # type: ignore[arg-type]
                    location_type=LocationType.CLINIC,
                    room=room,
                ),
            )

        results = run_together(
            [
                lambda persona=persona, episode=episode: book_as(persona, episode)
                for persona, episode in zip(people, episodes, strict=True)
            ]
        )
        booked = [r for r in results if isinstance(r, tuple)]
        refused = [r for r in results if isinstance(r, sessions.SessionRefused)]
        assert (len(booked), len(refused)) == (1, len(people) - 1), results
        assert Contact.objects.filter(room=room, starts_at=starts).count() == 1


def test_the_same_booking_posted_concurrently_is_made_once(world) -> None:
    episode = world_episode(world)
    user = world.users["practitioner"]
    plan = plan_for(user, at(2), weekly=True, sessions=4)
    results = run_together(
        [lambda: sessions.book_sessions(actor=user, episode=episode, plan=plan) for _ in range(5)]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Contact.objects.filter(episode=episode).count() == 4
    assert [created for _, created in results].count(True) == 1  # type: ignore[misc]
