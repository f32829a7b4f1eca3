"""The referral form: one page for staff and referrers, checked field by field."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone

from attune.families import forms as person_forms
from attune.families.codes import CarerKind
from attune.referrals.codes import (
    Channel,
    Decision,
    Priority,
    Reason,
    ReferrerRole,
    SocialCare,
    StressorDomain,
    StressorStatus,
    Urgency,
)
from attune.referrals.services import CarerEntry, NewPerson, ReferralDraft

MAX_NARRATIVE = 10_000
YES_NO = [("yes", "Yes"), ("no", "No")]
CARER_SLOTS = ("carer1", "carer2")
CARER_KINDS = [("", "Choose"), *CarerKind.choices]


def _carer_fields(prefix: str, required: bool) -> dict[str, forms.Field]:
    label = "First carer" if prefix == "carer1" else "Second carer (if there is one)"
    return {
        f"{prefix}_given_name": person_forms.name_field(f"{label}: first name", required),
        f"{prefix}_family_name": person_forms.name_field(f"{label}: last name", required),
        f"{prefix}_kind": forms.ChoiceField(
            label="Their relationship to the baby",
            choices=CARER_KINDS,
            required=required,
            error_messages={"required": "Choose how this carer is related to the baby"},
        ),
        f"{prefix}_parental_responsibility": forms.BooleanField(
            label="Has parental responsibility", required=False
        ),
        f"{prefix}_date_of_birth": person_forms.date_field("Date of birth"),
        f"{prefix}_nhs_number": forms.CharField(label="NHS number", required=False, max_length=20),
        f"{prefix}_phone": forms.CharField(label="Phone", required=False, max_length=30),
        f"{prefix}_email": forms.EmailField(
            label="Email",
            required=False,
            error_messages={"invalid": "Enter an email address like name@example.com"},
        ),
        f"{prefix}_postcode": forms.CharField(label="Postcode", required=False, max_length=10),
        f"{prefix}_ethnic_category": forms.ChoiceField(
            label="Ethnic group", choices=person_forms.OPTIONAL_ETHNICITY, required=False
        ),
        f"{prefix}_stated_gender": forms.ChoiceField(
            label="Gender", choices=person_forms.OPTIONAL_GENDER, required=False
        ),
        f"{prefix}_first_language": forms.CharField(
            label="First language", required=False, max_length=60
        ),
        f"{prefix}_interpreter_needed": forms.BooleanField(
            label="Needs an interpreter", required=False
        ),
    }


class ReferralForm(person_forms.PlainTextMixin, forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    referrer_name = forms.CharField(
        label="Your name", max_length=150, error_messages={"required": "Enter your name"}
    )
    referrer_role = forms.ChoiceField(
        label="Your role",
        choices=[("", "Choose"), *ReferrerRole.choices],
        error_messages={"required": "Choose your role"},
    )
    referrer_organisation = forms.CharField(
        label="Your organisation", max_length=200, required=False
    )
    referrer_email = forms.EmailField(
        label="Your email (for the acknowledgement)",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    referrer_phone = forms.CharField(label="Your phone", max_length=30, required=False)

    baby_given_name = person_forms.name_field("Baby's first name (or 'Baby' if not yet named)")
    baby_family_name = person_forms.name_field("Baby's last name")
    baby_date_of_birth = person_forms.date_field(
        "Baby's date of birth", help_text="Leave empty if the baby is not born yet"
    )
    baby_due_date = person_forms.date_field("Due date", help_text="For a baby not born yet")
    baby_gestation_weeks = forms.IntegerField(
        label="Weeks of pregnancy at birth (if known)",
        required=False,
        min_value=22,
        max_value=44,
        error_messages={
            "min_value": "Enter a number of weeks from 22 to 44",
            "max_value": "Enter a number of weeks from 22 to 44",
            "invalid": "Enter the number of weeks, like 38",
        },
    )
    baby_nhs_number = forms.CharField(label="Baby's NHS number", required=False, max_length=20)

    reasons = forms.MultipleChoiceField(
        label="What are you worried about?",
        choices=Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one reason for the referral",
            "invalid_choice": "Choose reasons from the list",
        },
    )
    narrative = forms.CharField(
        label="Tell us about the family and what you have noticed",
        widget=forms.Textarea,
        max_length=MAX_NARRATIVE,
        error_messages={
            "required": "Tell us a little about the family and why you are referring",
            "max_length": f"Keep this under {MAX_NARRATIVE:,} characters; you can send more later",
        },
    )
    urgency = forms.ChoiceField(
        label="How soon should the team respond?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        initial=Urgency.ROUTINE,
    )
    social_care = forms.ChoiceField(
        label="Children's social care involvement",
        choices=SocialCare.choices,
        initial=SocialCare.NONE,
    )
    family_agrees = forms.ChoiceField(
        label="Does the family know about this referral and agree to it?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Tell us whether the family agrees to the referral"},
    )
    safeguarding_reason = forms.CharField(
        label="If not: the safeguarding reason for referring without agreement",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff
        self.fields.update(_carer_fields("carer1", required=True))
        self.fields.update(_carer_fields("carer2", required=False))
        for domain in StressorDomain:
            self.fields[f"stressor_{domain.value}"] = forms.ChoiceField(
                label=domain.label,
                choices=StressorStatus.choices,
                widget=forms.RadioSelect,
                initial=StressorStatus.UNKNOWN,
            )
            self.fields[f"stressor_{domain.value}_note"] = forms.CharField(
                label="Note", required=False, max_length=500
            )
        if staff:
            self.fields["channel"] = forms.ChoiceField(
                label="How the referral arrived", choices=Channel.choices, initial=Channel.PHONE
            )
            self.fields["received_on"] = person_forms.date_field("Date received", required=True)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
            self.initial.setdefault("received_on", timezone.localdate())

    # Sections for the template, in page order.
    def stressor_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"stressor_{d.value}"], self[f"stressor_{d.value}_note"]) for d in StressorDomain
        ]

    def carer_fields(self, prefix: str) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(f"{prefix}_")]

    def clean_baby_nhs_number(self) -> str:
        return person_forms.clean_nhs_number(self.cleaned_data["baby_nhs_number"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._check_baby(cleaned)
        for prefix in CARER_SLOTS:
            self._check_carer(prefix, cleaned)
        if (
            cleaned.get("family_agrees") == "no"
            and not cleaned.get("safeguarding_reason", "").strip()
        ):
            self.add_error(
                "family_agrees",
                "Please talk with the family first: the team can only help a family "
                "who is willing. If there is a safeguarding reason to refer without "
                "their agreement, write it below.",
            )
        return cleaned

    def _check_baby(self, cleaned: dict[str, Any]) -> None:
        born, due = cleaned.get("baby_date_of_birth"), cleaned.get("baby_due_date")
        if (
            not born
            and not due
            and "baby_date_of_birth" not in self.errors
            and "baby_due_date" not in self.errors
        ):
            self.add_error(
                "baby_date_of_birth",
                "Enter the baby's date of birth, or the due date if not born yet",
            )
        for name, check in (
            ("baby_date_of_birth", person_forms.check_birth_date),
            ("baby_due_date", person_forms.check_due_date),
        ):
            if cleaned.get(name) and not (name == "baby_due_date" and born):
                try:
                    check(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)

    def _check_carer(self, prefix: str, cleaned: dict[str, Any]) -> None:
        filled = any(
            cleaned.get(f"{prefix}_{part}") for part in ("given_name", "family_name", "kind")
        )
        if prefix == "carer2" and filled:
            for part, message in (
                ("given_name", "Enter the second carer's first name"),
                ("family_name", "Enter the second carer's last name"),
                ("kind", "Choose how the second carer is related to the baby"),
            ):
                if not cleaned.get(f"{prefix}_{part}") and f"{prefix}_{part}" not in self.errors:
                    self.add_error(f"{prefix}_{part}", message)
        for part, cleaner in (
            ("nhs_number", person_forms.clean_nhs_number),
            ("postcode", person_forms.clean_postcode),
        ):
            name = f"{prefix}_{part}"
            if cleaned.get(name):
                try:
                    cleaned[name] = cleaner(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        carer_born, baby_born = (
            cleaned.get(f"{prefix}_date_of_birth"),
            cleaned.get("baby_date_of_birth"),
        )
        if carer_born:
            try:
                person_forms.check_birth_date(carer_born)
            except forms.ValidationError as error:
                self.add_error(f"{prefix}_date_of_birth", error)
            if baby_born and carer_born >= baby_born:
                self.add_error(
                    f"{prefix}_date_of_birth", "A carer's date of birth must be before the baby's"
                )

    def to_draft(self, *, team: Any) -> ReferralDraft:
        data = self.cleaned_data
        baby = NewPerson(
            {
                "given_name": data["baby_given_name"].strip(),
                "family_name": data["baby_family_name"].strip(),
                "date_of_birth": data.get("baby_date_of_birth"),
                "due_date": data.get("baby_due_date"),
                "gestation_weeks_at_birth": data.get("baby_gestation_weeks"),
                "nhs_number": data.get("baby_nhs_number", ""),
            }
        )
        carers = [
            self._carer_entry(prefix) for prefix in CARER_SLOTS if data.get(f"{prefix}_given_name")
        ]
        return ReferralDraft(
            team=team,
            channel=data.get("channel", Channel.ONLINE) if self.staff else Channel.ONLINE,
            received_on=data["received_on"] if self.staff else timezone.localdate(),
            submission_key=data["submission_key"],
            baby=baby,
            carers=carers,
            referral_fields={
                "referrer_name": data["referrer_name"].strip(),
                "referrer_role": data["referrer_role"],
                "referrer_organisation": data["referrer_organisation"].strip(),
                "referrer_email": data["referrer_email"],
                "referrer_phone": data["referrer_phone"].strip(),
                "reasons": list(data["reasons"]),
                "narrative": data["narrative"].strip(),
                "urgency": data["urgency"],
                "social_care": data["social_care"],
                "family_agrees": data["family_agrees"] == "yes",
                "safeguarding_reason": ""
                if data["family_agrees"] == "yes"
                else data["safeguarding_reason"].strip(),
            },
            stressors={
                d.value: (data[f"stressor_{d.value}"], data[f"stressor_{d.value}_note"].strip())
                for d in StressorDomain
            },
        )

    def _carer_entry(self, prefix: str) -> CarerEntry:
        data = self.cleaned_data
        fields = {
            "given_name": data[f"{prefix}_given_name"].strip(),
            "family_name": data[f"{prefix}_family_name"].strip(),
            "date_of_birth": data.get(f"{prefix}_date_of_birth"),
            "nhs_number": data.get(f"{prefix}_nhs_number", ""),
            "phone": data.get(f"{prefix}_phone", "").strip(),
            "email": data.get(f"{prefix}_email", ""),
            "postcode": data.get(f"{prefix}_postcode", ""),
            "ethnic_category": data.get(f"{prefix}_ethnic_category", ""),
            "stated_gender": data.get(f"{prefix}_stated_gender", ""),
            "first_language": data.get(f"{prefix}_first_language", "").strip(),
            "interpreter_needed": bool(data.get(f"{prefix}_interpreter_needed")),
        }
        return CarerEntry(
            person=NewPerson(fields),
            kind=data[f"{prefix}_kind"],
            has_parental_responsibility=bool(data.get(f"{prefix}_parental_responsibility")),
        )


class TriageForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    priority = forms.TypedChoiceField(
        label="Priority on the waiting list",
        choices=[("", "Choose"), *Priority.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    reasons = forms.CharField(
        label="Reasons (shared with the referrer)",
        widget=forms.Textarea,
        required=False,
        max_length=4000,
    )
    signposting = forms.CharField(
        label="Services the family could contact instead",
        widget=forms.Textarea,
        required=False,
        max_length=4000,
    )
    information_requested = forms.CharField(
        label="What more do you need to know?",
        widget=forms.Textarea,
        required=False,
        max_length=4000,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        decision = cleaned.get("decision")
        if decision == Decision.ACCEPT and not cleaned.get("priority"):
            self.add_error("priority", "Choose a priority for the waiting list")
        if decision == Decision.DECLINE:
            if not cleaned.get("reasons", "").strip():
                self.add_error(
                    "reasons", "Give the reasons, so the referrer can explain them to the family"
                )
            if not cleaned.get("signposting", "").strip():
                self.add_error(
                    "signposting", "Name at least one service the family could contact instead"
                )
        if (
            decision == Decision.MORE_INFORMATION
            and not cleaned.get("information_requested", "").strip()
        ):
            self.add_error("information_requested", "Say what more information you need")
        return cleaned


class AllocationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    practitioner = forms.IntegerField(error_messages={"required": "Choose a practitioner"})
