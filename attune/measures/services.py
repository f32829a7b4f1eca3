"""Every change to outcome measures: administrations, risk follow-up, one-time links, schedules.

Each function runs in one transaction and writes its audit event inside it.
Audit details carry ids and codes, never answers or scores.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from attune.accounts.models import Team, User
from attune.audit.services import record
from attune.care.models import Episode, InterventionOption
from attune.core.notifications import (
    send_email_after_commit,
    send_text_after_commit,
    texts_can_be_sent,
)
from attune.families.models import CareRelationship, Person
from attune.measures import change, codes, scoring
from attune.measures.models import (
    Administration,
    ExperienceQuestion,
    ExperienceResponse,
    Instrument,
    MeasureSchedule,
    QuestionnaireLink,
    ReferrerFeedback,
    RiskFlag,
)
from attune.referrals.models import Referral


class MeasureRefused(Exception):
    """The request breaks a rule (wrong family, link not allowed, already used, ...)."""


@dataclass(frozen=True)
class Subject:
    """About whom an administration is: a carer, a baby, or a carer-baby relationship."""

    kind: str
    person: Person | None = None
    relationship: CareRelationship | None = None


# Administrations ----------------------------------------------------------------------


def record_administration(
    *,
    actor: User | None,
    episode: Episode,
    instrument: Instrument,
    respondent_person: Person | None,
    respondent_user: User | None,
    subject: Subject,
    timepoint: str,
    completed_on: date,
    mode: str,
    answers: dict[str, Any],
) -> Administration:
    """Score and keep one completed questionnaire; any risk item raises a flag and a task."""
    definition = instrument.parsed()
    result = scoring.score(definition, answers)  # InvalidAnswers propagates to the form
    _check_people(episode, respondent_person, subject)
    if completed_on > timezone.localdate():
        raise MeasureRefused("The date completed cannot be in the future.")
    with transaction.atomic():
        administration = Administration.objects.create(
            team_id=episode.team_id,
            family_id=episode.family_id,
            episode=episode,
            instrument=instrument,
            respondent_kind=(
                codes.RespondentKind.CARER
                if respondent_person
                else codes.RespondentKind.PRACTITIONER
            ),
            respondent_person=respondent_person,
            respondent_user=None if respondent_person else respondent_user,
            subject_kind=subject.kind,
            subject_person=subject.person,
            subject_relationship=subject.relationship,
            timepoint=timepoint,
            completed_on=completed_on,
            mode=mode,
            answers_json=json.dumps(answers, sort_keys=True),
            status=result.status,
            primary_score=result.primary,
            caseness=result.caseness,
            band=result.band or "",
            result=result.to_dict(),
            recorded_by=actor,
        )
        flags = _raise_risk_flags(administration, episode, result)
        link_change(administration)
        record(
            "measure.recorded",
            actor=actor,
            obj=administration,
            team_id=episode.team_id,
            details={
                "episode": episode.pk,
                "instrument": definition.key,
                "timepoint": timepoint,
                "mode": mode,
                "status": result.status,
                "risk_flags": [flag.code for flag in flags],
            },
        )
    return administration


def _baseline_for(administration: Administration) -> Administration | None:
    """The first scored baseline in the same episode and series (change stays in a series)."""
    if administration.episode_id is None:
        return None
    return (
        Administration.objects.filter(
            episode_id=administration.episode_id,
            instrument_id=administration.instrument_id,
            respondent_kind=administration.respondent_kind,
            respondent_person_id=administration.respondent_person_id,
            respondent_user_id=administration.respondent_user_id,
            subject_kind=administration.subject_kind,
            subject_person_id=administration.subject_person_id,
            subject_relationship_id=administration.subject_relationship_id,
            timepoint=codes.Timepoint.BASELINE,
            primary_score__isnull=False,
        )
        .order_by("completed_on", "id")
        .first()
    )


def link_change(administration: Administration) -> Administration:
    """For a scored end score: pair it with its baseline and keep the classified change."""
    if administration.timepoint != codes.Timepoint.END or administration.primary_score is None:
        return administration
    baseline = _baseline_for(administration)
    if baseline is None or baseline.primary_score is None:
        return administration
    result = change.classify_change(
        administration.instrument.parsed(), baseline.primary_score, administration.primary_score
    )
    administration.change_baseline = baseline
    administration.change_classification = result.classification
    administration.change_improvement = result.improvement
    administration.save(
        update_fields=["change_baseline", "change_classification", "change_improvement"]
    )
    return administration


def _check_people(episode: Episode, respondent: Person | None, subject: Subject) -> None:
    """Everyone named must be in the episode's family: no record from elsewhere slips in."""
    family_people = set(episode.family.members.values_list("person_id", flat=True))
    if respondent is not None and respondent.pk not in family_people:
        raise MeasureRefused("The person who answered must be in this family.")
    if subject.kind == codes.SubjectKind.RELATIONSHIP:
        relationship = subject.relationship
        if relationship is None or relationship.family_id != episode.family_id:
            raise MeasureRefused("Choose a carer and baby from this family.")
    elif subject.person is None or subject.person.pk not in family_people:
        raise MeasureRefused("Choose who the questionnaire is about, from this family.")


