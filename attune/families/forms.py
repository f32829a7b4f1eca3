"""Person fields shared by the family pages and the referral form, with their checks."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

# Shared by every app's forms; imported here for the forms below and older imports.
from attune.core.forms import PlainTextMixin as PlainTextMixin
from attune.core.forms import date_field as date_field
from attune.families import validators
from attune.families.codes import EthnicCategory, StatedGender

MAX_NAME = 100
# A due date more than this far in the past belongs to a baby who has been born.
DUE_DATE_PAST_LIMIT = timedelta(weeks=6)
DUE_DATE_FUTURE_LIMIT = timedelta(weeks=44)


def name_field(label: str, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_NAME,
        required=required,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "max_length": "Keep this under 100 characters",
        },
    )


def clean_nhs_number(value: str) -> str:
    return validators.validate_nhs_number(value) if value else ""


def clean_postcode(value: str) -> str:
    return validators.validate_postcode(value) if value else ""


def check_birth_date(value: date | None, today: date | None = None) -> None:
    if value and value > (today or timezone.localdate()):
        raise ValidationError("The date of birth cannot be in the future")


def check_due_date(value: date | None, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if value and value < today - DUE_DATE_PAST_LIMIT:
        raise ValidationError(
            "This due date is more than 6 weeks ago: "
            "if the baby has been born, enter the date of birth"
        )
    if value and value > today + DUE_DATE_FUTURE_LIMIT:
        raise ValidationError("A due date is at most 44 weeks away")


OPTIONAL_ETHNICITY = [("", "Choose (optional)"), *EthnicCategory.choices]
OPTIONAL_GENDER = [("", "Choose (optional)"), *StatedGender.choices]
