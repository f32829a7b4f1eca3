"""Forms for the theory of change: they parse and check; theory_services saves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from attune.core.forms import PlainTextMixin
from attune.reporting.models import Horizon
from attune.reporting.theory import ACTIVITY_COUNTS
from attune.reporting.theory_services import TEXT_LIMIT, WORDING_LIMIT


def _text(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
        error_messages={
            "required": "Write something here, even a sentence to start from",
            "max_length": f"Keep this to {TEXT_LIMIT:,} characters or fewer",
            "null_characters_not_allowed": "Remove the hidden control characters from this text",
        },
    )


class TheoryForm(PlainTextMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    problem = _text("The problem", "What the team is here to help with, in plain words.")
    how_it_develops = _text(
        "How it develops", "How these difficulties come about, and what keeps them going."
    )
    how_change_happens = _text(
        "How change happens", "What helps families, and why the team's work makes a difference."
    )
    activities = _text("What the team does", "The work that brings the change about.")

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


class OutcomeForm(PlainTextMixin, forms.Form):
    horizon = forms.ChoiceField(
        label="When the change is expected",
        choices=Horizon.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose when this outcome is expected",
            "invalid_choice": "Choose when this outcome is expected",
        },
    )
    wording = forms.CharField(
        label="The outcome",
        max_length=WORDING_LIMIT,
        help_text="Say what will be different for families, for example "
        "“Parents feel more confident in looking after their baby”.",
        error_messages={
            "required": "Describe the outcome",
            "max_length": f"Keep the outcome to {WORDING_LIMIT} characters or fewer",
            "null_characters_not_allowed": "Remove the hidden control characters from this text",
        },
    )
    measure_codes = forms.MultipleChoiceField(
        label="Measures that show it",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The team's questionnaires whose change from the start to the end of the "
        "work evidences this outcome.",
        error_messages={
            "invalid_choice": "“%(value)s” is not one of the team's measures. Choose from "
            "the list: a team adds its own questionnaires in the admin first.",
        },
    )
    activity_codes = forms.MultipleChoiceField(
        label="Activity counts that show it",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(key, count.label) for key, count in ACTIVITY_COUNTS.items()],
        error_messages={
            "invalid_choice": "“%(value)s” is not an activity Attune counts. Choose from the list.",
        },
    )

    def __init__(
        self, *args: Any, instruments: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["measure_codes"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = list(instruments)


class PeriodForm(forms.Form):
    """Shows the period choice again; periods.period_from reads and checks the values."""

    period = forms.ChoiceField(
        label="Period",
        required=False,
        choices=[
            ("month", "A month"),
            ("quarter", "A quarter (three months)"),
            ("year", "A year"),
            ("custom", "Dates I choose"),
        ],
    )
    start = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput,
        help_text="For a month, quarter or year, its first month; leave it empty for the "
        "latest complete one.",
    )
    end = forms.DateField(label="To (dates I choose only)", required=False, widget=forms.DateInput)
