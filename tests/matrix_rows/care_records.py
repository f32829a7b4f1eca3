"""Permission matrix rows for notes, the chronology and safeguarding concerns."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.matrix import clinical_record, clinical_text, post_only

ROWS = {
    # Notes and safeguarding are clinical text: administrators 403, other teams 404.
    "care:notes": clinical_text(),
    "care:note_add": clinical_text(),
    "care:note_addendum": clinical_text(),
    "care:concerns": clinical_text(),
    "care:concern_add": clinical_text(),
    "care:concern": clinical_text(),
    "care:concern_escalate": post_only(),
    "care:concern_outcome": post_only(),
    # The chronology is for all clinical staff; administrators see no clinical text in it.
    "care:chronology": clinical_record(),
}


def kwargs(world: Any, episode: Any) -> dict[str, int]:
    """A note and an open safeguarding concern in the episode, made through the services."""
    from attune.care.notes import write_note
    from attune.care.safeguarding import raise_concern

    practitioner = world.users["practitioner"]
    note = write_note(actor=practitioner, episode=episode, kind="session", body="Matrix note")
    concern = raise_concern(
        actor=practitioner,
        episode=episode,
        category="neglect",
        raised_on=timezone.localdate(),
        what_happened="Matrix concern",
    )
    return {"note_id": note.pk, "concern_id": concern.pk}
