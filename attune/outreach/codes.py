"""Choice lists for consultation, workforce training and outreach. Wording is Attune's own."""

from __future__ import annotations

import re

from django.db import models

from attune.referrals.codes import ReferrerRole


class ConsultationKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one"
    GROUP = "group", "Group"


class FamilyLink(models.TextChoices):
    """Whether a consultation is about one family, and if so whether the team knows them."""

    NONE = "none", "No, it was about the consultee's work in general"
    ANONYMOUS = "anonymous", "Yes, a family the consultee did not name"
    KNOWN = "known", "Yes, a family known to our team"


class Outcome(models.TextChoices):
    ADVICE = "advice", "Advice only"
    REFERRAL_SUGGESTED = "referral_suggested", "A referral to our team was suggested"
    JOINT_VISIT = "joint_visit", "A joint visit was agreed"


class Responsibility(models.TextChoices):
    """Who holds clinical responsibility for the family after the consultation."""

    CONSULTEE = "consultee", "The consultee and their service"
    TEAM = "team", "Our team, as a referral is being made"


# The form's extra choice: work it out from the outcome (see responsibility_for).
FOLLOW_OUTCOME = "follow_outcome"


def responsibility_for(outcome: str) -> str:
    """The consultee keeps responsibility unless the outcome is a referral to the team."""
    if outcome == Outcome.REFERRAL_SUGGESTED:
        return Responsibility.TEAM
    return Responsibility.CONSULTEE


class CourseFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"


class OrganisationType(models.TextChoices):
    HEALTH_VISITING = "health_visiting", "Health visiting"
    MIDWIFERY = "midwifery", "Midwifery"
    SOCIAL_CARE = "social_care", "Social care"
    EARLY_YEARS = "early_years", "Early years"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
    MENTAL_HEALTH = "mental_health", "Mental health"
    PRIMARY_CARE = "primary_care", "Primary care"
    OTHER = "other", "Other"


class ActivityType(models.TextChoices):
    BABY_WEIGHING = "baby_weighing", "Therapeutic baby-weighing clinic"
    HOSTEL_OR_PRISON_GROUP = "hostel_or_prison_group", "Group in a hostel, refuge or prison"
    NEONATAL_LIAISON = "neonatal_liaison", "Neonatal unit liaison"
    JOINT_VISIT = "joint_visit", "Joint visit with a social worker"
    OTHER = "other", "Other joint working"


CONFIDENCE_SCALE = [
    (1, "1 – not at all confident"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5 – very confident"),
]

# Words in a consultee's role, as typed, and the referral form's role they stand for.
# Checked in order, so "family nurse" wins over "nurse"-like words further down.
_ROLE_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("health visitor", "health visiting", "hv"), ReferrerRole.HEALTH_VISITOR),
    (("family nurse", "fnp"), ReferrerRole.FAMILY_NURSE),
    (("midwife", "midwifery"), ReferrerRole.MIDWIFE),
    (("social worker", "social work"), ReferrerRole.SOCIAL_WORKER),
    (("children's centre", "childrens centre", "family hub"), ReferrerRole.CHILDRENS_CENTRE),
    (("perinatal",), ReferrerRole.PERINATAL_MENTAL_HEALTH),
    (("adult mental health", "cmht"), ReferrerRole.ADULT_MENTAL_HEALTH),
    (("gp", "general practitioner"), ReferrerRole.GP),
)


def referrer_role_for(role: str) -> str | None:
    """The referral form's role for a consultee's role as typed, or None when none fits."""
    text = role.lower().replace("-", " ")
    for words, value in _ROLE_WORDS:
        if any(re.search(rf"\b{re.escape(word)}", text) for word in words):
            return str(value)
    return None
