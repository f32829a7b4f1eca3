"""Permission matrix rows for the evidence directory and the team's toolbox pages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.matrix import FORBIDDEN, NOT_FOUND, OK, clinical_record, post_only, row

_STAFF_ONLY = dict(commissioner=FORBIDDEN, referrer=FORBIDDEN, system_admin=FORBIDDEN)

ROWS = {
    # Anyone signed in may browse, read and compare the directory.
    "catalogue:directory": row(OK),
    "catalogue:compare": row(OK),
    "catalogue:entry": row(OK),
    "catalogue:entry_history": row(OK),
    # Only system administrators change an entry.
    "catalogue:entry_edit": row(FORBIDDEN, system_admin=OK),
    # Self-assessments and training belong to a team: its staff only.
    "catalogue:assessments": row(OK, **_STAFF_ONLY),
    "catalogue:assessment_new": row(OK, **_STAFF_ONLY),
    "catalogue:assessment": row(OK, other_practitioner=NOT_FOUND, **_STAFF_ONLY),
    "catalogue:training": row(OK, **_STAFF_ONLY),
    "catalogue:training_remove": post_only(),
    # The toolbox in care.
    "care:toolbox_offer": post_only(),
    "care:suggestions": clinical_record(),
    "care:fidelity_review": clinical_record(),
}


def kwargs(world: Any, episode: Any) -> dict[str, Any]:
    """A seeded entry, a self-assessment of it and a training record, in the first team."""
    from attune.catalogue import services
    from attune.catalogue.tests.factories import entry

    pip = entry("parent-infant-psychotherapy")
    manager = world.users["manager"]
    assessment = services.record_self_assessment(
        actor=manager,
        team=world.team,
        intervention=pip,
        ratings=dict.fromkeys(services.INDICATORS, 3),
        notes={},
        assessors=[manager],
        other_assessors="",
        decision="adopt",
        completed_on=timezone.localdate(),
    )
    training = services.record_training(
        actor=manager,
        team=world.team,
        user=world.users["practitioner"],
        intervention=pip,
        level="Trained",
        trained_on=None,
        expires_on=None,
    )
    return {"slug": pip.slug, "assessment_id": assessment.pk, "training_id": training.pk}
