"""Checks for the person record's identifiers, with messages for the form beside each field."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from attune.core import nhs_number

# Kept here too for older imports; it lives in attune.core.forms.
from attune.core.forms import validate_plain_text as validate_plain_text

# BS 7666 shape (outward code + inward code), as the NHS Data Dictionary POSTCODE uses.
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")
# NHS pseudo-postcodes: ZZ99 3VZ no fixed abode, ZZ99 3WZ not known, ZZ99 nXZ overseas, ...
_PSEUDO_POSTCODE = re.compile(r"^ZZ99 [0-9][A-Z]Z$")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_postcode(value: str) -> str:
    postcode = normalise_postcode(value)
    if not (_POSTCODE.match(postcode) or _PSEUDO_POSTCODE.match(postcode)):
        raise ValidationError(
            "Enter a UK postcode, like SW1A 1AA. For no fixed abode use ZZ99 3VZ."
        )
    return postcode


def validate_nhs_number(value: str) -> str:
    digits = nhs_number.normalise(value)
    if not digits.isdigit() or len(digits) != 10:
        raise ValidationError("An NHS number is 10 digits, like 943 476 5919")
    if not nhs_number.is_valid(digits):
        raise ValidationError("This is not a valid NHS number: check the digits")
    return digits
