"""Forms for consultations, groups, training and outreach: forms parse and check; services save."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from attune.accounts.models import User
from attune.core.forms import PlainTextMixin, date_field
from attune.families.models import Family
from attune.outreach import codes
from attune.outreach.models import (
    MAX_FAMILIES_REACHED,
    MAX_MINUTES,
    ConsultationGroupMember,
    TrainingAttendee,
)
from attune.outreach.services import ActivityDetails, ConsultationDetails, CourseDetails, Person

CONSULTEE_SLOTS = 3
MONTHS_OFFERED = 24


def text_field(
    label: str,
    max_length: int,
    *,
    required: bool = True,
    help_text: str = "",
    required_message: str = "",
    textarea: bool = False,
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea if textarea else None,
        error_messages={
            "required": required_message or f"Enter the {label.lower()}",
            "max_length": f"Keep this to {max_length:,} characters or fewer",
            "null_characters_not_allowed": "Remove the hidden control characters from this text",
        },
    )


def choice_field(
    label: str,
    choices: Sequence[tuple[Any, str]],
    *,
    message: str,
    required: bool = True,
    widget: type[forms.Widget] = forms.RadioSelect,
    help_text: str = "",
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=widget,
        help_text=help_text,
        error_messages={"required": message, "invalid_choice": message},
    )


def people_field(label: str, people: Sequence[User], *, message: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=[(str(user.pk), user.display_name) for user in people],
        widget=forms.CheckboxSelectMultiple,
        required=True,
        error_messages={"required": message, "invalid_choice": message},
    )


def version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": "Open the page again and make the change once more"},
    )


def month_choices(today: date, *, blank: str = "Any month") -> list[tuple[str, str]]:
    """The last two years of months, newest first, as ("2026-03", "March 2026")."""
    choices = [("", blank)]
    year, month = today.year, today.month
    for _ in range(MONTHS_OFFERED):
        first = date(year, month, 1)
        choices.append((first.strftime("%Y-%m"), first.strftime("%B %Y")))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return choices


def parse_month(value: str) -> date | None:
    try:
        return date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None


def _chosen_users(values: Sequence[str], people: Sequence[User]) -> list[User]:
    wanted = set(values)
    return [user for user in people if str(user.pk) in wanted]


# Consultations ----------------------------------------------------------------------------


class ConsultationForm(PlainTextMixin, forms.Form):
    """A consultation: who gave it, to whom, when, about what, and what was agreed."""

    version = version_field()
    consultant = choice_field(
        "Who gave the consultation",
        [],
        message="Choose who from the team gave the consultation",
        widget=forms.Select,
    )
    kind = choice_field(
        "One-to-one or group",
        codes.ConsultationKind.choices,
        message="Choose whether it was one-to-one or a group",
    )
    held_on = date_field("Date of the consultation", required=True)
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=1,
        max_value=MAX_MINUTES,
        error_messages={
            "required": "Enter how long the consultation lasted, in minutes",
            "invalid": "Enter a whole number of minutes, like 45",
            "min_value": "Enter a length of at least 1 minute",
            "max_value": f"Enter a length of {MAX_MINUTES} minutes or less",
        },
    )
    topic = text_field(
        "Topic",
        300,
        required_message="Enter a few words about what was talked about",
        help_text=(
            "A few words about what was talked about, without names. If a referral follows, "
            "this is where its description starts."
        ),
    )
    family_link = choice_field(
        "Was it about a particular family?",
        codes.FamilyLink.choices,
        message="Choose whether the consultation was about a particular family",
    )
    family = choice_field(
        "The family (when known to our team)",
        [],
        message="Choose the family from the team's list",
        required=False,
        widget=forms.Select,
        help_text="For example a family on the waiting list.",
    )
    outcome = choice_field(
        "What was agreed",
        codes.Outcome.choices,
        message="Choose what was agreed",
    )
    responsibility = choice_field(
        "Who holds clinical responsibility afterwards",
        [
            (
                codes.FOLLOW_OUTCOME,
                "As the outcome suggests: the consultee, or our team if a referral is being made",
            ),
            *codes.Responsibility.choices,
        ],
        message="Choose who holds clinical responsibility afterwards",
    )
    notes = text_field(
        "Notes",
        5000,
        required=False,
        textarea=True,
        help_text=(
            "Brief notes on the thinking and advice. If the family was not named, "
            "keep it that way here too."
        ),
    )
    attended = forms.MultipleChoiceField(
        label="Who came",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick each member who came to this meeting.",
        error_messages={"invalid_choice": "Tick members of this group only"},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        clinicians: Sequence[User],
        families: Sequence[Family],
        can_read_notes: bool,
        members: Sequence[ConsultationGroupMember] | None = None,
        consultee_slots: int = CONSULTEE_SLOTS,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.clinicians = list(clinicians)
        self.families = {str(f.pk): f for f in families}
        self.group_meeting = members is not None
        self.slots = consultee_slots
        self.fields["consultant"].choices = [  # type: ignore[attr-defined]
            ("", "Choose"),
            *[(str(u.pk), u.display_name) for u in self.clinicians],
        ]
        self.fields["family"].choices = [  # type: ignore[attr-defined]
            ("", "Not a family known to the team"),
            *[(key, family.name) for key, family in self.families.items()],
        ]
        if not can_read_notes:
            del self.fields["notes"]
        if self.group_meeting:
            # A consultation group's meeting is a group consultation, with ticks for who came.
            del self.fields["kind"]
            self.fields["attended"].choices = [  # type: ignore[attr-defined]
                (str(m.pk), " – ".join(p for p in (m.name, m.role, m.organisation) if p))
                for m in members or []
            ]
        else:
            del self.fields["attended"]
        for slot in range(1, self.slots + 1):
            number = f" {slot}" if self.slots > 1 else ""
            self.fields[f"consultee{slot}_name"] = text_field(
                f"Consultee{number}: name", 150, required=False
            )
            self.fields[f"consultee{slot}_role"] = text_field(
                f"Consultee{number}: role",
                100,
                required=False,
                help_text="For example, health visitor",
            )
            self.fields[f"consultee{slot}_organisation"] = text_field(
                f"Consultee{number}: organisation", 200, required=False
            )

    def consultee_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (
                self[f"consultee{s}_name"],
                self[f"consultee{s}_role"],
                self[f"consultee{s}_organisation"],
            )
            for s in range(1, self.slots + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        link = cleaned.get("family_link")
        family = cleaned.get("family")
        if link == codes.FamilyLink.KNOWN and not family:
            self.add_error("family", "Choose the family from the team's list")
        elif link and link != codes.FamilyLink.KNOWN and family:
            self.add_error(
                "family", "Leave the family empty unless the family is known to our team"
            )
        people = []
        for slot in range(1, self.slots + 1):
            name = (cleaned.get(f"consultee{slot}_name") or "").strip()
            role = (cleaned.get(f"consultee{slot}_role") or "").strip()
            organisation = (cleaned.get(f"consultee{slot}_organisation") or "").strip()
            if (role or organisation) and not name:
                self.add_error(f"consultee{slot}_name", "Enter the consultee's name")
            elif name:
                people.append(Person(name=name, role=role, organisation=organisation))
        if not people and not self.group_meeting:
            self.add_error("consultee1_name", "Enter the name of at least one consultee")
        kind = codes.ConsultationKind.GROUP if self.group_meeting else cleaned.get("kind")
        if kind == codes.ConsultationKind.ONE_TO_ONE and len(people) > 1:
            self.add_error(
                "kind", "A one-to-one consultation has one consultee: choose group instead"
            )
        held_on = cleaned.get("held_on")
        if held_on and held_on > timezone.localdate():
            self.add_error("held_on", "The date cannot be in the future")
        cleaned["people"] = people
        cleaned["kind"] = kind
        return cleaned

    def to_details(self) -> ConsultationDetails:
        data = self.cleaned_data
        consultant = next(u for u in self.clinicians if str(u.pk) == data["consultant"])
        family = (
            self.families.get(data["family"])
            if data["family_link"] == codes.FamilyLink.KNOWN
            else None
        )
        responsibility = data["responsibility"]
        if responsibility == codes.FOLLOW_OUTCOME:
            responsibility = codes.responsibility_for(data["outcome"])
        return ConsultationDetails(
            consultant=consultant,
            kind=data["kind"],
            held_on=data["held_on"],
            duration_minutes=data["duration_minutes"],
            topic=data["topic"],
            family_link=data["family_link"],
            family=family,
            outcome=data["outcome"],
            responsibility=responsibility,
            consultees=data["people"],
        )

    def notes_or_none(self) -> str | None:
        """The notes typed, or None when this user's form has no notes (keep what is stored)."""
        return self.cleaned_data.get("notes", "") if "notes" in self.fields else None

    def attended_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("attended") or []]


