"""The proportions synthetic families and referrals are drawn from.

Every number here is a rounded approximation chosen so that synthetic data looks
believable to a parent-infant team. None is a statistic: never quote or report
one of them, and never read a report built on synthetic data as evidence.
Weights are relative (they need not add up to 100).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attune.families.codes import CarerKind, EthnicCategory
from attune.referrals.codes import (
    Channel,
    Decision,
    Priority,
    Reason,
    ReferrerRole,
    SocialCare,
    StressorDomain,
    Urgency,
)

type Weights[T] = Sequence[tuple[T, float]]

# --- Babies --------------------------------------------------------------------------------

UNBORN_SHARE = 0.15
UNBORN_DUE_WITHIN_DAYS = 20 * 7
# Born babies are mostly under 22 months; a further share is within a few weeks of the
# second birthday, so waiting lists show the age-out warning as they do in practice.
NEAR_SECOND_BIRTHDAY_SHARE = 0.10
BORN_UP_TO_MONTHS = 22
NEAR_SECOND_BIRTHDAY_WEEKS = (1, 7)  # weeks left before the second birthday
PREMATURE_SHARE = 0.08
PREMATURE_WEEKS = (28, 36)
TERM_WEEKS = (37, 41)
GESTATION_UNKNOWN_SHARE = 0.12
SIBLING_SHARE = 0.35
SIBLING_AGE_YEARS = (2, 9)

# Approximation of births in England by ethnic category, for synthetic data only:
# not a statistic to report. Codes are NHS Data Dictionary ETHNIC CATEGORY.
ETHNIC_CATEGORY_WEIGHTS: Weights[str] = (
    (EthnicCategory.WHITE_BRITISH, 64),
    (EthnicCategory.WHITE_IRISH, 1),
    (EthnicCategory.WHITE_OTHER, 8),
    (EthnicCategory.MIXED_WHITE_BLACK_CARIBBEAN, 1.5),
    (EthnicCategory.MIXED_WHITE_BLACK_AFRICAN, 1),
    (EthnicCategory.MIXED_WHITE_ASIAN, 1.5),
    (EthnicCategory.MIXED_OTHER, 1),
    (EthnicCategory.ASIAN_INDIAN, 3.5),
    (EthnicCategory.ASIAN_PAKISTANI, 4.5),
    (EthnicCategory.ASIAN_BANGLADESHI, 1.5),
    (EthnicCategory.ASIAN_OTHER, 2.5),
    (EthnicCategory.BLACK_CARIBBEAN, 1),
    (EthnicCategory.BLACK_AFRICAN, 3.5),
    (EthnicCategory.BLACK_OTHER, 0.5),
    (EthnicCategory.CHINESE, 0.5),
    (EthnicCategory.OTHER, 2.5),
    (EthnicCategory.NOT_STATED, 1),
    (EthnicCategory.NOT_KNOWN, 1),
)
# A second carer of a different ethnic category from the mother.
CARER_CATEGORY_DIFFERS_SHARE = 0.15

# First languages other than English, by ethnic category, and how often a household in
# that category speaks one. Categories not listed speak English.
OTHER_LANGUAGES: Mapping[str, tuple[float, Sequence[str]]] = {
    EthnicCategory.WHITE_OTHER: (0.6, ("Polish", "Romanian", "Lithuanian", "Portuguese")),
    EthnicCategory.ASIAN_INDIAN: (0.3, ("Gujarati", "Punjabi", "Tamil")),
    EthnicCategory.ASIAN_PAKISTANI: (0.35, ("Urdu", "Punjabi", "Pashto")),
    EthnicCategory.ASIAN_BANGLADESHI: (0.4, ("Bengali", "Sylheti")),
    EthnicCategory.ASIAN_OTHER: (0.4, ("Tamil", "Nepali", "Dari")),
    EthnicCategory.BLACK_AFRICAN: (0.4, ("Somali", "Tigrinya", "French", "Arabic")),
    EthnicCategory.CHINESE: (0.5, ("Mandarin", "Cantonese")),
    EthnicCategory.OTHER: (0.6, ("Arabic", "Kurdish", "Farsi")),
}
INTERPRETER_SHARE = 0.4  # of carers whose first language is not English

# --- Carers --------------------------------------------------------------------------------

# Who cares for the baby. About 55% of families have a second carer, mostly the birth
# father; a few babies live with a grandparent or a foster carer.
HOUSEHOLD_WEIGHTS: Weights[tuple[str, ...]] = (
    ((CarerKind.BIRTH_MOTHER,), 42),
    ((CarerKind.BIRTH_MOTHER, CarerKind.BIRTH_FATHER), 44),
    ((CarerKind.BIRTH_MOTHER, CarerKind.PARTNER), 8),
    ((CarerKind.BIRTH_MOTHER, CarerKind.GRANDPARENT), 3),
    ((CarerKind.GRANDPARENT,), 1.5),
    ((CarerKind.FOSTER_CARER,), 1.5),
)
PARENTAL_RESPONSIBILITY = frozenset({CarerKind.BIRTH_MOTHER, CarerKind.BIRTH_FATHER})
FATHER_LIVES_ELSEWHERE_SHARE = 0.2
FEMALE_SHARE_BY_KIND: Mapping[str, float] = {
    CarerKind.BIRTH_MOTHER: 1.0,
    CarerKind.BIRTH_FATHER: 0.0,
    CarerKind.PARTNER: 0.15,
    CarerKind.GRANDPARENT: 0.75,
    CarerKind.FOSTER_CARER: 0.7,
}
# Carer's age in years when the baby was born or is due: (low, high, most likely).
CARER_AGE_YEARS: Mapping[str, tuple[int, int, int]] = {
    CarerKind.BIRTH_MOTHER: (17, 44, 30),
    CarerKind.BIRTH_FATHER: (18, 50, 32),
    CarerKind.PARTNER: (19, 50, 32),
    CarerKind.GRANDPARENT: (38, 70, 52),
    CarerKind.FOSTER_CARER: (28, 65, 48),
}
CONSENTS_TO_TEXT_SHARE = 0.8
CONSENTS_TO_EMAIL_SHARE = 0.4

# --- Referrals -----------------------------------------------------------------------------

REFERRAL_WINDOW_DAYS = 365
# Some families were referred before: an earlier referral at least this many days before.
SECOND_REFERRAL_SHARE = 0.12
EARLIER_REFERRAL_GAP_DAYS = 60
EARLIEST_REFERRAL_WEEKS_PREGNANT = 12
# Of babies already born, the share whose referral came in pregnancy.
BORN_BABY_REFERRED_IN_PREGNANCY_SHARE = 0.15

REFERRER_ROLE_WEIGHTS: Weights[str] = (
    (ReferrerRole.HEALTH_VISITOR, 34),
    (ReferrerRole.MIDWIFE, 16),
    (ReferrerRole.PERINATAL_MENTAL_HEALTH, 14),
    (ReferrerRole.SOCIAL_WORKER, 10),
    (ReferrerRole.GP, 8),
    (ReferrerRole.FAMILY_NURSE, 6),
    (ReferrerRole.CHILDRENS_CENTRE, 5),
    (ReferrerRole.SELF, 4),
    (ReferrerRole.ADULT_MENTAL_HEALTH, 2),
    (ReferrerRole.OTHER, 1),
)
# In pregnancy most referrals come from maternity and perinatal mental health services.
PREGNANCY_REFERRER_ROLE_WEIGHTS: Weights[str] = (
    (ReferrerRole.MIDWIFE, 45),
    (ReferrerRole.PERINATAL_MENTAL_HEALTH, 25),
    (ReferrerRole.SOCIAL_WORKER, 10),
    (ReferrerRole.GP, 8),
    (ReferrerRole.FAMILY_NURSE, 7),
    (ReferrerRole.SELF, 5),
)
REFERRER_ORGANISATIONS: Mapping[str, str] = {
    ReferrerRole.HEALTH_VISITOR: "{place} Health Visiting Team",
    ReferrerRole.MIDWIFE: "{place} Community Midwives",
    ReferrerRole.PERINATAL_MENTAL_HEALTH: "{place} Perinatal Mental Health Service",
    ReferrerRole.SOCIAL_WORKER: "{place} Children's Social Care",
    ReferrerRole.GP: "{place} Medical Practice",
    ReferrerRole.FAMILY_NURSE: "{place} Family Nurse Partnership",
    ReferrerRole.CHILDRENS_CENTRE: "{place} Family Hub",
    ReferrerRole.ADULT_MENTAL_HEALTH: "{place} Community Mental Health Team",
    ReferrerRole.OTHER: "{place} Voluntary Sector Partnership",
}
# Referrals from referrer accounts arrive online; staff type in the rest.
ONLINE_SHARE = 0.5
STAFF_CHANNEL_WEIGHTS: Weights[str] = (
    (Channel.PHONE, 45),
    (Channel.EMAIL, 45),
    (Channel.LETTER, 10),
)

REASON_WEIGHTS: Weights[str] = (
    (Reason.PARENT_MENTAL_HEALTH, 45),
    (Reason.INTERACTION_CONCERN, 25),
    (Reason.PARENT_OWN_CHILDHOOD, 12),
    (Reason.LIFE_CIRCUMSTANCES, 10),
    (Reason.BIRTH_OR_HEALTH, 8),
    (Reason.SUBSTANCE_USE, 5),
    (Reason.OTHER, 3),
)
REASON_COUNT_WEIGHTS: Weights[int] = ((1, 50), (2, 35), (3, 15))
# A reason given makes the matching stressor present.
REASON_STRESSOR: Mapping[str, str] = {
    Reason.PARENT_MENTAL_HEALTH: StressorDomain.PARENT_MENTAL_HEALTH,
    Reason.SUBSTANCE_USE: StressorDomain.SUBSTANCE_USE,
    Reason.PARENT_OWN_CHILDHOOD: StressorDomain.OWN_CHILDHOOD_ADVERSITY,
    Reason.BIRTH_OR_HEALTH: StressorDomain.BABY_HEALTH,
}
# Short neutral sentences, written for synthetic data; no real referral is quoted.
NARRATIVES: Mapping[str, str] = {
    Reason.PARENT_MENTAL_HEALTH: "Parent describes low mood and anxiety and would like support "
    "with getting to know the baby.",
    Reason.INTERACTION_CONCERN: "Referrer has noticed the parent finds it hard to respond to "
    "the baby's cues and the family would welcome help.",
    Reason.PARENT_OWN_CHILDHOOD: "Parent had a difficult childhood and worries about repeating "
    "it; they asked for support.",
    Reason.LIFE_CIRCUMSTANCES: "The family is under a lot of pressure at the moment and the "
    "parent feels disconnected from the baby.",
    Reason.BIRTH_OR_HEALTH: "The baby had a difficult start and the parents are finding it "
    "hard to feel close to them.",
    Reason.SUBSTANCE_USE: "Parent is in recovery and engaged with services; the family would "
    "like help with the relationship with the baby.",
    Reason.OTHER: "The family asked for help and agreed to this referral.",
}
SAFEGUARDING_REASON = (
    "Synthetic: the family did not agree, and the social worker asked for the referral "
    "as part of the child protection plan."
)
FAMILY_DISAGREES_SHARE = 0.03

# Chance each stressor is present at referral. When not present it is absent, or not known
# for UNKNOWN_SHARE of answers.
STRESSOR_PRESENT: Mapping[str, float] = {
    StressorDomain.PARENT_MENTAL_HEALTH: 0.6,
    StressorDomain.SUBSTANCE_USE: 0.12,
    StressorDomain.DOMESTIC_ABUSE: 0.2,
    StressorDomain.OWN_CHILDHOOD_ADVERSITY: 0.4,
    StressorDomain.HOUSING: 0.25,
    StressorDomain.MONEY: 0.35,
    StressorDomain.ISOLATION: 0.4,
    StressorDomain.BEREAVEMENT: 0.1,
    StressorDomain.BABY_HEALTH: 0.15,
    StressorDomain.DISABILITY: 0.1,
    StressorDomain.IMMIGRATION: 0.05,
    StressorDomain.RELATIONSHIP_CONFLICT: 0.2,
}
UNKNOWN_SHARE = 0.25

URGENCY_WEIGHTS: Weights[str] = ((Urgency.ROUTINE, 80), (Urgency.SOON, 15), (Urgency.URGENT, 5))
SOCIAL_CARE_WEIGHTS: Weights[str] = (
    (SocialCare.NONE, 72),
    (SocialCare.EARLY_HELP, 13),
    (SocialCare.CHILD_IN_NEED, 8),
    (SocialCare.CHILD_PROTECTION, 6),
    (SocialCare.LOOKED_AFTER, 1),
)

# --- Triage and waiting --------------------------------------------------------------------

TRIAGE_AFTER_DAYS = (2, 35)  # received -> triaged, at the team's referral meeting
TRIAGE_OUTCOME_WEIGHTS: Weights[str] = (
    (Decision.ACCEPT, 68),
    (Decision.DECLINE, 14),
    (Decision.CONSULTATION, 14),
    (Decision.MORE_INFORMATION, 4),
)
# An older, earlier referral of the same family was not taken on.
EARLIER_REFERRAL_OUTCOMES: Weights[str] = ((Decision.DECLINE, 50), (Decision.CONSULTATION, 50))
PRIORITY_WEIGHTS: Weights[int] = (
    (Priority.HIGH, 15),
    (Priority.MEDIUM, 35),
    (Priority.STANDARD, 50),
)
# Days on the waiting list before allocation: (low, high, most likely), shortened for
# higher priorities.
WAIT_DAYS = (14, 240, 70)
WAIT_FACTOR_BY_PRIORITY: Mapping[int, float] = {
    Priority.HIGH: 0.4,
    Priority.MEDIUM: 0.75,
    Priority.STANDARD: 1.0,
}
DECISION_TEXT: Mapping[str, dict[str, str]] = {
    Decision.ACCEPT: {"reasons": "Meets the team's criteria; added to the waiting list."},
    Decision.DECLINE: {
        "reasons": "The family's needs are better met by another service at the moment.",
        "signposting": "Signposted to the local Family Hub and the health visiting team.",
    },
    Decision.CONSULTATION: {
        "reasons": "A consultation with the referrer should help them support the family.",
    },
    Decision.MORE_INFORMATION: {
        "information_requested": "Please tell us more about who cares for the baby day to day.",
    },
}
