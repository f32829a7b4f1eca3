"""Lists used by outcome measures: timepoints, modes, who answered and about whom."""

from django.db import models


class Timepoint(models.TextChoices):
    BASELINE = "baseline", "Baseline (assessment)"
    REVIEW = "review", "Review"
    END = "end", "End of therapy"
    FOLLOW_UP = "follow_up", "Follow-up"


class Mode(models.TextChoices):
    PAPER = "paper", "Paper form, entered here"
    IN_SESSION = "in_session", "Completed in a session"
    ONLINE = "online", "Online, on the parent's own device"


class RespondentKind(models.TextChoices):
    CARER = "carer", "A carer (parent self-report or about the baby)"
    PRACTITIONER = "practitioner", "The practitioner or a trained observer"


class SubjectKind(models.TextChoices):
    CARER = "carer", "A carer"
    BABY = "baby", "A baby"
    RELATIONSHIP = "relationship", "A carer and baby together"


class LinkKind(models.TextChoices):
    MEASURE = "measure", "A questionnaire"
    EXPERIENCE = "experience", "Friends and Family Test and experience of the service"


class SendBy(models.TextChoices):
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"


class DueWhen(models.TextChoices):
    """The point in an episode when a scheduled measure falls due."""

    ASSESSMENT = "assessment", "When assessment starts"
    MIDDLE = "middle", "When the middle phase starts"
    ENDING = "ending", "When the ending phase starts"
    FOLLOW_UP = "follow_up", "On the follow-up date after closing"


# Which timepoint each due point records.
TIMEPOINT_FOR_DUE = {
    DueWhen.ASSESSMENT: Timepoint.BASELINE,
    DueWhen.MIDDLE: Timepoint.REVIEW,
    DueWhen.ENDING: Timepoint.END,
    DueWhen.FOLLOW_UP: Timepoint.FOLLOW_UP,
}


class FriendsAndFamily(models.TextChoices):
    """The NHS Friends and Family Test answer scale (NHS England FFT guidance, 2020)."""

    VERY_GOOD = "very_good", "Very good"
    GOOD = "good", "Good"
    NEITHER = "neither", "Neither good nor poor"
    POOR = "poor", "Poor"
    VERY_POOR = "very_poor", "Very poor"
    DONT_KNOW = "dont_know", "Don't know"


# FFT results are reported as the share of "very good" and "good" answers.
FFT_POSITIVE = frozenset({FriendsAndFamily.VERY_GOOD, FriendsAndFamily.GOOD})


class FeedbackStage(models.TextChoices):
    AFTER_TRIAGE = "after_triage", "After the referral was triaged"
    AFTER_ENDING = "after_ending", "After the family's work ended"
