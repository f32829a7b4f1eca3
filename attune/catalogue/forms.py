"""Forms for the directory: filters, the entry editor, the Hexagon self-assessment, training."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from attune.accounts.models import User
from attune.catalogue import schema
from attune.catalogue.models import Decision, Intervention
from attune.catalogue.selectors import DirectoryFilter
from attune.core.forms import PlainTextMixin, date_field

EVIDENCE_LEVELS = [
    ("", "Any"),
    ("2", "At least preliminary evidence (EIF 2 or similar)"),
    ("3", "At least one rigorous evaluation (EIF 3 or similar)"),
    ("4", "Long-term impact in several evaluations (EIF 4)"),
]


def _choices(group: str, values: Sequence[str]) -> list[tuple[str, str]]:
    labels = schema.LABELS.get(group, {})
    return [(value, labels.get(value, value.replace("_", " ").capitalize())) for value in values]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    pregnancy = forms.BooleanField(label="In pregnancy", required=False)
    baby_months = forms.IntegerField(
        label="Baby's age in months",
        required=False,
        min_value=0,
        max_value=72,
        error_messages={
            "min_value": "Enter an age from 0 to 72 months",
            "max_value": "Enter an age from 0 to 72 months",
            "invalid": "Enter the age as a whole number of months",
        },
    )
    needs = forms.MultipleChoiceField(
        label="Need",
        required=False,
        choices=_choices("needs", sorted(schema.NEEDS)),
        widget=forms.CheckboxSelectMultiple,
    )
    formats = forms.MultipleChoiceField(
        label="Format",
        required=False,
        choices=_choices("formats", sorted(schema.FORMATS)),
        widget=forms.CheckboxSelectMultiple,
    )
    settings = forms.MultipleChoiceField(
        label="Setting",
        required=False,
        choices=_choices("settings", sorted(schema.SETTINGS)),
        widget=forms.CheckboxSelectMultiple,
    )
    classification = forms.MultipleChoiceField(
        label="Classification",
        required=False,
        choices=_choices("classification", sorted(schema.CLASSIFICATIONS)),
        widget=forms.CheckboxSelectMultiple,
    )
    evidence = forms.ChoiceField(label="Evidence", required=False, choices=EVIDENCE_LEVELS)
    kind = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "Interventions and assessment tools"),
            ("intervention", "Interventions only"),
            ("assessment_tool", "Assessment tools only"),
        ],
    )

    def chosen(self) -> DirectoryFilter:
        if not self.is_valid():
            return DirectoryFilter()
        data = self.cleaned_data
        return DirectoryFilter(
            text=data["q"].strip(),
            pregnancy=data["pregnancy"],
            baby_months=data["baby_months"],
            needs=frozenset(data["needs"]),
            formats=frozenset(data["formats"]),
            settings=frozenset(data["settings"]),
            classifications=frozenset(data["classification"]),
            min_evidence=float(data["evidence"]) if data["evidence"] else None,
            kind=data["kind"],
        )


class EntryEditForm(forms.Form):
    """The whole entry as JSON, checked against the directory's format on saving."""

    entry_json = forms.CharField(
        label="Entry",
        widget=forms.Textarea(attrs={"rows": 30, "class": "attune-code"}),
        help_text="The entry in the directory's format (docs/catalogue-entries.md).",
        error_messages={"required": "The entry cannot be empty"},
    )
    note = forms.CharField(
        label="What changed and why",
        max_length=300,
        error_messages={"required": "Say what changed and why, for the history"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, slug: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slug = slug

    def clean_entry_json(self) -> dict[str, Any]:
        try:
            parsed = json.loads(self.cleaned_data["entry_json"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"This is not valid JSON (line {error.lineno}, column {error.colno})"
            ) from error
        if not isinstance(parsed, dict):
            raise forms.ValidationError("The entry must be one JSON object")
        problems = schema.validate_entry(parsed)
        if problems:
            raise forms.ValidationError(problems)
        if parsed.get("slug") != self.slug:
            raise forms.ValidationError("The slug cannot change: it is the entry's address")
        return parsed


RATING = [(str(n), str(n)) for n in range(1, 6)]
SITE = ("need", "fit", "capacity")
PROGRAMME = ("evidence", "usability", "supports")


class SelfAssessmentForm(PlainTextMixin, forms.Form):
    """Rate the six Hexagon indicators for the team's own setting, with notes and a decision."""

    assessors = forms.MultipleChoiceField(
        label="Who took part",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one person who took part"},
    )
    other_assessors = forms.CharField(
        label="Others who took part (names and roles, optional)", required=False, max_length=300
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Record the team's decision"},
    )
    completed_on = date_field("Date of the discussion", required=True)

    def __init__(
        self,
        data: Any,
        *,
        members: Sequence[User],
        indicator_names: dict[str, str],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.members = {str(m.pk): m for m in members}
        self.fields["assessors"].choices = [  # type: ignore[attr-defined]
            (pk, m.display_name) for pk, m in self.members.items()
        ]
        for code in (*SITE, *PROGRAMME):
            name = indicator_names.get(code, code.capitalize())
            self.fields[code] = forms.ChoiceField(
                label=f"{name}: rating from 1 (low) to 5 (high)",
                choices=RATING,
                widget=forms.RadioSelect,
                error_messages={"required": f"Rate {name.lower()} from 1 to 5"},
            )
            self.fields[f"{code}_notes"] = forms.CharField(
                label=f"{name}: notes from the discussion",
                widget=forms.Textarea,
                required=False,
                max_length=3000,
                error_messages={"max_length": "Keep notes under 3,000 characters"},
            )

    def clean_completed_on(self) -> Any:
        value = self.cleaned_data["completed_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future")
        return value

    def ratings(self) -> dict[str, int]:
        return {code: int(self.cleaned_data[code]) for code in (*SITE, *PROGRAMME)}

    def notes(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"{code}_notes", "") for code in (*SITE, *PROGRAMME)}

    def chosen_assessors(self) -> list[User]:
        return [self.members[pk] for pk in self.cleaned_data["assessors"]]


class TrainingForm(PlainTextMixin, forms.Form):
    user = forms.ChoiceField(
        label="Team member", error_messages={"required": "Choose a team member"}
    )
    intervention = forms.ChoiceField(
        label="Intervention from the directory",
        required=False,
        help_text="Or leave this and name the training below.",
    )
    title = forms.CharField(
        label="Other training",
        required=False,
        max_length=200,
        help_text="For example: reliability as a coder for the CARE-Index.",
    )
    level = forms.CharField(
        label="Level",
        max_length=120,
        help_text="For example: accredited practitioner, trained, supervisor, reliable coder.",
        error_messages={"required": "Say what level of training"},
    )
    trained_on = date_field("Date trained")
    expires_on = date_field("Expires on", help_text="Leave blank if it does not expire.")

    def __init__(
        self, data: Any, *, members: Sequence[User], entries: Sequence[Intervention]
    ) -> None:
        super().__init__(data)
        self.members = {str(m.pk): m for m in members}
        self.entries = {str(e.pk): e for e in entries}
        self.fields["user"].choices = [  # type: ignore[attr-defined]
            ("", "Choose"),
            *[(pk, m.display_name) for pk, m in self.members.items()],
        ]
        self.fields["intervention"].choices = [  # type: ignore[attr-defined]
            ("", "None: other training"),
            *[(pk, e.name) for pk, e in self.entries.items()],
        ]

    def chosen_entry(self) -> Intervention | None:
        return self.entries.get(self.cleaned_data.get("intervention") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("intervention") and not (cleaned.get("title") or "").strip():
            self.add_error(
                "title", "Choose an intervention from the directory, or name the training"
            )
        trained, expires = cleaned.get("trained_on"), cleaned.get("expires_on")
        if trained and expires and expires < trained:
            self.add_error("expires_on", "The expiry date must be after the date trained")
        return cleaned
