"""Forms for measures: item entry built from a definition, links, schedules, follow-up, feedback.

Forms parse and check; services save. Item fields are built from the
instrument definition, so a team's own instrument needs no form code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from attune.care.models import Goal, InterventionOption
from attune.families.forms import PlainTextMixin, date_field
from attune.families.models import CareRelationship, Person
from attune.measures import codes
from attune.measures.instruments import Definition
from attune.measures.models import ExperienceQuestion, Instrument
from attune.measures.services import Subject

NOT_APPLICABLE = "na"
PRACTITIONER = "practitioner"


@dataclass(frozen=True)
class FamilyPeople:
    """The people and carer-baby relationships of one family, for the choice lists."""

    carers: Sequence[Person]
    babies: Sequence[Person]
    relationships: Sequence[CareRelationship]

    def subject_choices(self, subject_kind: str) -> list[tuple[str, str]]:
        if subject_kind == codes.SubjectKind.RELATIONSHIP:
            return [
                (f"r{r.pk}", f"{r.carer.display_name} and {r.baby.display_name}")
                for r in self.relationships
            ]
        people = self.babies if subject_kind == codes.SubjectKind.BABY else self.carers
        return [(f"p{p.pk}", p.display_name) for p in people]

    def subject_for(self, subject_kind: str, value: str) -> Subject:
        if subject_kind == codes.SubjectKind.RELATIONSHIP:
            relationship = next(r for r in self.relationships if f"r{r.pk}" == value)
            return Subject(subject_kind, relationship=relationship)
        people = self.babies if subject_kind == codes.SubjectKind.BABY else self.carers
        return Subject(subject_kind, person=next(p for p in people if f"p{p.pk}" == value))

    def carer(self, value: str) -> Person | None:
        return next((p for p in self.carers if f"p{p.pk}" == value), None)


def _answer_fields(
    definition: Definition, *, required: bool, goals: Sequence[Goal] = ()
) -> dict[str, forms.Field]:
    """One field per item (or per score for totals-only instruments), from the definition."""
    fields: dict[str, forms.Field] = {}
    if definition.entry == "scores":
        for score_field in definition.score_fields:
            number_field = forms.IntegerField if score_field.whole_number else forms.FloatField
            fields[score_field.code] = number_field(
                label=f"{score_field.label} ({score_field.min:g}–{score_field.max:g})",
                min_value=score_field.min,  # type: ignore[arg-type]
                max_value=score_field.max,  # type: ignore[arg-type]
                required=required and score_field.required,
                error_messages={
                    "required": f"Enter the {score_field.label.lower()}",
                    "min_value": f"The lowest possible score is {score_field.min}",
                    "max_value": f"The highest possible score is {score_field.max}",
                    "invalid": "Enter a number"
                    if not score_field.whole_number
                    else "Enter a whole number",
                },
            )
        return fields
    goal_wording = [goal.wording for goal in goals]
    for item in definition.items:
        choices = [(str(option.value), option.label) for option in item.options]
        if item.allows_not_applicable:
            choices.append((NOT_APPLICABLE, item.not_applicable_label or "Not applicable"))
        label = item.text or f"Item {item.number}"
        is_goal = bool(getattr(definition, "goals", False))
        if is_goal:
            index = item.number - 1
            label = (
                f"Goal {item.number}: {goal_wording[index]}"
                if index < len(goal_wording)
                else f"Goal {item.number}"
            )
        fields[f"item{item.number}"] = forms.ChoiceField(
            label=label,
            choices=choices,
            widget=forms.Select if is_goal else forms.RadioSelect,
            required=required and not (is_goal and item.number > max(len(goal_wording), 1)),
            error_messages={"required": f"Choose an answer for {label.split(':')[0].lower()}"},
        )
        if is_goal:
            fields[f"item{item.number}"].choices = [("", "Not rated"), *choices]  # type: ignore[attr-defined]
    return fields


def _answers_from(cleaned: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for name in names:
        value = cleaned.get(name)
        if value in (None, ""):
            continue
        # Radio choices arrive as text; number fields (scores-only entry) are numbers already.
        answers[name] = int(value) if isinstance(value, str) and value != NOT_APPLICABLE else value
    return answers


class AdministrationForm(PlainTextMixin, forms.Form):
    """A questionnaire entered by a practitioner: who, about whom, when, how, and the answers."""

    respondent = forms.ChoiceField(
        label="Who answered",
        error_messages={"required": "Choose who answered", "invalid_choice": "Choose who answered"},
    )
    subject = forms.ChoiceField(
        label="Who it is about",
        error_messages={
            "required": "Choose who the questionnaire is about",
            "invalid_choice": "Choose who the questionnaire is about",
        },
    )
    timepoint = forms.ChoiceField(
        label="When in the work",
        choices=codes.Timepoint.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when in the work this was completed"},
    )
    completed_on = date_field("Date completed", required=True)
    mode = forms.ChoiceField(
        label="How it was completed",
        choices=[c for c in codes.Mode.choices if c[0] != codes.Mode.ONLINE],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it was completed"},
    )
    some_unanswered = forms.BooleanField(
        label="Some questions were left unanswered on the form",
        required=False,
        help_text="Tick this to save with gaps; otherwise every question needs an answer.",
    )

    def __init__(
        self,
        data: Any,
        *,
        definition: Definition,
        people: FamilyPeople,
        goals: Sequence[Goal] = (),
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.definition = definition
        self.people = people
        answering_carers = [(f"p{p.pk}", p.display_name) for p in people.carers]
        if definition.respondent in {"observer", "clinician"}:
            respondents = [(PRACTITIONER, "You (practitioner or trained observer)")]
        else:
            respondents = answering_carers
        self.fields["respondent"].choices = [("", "Choose"), *respondents]  # type: ignore[attr-defined]
        self.fields["subject"].choices = [  # type: ignore[attr-defined]
            ("", "Choose"),
            *people.subject_choices(definition.subject),
        ]
        lenient = bool(data) and data.get("some_unanswered") in {"on", "true", "True"}
        answer_fields = _answer_fields(definition, required=not lenient, goals=goals)
        self.answer_names = list(answer_fields)
        self.fields.update(answer_fields)

    def clean_completed_on(self) -> Any:
        value = self.cleaned_data["completed_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date completed cannot be in the future")
        return value

    @property
    def answer_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.answer_names]

    def answers(self) -> dict[str, Any]:
        return _answers_from(self.cleaned_data, self.answer_names)

    def respondent_person(self) -> Person | None:
        return self.people.carer(self.cleaned_data["respondent"])

    def chosen_subject(self) -> Subject:
        return self.people.subject_for(self.definition.subject, self.cleaned_data["subject"])


class ParentAnswersForm(forms.Form):
    """The questionnaire as a parent sees it on their phone: the items only, all answered."""

    def __init__(self, data: Any, *, definition: Definition) -> None:
        super().__init__(data)
        self.fields.update(_answer_fields(definition, required=True))
        self.answer_names = list(self.fields)

    def answers(self) -> dict[str, Any]:
        return _answers_from(self.cleaned_data, self.answer_names)


AGREEMENT = [
    ("1", "Strongly disagree"),
    ("2", "Disagree"),
    ("3", "Neither agree nor disagree"),
    ("4", "Agree"),
    ("5", "Strongly agree"),
]


class ExperienceForm(PlainTextMixin, forms.Form):
    """Friends and Family Test, its free-text follow-up, and the team's own questions."""

    fft_rating = forms.ChoiceField(
        label="Overall, how was your experience of our service?",
        choices=codes.FriendsAndFamily.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer to this question"},
    )
    fft_reason = forms.CharField(
        label="Please tell us why you gave that answer (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        error_messages={"max_length": "Keep this under 2,000 characters"},
    )
    share_with_practitioner = forms.BooleanField(
        label="I am happy for my practitioner to see my answers with my name",
        required=False,
        help_text="If you leave this unticked, your answers reach the team without your name.",
    )

    def __init__(self, data: Any, *, questions: Sequence[ExperienceQuestion]) -> None:
        super().__init__(data)
        self.question_names = []
        for question in questions:
            name = f"q{question.pk}"
            self.fields[name] = forms.ChoiceField(
                label=question.wording, choices=AGREEMENT, widget=forms.RadioSelect, required=False
            )
            self.question_names.append(name)

    def ratings(self) -> dict[int, int]:
        return {
            int(name[1:]): int(self.cleaned_data[name])
            for name in self.question_names
            if self.cleaned_data.get(name)
        }


