"""The chronology: everything that happened in an episode, in date order.

One query per kind of entry, whatever the amount, so the page costs the same
for a new family and for one seen for two years. What each person sees:

- clinicians (READ_CLINICAL_NOTES) see each note's first line, and a line for
  each safeguarding concern (its category only, never the text);
- administrators see that a note was written, without any of its text, and no
  safeguarding entries at all;
- encrypted text nobody will see is not even loaded (``defer``), so it is
  never decrypted for the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import models
from django.urls import reverse
from django.utils import timezone

from attune.care.models import Episode
from attune.core.sanitise import first_line


class EntryType(models.TextChoices):
    REFERRAL = "referral", "Referral"
    TRIAGE = "triage", "Triage"
    STAGE = "stage", "Stage changes"
    ENGAGEMENT = "engagement", "Invitations to engage"
    CONTACT = "contact", "Contacts"
    NOTE = "note", "Notes"
    PACKAGE = "package", "Care package and reviews"
    ONWARD = "onward", "Onward referrals"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    VIDEO = "video", "Video"
    SUPERVISION = "supervision", "Supervision"


ORDER = list(EntryType)


@dataclass(frozen=True)
class Entry:
    kind: EntryType
    on: date
    title: str
    detail: str = ""
    at: datetime | None = None
    href: str = ""
    note_id: int | None = field(default=None, compare=False)

    @property
    def kind_label(self) -> str:
        return self.kind.label

    def sort_key(self) -> tuple[date, time, int]:
        # Entries with only a date come before timed ones on the same day.
        moment = timezone.localtime(self.at).time() if self.at else time.min
        return (self.on, moment, ORDER.index(self.kind))


def entry_types(*, sees_clinical_text: bool) -> list[tuple[str, str]]:
    """The kinds of entry this person may filter by (safeguarding only for clinicians)."""
    return [
        (kind.value, kind.label)
        for kind in EntryType
        if sees_clinical_text or kind != EntryType.SAFEGUARDING
    ]


def chronology(episode: Episode, *, types: set[str], sees_clinical_text: bool) -> list[Entry]:
    """The chosen kinds of entry for an episode, oldest first, one query per kind."""
    loaders: dict[EntryType, Callable[[Episode, bool], Iterable[Entry]]] = {
        EntryType.REFERRAL: _referral,
        EntryType.TRIAGE: _triage,
        EntryType.STAGE: _stages,
        EntryType.ENGAGEMENT: _engagement,
        EntryType.CONTACT: _contacts,
        EntryType.NOTE: _notes,
        EntryType.PACKAGE: _package,
        EntryType.ONWARD: _onward,
        EntryType.SAFEGUARDING: _safeguarding,
        EntryType.VIDEO: _videos,
        EntryType.SUPERVISION: _supervision,
    }
    allowed = {value for value, _ in entry_types(sees_clinical_text=sees_clinical_text)}
    entries: list[Entry] = []
    for kind, load in loaders.items():
        if kind.value in types and kind.value in allowed:
            entries.extend(load(episode, sees_clinical_text))
    return sorted(entries, key=Entry.sort_key)


def _day(moment: datetime) -> date:
    return timezone.localdate(moment)


def _referral(episode: Episode, _: bool) -> Iterable[Entry]:
    referral = episode.referral  # loaded with the episode
    yield Entry(
        EntryType.REFERRAL,
        referral.received_on,
        "Referral received",
        referral.get_channel_display(),
    )


def _triage(episode: Episode, _: bool) -> Iterable[Entry]:
    for decision in episode.referral.decisions.select_related("decided_by"):
        yield Entry(
            EntryType.TRIAGE,
            _day(decision.decided_at),
            f"Triage: {decision.get_decision_display()}",
            f"by {decision.decided_by.display_name}",
            at=decision.decided_at,
        )


def _stages(episode: Episode, _: bool) -> Iterable[Entry]:
    for change in episode.stage_changes.select_related("changed_by"):
        yield Entry(
            EntryType.STAGE,
            change.changed_on,
            f"Stage: {change.get_stage_display()}",
            f"by {change.changed_by.display_name}",
        )


def _engagement(episode: Episode, _: bool) -> Iterable[Entry]:
    for attempt in episode.engagement_attempts.select_related("recorded_by"):
        yield Entry(
            EntryType.ENGAGEMENT,
            _day(attempt.attempted_at),
            f"Invitation by {attempt.get_method_display().lower()}",
            f"{attempt.get_outcome_display()} ({attempt.recorded_by.display_name})",
            at=attempt.attempted_at,
        )


def _contacts(episode: Episode, _: bool) -> Iterable[Entry]:
    for contact in episode.contacts.all():
        yield Entry(
            EntryType.CONTACT,
            _day(contact.starts_at),
            f"{contact.get_modality_display()}: {contact.get_attendance_display().lower()}",
            contact.get_location_type_display(),
            at=contact.starts_at,
        )


def _notes(episode: Episode, sees_clinical_text: bool) -> Iterable[Entry]:
    notes = episode.notes.select_related("author")
    if not sees_clinical_text:
        # Not loaded, so never decrypted for someone who may not read it.
        notes = notes.defer("body")
    href = reverse("care:notes", args=[episode.pk])
    for note in notes:
        if sees_clinical_text:
            yield Entry(
                EntryType.NOTE,
                note.written_on,
                f"{note.get_kind_display()} by {note.author.display_name}",
                first_line(note.body),
                href=f"{href}#note-{note.pk}",
                note_id=note.pk,
            )
        else:
            yield Entry(EntryType.NOTE, note.written_on, f"{note.get_kind_display()} written")


def _package(episode: Episode, _: bool) -> Iterable[Entry]:
    for item in episode.package_items.select_related("intervention"):
        yield Entry(
            EntryType.PACKAGE,
            item.starts_on or _day(item.created_at),
            f"Care package: {item.intervention.name}",
            item.get_delivery_format_display(),
        )
    for review in episode.package_reviews.select_related("reviewed_by").defer("summary"):
        yield Entry(
            EntryType.PACKAGE,
            review.reviewed_on,
            "Care package reviewed",
            f"by {review.reviewed_by.display_name}",
        )


def _onward(episode: Episode, _: bool) -> Iterable[Entry]:
    for onward in episode.onward_referrals.all():
        where = f" ({onward.organisation})" if onward.organisation else ""
        yield Entry(
            EntryType.ONWARD,
            onward.status_on,
            f"Onward referral: {onward.get_service_display()}{where}",
            onward.get_status_display(),
        )


def _safeguarding(episode: Episode, _: bool) -> Iterable[Entry]:
    concerns = episode.safeguarding_concerns.only("id", "episode_id", "category", "raised_on")
    for concern in concerns.order_by("raised_on", "id"):
        yield Entry(
            EntryType.SAFEGUARDING,
            concern.raised_on,
            "Safeguarding concern raised",
            concern.get_category_display(),
            href=reverse("care:concern", args=[concern.pk]),
        )


def _videos(episode: Episode, _: bool) -> Iterable[Entry]:
    for video in episode.videos.only("id", "episode_id", "created_at", "recorded_on", "use"):
        yield Entry(
            EntryType.VIDEO,
            _day(video.created_at),
            "Video uploaded",
            f"Recorded {video.recorded_on:%-d %b %Y}, for {video.get_use_display().lower()}",
            at=video.created_at,
        )


def _supervision(episode: Episode, _: bool) -> Iterable[Entry]:
    sessions = episode.supervision_sessions.select_related("supervisor").defer("agreed_actions")
    for session in sessions:
        yield Entry(
            EntryType.SUPERVISION,
            session.held_on,
            "Discussed in supervision",
            f"with {session.supervisor.display_name}",
        )
