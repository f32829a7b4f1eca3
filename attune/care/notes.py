"""Session and case notes: written once, never changed; a correction is an addendum.

The rule: a note is part of the clinical record from the moment it is saved.
Nobody edits or deletes it, not even its author, so what the team knew on a
given day stays visible. Anything to add or correct goes in an *addendum*: a
new note of the same kind, about the same contact, that names the note it
adds to. Both appear in the chronology, each on the day it was written.

Note text is sanitised rich text (``attune.core.sanitise``), stored encrypted
(``EncryptedTextField``); audit events carry ids, never the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.services import record
from attune.care.models import Contact, Episode, Note
from attune.core.sanitise import clean_rich_text, plain_text, rich_text_from_input

# A second identical note within this window is a double click or a resubmitted
# form, not a second note: the first one is returned instead.
REPEAT_WINDOW = timedelta(minutes=2)


class NoteNotAllowed(Exception):
    """The note breaks a rule: empty text, or a contact from another episode."""


def write_note(
    *,
    actor: User,
    episode: Episode,
    kind: str,
    body: str,
    contact: Contact | None = None,
    written_on: date | None = None,
) -> Note:
    """Add a note to an episode, about one of its own contacts if any; repeats return the first."""
    html = rich_text_from_input(body)
    if not plain_text(html):
        raise NoteNotAllowed("A note needs some text.")
    if contact is not None and contact.episode_id != episode.pk:
        raise NoteNotAllowed("A note can only be about a contact of the same episode.")
    written_on = written_on or timezone.localdate()
    with transaction.atomic():
        earlier = _recent_same_note(actor, episode, kind, contact, written_on, html)
        if earlier is not None:
            return earlier
        note = Note.objects.create(
            episode=episode,
            contact=contact,
            kind=kind,
            author=actor,
            written_on=written_on,
            body=html,
        )
        record(
            "note.written",
            actor=actor,
            obj=note,
            team_id=episode.team_id,
            details={"episode": episode.pk, "kind": kind, "contact": contact and contact.pk},
        )
        return note


def add_addendum(*, actor: User, note: Note, body: str) -> Note:
    """Add to a note without changing it: a new note that names the one it adds to."""
    html = rich_text_from_input(body)
    if not plain_text(html):
        raise NoteNotAllowed("An addendum needs some text.")
    heading = f"<p><strong>Addendum to the note of {note.written_on:%-d %B %Y}</strong></p>"
    with transaction.atomic():
        earlier = _recent_same_note(
            actor, note.episode, note.kind, note.contact, timezone.localdate(), heading + html
        )
        if earlier is not None:
            return earlier
        addendum = Note.objects.create(
            episode_id=note.episode_id,
            contact_id=note.contact_id,
            kind=note.kind,
            author=actor,
            written_on=timezone.localdate(),
            body=heading + html,
        )
        record(
            "note.addendum_written",
            actor=actor,
            obj=addendum,
            team_id=note.episode.team_id,
            details={"episode": note.episode_id, "addendum_to": note.pk},
        )
        return addendum


def _recent_same_note(
    actor: User, episode: Episode, kind: str, contact: Contact | None, on: date, html: str
) -> Note | None:
    # The text is encrypted, so the database cannot compare it: the few notes this
    # author saved on this episode in the last minutes are compared here instead.
    since = timezone.now() - REPEAT_WINDOW
    recent = Note.objects.filter(
        episode=episode,
        author=actor,
        kind=kind,
        contact=contact,
        written_on=on,
        created_at__gte=since,
    )
    return next((n for n in recent if n.body == html), None)


# Reads ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownNote:
    note: Note
    # Safe to render as HTML: cleaned again on the way out (see shown_note).
    html: str


def shown_note(note: Note) -> ShownNote:
    """A note ready for a page, its HTML passed through the allow-list once more."""
    # The service stores only sanitised HTML; cleaning again on display also covers
    # any row written another way (the admin, a data fix, a factory), so the |safe in
    # the templates never trusts the database alone.
    return ShownNote(note, clean_rich_text(note.body))


def episode_notes(episode: Episode) -> QuerySet[Note]:
    """An episode's notes, oldest first, with author and contact loaded."""
    return episode.notes.select_related("author", "contact").order_by("written_on", "id")


def shown_notes(episode: Episode) -> list[ShownNote]:
    """Every note of an episode, oldest first, ready for the notes page."""
    return [shown_note(note) for note in episode_notes(episode)]


def episode_contacts(episode: Episode) -> list[Contact]:
    """The contacts a note may be about: only this episode's, most recent first."""
    return list(episode.contacts.order_by("-starts_at", "-id")[:200])
