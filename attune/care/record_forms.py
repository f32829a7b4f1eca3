"""Forms for notes, safeguarding concerns and the chronology filter.

Forms parse and check what was typed; they never save. Each error has a
message written for the person at the keyboard, shown beside the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone

from attune.accounts.models import User
from attune.care.codes import NoteKind, SafeguardingCategory
from attune.care.models import Contact
from attune.core.sanitise import plain_text, rich_text_from_input
from attune.families.forms import PlainTextMixin, date_field

MAX_NOTE = 20_000
MAX_CONCERN_TEXT = 10_000
NOTE_HINT = (
    "Plain text is fine: leave a blank line to start a new paragraph. Formatting pasted "
    "from elsewhere keeps only bold, italics, lists and quotes; links are removed."
)


def _long_text(label: str, *, required: bool, limit: int, missing: str = "", hint: str = "") -> Any:
    return forms.CharField(
        label=label,
        widget=forms.Textarea,
        required=required,
        max_length=limit,
        help_text=hint,
        error_messages={
            "required": missing or f"Enter {label.lower()}",
            "max_length": f"Keep this under {limit:,} characters",
        },
    )


def _not_in_future(value: date | None, what: str) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"The date {what} cannot be in the future")


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def contact_label(contact: Contact) -> str:
    start = timezone.localtime(contact.starts_at)
    return (
        f"{start:%-d %b %Y, %H:%M} – {contact.get_location_type_display()}"
        f" ({contact.get_attendance_display()})"
    )


class NoteForm(PlainTextMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of note",
        choices=NoteKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether this is a session note or a case note",
            "invalid_choice": "Choose session note or case note",
        },
    )
    contact = forms.ChoiceField(
        label="Which contact is it about? (optional)",
        required=False,
        error_messages={"invalid_choice": "Choose a contact from this family's list"},
    )
    written_on = date_field("Date of the note", required=True)
    body = _long_text(
        "Note", required=True, limit=MAX_NOTE, missing="Write the note", hint=NOTE_HINT
    )

    def __init__(self, *args: Any, contacts: Iterable[Contact], opened_on: date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.contacts = {str(c.pk): c for c in contacts}
        self.opened_on = opened_on
        _choice_field(self, "contact").choices = [
            ("", "Not about one contact"),
            *((key, contact_label(c)) for key, c in self.contacts.items()),
        ]
        if not self.is_bound:
            self.initial.setdefault("written_on", timezone.localdate())

    def clean_written_on(self) -> date:
        value: date = self.cleaned_data["written_on"]
        _not_in_future(value, "of a note")
        if value < self.opened_on:
            raise forms.ValidationError(
                f"The date cannot be before the episode opened ({self.opened_on:%-d %B %Y})"
            )
        return value

    def clean_contact(self) -> Contact | None:
        # Only this episode's contacts are offered; anything else fails as an invalid choice.
        return self.contacts.get(self.cleaned_data.get("contact") or "")

    def clean_body(self) -> str:
        return _check_has_words(self.cleaned_data["body"], "Write the note")


def _check_has_words(value: str, message: str) -> str:
    if not plain_text(rich_text_from_input(value)):
        raise forms.ValidationError(f"{message}: nothing is left once the formatting is removed")
    return value


class AddendumForm(PlainTextMixin, forms.Form):
    body = _long_text(
        "Addendum", required=True, limit=MAX_NOTE, missing="Write the addendum", hint=NOTE_HINT
    )

    def clean_body(self) -> str:
        return _check_has_words(self.cleaned_data["body"], "Write the addendum")


class ConcernForm(PlainTextMixin, forms.Form):
    category = forms.ChoiceField(
        label="Category",
        choices=[("", "Choose"), *SafeguardingCategory.choices],
        error_messages={
            "required": "Choose the category that fits best",
            "invalid_choice": "Choose a category from the list",
        },
    )
    raised_on = date_field("Date of the concern", required=True)
    what_happened = _long_text(
        "What happened",
        required=True,
        limit=MAX_CONCERN_TEXT,
        missing="Describe what happened or what you noticed",
    )
    who_was_informed = _long_text(
        "Who was informed",
        required=False,
        limit=MAX_CONCERN_TEXT,
        hint="For example, the duty social worker or the family's health visitor, and when",
    )
    action_taken = _long_text("Action taken", required=False, limit=MAX_CONCERN_TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("raised_on", timezone.localdate())

    def clean_raised_on(self) -> date:
        value: date = self.cleaned_data["raised_on"]
        _not_in_future(value, "of a concern")
        return value


class EscalateForm(forms.Form):
    manager = forms.ChoiceField(
        label="Team manager",
        error_messages={
            "required": "Choose the manager to escalate to",
            "invalid_choice": "Choose a manager of this team",
        },
    )

    def __init__(self, *args: Any, managers: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.managers = {str(m.pk): m for m in managers}
        _choice_field(self, "manager").choices = [
            ("", "Choose"),
            *((key, m.display_name) for key, m in self.managers.items()),
        ]

    def clean_manager(self) -> User:
        return self.managers[self.cleaned_data["manager"]]


class OutcomeForm(PlainTextMixin, forms.Form):
    # The concern as the writer saw it: a save on top of someone else's is refused.
    seen = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": "Open the concern again, then write the outcome"},
    )
    outcome = _long_text(
        "Outcome", required=True, limit=MAX_CONCERN_TEXT, missing="Write the outcome so far"
    )

    def __init__(self, *args: Any, can_close: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if can_close:
            self.fields["close"] = forms.BooleanField(
                label="Close this concern: the safeguarding work is finished", required=False
            )


class ChronologyFilterForm(forms.Form):
    type = forms.MultipleChoiceField(
        label="Show only",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the kinds listed"},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "type").choices = choices
        self.kinds = {value for value, _ in choices}

    def chosen(self) -> set[str]:
        """The kinds to show: those ticked, or every kind when none (or something odd) is."""
        if self.is_bound and self.is_valid() and self.cleaned_data["type"]:
            return set(self.cleaned_data["type"])
        return set(self.kinds)
