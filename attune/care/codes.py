"""Lists used through an episode of care (DOMAIN.md section 2; NICE NG26 for assessment)."""

from django.db import models


class Stage(models.TextChoices):
    ENGAGEMENT = "engagement", "Engagement"
    ASSESSMENT = "assessment", "Assessment"
    EARLY = "early", "Intervention – early phase"
    MIDDLE = "middle", "Intervention – middle phase"
    ENDING = "ending", "Intervention – ending phase"
    CLOSED = "closed", "Closed"


# The order a family travels; an episode may only move forward (or close early).
STAGE_ORDER = [
    Stage.ENGAGEMENT,
    Stage.ASSESSMENT,
    Stage.EARLY,
    Stage.MIDDLE,
    Stage.ENDING,
    Stage.CLOSED,
]


class EngagementMethod(models.TextChoices):
    TEXT = "text", "Text message"
    PHONE = "phone", "Phone call"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    HOME_VISIT = "home_visit", "Home visit"
    JOINT_VISIT = "joint_visit", "Joint visit with the referrer"


class EngagementOutcome(models.TextChoices):
    NO_ANSWER = "no_answer", "No answer"
    SPOKE = "spoke", "Spoke with the family"
    DECLINED = "declined", "Family declined for now"
    BOOKED = "booked", "Appointment booked"


class AssessmentDomain(models.TextChoices):
    """NICE NG26 (1.3.x): the domains of a comprehensive assessment."""

    ATTACHMENT = "attachment", "The child's attachment pattern and relationships"
    PLACEMENT = "placement", "Placement factors (for looked-after children)"
    DEVELOPMENT = "development", "Developmental status"
    SENSITIVITY = "sensitivity", "Parental sensitivity"
    PARENTAL_FACTORS = (
        "parental_factors",
        "Parental factors (conflict or abuse, drugs or alcohol, mental health, own childhood)",
    )
    MALTREATMENT = "maltreatment", "The child's experience of maltreatment or trauma"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    COEXISTING = "coexisting", "Coexisting mental health and neurodevelopmental conditions"


class DeliveryFormat(models.TextChoices):
    DYAD = "dyad", "Parent and baby together (dyad)"
    TRIAD = "triad", "Both parents and baby (triad)"
    COUPLE = "couple", "The couple, without the baby"
    PARENT_ALONE = "parent_alone", "A parent alone, with the baby in mind"
    GROUP = "group", "Group"
    KEY_WORK = "key_work", "Key work"


class OnwardService(models.TextChoices):
    HOUSING = "housing", "Housing"
    DEBT = "debt", "Debt or money advice"
    SUBSTANCE = "substance", "Drug and alcohol service"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse service"
    PERINATAL_MH = "perinatal_mh", "Perinatal mental health"
    ADULT_MH = "adult_mh", "Adult mental health"
    OTHER = "other", "Other"


class OnwardStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested to the family"
    MADE = "made", "Referral made"
    ACCEPTED = "accepted", "Accepted by the service"
    DECLINED = "declined", "Declined"
    COMPLETED = "completed", "Completed"


class LocationType(models.TextChoices):
    CLINIC = "clinic", "Clinic"
    HOME = "home", "Family home"
    COMMUNITY = "community", "Children's Centre or community venue"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"


class Attendance(models.TextChoices):
    PLANNED = "planned", "Planned"
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "dna", "Did not attend"
    CANCELLED_BY_FAMILY = "cancelled_family", "Cancelled by the family"
    CANCELLED_BY_SERVICE = "cancelled_service", "Cancelled by the service"


class Modality(models.TextChoices):
    PARENT_INFANT_PSYCHOTHERAPY = "pip", "Parent-infant psychotherapy"
    VIDEO_FEEDBACK = "video_feedback", "Video feedback"
    KEY_WORK = "key_work", "Key work"
    ASSESSMENT = "assessment", "Assessment"
    PARENT_THERAPY = "parent_therapy", "Therapy for the parent"
    GROUP = "group", "Group programme"
    OTHER = "other", "Other"


class NoteKind(models.TextChoices):
    SESSION = "session", "Session note"
    CASE = "case", "Case note"


class SafeguardingCategory(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse in the home"
    PARENT_RISK = "parent_risk", "Risk to or from a parent"
    OTHER = "other", "Other"


class EndingKind(models.TextChoices):
    PLANNED = "planned", "Planned ending"
    UNPLANNED = "unplanned", "Unplanned ending"


class VideoUse(models.TextChoices):
    SUPERVISION = "supervision", "Supervision"
    SHARED_REVIEW = "shared_review", "Shared review with the parent (video feedback)"
