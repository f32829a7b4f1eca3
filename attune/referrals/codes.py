"""Structured lists for referrals. Wording is Attune's own; sources are named per list."""

from django.db import models


class ReferrerRole(models.TextChoices):
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    MIDWIFE = "midwife", "Midwife"
    CHILDRENS_CENTRE = "childrens_centre", "Children's Centre worker"
    FAMILY_NURSE = "family_nurse", "Family nurse"
    SOCIAL_WORKER = "social_worker", "Social worker"
    GP = "gp", "GP"
    PERINATAL_MENTAL_HEALTH = "perinatal_mh", "Perinatal mental health team"
    ADULT_MENTAL_HEALTH = "adult_mh", "Adult mental health team"
    SELF = "self", "The family themselves"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    ONLINE = "online", "Online referral form"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


# Reasons for referral (DOMAIN.md section 1: referral is by risk, not diagnosis).
class Reason(models.TextChoices):
    PARENT_MENTAL_HEALTH = "parent_mental_health", "A parent's mental health"
    SUBSTANCE_USE = "substance_use", "Drug or alcohol use"
    PARENT_OWN_CHILDHOOD = "own_childhood", "A parent's own difficult childhood"
    LIFE_CIRCUMSTANCES = "circumstances", "Very hard life circumstances"
    INTERACTION_CONCERN = "interaction", "Concern about how parent and baby are together"
    BIRTH_OR_HEALTH = "birth_or_health", "A difficult birth, prematurity or the baby's health"
    OTHER = "other", "Something else"


# Stressor domains (DOMAIN.md section 2). The count gives context, never a diagnosis.
class StressorDomain(models.TextChoices):
    PARENT_MENTAL_HEALTH = "parent_mental_health", "Parental mental health"
    SUBSTANCE_USE = "substance_use", "Drug or alcohol use"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    OWN_CHILDHOOD_ADVERSITY = "own_childhood", "Parent's own childhood adversity"
    HOUSING = "housing", "Housing"
    MONEY = "money", "Money worries"
    ISOLATION = "isolation", "Isolation, little support"
    BEREAVEMENT = "bereavement", "Bereavement or loss"
    BABY_HEALTH = "baby_health", "Baby's health, prematurity or neonatal care"
    DISABILITY = "disability", "Disability (parent or baby)"
    IMMIGRATION = "immigration", "Immigration status"
    RELATIONSHIP_CONFLICT = "relationship_conflict", "Conflict between the parents"


class StressorStatus(models.TextChoices):
    PRESENT = "present", "Present"
    ABSENT = "absent", "Not present"
    UNKNOWN = "unknown", "Not known"


class SocialCare(models.TextChoices):
    NONE = "none", "None"
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION = "child_protection", "Child protection plan"
    LOOKED_AFTER = "looked_after", "Looked after child"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Soon (within a few weeks)"
    URGENT = "urgent", "Urgent"


class Status(models.TextChoices):
    RECEIVED = "received", "Received, waiting for triage"
    MORE_INFORMATION = "more_information", "Paused: more information asked for"
    WAITING = "waiting", "Accepted: on the waiting list"
    ALLOCATED = "allocated", "Accepted: allocated to a practitioner"
    DECLINED = "declined", "Not taken on, with signposting"
    CONSULTATION = "consultation", "Consultation offered to the referrer"


class Decision(models.TextChoices):
    ACCEPT = "accept", "Accept onto the waiting list"
    DECLINE = "decline", "Decline, with signposting"
    CONSULTATION = "consultation", "Offer the referrer a consultation instead"
    MORE_INFORMATION = "more_information", "Ask for more information"


class Priority(models.IntegerChoices):
    HIGH = 1, "High"
    MEDIUM = 2, "Medium"
    STANDARD = 3, "Standard"


DECISION_STATUS = {
    Decision.ACCEPT: Status.WAITING,
    Decision.DECLINE: Status.DECLINED,
    Decision.CONSULTATION: Status.CONSULTATION,
    Decision.MORE_INFORMATION: Status.MORE_INFORMATION,
}
TRIAGEABLE = frozenset({Status.RECEIVED, Status.MORE_INFORMATION})