class ConsultationFilterForm(forms.Form):
    month = choice_field(
        "Month", [], message="Choose a month from the list", required=False, widget=forms.Select
    )
    consultant = choice_field(
        "Consultant",
        [],
        message="Choose someone from the list",
        required=False,
        widget=forms.Select,
    )
    kind = choice_field(
        "Kind",
        [("", "One-to-one and group"), *codes.ConsultationKind.choices],
        message="Choose one-to-one or group",
        required=False,
        widget=forms.Select,
    )

    def __init__(self, data: Any, *, clinicians: Sequence[User], today: date) -> None:
        super().__init__(data)
        self.fields["month"].choices = month_choices(today)  # type: ignore[attr-defined]
        self.fields["consultant"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            *[(str(u.pk), u.display_name) for u in clinicians],
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "month": parse_month(data["month"]),
            "consultant_id": int(data["consultant"]) if data["consultant"] else None,
            "kind": data["kind"],
        }


# Consultation groups ----------------------------------------------------------------------


class GroupForm(PlainTextMixin, forms.Form):
    name = text_field(
        "Name of the group",
        150,
        help_text="For example, monthly reflective practice group for health visitors",
    )
    audience = text_field(
        "Who the group is for",
        200,
        required=False,
        help_text="For example, health visitors in the north locality",
    )
    facilitators = forms.MultipleChoiceField(label="Facilitated by")

    def __init__(self, data: Any = None, *, clinicians: Sequence[User]) -> None:
        super().__init__(data)
        self.clinicians = list(clinicians)
        self.fields["facilitators"] = people_field(
            "Facilitated by",
            self.clinicians,
            message="Choose at least one facilitator from the team",
        )

    def chosen_facilitators(self) -> list[User]:
        return _chosen_users(self.cleaned_data["facilitators"], self.clinicians)


