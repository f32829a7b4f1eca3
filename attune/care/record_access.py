"""Scoped fetching for notes, safeguarding concerns and the chronology of an episode.

- Notes and safeguarding are clinical text: roles without READ_CLINICAL_NOTES
  (administrators among them) get a 403 before anything is fetched.
- A note or concern is found only through its episode's team, the user's
  current team; anything else is a 404 (audited by ``deny_as_not_found``).
- These helpers do not record the read: each page records exactly one event
  naming what it showed (``notes.viewed``, ``safeguarding.viewed``,
  ``chronology.viewed``), so the episode fetch is done with ``write=True``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from attune.accounts.access import deny_as_not_found, parse_pk
from attune.care.access import can_read_clinical_text, get_episode_for, require_clinical_text
from attune.care.models import Episode, Note, SafeguardingConcern


def get_episode_for_records(request: HttpRequest, episode_id: Any) -> Episode:
    """An episode of the current team for a page whose own event records the read."""
    return get_episode_for(request, episode_id, write=True)


def get_episode_for_clinical_text(request: HttpRequest, episode_id: Any) -> Episode:
    """As above, for pages of notes or safeguarding: clinicians only (403 for others)."""
    require_clinical_text(request)
    return get_episode_for(request, episode_id, write=True)


def get_note_for(request: HttpRequest, note_id: Any) -> Note:
    """A note of an episode in the current team, for clinicians; any other is a 404."""
    require_clinical_text(request)
    pk = parse_pk(note_id)
    note = (
        Note.objects.select_related("episode", "episode__family", "author", "contact")
        .filter(pk=pk, episode__team=request.team)  # type: ignore[attr-defined]
        .first()
        if pk
        else None
    )
    if note is None:
        raise deny_as_not_found(request.user, "care.note", note_id)
    return note


def get_concern_for(request: HttpRequest, concern_id: Any) -> SafeguardingConcern:
    """A safeguarding concern of the current team, for clinicians; any other is a 404."""
    require_clinical_text(request)
    pk = parse_pk(concern_id)
    concern = (
        SafeguardingConcern.objects.select_related(
            "episode", "episode__family", "episode__team", "raised_by", "escalated_to"
        )
        .filter(pk=pk, episode__team=request.team)  # type: ignore[attr-defined]
        .first()
        if pk
        else None
    )
    if concern is None:
        raise deny_as_not_found(request.user, "care.safeguardingconcern", concern_id)
    return concern


def episode_page_extras(request: HttpRequest, episode: Episode) -> dict[str, Any]:
    """What the episode page shows of this area: the banner and the links this role may use."""
    links = [("Chronology", reverse("care:chronology", args=[episode.pk]))]
    if can_read_clinical_text(request):
        links += [
            ("Notes", reverse("care:notes", args=[episode.pk])),
            ("Safeguarding concerns", reverse("care:concerns", args=[episode.pk])),
        ]
    # The banner itself comes from the care.context processor, on every family page.
    return {"record_links": links}
