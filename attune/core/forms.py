"""Form pieces every app uses: plain-text checking and date fields with clear messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def validate_plain_text(value: str) -> None:
    """Refuse control characters (NUL and friends) that have no place in a name or note."""
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
        raise ValidationError("Remove the hidden control characters from this text")


class PlainTextMixin:
    """Refuse control characters in every text field of the form."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                try:
                    validate_plain_text(value)
                except ValidationError as error:
                    self.add_error(name, error)  # type: ignore[attr-defined]
        return cleaned


def date_field(label: str, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "invalid": "Enter a real date, for example 2026-03-27",
            "required": f"Enter the {label.lower()}",
        },
    )
