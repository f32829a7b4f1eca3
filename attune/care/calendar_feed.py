"""A practitioner's private iCalendar feed of their sessions (RFC 5545, built by hand).

The feed's address is the secret: calendar apps cannot sign in or pass a
second factor, so whoever holds the link sees the feed. That is why an event
shows only its times and the family's initials, never a name, a note or an
address, and why the link can be revoked at any time. Only a SHA-256 hash of
the token is stored, like a password; the token itself is shown once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import Membership, User
from attune.accounts.roles import CLINICAL_STAFF
from attune.audit.services import record
from attune.care.models import CalendarFeed, Contact
from attune.care.sessions import family_initials

# Long enough back to check last month, far enough ahead to plan a term.
FEED_WEEKS_BACK = 4
FEED_WEEKS_AHEAD = 12
# RFC 5545 3.1: lines are folded at 75 octets, continuation lines start with a space.
FOLD_AT_OCTETS = 75
PRODID = "-//Attune//Sessions feed//EN"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(*, actor: User) -> tuple[CalendarFeed, str]:
    """Make a new private feed link; the user's earlier links stop working (one at a time)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        replaced = CalendarFeed.objects.filter(user=actor, revoked_at__isnull=True).update(
            revoked_at=now
        )
        feed = CalendarFeed.objects.create(user=actor, token_hash=hash_token(token))
        record("calendar.feed_created", actor=actor, obj=feed, details={"replaced": replaced})
    return feed, token


def revoke_feed(*, actor: User, feed: CalendarFeed) -> CalendarFeed:
    """Stop a feed link working, for good; revoking it again changes nothing."""
    with transaction.atomic():
        locked = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            record("calendar.feed_revoked", actor=actor, obj=locked)
        return locked


def active_feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed behind a token, or None (unknown, revoked, or its user switched off)."""
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def feed_contacts(user: User, now: datetime) -> list[Contact]:
    """The user's booked sessions, 4 weeks back to 12 ahead, in teams they still work in."""
    teams = Membership.objects.active().filter(user=user, role__in=CLINICAL_STAFF)
    return list(
        Contact.objects.booked()
        .filter(
            practitioners=user,
            episode__team_id__in=teams.values("team_id"),
            starts_at__gte=now - timedelta(weeks=FEED_WEEKS_BACK),
            starts_at__lt=now + timedelta(weeks=FEED_WEEKS_AHEAD),
        )
        .select_related("episode__family")
        .order_by("starts_at", "pk")
    )


def read_feed(*, feed: CalendarFeed) -> str:
    """The feed's calendar text; every fetch is on the audit trail, as the feed's user."""
    now = timezone.now()
    with transaction.atomic():
        contacts = feed_contacts(feed.user, now)
        record(
            "calendar.feed_read",
            actor=feed.user,
            obj=feed,
            details={"events": len(contacts)},
        )
    return render_calendar(contacts, now)


# ---------------------------------------------------------------- RFC 5545 text


def render_calendar(contacts: Iterable[Contact], now: datetime) -> str:
    """A VCALENDAR with one VEVENT per session: times and initials, nothing else."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Attune sessions",
    ]
    stamp = utc_stamp(now)
    for contact in contacts:
        lines += [
            "BEGIN:VEVENT",
            f"UID:attune-contact-{contact.pk}@attune",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc_stamp(contact.starts_at)}",
            f"DTEND:{utc_stamp(contact.ends_at)}",
            f"SUMMARY:{escape_text(event_summary(contact))}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(f"{fold(line)}\r\n" for line in lines)


def event_summary(contact: Contact) -> str:
    initials = family_initials(contact.episode.family.name)
    return f"Session – {initials}" if initials else "Session"


def utc_stamp(moment: datetime) -> str:
    """RFC 5545 UTC date-time form, e.g. 20260302T100000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    """RFC 5545 3.3.11: backslash, semicolon, comma and newlines are escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """RFC 5545 3.1: at most 75 octets a line, never splitting a UTF-8 character."""
    parts: list[str] = []
    current, size, limit = "", 0, FOLD_AT_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            # A continuation line starts with one space, which counts towards its 75.
            current, size, limit = "", 0, FOLD_AT_OCTETS - 1
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)
