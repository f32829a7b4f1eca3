"""Forms for a team's local figures: the ethnicity baseline and the deprivation table."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from attune.families.codes import EthnicCategory
from attune.reporting.reach import KNOWN_CATEGORIES
from attune.reporting.reach_services import (
    BaselineEntry,
    UploadRefused,
    check_baseline_rows,
    read_baseline_csv,
)

BASELINE_MAX_BYTES = 1024 * 1024
DEPRIVATION_MAX_BYTES = 5 * 1024 * 1024
# The categories offered one by one on the form; "" is "not stated" in the local figures.
FORM_CATEGORIES = (*KNOWN_CATEGORIES, "")


def megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def count_field_name(category: str) -> str:
    return f"count_{category or 'not_stated'}"


def _category_label(category: str) -> str:
    if not category:
        return "Not stated in the local figures"
    return str(EthnicCategory(category).label)


class _SourceFields(forms.Form):
    source = forms.CharField(
        label="Where the figures come from",
        help_text="For example “ONS births by ethnic group of the mother, Leeds”.",
        max_length=300,
        error_messages={
            "required": "Say where the figures come from",
            "max_length": "Keep the source to 300 characters or fewer",
        },
    )
    year = forms.IntegerField(
        label="Year of the figures (optional)",
        required=False,
        min_value=1990,
        error_messages={
            "invalid": "Enter the year as 4 digits, like 2024",
            "min_value": "Enter a year from 1990 onwards",
        },
    )

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError("The year cannot be in the future")
        return year


class BaselineForm(_SourceFields):
    """The local figures typed in, one count per ethnic category."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in FORM_CATEGORIES:
            self.fields[count_field_name(category)] = forms.IntegerField(
                label=_category_label(category),
                required=False,
                min_value=0,
                error_messages={
                    "invalid": "Enter a whole number, 0 or more",
                    "min_value": "Enter a whole number, 0 or more",
                },
            )

    def count_fields(self) -> list[forms.BoundField]:
        return [self[count_field_name(category)] for category in FORM_CATEGORIES]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(count_field_name(c)) is not None for c in FORM_CATEGORIES):
            raise forms.ValidationError("Enter the count for at least one group")
        return cleaned

    def entries(self) -> list[BaselineEntry]:
        return [
            BaselineEntry(category, self.cleaned_data[count_field_name(category)])
            for category in FORM_CATEGORIES
            if self.cleaned_data.get(count_field_name(category)) is not None
        ]


def _check_size(upload: UploadedFile, limit: int, advice: str) -> None:
    if (upload.size or 0) > limit:
        raise forms.ValidationError(f"The file is larger than {megabytes(limit)}. {advice}")


def _csv_name(upload: UploadedFile) -> None:
    if not (upload.name or "").lower().endswith((".csv", ".txt")):
        raise forms.ValidationError("Choose a CSV file (its name ends in .csv)")


def text_of(upload: UploadedFile) -> io.TextIOWrapper:
    """The upload as text, read as it is needed (UTF-8, with or without Excel's mark)."""
    upload.seek(0)
    return io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]


_FILE_ERRORS = {
    "required": "Choose a CSV file to upload",
    "empty": "The chosen file is empty",
    "invalid": "Choose a CSV file to upload",
    "max_length": "The file name is too long. Rename the file and try again.",
}


class BaselineUploadForm(_SourceFields):
    """The local figures as a CSV file with the columns ethnic_category,count."""

    file = forms.FileField(
        label="CSV file",
        help_text="Two columns headed ethnic_category and count. Use the NHS code (A to S, "
        "Z or 99) or the category's name.",
        max_length=255,
        allow_empty_file=False,
        error_messages=_FILE_ERRORS,
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        _csv_name(upload)
        _check_size(upload, BASELINE_MAX_BYTES, "A baseline has one row per ethnic category.")
        try:
            self.parsed = check_baseline_rows(read_baseline_csv(text_of(upload)))
        except UploadRefused as refused:
            raise forms.ValidationError(refused.messages) from refused
        return upload

    def entries(self) -> list[BaselineEntry]:
        return self.parsed


class DeprivationUploadForm(forms.Form):
    """A CSV file of postcodes and their deprivation decile (1 most deprived, 10 least)."""

    file = forms.FileField(
        label="CSV file",
        help_text="Two columns headed postcode and decile. Other columns are ignored.",
        max_length=255,
        allow_empty_file=False,
        error_messages=_FILE_ERRORS,
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        _csv_name(upload)
        _check_size(
            upload,
            DEPRIVATION_MAX_BYTES,
            "Upload only your area's postcodes, or ask your system administrator to load a "
            "larger file with the import_deprivation command.",
        )
        return upload