class ChooseInstrumentForm(forms.Form):
    instrument = forms.ChoiceField(
        label="Questionnaire",
        error_messages={"required": "Choose a questionnaire", "invalid_choice": "Choose one"},
    )

    def __init__(self, data: Any, *, instruments: Sequence[Instrument]) -> None:
        super().__init__(data)
        self.fields["instrument"].choices = [  # type: ignore[attr-defined]
            ("", "Choose"),
            *[(str(i.pk), f"{i.parsed().short_name} – {i.parsed().name}") for i in instruments],
        ]


class SendLinkForm(forms.Form):
    """Send a parent a one-time link: a questionnaire, or the experience questions."""

    what = forms.ChoiceField(
        label="What to send",
        error_messages={"required": "Choose what to send", "invalid_choice": "Choose what to send"},
    )
    respondent = forms.ChoiceField(
        label="Who to send it to",
        error_messages={"required": "Choose who to send it to", "invalid_choice": "Choose one"},
    )
    subject = forms.ChoiceField(
        label="Who the questionnaire is about",
        required=False,
        help_text="Not needed for the experience questions.",
    )
    timepoint = forms.ChoiceField(
        label="When in the work",
        choices=codes.Timepoint.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when in the work this is for"},
    )
    send_by = forms.ChoiceField(
        label="Send by",
        choices=codes.SendBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose text message or email"},
    )

    def __init__(
        self, data: Any, *, instruments: Sequence[Instrument], people: FamilyPeople
    ) -> None:
        super().__init__(data)
        self.instruments = {str(i.pk): i for i in instruments}
        self.people = people
        self.fields["what"].choices = [  # type: ignore[attr-defined]
            ("", "Choose"),
            *[(pk, i.parsed().short_name) for pk, i in self.instruments.items()],
            ("experience", "Friends and Family Test and experience of the service"),
        ]
        self.fields["respondent"].choices = [  # type: ignore[attr-defined]
            ("", "Choose"),
            *[(f"p{p.pk}", p.display_name) for p in people.carers],
        ]
        subjects: list[tuple[str, str]] = []
        for kind in codes.SubjectKind.values:
            subjects += people.subject_choices(kind)
        self.fields["subject"].choices = [("", "Choose"), *subjects]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        instrument = self.instrument()
        if instrument is not None:
            expected = {
                value for value, _ in self.people.subject_choices(instrument.parsed().subject)
            }
            if cleaned.get("subject") not in expected:
                kind = codes.SubjectKind(instrument.parsed().subject).label.lower()
                self.add_error("subject", f"This questionnaire is about {kind}: choose one")
        return cleaned

    def instrument(self) -> Instrument | None:
        return self.instruments.get(self.cleaned_data.get("what", ""))

    def kind(self) -> str:
        return codes.LinkKind.MEASURE if self.instrument() else codes.LinkKind.EXPERIENCE

    def respondent_person(self) -> Person:
        person = self.people.carer(self.cleaned_data["respondent"])
        assert person is not None  # the choice list holds only this family's carers
        return person

    def chosen_subject(self) -> Subject:
        instrument = self.instrument()
        if instrument is None:
            return Subject(codes.SubjectKind.CARER, person=self.respondent_person())
        return self.people.subject_for(instrument.parsed().subject, self.cleaned_data["subject"])


