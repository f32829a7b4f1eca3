"""Measures for tests, made through the real services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from attune.care.models import Episode
from attune.families.models import Person
from attune.measures import codes, services
from attune.measures.models import Administration, Instrument, QuestionnaireLink
from attune.measures.registry import shipped_definitions


def instrument(code: str, version: str = "1") -> Instrument:
    """A shipped instrument row. The data migration makes them, but a transactional test
    (the browser tests' live server) flushes every table afterwards, so make them again."""
    found = Instrument.objects.filter(team=None, code=code, version=version).first()
    if found is None:
        ensure_shipped_instruments()
        found = Instrument.objects.get(team=None, code=code, version=version)
    return found


def ensure_shipped_instruments() -> None:
    for definition in shipped_definitions():
        Instrument.objects.get_or_create(
            team=None,
            code=definition.code,
            version=definition.version,
            defaults={"definition": definition.to_dict()},
        )


def carer_of(episode: Episode) -> Person:
    """The family's first carer, with an email and consent so a link can reach them."""
    person = episode.family.members.filter(role="carer").order_by("id").first().person
    if not person.email or not person.consents_to_email:
        person.email = person.email or "parent@example.org"
        person.phone = person.phone or "07700900123"
        person.consents_to_email = True
        person.consents_to_text = True
        person.save(update_fields=["email", "phone", "consents_to_email", "consents_to_text"])
    return person


def phq9_answers(total: int | None = None, *, item9: int = 0, **items: int) -> dict[str, Any]:
    """PHQ-9 answers; ``total`` spreads points over items 1-8 (item 9 set separately)."""
    answers: dict[str, Any] = {f"item{n}": 0 for n in range(1, 10)}
    remaining = (total or 0) - item9
    for n in range(1, 9):
        take = min(3, max(0, remaining))
        answers[f"item{n}"] = take
        remaining -= take
    answers["item9"] = item9
    answers.update(items)
    return answers


def record_phq9(
    episode: Episode,
    *,
    actor: Any,
    answers: dict[str, Any],
    timepoint: str = codes.Timepoint.BASELINE,
    completed_on: date | None = None,
    respondent: Person | None = None,
) -> Administration:
    carer = respondent or carer_of(episode)
    return services.record_administration(
        actor=actor,
        episode=episode,
        instrument=instrument("phq9"),
        respondent_person=carer,
        respondent_user=None,
        subject=services.Subject(codes.SubjectKind.CARER, person=carer),
        timepoint=timepoint,
        completed_on=completed_on or timezone.localdate(),
        mode=codes.Mode.IN_SESSION,
        answers=answers,
    )


def send_phq9_link(
    episode: Episode, *, actor: Any, send_by: str = codes.SendBy.EMAIL
) -> tuple[QuestionnaireLink, str]:
    carer = carer_of(episode)
    return services.send_link(
        actor=actor,
        episode=episode,
        kind=codes.LinkKind.MEASURE,
        instrument=instrument("phq9"),
        respondent=carer,
        subject=services.Subject(codes.SubjectKind.CARER, person=carer),
        timepoint=codes.Timepoint.REVIEW,
        send_by=send_by,
        base_url="http://testserver/",
    )