class PersonForm(PlainTextMixin, forms.Form):
    """Name, role and organisation of a professional outside the team."""

    name = text_field("Name", 150)
    role = text_field("Role", 100, required=False, help_text="For example, health visitor")
    organisation = text_field("Organisation", 200, required=False)

    def person(self) -> Person:
        data = self.cleaned_data
        return Person(name=data["name"], role=data["role"], organisation=data["organisation"])


# Training ---------------------------------------------------------------------------------


class CourseForm(PlainTextMixin, forms.Form):
    version = version_field()
    title = text_field("Course title", 200)
    audience = text_field(
        "Who the course is for",
        200,
        required=False,
        help_text="For example, health visitors and nursery nurses",
    )
    held_on = date_field("Date of the course", required=True)
    format = choice_field(
        "How it is delivered", codes.CourseFormat.choices, message="Choose in person or online"
    )
    trainers = forms.MultipleChoiceField(label="Trainers")

    def __init__(
        self, data: Any = None, *, clinicians: Sequence[User], initial: dict[str, Any] | None = None
    ) -> None:
        super().__init__(data, initial=initial)
        self.clinicians = list(clinicians)
        self.fields["trainers"] = people_field(
            "Trainers", self.clinicians, message="Choose at least one trainer from the team"
        )

    def to_details(self) -> CourseDetails:
        data = self.cleaned_data
        return CourseDetails(
            title=data["title"],
            audience=data["audience"],
            held_on=data["held_on"],
            format=data["format"],
            trainers=_chosen_users(data["trainers"], self.clinicians),
        )


