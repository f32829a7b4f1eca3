"""Who may reach outcome measures.

Scores and answers are clinical data: clinicians of the record's team only
(administrators get a 403, other teams a 404, both audited). Each page that
shows scores records one read event naming what it showed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from attune.accounts.access import current_team, deny_as_not_found, parse_pk, require_capability
from attune.accounts.roles import Capability
from attune.care.access import get_episode_for, require_clinical_text
from attune.care.models import Episode
from attune.families.access import get_family_for
from attune.families.models import Family
from attune.measures.models import (
    Administration,
    ExperienceQuestion,
    Instrument,
    MeasureSchedule,
    QuestionnaireLink,
    RiskFlag,
)
from attune.referrals.access import get_own_referral
from attune.referrals.models import Referral


def get_episode_for_measures(request: HttpRequest, episode_id: Any) -> Episode:
    """An episode of the current team, for clinicians; the page records its own read."""
    require_clinical_text(request)
    return get_episode_for(request, episode_id, write=True)


def get_family_for_measures(request: HttpRequest, family_id: Any) -> Family:
    """A family of the current team, for clinicians; the page records its own read."""
    require_clinical_text(request)
    return get_family_for(request, family_id, write=True)


def _in_team[M: Model](
    request: HttpRequest, queryset: QuerySet[M], record_id: Any, label: str
) -> M:
    """The record of the current team with this id; anything else is a 404 (audited)."""
    pk = parse_pk(record_id)
    found = queryset.filter(pk=pk, team=current_team(request)).first() if pk else None
    if found is None:
        raise deny_as_not_found(request.user, label, record_id)
    return found


def get_administration_for(request: HttpRequest, administration_id: Any) -> Administration:
    """One administration of the current team, for clinicians; any other is a 404."""
    require_clinical_text(request)
    related = Administration.objects.select_related(
        "instrument",
        "episode__family",
        "respondent_person",
        "respondent_user",
        "subject_person",
        "subject_relationship__carer",
        "subject_relationship__baby",
    )
    return _in_team(request, related, administration_id, "measures.administration")


def get_instrument_for(request: HttpRequest, instrument_id: Any) -> Instrument:
    """An active instrument the current team may use (shipped or its own); others 404."""
    pk = parse_pk(instrument_id)
    available = Instrument.objects.available_to(current_team(request))
    found = available.filter(pk=pk).first() if pk else None
    if found is None:
        raise deny_as_not_found(request.user, "measures.instrument", instrument_id)
    return found


def get_risk_flag_for(request: HttpRequest, flag_id: Any) -> RiskFlag:
    """A risk flag of the current team, for clinicians; any other is a 404."""
    require_clinical_text(request)
    related = RiskFlag.objects.select_related("episode__family", "administration__instrument")
    return _in_team(request, related, flag_id, "measures.riskflag")


def get_link_for(request: HttpRequest, link_id: Any) -> QuestionnaireLink:
    """A link sent by the current team, for clinicians; any other is a 404."""
    require_clinical_text(request)
    return _in_team(request, QuestionnaireLink.objects.all(), link_id, "measures.link")


def get_schedule_for(request: HttpRequest, schedule_id: Any) -> MeasureSchedule:
    """One line of the current team's schedule, for those who manage the team."""
    require_capability(request, Capability.MANAGE_TEAM)
    return _in_team(request, MeasureSchedule.objects.all(), schedule_id, "measures.schedule")


def get_experience_question_for(request: HttpRequest, question_id: Any) -> ExperienceQuestion:
    """One of the current team's experience questions, for those who manage the team."""
    require_capability(request, Capability.MANAGE_TEAM)
    questions = ExperienceQuestion.objects.all()
    return _in_team(request, questions, question_id, "measures.experiencequestion")


def get_referral_for_feedback(request: HttpRequest, referral_id: Any) -> Referral:
    """A referral the signed-in referrer sent to the current team; anyone else's is a 404."""
    require_capability(request, Capability.SUBMIT_REFERRALS)
    return get_own_referral(request, referral_id)