def _raise_risk_flags(
    administration: Administration, episode: Episode, result: scoring.ScoreResult
) -> list[RiskFlag]:
    flags = [
        RiskFlag.objects.create(
            team_id=episode.team_id,
            administration=administration,
            episode=episode,
            code=flag.code,
            message=flag.message[:400],
            assigned_to_id=episode.lead_practitioner_id,
        )
        for flag in result.flags
    ]
    if flags:
        # The practitioner hears at once, by email as well as on screen; the email holds
        # a link only, never the answers.
        link = reverse("measures:risk_flags")
        send_email_after_commit(
            to=episode.lead_practitioner.email,
            subject="Attune: a questionnaire answer needs your follow-up",
            body=(
                "A questionnaire recorded for a family you work with includes an answer "
                f"that the team follows up the same day. Sign in to Attune and open {link}."
            ),
        )
    return flags


def follow_up_risk_flag(*, actor: User, flag: RiskFlag, note: str) -> RiskFlag:
    """Record how a risk answer was followed up; this closes the practitioner's task."""
    if not note.strip():
        raise MeasureRefused("Say what was done to follow this up.")
    with transaction.atomic():
        locked = RiskFlag.objects.select_for_update().get(pk=flag.pk)
        if locked.followed_up_at is not None:
            return locked
        locked.followed_up_at = timezone.now()
        locked.followed_up_by = actor
        locked.follow_up_note = note.strip()
        locked.save(
            update_fields=["followed_up_at", "followed_up_by", "follow_up_note", "updated_at"]
        )
        record(
            "measure.risk_followed_up",
            actor=actor,
            obj=locked,
            team_id=locked.team_id,
            details={"administration": locked.administration_id, "flag": locked.code},
        )
        return locked


# One-time links -----------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def send_link(
    *,
    actor: User,
    episode: Episode,
    kind: str,
    instrument: Instrument | None,
    respondent: Person,
    subject: Subject,
    timepoint: str,
    send_by: str,
    base_url: str,
) -> tuple[QuestionnaireLink, str]:
    """Send a parent a single-use, expiring link to one questionnaire (or the experience form)."""
    if kind == codes.LinkKind.MEASURE and (
        instrument is None or not instrument.parsed().can_send_to_parent
    ):
        raise MeasureRefused(
            "Only questionnaires whose wording Attune may show can be sent to a phone."
        )
    _check_people(episode, respondent, subject)
    address = _address_for(respondent, send_by)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = QuestionnaireLink.objects.create(
            team_id=episode.team_id,
            episode=episode,
            kind=kind,
            instrument=instrument if kind == codes.LinkKind.MEASURE else None,
            respondent=respondent,
            subject_kind=subject.kind,
            subject_person=subject.person,
            subject_relationship=subject.relationship,
            timepoint=timepoint,
            token_hash=hash_token(token),
            send_by=send_by,
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.ATTUNE_LINK_VALID_DAYS),
        )
        url = base_url.rstrip("/") + reverse("measures:answer", args=[token])
        _deliver_link(link, address, url, episode.team)
        record(
            "measure.link_sent",
            actor=actor,
            obj=link,
            team_id=episode.team_id,
            details={
                "episode": episode.pk,
                "kind": kind,
                "instrument": instrument.parsed().key if instrument else "",
                "send_by": send_by,
            },
        )
    return link, token


def _address_for(person: Person, send_by: str) -> str:
    if send_by == codes.SendBy.TEXT:
        if not texts_can_be_sent():
            raise MeasureRefused("Text messages are not set up here; send the link by email.")
        if not person.phone or not person.consents_to_text:
            raise MeasureRefused(
                "This person has no mobile number, or has not agreed to texts, on their record."
            )
        return person.phone
    if not person.email or not person.consents_to_email:
        raise MeasureRefused(
            "This person has no email address, or has not agreed to email, on their record."
        )
    return person.email


