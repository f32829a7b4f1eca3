"""Every change to the directory: entries (versioned), self-assessments, practitioners' training.

Each function runs in one transaction and writes its audit event inside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import Membership, Team, User
from attune.audit.services import record
from attune.catalogue import schema
from attune.catalogue.models import (
    Intervention,
    InterventionVersion,
    PractitionerTraining,
    SelfAssessment,
)
from attune.core.locking import StaleEdit
from attune.core.notifications import send_email_after_commit


class EntryInvalid(Exception):
    """The entry's data breaks the directory's format; ``messages`` says where."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


class CatalogueRefused(Exception):
    """The change breaks a rule (a rating out of range, someone outside the team, ...)."""


def columns_for(data: Mapping[str, Any]) -> dict[str, Any]:
    """The browsing columns, copied from the entry's data (so they always agree)."""
    age = data.get("age") or {}
    return {
        "slug": data["slug"],
        "name": data["name"],
        "kind": data["kind"],
        "classification": data["classification"],
        "antenatal": bool(age.get("antenatal")),
        "from_months": age.get("from_months"),
        "to_months": age.get("to_months"),
        "evidence_rank": schema.evidence_rank(dict(data)),
    }


def save_entry(
    *,
    actor: User | None,
    data: dict[str, Any],
    expected_version: int | None = None,
    note: str = "",
) -> Intervention:
    """Create or change an entry; the previous wording is kept as a version, and audited."""
    problems = schema.validate_entry(data)
    if problems:
        raise EntryInvalid(problems)
    with transaction.atomic():
        entry = Intervention.objects.select_for_update().filter(slug=data["slug"]).first()
        if entry is None:
            entry = Intervention.objects.create(data=data, version=1, **columns_for(data))
            _keep_version(entry, actor, note or "First version")
            record("catalogue.entry_created", actor=actor, obj=entry, details={"slug": entry.slug})
            return entry
        if expected_version is not None and entry.version != expected_version:
            raise StaleEdit(entry)
        if entry.data == data:
            return entry
        changed = sorted(k for k in set(data) | set(entry.data) if data.get(k) != entry.data.get(k))
        for field, value in columns_for(data).items():
            setattr(entry, field, value)
        entry.data = data
        entry.version += 1
        entry.save()
        _keep_version(entry, actor, note)
        record(
            "catalogue.entry_changed",
            actor=actor,
            obj=entry,
            details={"slug": entry.slug, "version": entry.version, "fields": changed},
        )
        return entry


def _keep_version(entry: Intervention, actor: User | None, note: str) -> None:
    InterventionVersion.objects.create(
        intervention=entry,
        version=entry.version,
        data=entry.data,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
        note=note[:300],
    )


# Self-assessments --------------------------------------------------------------------


INDICATORS = ("need", "fit", "capacity", "evidence", "usability", "supports")


def record_self_assessment(
    *,
    actor: User,
    team: Team,
    intervention: Intervention,
    ratings: Mapping[str, int],
    notes: Mapping[str, str],
    assessors: Sequence[User],
    other_assessors: str,
    decision: str,
    completed_on: date,
) -> SelfAssessment:
    """Save a team's Hexagon self-assessment of one entry (a new row each time: the history)."""
    if set(ratings) != set(INDICATORS) or any(not 1 <= v <= 5 for v in ratings.values()):
        raise CatalogueRefused("Rate each of the six indicators from 1 to 5.")
    members = set(Membership.objects.active().filter(team=team).values_list("user_id", flat=True))
    if any(user.pk not in members for user in assessors):
        raise CatalogueRefused("Assessors must be members of the team.")
    if completed_on > timezone.localdate():
        raise CatalogueRefused("The date cannot be in the future.")
    with transaction.atomic():
        assessment = SelfAssessment.objects.create(
            team=team,
            intervention=intervention,
            notes={k: v.strip() for k, v in notes.items() if k in INDICATORS and v.strip()},
            other_assessors=other_assessors.strip(),
            decision=decision,
            completed_on=completed_on,
            recorded_by=actor,
            **{k: int(ratings[k]) for k in INDICATORS},
        )
        assessment.assessors.set(assessors)
        record(
            "catalogue.self_assessment_recorded",
            actor=actor,
            obj=assessment,
            team_id=team.pk,
            details={"entry": intervention.slug, "decision": decision},
        )
        return assessment


# Practitioners' training ---------------------------------------------------------------


def record_training(
    *,
    actor: User,
    team: Team,
    user: User,
    intervention: Intervention | None,
    level: str,
    trained_on: date | None,
    expires_on: date | None,
    title: str = "",
) -> PractitionerTraining:
    """Add to the training register: a member's training in a directory entry (or a titled
    training), its level and its expiry."""
    if not Membership.objects.active().filter(team=team, user=user).exists():
        raise CatalogueRefused("Choose a member of the team.")
    if intervention is None and not title.strip():
        raise CatalogueRefused("Choose an intervention from the directory, or name the training.")
    if not level.strip():
        raise CatalogueRefused("Say what level of training.")
    if trained_on and expires_on and expires_on < trained_on:
        raise CatalogueRefused("The expiry date must be after the training date.")
    with transaction.atomic():
        training = PractitionerTraining.objects.create(
            team=team,
            user=user,
            intervention=intervention,
            title="" if intervention else title.strip(),
            level=level.strip(),
            trained_on=trained_on,
            expires_on=expires_on,
            recorded_by=actor,
        )
        record(
            "catalogue.training_recorded",
            actor=actor,
            obj=training,
            team_id=team.pk,
            details={"entry": intervention.slug if intervention else "", "user": user.pk},
        )
        return training


def send_expiry_reminders(*, today: date, within_days: int = 60) -> int:
    """Email each member whose training expires within ``within_days``, once per record."""
    due = PractitionerTraining.objects.filter(
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=within_days),
        reminded_on__isnull=True,
    ).select_related("user", "intervention", "team")
    sent = 0
    for training in due:
        with transaction.atomic():
            send_email_after_commit(
                to=training.user.email,
                subject="Attune: your training is due for renewal",
                body=(
                    f"Your training ({training.what}, {training.level}) recorded by "
                    f"{training.team.name} expires on {training.expires_on:%-d %B %Y}. "
                    "Please arrange to renew it, and tell your team manager when you have."
                ),
            )
            training.reminded_on = today
            training.save(update_fields=["reminded_on", "updated_at"])
            record(
                "catalogue.training_reminder_sent",
                actor=None,
                obj=training,
                team_id=training.team_id,
                details={"user": training.user_id},
            )
            sent += 1
    return sent


def remove_training(*, actor: User, training: PractitionerTraining) -> None:
    """Remove a training record entered by mistake."""
    with transaction.atomic():
        record(
            "catalogue.training_removed",
            actor=actor,
            obj=training,
            team_id=training.team_id,
            details={"entry": training.intervention_id or "", "user": training.user_id},
        )
        training.delete()
