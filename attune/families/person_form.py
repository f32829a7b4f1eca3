"""Editing a person's details, with the same checks as the referral form."""

from __future__ import annotations

from typing import Any

from django import forms

from attune.families import forms as person_forms
from attune.families.codes import GenderIdentity
from attune.families.models import Person
from attune.families.services import PERSON_FIELDS


class PersonForm(person_forms.PlainTextMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    given_name = person_forms.name_field("First name")
    family_name = person_forms.name_field("Last name")
    preferred_name = person_forms.name_field("Preferred name", required=False)
    date_of_birth = person_forms.date_field("Date of birth")
    due_date = person_forms.date_field("Due date (before birth)")
    gestation_weeks_at_birth = forms.IntegerField(
        label="Weeks of pregnancy at birth",
        required=False,
        min_value=22,
        max_value=44,
        error_messages={"min_value": "Enter 22 to 44 weeks", "max_value": "Enter 22 to 44 weeks"},
    )
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=20)
    stated_gender = forms.ChoiceField(
        label="Gender", choices=person_forms.OPTIONAL_GENDER, required=False
    )
    gender_identity = forms.ChoiceField(
        label="Gender identity",
        choices=[("", "Choose (optional)"), *GenderIdentity.choices],
        required=False,
    )
    ethnic_category = forms.ChoiceField(
        label="Ethnic group", choices=person_forms.OPTIONAL_ETHNICITY, required=False
    )
    first_language = forms.CharField(label="First language", required=False, max_length=60)
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    disability = forms.CharField(label="Disability", required=False, max_length=200)
    address = forms.CharField(
        label="Address", required=False, max_length=500, widget=forms.Textarea
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    gp_practice = forms.CharField(label="GP practice", required=False, max_length=200)
    phone = forms.CharField(label="Phone", required=False, max_length=30)
    email = forms.EmailField(label="Email", required=False)
    consents_to_text = forms.BooleanField(label="Happy to be contacted by text", required=False)
    consents_to_email = forms.BooleanField(label="Happy to be contacted by email", required=False)

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {name: getattr(person, name) for name in PERSON_FIELDS}

    def clean_nhs_number(self) -> str:
        return person_forms.clean_nhs_number(self.cleaned_data["nhs_number"])

    def clean_postcode(self) -> str:
        return person_forms.clean_postcode(self.cleaned_data["postcode"])

    def clean_due_date(self) -> Any:
        value = self.cleaned_data["due_date"]
        if value and not self.data.get("date_of_birth"):
            person_forms.check_due_date(value)
        return value

    def clean_date_of_birth(self) -> Any:
        value = self.cleaned_data["date_of_birth"]
        person_forms.check_birth_date(value)
        return value

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data[name] for name in PERSON_FIELDS}
        for name, value in fields.items():
            if isinstance(value, str):
                fields[name] = value.strip()
        return fields