def _deliver_link(link: QuestionnaireLink, address: str, url: str, team: Team) -> None:
    days = settings.ATTUNE_LINK_VALID_DAYS
    body = (
        f"{team.name} invites you to answer a short questionnaire, if you are willing: {url} "
        f"The link works once and for {days} days."
    )
    if link.send_by == codes.SendBy.TEXT:
        send_text_after_commit(to=address, body=body)
    else:
        send_email_after_commit(to=address, subject=f"A questionnaire from {team.name}", body=body)


def usable_link(token: str) -> QuestionnaireLink | None:
    """The link for a token if it is unused, unexpired and not withdrawn; otherwise None."""
    if not token or len(token) > 100:
        return None
    link = (
        QuestionnaireLink.objects.select_related("instrument", "episode", "team", "respondent")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None or link.used_at or link.withdrawn_at or link.expires_at <= timezone.now():
        return None
    return link


def withdraw_link(*, actor: User, link: QuestionnaireLink) -> QuestionnaireLink:
    """Stop an unused link from working (sent to the wrong person, no longer wanted)."""
    with transaction.atomic():
        locked = QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
        if locked.used_at or locked.withdrawn_at:
            return locked
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
        record("measure.link_withdrawn", actor=actor, obj=locked, team_id=locked.team_id)
        return locked


def _claim(link: QuestionnaireLink) -> QuestionnaireLink:
    """Lock the link and mark it used; a second submission (or a race) is refused."""
    locked = QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
    if locked.used_at or locked.withdrawn_at or locked.expires_at <= timezone.now():
        raise MeasureRefused("This link has already been used or has expired.")
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    return locked


def submit_link_answers(*, link: QuestionnaireLink, answers: dict[str, Any]) -> Administration:
    """A parent's answers through their link: scored and kept in one go, then the link is spent."""
    with transaction.atomic():
        locked = _claim(link)
        if locked.kind != codes.LinkKind.MEASURE or locked.instrument is None:
            raise MeasureRefused("This link is not for a questionnaire.")
        return record_administration(
            actor=None,
            episode=locked.episode,
            instrument=locked.instrument,
            respondent_person=locked.respondent,
            respondent_user=None,
            subject=Subject(
                locked.subject_kind, locked.subject_person, locked.subject_relationship
            ),
            timepoint=locked.timepoint,
            completed_on=timezone.localdate(),
            mode=codes.Mode.ONLINE,
            answers=answers,
        )


def submit_experience(
    *,
    link: QuestionnaireLink,
    fft_rating: str,
    fft_reason: str,
    ratings: dict[int, int],
    share_with_practitioner: bool,
) -> ExperienceResponse:
    """A parent's view of the service; kept apart from their record unless they choose to share."""
    if fft_rating not in codes.FriendsAndFamily.values:
        raise MeasureRefused("Choose an answer to the first question.")
    questions = {q.pk: q for q in experience_questions(link.team)}
    if any(pk not in questions or not 1 <= value <= 5 for pk, value in ratings.items()):
        raise MeasureRefused("An answer is not one of the choices.")
    with transaction.atomic():
        locked = _claim(link)
        if locked.kind != codes.LinkKind.EXPERIENCE:
            raise MeasureRefused("This link is not for the experience questionnaire.")
        response = ExperienceResponse.objects.create(
            team_id=locked.team_id,
            timepoint=locked.timepoint,
            received_on=timezone.localdate(),
            fft_rating=fft_rating,
            fft_reason=fft_reason.strip(),
            ratings={
                rating_key(pk): {"wording": questions[pk].wording, "rating": value}
                for pk, value in ratings.items()
            },
            shared_with_practitioner=share_with_practitioner,
            episode=locked.episode if share_with_practitioner else None,
        )
        # The event names the team only: an anonymous answer must not be traceable here.
        record(
            "experience.received",
            actor=None,
            obj=response,
            team_id=locked.team_id,
            details={"shared": share_with_practitioner},
        )
        return response


# Experience questions and referrer feedback ---------------------------------------------

# Written for Attune (own words): a starting set a team can change.
DEFAULT_EXPERIENCE_QUESTIONS = (
    "I felt listened to and understood.",
    "The team kept my baby in mind, as well as me.",
    "Sessions were at times and places that worked for us.",
    "I feel more confident in my relationship with my baby.",
    "I would know where to turn if things became hard again.",
)


def rating_key(question_id: int) -> str:
    """The key of one question's answer in ExperienceResponse.ratings.

    Not the bare id: a JSON path of digits reads as an array index in SQLite and
    PostgreSQL, and reports average each question's ratings in the database.
    """
    return f"q{question_id}"


def experience_questions(team: Team) -> list[ExperienceQuestion]:
    return list(ExperienceQuestion.objects.filter(team=team, is_active=True))


def add_experience_question(*, actor: User, team: Team, wording: str) -> ExperienceQuestion:
    """Add one question to the team's experience questionnaire (at the end)."""
    wording = wording.strip()
    if not wording:
        raise MeasureRefused("Write the question.")
    with transaction.atomic():
        position = ExperienceQuestion.objects.filter(team=team).count()
        question = ExperienceQuestion.objects.create(team=team, wording=wording, position=position)
        record("experience.question_added", actor=actor, obj=question, team_id=team.pk)
        return question


def add_default_experience_questions(*, actor: User, team: Team) -> list[ExperienceQuestion]:
    """Start a team's questionnaire from Attune's default questions (only when it has none)."""
    with transaction.atomic():
        if ExperienceQuestion.objects.filter(team=team).exists():
            return experience_questions(team)
        return [
            add_experience_question(actor=actor, team=team, wording=wording)
            for wording in DEFAULT_EXPERIENCE_QUESTIONS
        ]


def retire_experience_question(*, actor: User, question: ExperienceQuestion) -> None:
    """Stop asking a question; answers already given keep the wording they were given with."""
    with transaction.atomic():
        question.is_active = False
        question.save(update_fields=["is_active"])
        record("experience.question_retired", actor=actor, obj=question, team_id=question.team_id)


def give_referrer_feedback(
    *,
    actor: User,
    referral: Referral,
    stage: str,
    ease: int,
    clarity: int,
    usefulness: int | None,
    comment: str,
) -> ReferrerFeedback:
    """A referrer's ratings of the service for one referral, once per stage."""
    with transaction.atomic():
        if ReferrerFeedback.objects.filter(referral=referral, stage=stage).exists():
            raise MeasureRefused("You have already given feedback on this referral at this point.")
        feedback = ReferrerFeedback.objects.create(
            team_id=referral.team_id,
            referral=referral,
            stage=stage,
            submitted_by=actor,
            submitted_on=timezone.localdate(),
            ease=ease,
            clarity=clarity,
            usefulness=usefulness,
            comment=comment.strip(),
        )
        record(
            "referrer_feedback.given",
            actor=actor,
            obj=feedback,
            team_id=referral.team_id,
            details={"referral": referral.pk, "stage": stage},
        )
        return feedback


# Schedules ------------------------------------------------------------------------------


def add_schedule(
    *,
    actor: User,
    team: Team,
    instrument_code: str,
    due_when: str,
    applies_to: InterventionOption | None,
    overdue_after_days: int,
) -> MeasureSchedule:
    """Say that a measure is due at a point in every episode (or one kind of work)."""
    if applies_to is not None and applies_to.team_id != team.pk:
        raise MeasureRefused("Choose one of the team's own interventions.")
    with transaction.atomic():
        duplicate = MeasureSchedule.objects.filter(
            team=team, applies_to=applies_to, instrument_code=instrument_code, due_when=due_when
        )
        if duplicate.exists():
            raise MeasureRefused("The schedule already has this measure at this point.")
        schedule = MeasureSchedule.objects.create(
            team=team,
            applies_to=applies_to,
            instrument_code=instrument_code,
            due_when=due_when,
            overdue_after_days=overdue_after_days,
        )
        record(
            "measure.schedule_added",
            actor=actor,
            obj=schedule,
            team_id=team.pk,
            details={"instrument": instrument_code, "due_when": due_when},
        )
        return schedule


def remove_schedule(*, actor: User, schedule: MeasureSchedule) -> None:
    """Remove one line of the team's schedule (recorded measures are unaffected)."""
    with transaction.atomic():
        record(
            "measure.schedule_removed",
            actor=actor,
            obj=schedule,
            team_id=schedule.team_id,
            details={"instrument": schedule.instrument_code, "due_when": schedule.due_when},
        )
        schedule.delete()
