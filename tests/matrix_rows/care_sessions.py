"""Permission matrix rows for sessions and contacts, rooms, the diary and the calendar feed."""

from __future__ import annotations

from typing import Any

from tests.matrix import FORBIDDEN, OK, clinical_record, post_only, row

# Pages of the signed-in user's own work: clinical staff of any team.
OWN_WORK = row(OK, commissioner=FORBIDDEN, referrer=FORBIDDEN, system_admin=FORBIDDEN)

ROWS = {
    # Sessions of one episode: the team's clinical staff (administrators book sessions too);
    # other teams 404. Nothing here is clinical text: notes live in the notes area.
    "care:session_book": clinical_record(),
    "care:contacts": clinical_record(),
    "care:contact": clinical_record(),
    "care:contact_move": clinical_record(),
    "care:contact_cancel": clinical_record(),
    "care:series_end": clinical_record(),
    # The team's rooms: people who manage the team.
    "care:rooms": row(FORBIDDEN, manager=OK, administrator=OK),
    "care:diary": OWN_WORK,
    "care:calendar": OWN_WORK,
    "care:calendar_create": post_only(),
    "care:calendar_revoke": post_only(),
    # A capability URL: calendar apps cannot sign in, so the token is the key. The kwargs
    # below give the practitioner's live token, so every persona (even anonymous) gets 200;
    # a wrong or revoked token is a 404 (attune/care/tests/test_sessions_calendar.py).
    "care:calendar_feed": row(OK, anonymous=OK, password_only=OK),
}


def kwargs(world: Any, episode: Any) -> dict[str, Any]:
    """A weekly series of three sessions next week, and the practitioner's calendar link."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from attune.care import calendar_feed, sessions
    from attune.care.codes import LocationType

    practitioner = world.users["practitioner"]
    next_week = timezone.localdate() + timedelta(weeks=1)
    contacts, _ = sessions.book_sessions(
        actor=practitioner,
        episode=episode,
        plan=sessions.SessionPlan(
            starts_at=timezone.make_aware(datetime.combine(next_week, time(10, 0))),
            duration_minutes=60,
            location_type=LocationType.HOME,
            practitioners=[practitioner],
            weekly=True,
            sessions=3,
        ),
    )
    feed, token = calendar_feed.create_feed(actor=practitioner)
    return {
        "contact_id": contacts[0].pk,
        "series_id": contacts[0].series_id,
        "feed_id": feed.pk,
        "feed_token": token,
    }
