"""Referral intake, triage and allocation: each one transaction with its audit events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from attune.accounts.models import Team, User
from attune.audit.services import record
from attune.core.locking import StaleEdit
from attune.core.notifications import send_email_after_commit
from attune.families import services as family_services
from attune.families.codes import MemberRole
from attune.families.models import Family, Person
from attune.referrals.codes import DECISION_STATUS, TRIAGEABLE, Channel, Decision, Status
from attune.referrals.models import Referral, StressorAnswer, TriageDecision


class TriageNotAllowed(Exception):
    """The referral is not in a state this step applies to."""


@dataclass
class NewPerson:
    """A person typed into the referral form, or an existing record chosen instead."""

    fields: dict[str, Any]
    existing: Person | None = None


@dataclass
class CarerEntry:
    person: NewPerson
    kind: str
    has_parental_responsibility: bool = False
    lives_with_baby: bool = True


@dataclass
class ReferralDraft:
    team: Team
    channel: str
    received_on: date
    submission_key: uuid.UUID
    baby: NewPerson
    carers: list[CarerEntry]
    referral_fields: dict[str, Any]
    stressors: dict[str, tuple[str, str]] = field(default_factory=dict)
    existing_family: Family | None = None


def _person(actor: User, family: Family, entry: NewPerson, role: str) -> Person:
    if entry.existing is not None:
        family_services.add_existing_person(
            actor=actor, family=family, person=entry.existing, role=role
        )
        return entry.existing
    return family_services.add_new_person(actor=actor, family=family, role=role, **entry.fields)


def _family_name(draft: ReferralDraft) -> str:
    surnames = []
    for entry in [draft.baby, *(c.person for c in draft.carers)]:
        surname = (
            entry.existing.family_name if entry.existing else entry.fields.get("family_name", "")
        )
        if surname and surname not in surnames:
            surnames.append(surname)
    return "–".join(surnames) + " family" if surnames else "New family"


def submit_referral(*, actor: User, draft: ReferralDraft) -> tuple[Referral, bool]:
    """Create the family, people and referral in one go. The same submission key twice
    (double click, back and resubmit) returns the first referral: (referral, created)."""
    existing = Referral.objects.filter(submission_key=draft.submission_key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            referral = _create_referral(actor, draft)
    except IntegrityError:
        # Two identical submissions raced: the other one won; return it.
        winner = Referral.objects.filter(submission_key=draft.submission_key).first()
        if winner is None:
            raise
        return winner, False
    return referral, True


def _create_referral(actor: User, draft: ReferralDraft) -> Referral:
    family = draft.existing_family or family_services.create_family(
        actor=actor, team=draft.team, name=_family_name(draft)
    )
    baby = _person(actor, family, draft.baby, MemberRole.BABY)
    in_scope = [baby]
    for carer_entry in draft.carers:
        carer = _person(actor, family, carer_entry.person, MemberRole.CARER)
        family_services.link_carer_and_baby(
            actor=actor,
            family=family,
            carer=carer,
            baby=baby,
            kind=carer_entry.kind,
            has_parental_responsibility=carer_entry.has_parental_responsibility,
            lives_with_baby=carer_entry.lives_with_baby,
        )
        in_scope.append(carer)
    referral = Referral.objects.create(
        team=draft.team,
        family=family,
        channel=draft.channel,
        received_on=draft.received_on,
        submitted_by=actor,
        submission_key=draft.submission_key,
        **draft.referral_fields,
    )
    referral.people_in_scope.set(in_scope)
    StressorAnswer.objects.bulk_create(
        [
            StressorAnswer(referral=referral, domain=domain, status=status, note=note)
            for domain, (status, note) in draft.stressors.items()
        ]
    )
    record(
        "referral.received",
        actor=actor,
        obj=referral,
        team_id=draft.team.pk,
        details={"channel": draft.channel},
    )
    send_email_after_commit(
        to=referral.referrer_email,
        subject=f"Referral received by {draft.team.name}",
        body=acknowledgement_text(referral),
    )
    return referral


def acknowledgement_text(referral: Referral) -> str:
    # No family details in email: the reference number is enough for the referrer.
    return (
        f"Thank you. {referral.team.name} received your referral "
        f"on {referral.received_on:%-d %B %Y}.\n"
        f"Reference: R{referral.pk}\n"
        "The team will look at it and let you know what happens next."
        + (
            " You can follow its status in Attune under 'Your referrals'."
            if referral.channel == Channel.ONLINE
            else ""
        )
    )


def triage(
    *,
    actor: User,
    referral: Referral,
    expected_version: int,
    decision: str,
    priority: int | None = None,
    reasons: str = "",
    signposting: str = "",
    information_requested: str = "",
) -> TriageDecision:
    """Record a triage decision and move the referral on; the referrer is told."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.version != expected_version:
            raise StaleEdit(locked)
        if locked.status not in TRIAGEABLE:
            raise TriageNotAllowed("This referral has already been triaged.")
        now = timezone.now()
        outcome = TriageDecision.objects.create(
            referral=locked,
            decision=decision,
            decided_by=actor,
            decided_at=now,
            priority=priority if decision == Decision.ACCEPT else None,
            reasons=reasons,
            signposting=signposting,
            information_requested=information_requested,
        )
        locked.status = DECISION_STATUS[Decision(decision)]
        locked.priority = outcome.priority
        locked.accepted_on = timezone.localdate(now) if decision == Decision.ACCEPT else None
        locked.version += 1
        locked.save(update_fields=["status", "priority", "accepted_on", "version", "updated_at"])
        record(
            "referral.triaged",
            actor=actor,
            obj=locked,
            team_id=locked.team_id,
            details={"decision": decision, "priority": outcome.priority},
        )
        send_email_after_commit(
            to=locked.referrer_email,
            subject=f"Update on referral R{locked.pk}",
            body=f"There is an update on referral R{locked.pk}: {locked.get_status_display()}. "
            + (
                "Sign in to Attune to read the outcome letter."
                if locked.channel == Channel.ONLINE
                else "The team will send you the outcome letter."
            ),
        )
        referral.refresh_from_db()
        return outcome


def allocate(
    *, actor: User, referral: Referral, expected_version: int, practitioner: User
) -> Referral:
    """Allocate a waiting family to a practitioner of the same team."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.version != expected_version:
            raise StaleEdit(locked)
        if locked.status != Status.WAITING:
            raise TriageNotAllowed("Only families on the waiting list can be allocated.")
        locked.status = Status.ALLOCATED
        locked.allocated_to = practitioner
        locked.allocated_on = timezone.localdate()
        locked.version += 1
        locked.save(
            update_fields=["status", "allocated_to", "allocated_on", "version", "updated_at"]
        )
        record(
            "referral.allocated",
            actor=actor,
            obj=locked,
            team_id=locked.team_id,
            details={"practitioner": practitioner.pk},
        )
        return locked
