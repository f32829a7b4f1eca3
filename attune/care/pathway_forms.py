"""Forms for engagement, assessment, the care package, phases and ending: parsing and
field-level checks only, each error written beside its field. Services do the writing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django import forms
from django.utils import timezone

from attune.accounts.models import User
from attune.care.assessment import TEXT_FIELDS, DomainEntry
from attune.care.codes import (
    AssessmentDomain,
    DeliveryFormat,
    EndingKind,
    EngagementMethod,
    EngagementOutcome,
    OnwardService,
    OnwardStatus,
    Stage,
)
from attune.care.ending import WaiveReason
from attune.care.models import Assessment, CarePackageItem, InterventionOption
from attune.care.package import ItemPlan
from attune.families.forms import PlainTextMixin
from attune.families.models import Person

LONG_TEXT = 20_000
NOTE_TEXT = 4_000


def day_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput,
        error_messages={
            "invalid": "Enter a real date, for example 2026-03-27",
            "required": f"Enter the {label[0].lower()}{label[1:]}",
        },
    )


def text_area(
    label: str,
    *,
    max_length: int,
    required: bool = False,
    help_text: str = "",
    required_message: str = "",
) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea,
        error_messages={
            "max_length": f"Keep this under {max_length:,} characters",
            "required": required_message or f"Enter the {label[0].lower()}{label[1:]}",
        },
    )


def radios(label: str, choices: Any, *, required_message: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


def set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    """Choices known only per request (the team's people, options, this episode's items)."""
    cast(forms.ChoiceField, form.fields[name]).choices = choices


def not_after_today(form: forms.Form, name: str, message: str) -> None:
    day = form.cleaned_data.get(name)
    if day is not None and day > timezone.localdate():
        form.add_error(name, message)


# Engagement


class EngagementAttemptForm(PlainTextMixin, forms.Form):
    method = radios(
        "How did you try to reach the family?",
        EngagementMethod.choices,
        required_message="Choose how you tried to reach the family",
    )
    outcome = radios(
        "What happened?", EngagementOutcome.choices, required_message="Choose what happened"
    )
    attempted_on = day_field("Date of the attempt")
    attempted_time = forms.TimeField(
        label="Time",
        help_text="For example, 14:30",
        error_messages={
            "required": "Enter the time of the attempt, for example 14:30",
            "invalid": "Enter a time like 14:30",
        },
    )
    next_step = text_area("Next step", max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("attempted_on", now.date())
            self.initial.setdefault("attempted_time", now.strftime("%H:%M"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, at = cleaned.get("attempted_on"), cleaned.get("attempted_time")
        if day and at:
            moment = timezone.make_aware(datetime.combine(day, at.replace(second=0)))
            if moment > timezone.now():
                self.add_error("attempted_on", "The attempt cannot be in the future")
            cleaned["attempted_at"] = moment
        return cleaned


# Phases


class PhaseForm(forms.Form):
    stage = forms.ChoiceField(
        label="Move the episode to",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the phase to move to",
            "invalid_choice": "Choose one of the phases shown",
        },
    )
    on = day_field("Date the phase began")

    def __init__(self, *args: Any, stages: list[Stage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "stage", [(s.value, s.label) for s in stages])
        if not self.is_bound:
            self.initial.setdefault("on", timezone.localdate())
            if stages:
                self.initial.setdefault("stage", stages[0].value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        not_after_today(self, "on", "The date cannot be in the future")
        return cleaned


# Assessment


QUESTIONNAIRES_HELP = (
    "Name the questionnaires used, for example PHQ-9, GAD-7 or ASQ:SE-2. "
    "Scores will be recorded on their own page once outcome measures are added to Attune."
)


class AssessmentForm(PlainTextMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    from_referrer = text_area("What the referrer told us", max_length=LONG_TEXT)
    conversation = text_area(
        "The conversation with the family",
        max_length=LONG_TEXT,
        help_text="The semi-structured assessment conversation: their story, in their words",
    )
    observation = text_area("Observation of the parent–infant interaction", max_length=LONG_TEXT)
    # Seam for the measures issue: a plain list of names until measures are recorded
    # with their scores; that issue replaces this field with links to the scores.
    questionnaires_used = forms.CharField(
        label="Questionnaires used",
        required=False,
        max_length=500,
        help_text=QUESTIONNAIRES_HELP,
        error_messages={"max_length": "Keep this under 500 characters"},
    )
    formulation = text_area(
        "Formulation",
        max_length=LONG_TEXT,
        help_text="What we understand about the relationship, and what might help",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for domain in AssessmentDomain:
            self.fields[f"domain_{domain.value}_considered"] = forms.BooleanField(
                label=domain.label, required=False
            )
            self.fields[f"domain_{domain.value}_note"] = text_area(
                f"Notes: {domain.label[0].lower()}{domain.label[1:]}", max_length=NOTE_TEXT
            )

    @staticmethod
    def initial_for(
        assessment: Assessment | None, domains: dict[str, DomainEntry], referral_text: str
    ) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": assessment.version if assessment else 0}
        for name in TEXT_FIELDS:
            initial[name] = getattr(assessment, name) if assessment else ""
        if assessment is None:
            # A first assessment starts from what the referrer wrote; the team edits it.
            initial["from_referrer"] = referral_text
        for domain, entry in domains.items():
            initial[f"domain_{domain}_considered"] = entry.considered
            initial[f"domain_{domain}_note"] = entry.note
        return initial

    def domain_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"domain_{d.value}_considered"], self[f"domain_{d.value}_note"])
            for d in AssessmentDomain
        ]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in TEXT_FIELDS]

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in TEXT_FIELDS}

    def domains(self) -> dict[str, DomainEntry]:
        data = self.cleaned_data
        return {
            d.value: DomainEntry(
                bool(data[f"domain_{d.value}_considered"]), data[f"domain_{d.value}_note"]
            )
            for d in AssessmentDomain
        }


class CompleteAssessmentForm(forms.Form):
    completed_on = day_field("Date the assessment was completed")
    start_early_phase = forms.BooleanField(
        label="Start the early phase of intervention on the same day", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("completed_on", timezone.localdate())
            self.initial.setdefault("start_early_phase", True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        not_after_today(self, "completed_on", "The date cannot be in the future")
        return cleaned


class GoalForm(PlainTextMixin, forms.Form):
    wording = text_area(
        "The goal, in the family's own words",
        max_length=1000,
        required=True,
        help_text="Write it as they said it, for example “To enjoy bath time together”",
        required_message="Write the goal in the family's own words",
    )
    person = forms.ChoiceField(label="Whose goal is it? (optional)", required=False)
    agreed_on = day_field("Date agreed")

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        set_choices(
            self,
            "person",
            [
                ("", "The family together"),
                *((pk, p.display_name) for pk, p in self.people.items()),
            ],
        )
        self.fields["person"].error_messages["invalid_choice"] = "Choose someone in this family"
        if not self.is_bound:
            self.initial.setdefault("agreed_on", timezone.localdate())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        not_after_today(self, "agreed_on", "The date cannot be in the future")
        return cleaned

    def chosen_person(self) -> Person | None:
        return self.people.get(self.cleaned_data.get("person") or "")


# Care package


class InterventionOptionForm(PlainTextMixin, forms.Form):
    name = forms.CharField(
        label="Name of the intervention",
        max_length=200,
        error_messages={
            "required": "Enter the name of the intervention",
            "max_length": "Keep this under 200 characters",
        },
    )


class OptionActiveForm(forms.Form):
    is_active = forms.TypedChoiceField(
        choices=[("yes", "Offer"), ("no", "Stop offering")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "Choose whether to offer it", "invalid_choice": "Try again"},
    )


class PackageItemForm(PlainTextMixin, forms.Form):
    intervention = forms.ChoiceField(
        label="Intervention",
        error_messages={
            "required": "Choose an intervention",
            "invalid_choice": "Choose an intervention from the team's list",
        },
    )
    delivery_format = radios(
        "Who takes part", DeliveryFormat.choices, required_message="Choose who takes part"
    )
    frequency = forms.CharField(
        label="How often",
        required=False,
        max_length=100,
        help_text="For example, weekly or fortnightly",
        error_messages={"max_length": "Keep this under 100 characters"},
    )
    planned_sessions = forms.IntegerField(
        label="Number of sessions planned",
        required=False,
        min_value=1,
        max_value=200,
        error_messages={
            "invalid": "Enter a whole number of sessions, like 12",
            "min_value": "Enter at least 1 session",
            "max_value": "Enter at most 200 sessions",
        },
    )
    practitioners = forms.MultipleChoiceField(
        label="Who will deliver it",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose practitioners, supervisors or managers of this team"
        },
    )
    starts_on = day_field("Start date", required=False)
    review_on = day_field("Review date", required=False)

    def __init__(
        self,
        *args: Any,
        options: list[InterventionOption],
        members: list[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.options = {str(o.pk): o for o in options}
        self.members = {str(u.pk): u for u in members}
        set_choices(
            self,
            "intervention",
            [
                ("", "Choose"),
                *((pk, o.name) for pk, o in self.options.items()),
            ],
        )
        set_choices(self, "practitioners", [(pk, u.display_name) for pk, u in self.members.items()])

    @staticmethod
    def initial_for(item: CarePackageItem) -> dict[str, Any]:
        return {
            "intervention": str(item.intervention_id),
            "delivery_format": item.delivery_format,
            "frequency": item.frequency,
            "planned_sessions": item.planned_sessions,
            "practitioners": [str(u.pk) for u in item.practitioners.all()],
            "starts_on": item.starts_on,
            "review_on": item.review_on,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, review = cleaned.get("starts_on"), cleaned.get("review_on")
        if starts and review and review < starts:
            self.add_error("review_on", "The review date must be on or after the start date")
        return cleaned

    def plan(self) -> ItemPlan:
        data = self.cleaned_data
        return ItemPlan(
            intervention=self.options[data["intervention"]],
            delivery_format=data["delivery_format"],
            frequency=data["frequency"],
            planned_sessions=data["planned_sessions"],
            practitioners=[self.members[pk] for pk in data["practitioners"]],
            starts_on=data["starts_on"],
            review_on=data["review_on"],
        )


class ReviewForm(PlainTextMixin, forms.Form):
    reviewed_on = day_field("Date of the review")
    summary = text_area("What the review found", max_length=NOTE_TEXT)
    items = forms.MultipleChoiceField(
        label="Items reviewed",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each item ticked takes the next review date below",
        error_messages={"invalid_choice": "Choose items of this family's care package"},
    )
    next_review_on = day_field(
        "Next review",
        required=False,
        help_text="Leave empty if no further review is planned",
    )

    def __init__(self, *args: Any, items: list[CarePackageItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.package = {str(i.pk): i for i in items}
        set_choices(
            self,
            "items",
            [
                (pk, f"{i.intervention.name} ({i.get_delivery_format_display()})")
                for pk, i in self.package.items()
            ],
        )
        if not self.is_bound:
            self.initial.setdefault("reviewed_on", timezone.localdate())
            self.initial.setdefault("items", list(self.package))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        not_after_today(self, "reviewed_on", "The review date cannot be in the future")
        reviewed, following = cleaned.get("reviewed_on"), cleaned.get("next_review_on")
        if reviewed and following and following <= reviewed:
            self.add_error("next_review_on", "The next review must be after this review")
        return cleaned

    def chosen_items(self) -> list[CarePackageItem]:
        return [self.package[pk] for pk in self.cleaned_data["items"]]


class OnwardReferralForm(PlainTextMixin, forms.Form):
    service = forms.ChoiceField(
        label="Kind of service",
        choices=[("", "Choose"), *OnwardService.choices],
        error_messages={
            "required": "Choose the kind of service",
            "invalid_choice": "Choose the kind of service",
        },
    )
    organisation = forms.CharField(
        label="Organisation (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "Keep this under 200 characters"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=OnwardStatus.choices,
        error_messages={"required": "Choose the status", "invalid_choice": "Choose the status"},
    )
    status_on = day_field("Date of this status")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("status_on", timezone.localdate())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        not_after_today(self, "status_on", "The date cannot be in the future")
        return cleaned


class OnwardStatusForm(OnwardReferralForm):
    """Only the status and its date change once an onward referral exists."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["service"]
        del self.fields["organisation"]


