"""The supervision session form: who, when, which families, and what was agreed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from attune.accounts.models import Team, User
from attune.care import supervision
from attune.care.models import Episode
from attune.families.forms import PlainTextMixin, date_field


def _episode_label(episode: Episode) -> str:
    closed = f" (closed {episode.closed_on:%-d %b %Y})" if episode.closed_on else ""
    return f"{episode.family.name}{closed}"


class SupervisionForm(PlainTextMixin, forms.Form):
    supervisee = forms.TypedChoiceField(
        label="Who you supervised",
        coerce=int,
        error_messages={
            "required": "Choose who you supervised",
            "invalid_choice": "Choose someone from this team",
        },
    )
    held_on = date_field("Date of the session", required=True)
    episodes = forms.TypedMultipleChoiceField(
        label="Families you talked about",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only families the person you supervised works with.",
        error_messages={"invalid_choice": "Choose families from the list"},
    )
    agreed_actions = forms.CharField(
        label="What you agreed",
        required=False,
        max_length=supervision.MAX_ACTIONS,
        widget=forms.Textarea,
        help_text="Actions and next steps. Only you and the person you supervised can read this.",
        error_messages={"max_length": "Keep this under 5,000 characters"},
    )

    def __init__(self, *args: Any, team: Team, supervisor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        self.people = {u.pk: u for u in supervision.supervisees_for(team, supervisor)}
        self.fields["supervisee"].choices = [("", "Choose"), *self._people_choices()]  # type: ignore[attr-defined]
        self.episodes_by_person = {
            pk: {e.pk: e for e in supervision.episodes_worked_by(team, person)}
            for pk, person in self.people.items()
        }
        all_episodes = {
            e.pk: e for episodes in self.episodes_by_person.values() for e in episodes.values()
        }
        self.all_episodes = all_episodes
        self.fields["episodes"].choices = [  # type: ignore[attr-defined]
            (pk, _episode_label(e)) for pk, e in sorted(all_episodes.items(), key=_by_family)
        ]

    def _people_choices(self) -> list[tuple[int, str]]:
        return [(pk, user.display_name) for pk, user in self.people.items()]

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("The date of the session must be today or in the past")
        return held_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        person = cleaned.get("supervisee")
        chosen = cleaned.get("episodes") or []
        if person in self.episodes_by_person:
            theirs = self.episodes_by_person[person]
            others = [self.all_episodes[pk] for pk in chosen if pk not in theirs]
            if others:
                names = ", ".join(e.family.name for e in others)
                self.add_error(
                    "episodes",
                    f"{self.people[person].display_name} does not work with: {names}. "
                    "Choose only their families.",
                )
        return cleaned

    def supervisee_user(self) -> User:
        return self.people[self.cleaned_data["supervisee"]]

    def chosen_episodes(self) -> list[Episode]:
        return [self.all_episodes[pk] for pk in self.cleaned_data.get("episodes") or []]


def _by_family(item: tuple[int, Episode]) -> tuple[str, int]:
    return (item[1].family.name, item[0])