class ScheduleForm(forms.Form):
    instrument_code = forms.ChoiceField(
        label="Measure",
        error_messages={"required": "Choose a measure", "invalid_choice": "Choose a measure"},
    )
    due_when = forms.ChoiceField(
        label="Due",
        choices=codes.DueWhen.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when it is due"},
    )
    applies_to = forms.ChoiceField(
        label="For which work",
        required=False,
        help_text="Leave as every episode, or choose one intervention from the team's list.",
    )
    overdue_after_days = forms.IntegerField(
        label="Shown as overdue after (days)",
        min_value=0,
        max_value=365,
        initial=14,
        error_messages={
            "required": "Enter a number of days",
            "min_value": "Enter 0 or more days",
            "max_value": "Enter at most 365 days",
            "invalid": "Enter a whole number of days",
        },
    )

    def __init__(
        self,
        data: Any,
        *,
        instruments: Sequence[Instrument],
        interventions: Sequence[InterventionOption],
    ) -> None:
        super().__init__(data)
        self.interventions = {str(o.pk): o for o in interventions}
        self.fields["instrument_code"].choices = [  # type: ignore[attr-defined]
            ("", "Choose"),
            *[(i.code, i.parsed().short_name) for i in instruments],
        ]
        self.fields["applies_to"].choices = [  # type: ignore[attr-defined]
            ("", "Every episode"),
            *[(pk, o.name) for pk, o in self.interventions.items()],
        ]

    def chosen_intervention(self) -> InterventionOption | None:
        return self.interventions.get(self.cleaned_data.get("applies_to") or "")


class FollowUpForm(PlainTextMixin, forms.Form):
    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea,
        max_length=5000,
        help_text="For example: spoke with the parent the same day; safety plan agreed.",
        error_messages={
            "required": "Say what was done to follow this up",
            "max_length": "Keep this under 5,000 characters",
        },
    )


class ExperienceQuestionForm(PlainTextMixin, forms.Form):
    wording = forms.CharField(
        label="New question",
        max_length=300,
        help_text="A statement parents rate from 'strongly disagree' to 'strongly agree'.",
        error_messages={
            "required": "Write the question",
            "max_length": "Keep the question under 300 characters",
        },
    )


RATING = [(str(n), str(n)) for n in range(1, 6)]


class ReferrerFeedbackForm(PlainTextMixin, forms.Form):
    ease = forms.ChoiceField(
        label="How easy was it to refer? (1 very hard – 5 very easy)",
        choices=RATING,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a number from 1 to 5"},
    )
    clarity = forms.ChoiceField(
        label="How clear was our reply? (1 not at all – 5 very clear)",
        choices=RATING,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a number from 1 to 5"},
    )
    usefulness = forms.ChoiceField(
        label="How useful was our work for the family, as far as you know? (1 – 5)",
        choices=RATING,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label="Anything else you would like to tell us (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        error_messages={"max_length": "Keep this under 2,000 characters"},
    )