# Ending


class ClosingForm(PlainTextMixin, forms.Form):
    kind = radios(
        "How did the work end?",
        EndingKind.choices,
        required_message="Choose whether the ending was planned",
    )
    reason = text_area(
        "Reason for ending",
        max_length=500,
        required=True,
        help_text="A short reason, for example “Goals met” or “Family moved out of the area”",
        required_message="Give a short reason for the ending",
    )
    closed_on = day_field("Closing date")
    follow_up_on = day_field(
        "Follow-up date",
        required=False,
        help_text="When to ask how the family is doing (medium-term outcomes)",
    )

    def __init__(self, *args: Any, follow_up_default: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("closed_on", timezone.localdate())
            self.initial.setdefault("follow_up_on", follow_up_default)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        not_after_today(self, "closed_on", "The closing date cannot be in the future")
        closed, follow = cleaned.get("closed_on"), cleaned.get("follow_up_on")
        if closed and follow and follow <= closed:
            self.add_error("follow_up_on", "The follow-up date must be after the closing date")
        return cleaned


class WaiveMeasuresForm(forms.Form):
    # Shown on the same page as the closing form, which has its own "reason".
    prefix = "waive"
    reason = radios(
        "Why will the measures not be collected?",
        WaiveReason.choices,
        required_message="Choose why the measures will not be collected",
    )


class FollowUpForm(forms.Form):
    follow_up_on = day_field(
        "Follow-up date", required=False, help_text="Leave empty if no follow-up is planned"
    )
