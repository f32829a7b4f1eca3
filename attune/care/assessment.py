"""The structured assessment (NICE NG26 domains), its completion, and the family's goals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from attune.accounts.models import User
from attune.audit.services import record
from attune.care.codes import AssessmentDomain, Stage
from attune.care.models import Assessment, AssessmentDomainNote, Episode, Goal
from attune.care.phases import PathwayRefused, refuse_future
from attune.care.services import StageNotAllowed, move_to_stage
from attune.core.locking import StaleEdit, save_if_unchanged
from attune.families.models import Person

# The parts of the assessment a form may write (no mass assignment of other fields).
TEXT_FIELDS = ("from_referrer", "conversation", "observation", "questionnaires_used", "formulation")
# A form shows version 0 when there is no assessment yet; the first save creates it.
NEW = 0


@dataclass(frozen=True)
class DomainEntry:
    considered: bool
    note: str


def save_assessment(
    *,
    actor: User,
    episode: Episode,
    expected_version: int,
    texts: dict[str, str],
    domains: dict[str, DomainEntry],
) -> Assessment:
    """Save the assessment unless someone saved since the form was shown (StaleEdit, no write)."""
    _check_parts(texts, domains)
    with transaction.atomic():
        # The episode lock makes two first saves take turns instead of colliding.
        Episode.objects.select_for_update().get(pk=episode.pk)
        current = Assessment.objects.filter(episode=episode).first()
        if current is None:
            assessment = Assessment.objects.create(episode=episode, **texts)
            action = "assessment.started"
        else:
            if expected_version == NEW:
                raise StaleEdit(current)
            for name, value in texts.items():
                setattr(current, name, value)
            save_if_unchanged(current, expected_version=expected_version, fields=list(texts))
            assessment, action = current, "assessment.updated"
        _write_domains(assessment, domains)
        # Names of the parts only: the trail never holds clinical text.
        record(
            action,
            actor=actor,
            obj=assessment,
            team_id=episode.team_id,
            details={"episode": episode.pk},
        )
        return assessment


def _check_parts(texts: dict[str, str], domains: dict[str, DomainEntry]) -> None:
    unknown = (set(texts) - set(TEXT_FIELDS)) | (set(domains) - set(AssessmentDomain.values))
    if unknown:
        raise TypeError(f"Not parts of an assessment: {sorted(unknown)}")


def _write_domains(assessment: Assessment, domains: dict[str, DomainEntry]) -> None:
    existing = {d.domain: d for d in assessment.domains.all()}
    for domain, entry in domains.items():
        note = existing.get(domain)
        if note is None:
            AssessmentDomainNote.objects.create(
                assessment=assessment, domain=domain, considered=entry.considered, note=entry.note
            )
        elif (note.considered, note.note) != (entry.considered, entry.note):
            note.considered, note.note = entry.considered, entry.note
            note.save(update_fields=["considered", "note"])


def domain_entries(assessment: Assessment | None) -> dict[str, DomainEntry]:
    """What is saved for each NG26 domain (unticked and empty where nothing is)."""
    saved = {d.domain: d for d in assessment.domains.all()} if assessment else {}
    return {
        domain: DomainEntry(saved[domain].considered, saved[domain].note)
        if domain in saved
        else DomainEntry(False, "")
        for domain in AssessmentDomain.values
    }


def conflicting_parts(
    current: Assessment, texts: dict[str, str], domains: dict[str, DomainEntry]
) -> list[str]:
    """Form field names whose saved value now differs from what the second editor typed."""
    names = [name for name in texts if getattr(current, name) != texts[name]]
    saved = domain_entries(current)
    for domain, entry in domains.items():
        if saved[domain].considered != entry.considered:
            names.append(f"domain_{domain}_considered")
        if saved[domain].note != entry.note:
            names.append(f"domain_{domain}_note")
    return names


def saved_value(current: Assessment, name: str) -> str:
    """How a conflicting form field now reads in the saved assessment, for the warning."""
    if not name.startswith("domain_"):
        return str(getattr(current, name))
    domain, part = name.removeprefix("domain_").rsplit("_", 1)
    entry = domain_entries(current)[domain]
    if part == "considered":
        return "ticked" if entry.considered else "not ticked"
    return entry.note


def complete_assessment(
    *, actor: User, episode: Episode, on: date, start_early_phase: bool
) -> Assessment:
    """Mark the assessment complete; optionally the early phase of intervention starts that day."""
    refuse_future(on, "The date the assessment was completed")
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        assessment = Assessment.objects.filter(episode=locked).first()
        if assessment is None:
            raise PathwayRefused("Write the assessment before marking it complete")
        if assessment.completed_on is not None:
            raise PathwayRefused(
                f"The assessment was already marked complete on {assessment.completed_on:%-d %B %Y}"
            )
        if on < locked.opened_on:
            raise PathwayRefused("The assessment cannot be completed before the episode opened")
        assessment.completed_on = on
        save_if_unchanged(assessment, expected_version=assessment.version, fields=["completed_on"])
        record(
            "assessment.completed",
            actor=actor,
            obj=assessment,
            team_id=locked.team_id,
            details={"episode": locked.pk, "early_phase": start_early_phase},
        )
        if start_early_phase:
            _start_early_phase(actor, locked, on)
        return assessment


def _start_early_phase(actor: User, episode: Episode, on: date) -> None:
    if episode.stage != Stage.ASSESSMENT:
        raise PathwayRefused(
            "The early phase can start from the assessment stage only; "
            f"this episode is at “{episode.get_stage_display()}”"
        )
    try:
        move_to_stage(actor=actor, episode=episode, stage=Stage.EARLY, on=on)
    except StageNotAllowed as refused:
        began = f"{episode.stage_since:%-d %B %Y}"
        raise PathwayRefused(
            f"The early phase cannot start before the assessment began ({began})"
        ) from refused


def add_goal(
    *, actor: User, episode: Episode, wording: str, person: Person | None, agreed_on: date
) -> tuple[Goal, bool]:
    """Add a goal in the family's own words; the same wording twice is kept once."""
    refuse_future(agreed_on, "The date the goal was agreed")
    wording = wording.strip()
    if not wording:
        raise PathwayRefused("Write the goal in the family's own words")
    if person is not None and not episode.family.members.filter(person=person).exists():
        raise PathwayRefused("Choose someone in this family")
    with transaction.atomic():
        Episode.objects.select_for_update().get(pk=episode.pk)
        # The wording is encrypted with a fresh nonce each time, so compare it here, not in SQL.
        for goal in Goal.objects.filter(episode=episode):
            if goal.wording.strip() == wording:
                return goal, False
        goal = Goal.objects.create(
            episode=episode, person=person, wording=wording, agreed_on=agreed_on
        )
        record(
            "goal.added",
            actor=actor,
            obj=goal,
            team_id=episode.team_id,
            details={"episode": episode.pk},
        )
        return goal, True
