"""Forms for booking, moving, cancelling and recording sessions, ending a series, and rooms.

The forms only parse and check what was typed; choices (rooms, practitioners,
family members) come from the view, and the services check them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from attune.accounts.models import User
from attune.care.codes import Attendance, LocationType, Modality
from attune.care.models import Room
from attune.care.sessions import MAX_SESSION_MINUTES, MAX_WEEKLY_SESSIONS, SessionPlan
from attune.families.models import FamilyMember, Person

ONCE, WEEKLY = "once", "weekly"
TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]


def room_label(room: Room) -> str:
    facilities = [
        label
        for present, label in (
            (room.baby_friendly, "baby-friendly"),
            (room.video_equipped, "video-equipped"),
        )
        if present
    ]
    return f"{room.name} ({', '.join(facilities)})" if facilities else room.name


def _date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": "Enter a real date, for example 2026-03-27",
        },
    )


class WhenAndWhereMixin(forms.Form):
    """The date, time, length and place of a session (booking and moving share them)."""

    on = _date_field("Date")
    start_time = forms.TimeField(
        label="Start time",
        input_formats=TIME_FORMATS,
        help_text="Use the 24-hour clock, for example 14:30",
        error_messages={
            "required": "Enter the start time",
            "invalid": "Enter a time like 14:30",
        },
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=1,
        max_value=MAX_SESSION_MINUTES,
        initial=60,
        error_messages={
            "required": "Enter how long the session lasts, in minutes",
            "invalid": "Enter the length as a number of minutes, like 60",
            "min_value": "The session must end after it starts: "
            "enter a length of at least 1 minute",
            "max_value": f"Enter a length of at most {MAX_SESSION_MINUTES} minutes",
        },
    )
    location_type = forms.ChoiceField(
        label="Where",
        choices=LocationType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose where the session takes place",
            "invalid_choice": "Choose where the session takes place",
        },
    )
    room = forms.ChoiceField(
        label="Room (clinic sessions only)",
        required=False,
        error_messages={"invalid_choice": "Choose one of the team's rooms"},
    )
    confirm_clash = forms.BooleanField(
        label="Book it anyway: I know about the overlapping session", required=False
    )

    def set_rooms(self, rooms: Sequence[Room]) -> None:
        self.rooms = {str(room.pk): room for room in rooms}
        self.fields["room"].choices = [  # type: ignore[attr-defined]
            ("", "No room"),
            *((key, room_label(room)) for key, room in self.rooms.items()),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("room") and cleaned.get("location_type") not in (None, LocationType.CLINIC):
            self.add_error(
                "room", "Only a clinic session can book a room: choose Clinic, or no room"
            )
        return cleaned

    def starts_at(self) -> datetime:
        data = self.cleaned_data
        day: date = data["on"]
        at: time = data["start_time"]
        return timezone.make_aware(datetime.combine(day, at.replace(second=0, microsecond=0)))

    def chosen_room(self) -> Room | None:
        key = self.cleaned_data.get("room")
        return self.rooms.get(key) if key else None


def _person_choices(members: Sequence[FamilyMember]) -> list[tuple[str, str]]:
    return [
        (str(m.person_id), f"{m.person.display_name} ({m.get_role_display().lower()})")
        for m in members
    ]


def _user_choices(users: Sequence[User]) -> list[tuple[str, str]]:
    return [(str(user.pk), user.display_name) for user in users]


class BookSessionsForm(WhenAndWhereMixin):
    modality = forms.ChoiceField(
        label="Kind of work",
        choices=Modality.choices,
        initial=Modality.PARENT_INFANT_PSYCHOTHERAPY,
        error_messages={"invalid_choice": "Choose the kind of work from the list"},
    )
    practitioners = forms.MultipleChoiceField(
        label="Practitioners",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one practitioner",
            "invalid_choice": "Choose practitioners from the team's list",
        },
    )
    repeat = forms.ChoiceField(
        label="How often",
        choices=[(ONCE, "Just this session"), (WEEKLY, "Every week, at the same time")],
        widget=forms.RadioSelect,
        initial=ONCE,
        error_messages={"required": "Choose how often", "invalid_choice": "Choose how often"},
    )
    sessions = forms.IntegerField(
        label="Number of weekly sessions",
        required=False,
        min_value=1,
        max_value=MAX_WEEKLY_SESSIONS,
        error_messages={
            "invalid": "Enter the number of sessions, like 12",
            "min_value": f"Enter a number of sessions from 1 to {MAX_WEEKLY_SESSIONS}",
            "max_value": f"Enter a number of sessions from 1 to {MAX_WEEKLY_SESSIONS}",
        },
    )
    until = _date_field(
        "Date of the last session",
        required=False,
        help_text="Instead of a number of sessions, if you prefer",
    )

    field_order = [
        "on",
        "start_time",
        "duration_minutes",
        "location_type",
        "room",
        "modality",
        "practitioners",
        "repeat",
        "sessions",
        "until",
        "confirm_clash",
    ]

    def __init__(
        self, *args: Any, rooms: Sequence[Room], clinicians: Sequence[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_rooms(rooms)
        self.clinicians = {str(user.pk): user for user in clinicians}
        self.fields["practitioners"].choices = _user_choices(clinicians)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            cleaned.get("repeat") == WEEKLY
            and not cleaned.get("sessions")
            and not cleaned.get("until")
            and "sessions" not in self.errors
        ):
            self.add_error(
                "sessions", "Enter how many weekly sessions, or the date of the last one"
            )
        if cleaned.get("until") and cleaned.get("on") and cleaned["until"] < cleaned["on"]:
            self.add_error("until", "The last session cannot be before the first one")
        return cleaned

    def to_plan(self) -> SessionPlan:
        data = self.cleaned_data
        weekly = data["repeat"] == WEEKLY
        return SessionPlan(
            starts_at=self.starts_at(),
            duration_minutes=data["duration_minutes"],
            location_type=data["location_type"],
            room=self.chosen_room(),
            modality=data["modality"],
            practitioners=[self.clinicians[key] for key in data["practitioners"]],
            weekly=weekly,
            sessions=data.get("sessions") if weekly else None,
            until=data.get("until") if weekly else None,
        )


class MoveSessionForm(WhenAndWhereMixin):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, rooms: Sequence[Room], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_rooms(rooms)


class RecordContactForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    attendance = forms.ChoiceField(
        label="What happened",
        choices=Attendance.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what happened",
            "invalid_choice": "Choose what happened",
        },
    )
    modality = forms.ChoiceField(
        label="Kind of work",
        choices=Modality.choices,
        error_messages={"invalid_choice": "Choose the kind of work from the list"},
    )
    people_present = forms.MultipleChoiceField(
        label="Who came from the family",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose people from this family"},
    )
    practitioners = forms.MultipleChoiceField(
        label="Practitioners",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one practitioner",
            "invalid_choice": "Choose practitioners from the team's list",
        },
    )
    interpreter_present = forms.BooleanField(label="An interpreter was there", required=False)

    def __init__(
        self,
        *args: Any,
        members: Sequence[FamilyMember],
        clinicians: Sequence[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(m.person_id): m.person for m in members}
        self.clinicians = {str(user.pk): user for user in clinicians}
        self.fields["people_present"].choices = _person_choices(members)  # type: ignore[attr-defined]
        self.fields["practitioners"].choices = _user_choices(clinicians)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("attendance") == Attendance.ATTENDED
            and not cleaned.get("people_present")
            and "people_present" not in self.errors
        ):
            self.add_error("people_present", "Choose who came from the family")
        return cleaned

    def chosen_people(self) -> list[Person]:
        return [self.people[key] for key in self.cleaned_data["people_present"]]

    def chosen_practitioners(self) -> list[User]:
        return [self.clinicians[key] for key in self.cleaned_data["practitioners"]]


class CancelSessionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    attendance = forms.ChoiceField(
        label="Who cancelled",
        choices=[
            (Attendance.CANCELLED_BY_FAMILY, "The family"),
            (Attendance.CANCELLED_BY_SERVICE, "The service"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who cancelled the session",
            "invalid_choice": "Choose who cancelled the session",
        },
    )


class EndSeriesForm(forms.Form):
    last_day = _date_field(
        "Last day of the series",
        help_text="Planned sessions after this day are removed; earlier ones are kept",
    )


class RoomForm(forms.Form):
    name = forms.CharField(
        label="Room name",
        max_length=100,
        error_messages={
            "required": "Enter the room's name",
            "max_length": "Keep the name under 100 characters",
        },
    )
    baby_friendly = forms.BooleanField(
        label="Baby-friendly (space on the floor, changing facilities)",
        required=False,
        initial=True,
    )
    video_equipped = forms.BooleanField(label="Video-equipped", required=False)
