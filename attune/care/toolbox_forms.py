"""Forms for the toolbox pages: offer a directory entry, observed facts, choose, fidelity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from attune.catalogue.models import Intervention
from attune.families.forms import PlainTextMixin, date_field

OBSERVED_LABELS = {
    "dyad_observed_at_risk": "You have observed the parent and baby together to be at risk",
    "parent_history_blocks_progress": "The parent's own history is getting in the way of the work",
    "parental_trauma": "The parent has lived through trauma (including a traumatic birth)",
    "maltreatment_concern": "There is a concern about maltreatment",
    "parent_learning_difficulty": "The parent has a learning difficulty",
    "psychotic_illness": "The parent has a psychotic illness",
}


class OfferEntryForm(forms.Form):
    entry = forms.ChoiceField(
        label="From the evidence directory",
        error_messages={"required": "Choose an intervention", "invalid_choice": "Choose one"},
    )

    def __init__(self, data: Any, *, entries: Sequence[Intervention]) -> None:
        super().__init__(data)
        self.entries = {e.slug: e for e in entries}
        self.fields["entry"].choices = [  # type: ignore[attr-defined]
            ("", "Choose"),
            *[(slug, e.name) for slug, e in self.entries.items()],
        ]

    def chosen(self) -> Intervention:
        return self.entries[self.cleaned_data["entry"]]


class ObservedForm(forms.Form):
    """What the practitioner has seen that the record does not say (all optional)."""

    observed = forms.MultipleChoiceField(
        label="What you have observed",
        required=False,
        choices=list(OBSERVED_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Ages, carers, stressors, reasons and social care come from the record.",
    )


class ChooseForm(forms.Form):
    chosen = forms.MultipleChoiceField(
        label="Add to the care package",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one intervention",
            "invalid_choice": "Choose from the interventions suggested for this family",
        },
    )

    def __init__(self, data: Any, *, offered: Sequence[tuple[str, str]]) -> None:
        super().__init__(data)
        self.fields["chosen"].choices = list(offered)  # type: ignore[attr-defined]


class FidelityForm(PlainTextMixin, forms.Form):
    reviewed_on = date_field("Date of the review", required=True)
    components_met = forms.MultipleChoiceField(
        label="Core components delivered",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sessions_delivered = forms.IntegerField(
        label="Sessions delivered so far",
        required=False,
        min_value=0,
        max_value=500,
        error_messages={
            "min_value": "Enter 0 or more",
            "max_value": "Enter at most 500",
            "invalid": "Enter a whole number",
        },
    )
    supervision_received = forms.BooleanField(
        label="Supervision was received as the checklist asks", required=False
    )
    note = forms.CharField(
        label="Notes (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=3000,
        error_messages={"max_length": "Keep notes under 3,000 characters"},
    )

    def __init__(self, data: Any, *, components: Sequence[str], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["components_met"].choices = [(c, c) for c in components]  # type: ignore[attr-defined]