class AttendeeForm(PersonForm):
    organisation_type = choice_field(
        "Kind of organisation",
        [("", "Choose"), *codes.OrganisationType.choices],
        message="Choose the kind of organisation they work for",
        widget=forms.Select,
    )


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label="Who came",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick everyone who came. Anyone not ticked is recorded as not attending.",
        error_messages={"invalid_choice": "Tick people on this course's list only"},
    )

    def __init__(self, data: Any = None, *, attendees: Sequence[TrainingAttendee]) -> None:
        super().__init__(data, initial={"attended": [str(a.pk) for a in attendees if a.attended]})
        self.fields["attended"].choices = [  # type: ignore[attr-defined]
            (str(a.pk), " – ".join(p for p in (a.name, a.organisation) if p)) for a in attendees
        ]

    def attended_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["attended"]]


def confidence_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[(str(value), text) for value, text in codes.CONFIDENCE_SCALE],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a number from 1 to 5"},
    )


class FeedbackForm(PlainTextMixin, forms.Form):
    confidence_before = confidence_field("Confidence before the course")
    confidence_after = confidence_field("Confidence after the course")
    comment = text_field(
        "What they wrote",
        2000,
        required=False,
        textarea=True,
        help_text="Copy their comments as written. The form asks for no details about families.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            cleaned.get("confidence_before") is None
            and cleaned.get("confidence_after") is None
            and not (cleaned.get("comment") or "").strip()
            and not self.errors
        ):
            self.add_error("confidence_before", "Enter at least one answer from the feedback form")
        return cleaned


# Outreach and joint working ---------------------------------------------------------------


class ActivityForm(PlainTextMixin, forms.Form):
    version = version_field()
    activity_type = choice_field(
        "Kind of work", codes.ActivityType.choices, message="Choose the kind of work"
    )
    partner_organisation = text_field(
        "Partner organisation",
        200,
        required_message="Enter the organisation you worked with",
        help_text="For example, the neonatal unit at the local hospital",
    )
    held_on = date_field("Date", required=True)
    families_reached = forms.IntegerField(
        label="Families reached",
        min_value=0,
        max_value=MAX_FAMILIES_REACHED,
        help_text="Roughly how many families took part or were met. Enter 0 if none.",
        error_messages={
            "required": "Enter how many families were reached (0 if none)",
            "invalid": "Enter a whole number, like 12",
            "min_value": "Enter 0 or more",
            "max_value": f"Enter a number no bigger than {MAX_FAMILIES_REACHED:,}",
        },
    )
    interpreter_used = forms.BooleanField(
        label="A trained interpreter worked with us", required=False
    )
    notes = text_field(
        "Notes",
        2000,
        required=False,
        textarea=True,
        help_text=(
            "What went well and what was learnt. No names or other details that could "
            "identify a family or a person."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        held_on = cleaned.get("held_on")
        if held_on and held_on > timezone.localdate():
            self.add_error("held_on", "The date cannot be in the future")
        return cleaned

    def to_details(self) -> ActivityDetails:
        data = self.cleaned_data
        return ActivityDetails(
            activity_type=data["activity_type"],
            partner_organisation=data["partner_organisation"],
            held_on=data["held_on"],
            families_reached=data["families_reached"],
            interpreter_used=data["interpreter_used"],
            notes=data["notes"],
        )


class ActivityFilterForm(forms.Form):
    month = choice_field(
        "Month", [], message="Choose a month from the list", required=False, widget=forms.Select
    )
    activity_type = choice_field(
        "Kind of work",
        [("", "All kinds"), *codes.ActivityType.choices],
        message="Choose a kind of work from the list",
        required=False,
        widget=forms.Select,
    )

    def __init__(self, data: Any, *, today: date) -> None:
        super().__init__(data)
        self.fields["month"].choices = month_choices(today)  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {
            "month": parse_month(self.cleaned_data["month"]),
            "activity_type": self.cleaned_data["activity_type"],
        }
