"""Forms for group programmes: set-up, adding a family, moving a session, notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from attune.accounts.models import User
from attune.catalogue.models import Intervention
from attune.core.forms import PlainTextMixin, date_field
from attune.families.models import Family, Person
from attune.groups.models import GroupKind
from attune.groups.services import GroupPlan


def _number(label: str, low: int, high: int, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "min_value": f"Enter at least {low}",
            "max_value": f"Enter at most {high}",
            "invalid": "Enter a whole number",
        },
        **kwargs,
    )


class GroupForm(PlainTextMixin, forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the group's name"}
    )
    kind = forms.ChoiceField(
        label="Kind of group",
        choices=GroupKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an open group or a course"},
    )
    programme = forms.ChoiceField(label="Programme (from the evidence directory)", required=False)
    facilitators = forms.MultipleChoiceField(
        label="Facilitators",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one facilitator"},
    )
    venue = forms.CharField(
        label="Venue", max_length=200, error_messages={"required": "Enter where the group meets"}
    )
    first_date = date_field("Date of the first session", required=True)
    start_time = forms.TimeField(
        label="Start time",
        error_messages={"required": "Enter the start time", "invalid": "Enter a time like 10:00"},
    )
    session_minutes = _number("Length of each session in minutes", 10, 480, initial=120)
    sessions_planned = _number(
        "Number of weekly sessions",
        1,
        52,
        initial=8,
        help_text="For an open group, how many weeks ahead to schedule; more can follow.",
    )
    capacity = _number("Families who can take part at once", 1, 40, initial=8)
    creche_places = _number("Crèche places", 0, 40, initial=0)

    def __init__(
        self, data: Any, *, members: Sequence[User], programmes: Sequence[Intervention]
    ) -> None:
        super().__init__(data)
        self.members = {str(u.pk): u for u in members}
        self.programmes = {e.slug: e for e in programmes}
        self.fields["facilitators"].choices = [  # type: ignore[attr-defined]
            (pk, u.display_name) for pk, u in self.members.items()
        ]
        self.fields["programme"].choices = [  # type: ignore[attr-defined]
            ("", "None, or not in the directory"),
            *[(slug, e.name) for slug, e in self.programmes.items()],
        ]

    def plan(self) -> GroupPlan:
        data = self.cleaned_data
        first = timezone.make_aware(datetime.combine(data["first_date"], data["start_time"]))
        return GroupPlan(
            name=data["name"],
            kind=data["kind"],
            programme=self.programmes.get(data["programme"] or ""),
            facilitators=[self.members[pk] for pk in data["facilitators"]],
            venue=data["venue"],
            first_session_at=first,
            session_minutes=data["session_minutes"],
            sessions_planned=data["sessions_planned"],
            capacity=data["capacity"],
            creche_places=data["creche_places"],
        )


class AddFamilyForm(forms.Form):
    """Choose a family, then (on the same page) who comes and whether they need the crèche."""

    family = forms.ChoiceField(
        label="Family",
        error_messages={"required": "Choose a family", "invalid_choice": "Choose one"},
    )
    people = forms.MultipleChoiceField(
        label="Who will come",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who from the family will come"},
    )
    needs_creche = forms.BooleanField(label="Needs a crèche place", required=False)
    waiting = forms.BooleanField(label="Add to the waiting list", required=False)

    def __init__(self, data: Any, *, families: Sequence[Family]) -> None:
        super().__init__(data)
        self.families = {str(f.pk): f for f in families}
        self.people_by_id: dict[str, Person] = {}
        choices = []
        for family in families:
            for member in family.members.all():
                if member.role in {"carer", "baby"}:
                    self.people_by_id[str(member.person_id)] = member.person
                    choices.append(
                        (str(member.person_id), f"{member.person.display_name} ({family.name})")
                    )
        self.fields["family"].choices = [  # type: ignore[attr-defined]
            ("", "Choose"),
            *[(pk, f.name) for pk, f in self.families.items()],
        ]
        self.fields["people"].choices = choices  # type: ignore[attr-defined]

    def chosen_family(self) -> Family:
        return self.families[self.cleaned_data["family"]]

    def chosen_people(self) -> list[Person]:
        return [self.people_by_id[pk] for pk in self.cleaned_data["people"]]


class SessionForm(forms.Form):
    on = date_field("Date", required=True)
    start_time = forms.TimeField(
        label="Start time",
        error_messages={"required": "Enter the start time", "invalid": "Enter a time like 10:00"},
    )
    cancelled = forms.BooleanField(label="This session is cancelled", required=False)

    def starts_at(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.cleaned_data["on"], self.cleaned_data["start_time"])
        )


class GroupNoteForm(PlainTextMixin, forms.Form):
    body = forms.CharField(
        label="Note about the group (no personal details)",
        widget=forms.Textarea,
        max_length=5000,
        help_text="How the group went as a whole. Anything about one family goes in that family's "
        "record: use the link beside the family.",
        error_messages={
            "required": "Write the note",
            "max_length": "Keep the note under 5,000 characters",
        },
    )


class FamilyNoteForm(PlainTextMixin, forms.Form):
    body = forms.CharField(
        label="Note for this family's record",
        widget=forms.Textarea,
        max_length=20000,
        error_messages={
            "required": "Write the note",
            "max_length": "Keep the note under 20,000 characters",
        },
    )
