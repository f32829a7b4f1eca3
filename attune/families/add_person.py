"""Adding someone to a family from the family page: a new record or one the team knows."""

from __future__ import annotations

from typing import Any

from django import forms

from attune.families.codes import CarerKind, MemberRole
from attune.families.person_form import PersonForm


class AddPersonForm(PersonForm):
    role = forms.ChoiceField(
        label="Who are they in this family?",
        choices=MemberRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose baby, brother or sister, or carer"},
    )
    carer_kind = forms.ChoiceField(
        label="If a carer: their relationship to the baby",
        choices=[("", "Choose"), *CarerKind.choices],
        required=False,
    )
    has_parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False
    )
    lives_with_baby = forms.BooleanField(label="Lives with the baby", required=False, initial=True)

    field_order = ["role", "carer_kind", "has_parental_responsibility", "lives_with_baby"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("role") == MemberRole.CARER and not cleaned.get("carer_kind"):
            self.add_error("carer_kind", "Choose how this carer is related to the baby")
        if cleaned.get("role") == MemberRole.BABY and not (
            cleaned.get("date_of_birth") or cleaned.get("due_date")
        ):
            self.add_error(
                "date_of_birth", "Enter the baby's date of birth, or the due date if not born yet"
            )
        return cleaned
