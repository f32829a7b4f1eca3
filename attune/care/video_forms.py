"""Forms for adding a recording and for marking moments in it (video feedback)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone

from attune.care.codes import VideoUse
from attune.care.models import Episode
from attune.care.video import MAX_CLIP_SECONDS, VideoDetails
from attune.families.forms import PlainTextMixin, date_field
from attune.families.models import FamilyMember

MAX_MOMENT_NOTE = 2_000
TIME_PATTERN = re.compile(r"^\s*(?:(\d{1,3}):)?(\d{1,5}(?:\.\d{1,3})?)\s*$")


class VideoUploadForm(PlainTextMixin, forms.Form):
    video = forms.FileField(
        label="Video file",
        help_text="An MP4, MOV or WebM recording. Location and device details are removed.",
        # The upload's own name is never used; the limit only keeps silly names out.
        max_length=255,
        allow_empty_file=False,
        error_messages={
            "required": "Choose a video file to upload",
            "empty": "The selected file is empty. Choose a video recording.",
            "invalid": "Choose a video file to upload",
            "max_length": "The file name is too long. Rename the file and try again.",
        },
    )
    recorded_on = date_field("Date of the recording", required=True)
    use = forms.ChoiceField(
        label="What the family agreed it can be used for",
        choices=VideoUse.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the family agreed the recording is for"},
    )
    consented_by = forms.TypedMultipleChoiceField(
        label="Who agreed to the recording",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose who agreed to the recording",
            "invalid_choice": "Choose people from this family",
        },
    )
    retain_until = date_field(
        "Keep until (optional)",
        help_text="Leave blank to keep it for the team's full retention period. "
        "It is deleted automatically after this date.",
    )

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.episode = episode
        members = FamilyMember.objects.filter(family_id=episode.family_id).select_related("person")
        self.people = {m.person.pk: m.person for m in members}
        self.fields["consented_by"].choices = [  # type: ignore[attr-defined]
            (pk, person.display_name) for pk, person in self.people.items()
        ]

    def clean_recorded_on(self) -> Any:
        recorded_on = self.cleaned_data["recorded_on"]
        if recorded_on > timezone.localdate():
            raise forms.ValidationError("The date of the recording must be today or in the past")
        return recorded_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        recorded_on, keep = cleaned.get("recorded_on"), cleaned.get("retain_until")
        if recorded_on and keep and keep <= recorded_on:
            self.add_error("retain_until", "The keep-until date must be after the recording")
        return cleaned

    def details(self) -> VideoDetails:
        data = self.cleaned_data
        return VideoDetails(
            recorded_on=data["recorded_on"],
            use=data["use"],
            consented_by=[self.people[pk] for pk in data["consented_by"]],
            retain_until=data.get("retain_until"),
        )


def parse_time(value: str) -> float | None:
    """'75', '1:15' or '1:15.5' as seconds; None when it is not a time."""
    match = TIME_PATTERN.match(value or "")
    if not match:
        return None
    minutes, seconds = match.groups()
    return int(minutes or 0) * 60 + float(seconds)


def _time_field(label: str, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=12,
        help_text="Minutes and seconds, for example 1:05",
        error_messages={"required": f"Enter the {label.lower()}"},
    )


class MomentForm(PlainTextMixin, forms.Form):
    at = _time_field("Time of the moment", required=True)
    clip_end = _time_field("End of the clip (optional)", required=False)
    note = forms.CharField(
        label="What you noticed",
        max_length=MAX_MOMENT_NOTE,
        widget=forms.Textarea,
        help_text="For example, a moment of attunement to share with the parent.",
        error_messages={
            "required": "Write what you noticed at this moment",
            "max_length": "Keep this under 2,000 characters",
        },
    )

    def __init__(self, *args: Any, duration: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duration = duration
        self.fields["clip_end"].help_text = (
            f"Minutes and seconds. A clip to review with the parent, up to "
            f"{MAX_CLIP_SECONDS // 60} minutes long."
        )

    def clean_at(self) -> float:
        seconds = parse_time(self.cleaned_data["at"])
        if seconds is None:
            raise forms.ValidationError("Enter the time as minutes and seconds, like 1:05")
        if seconds > self.duration:
            raise forms.ValidationError(
                f"The video is only {format_time(self.duration)} long: choose an earlier time"
            )
        return seconds

    def clean_clip_end(self) -> float | None:
        raw = self.cleaned_data["clip_end"]
        if not raw.strip():
            return None
        seconds = parse_time(raw)
        if seconds is None:
            raise forms.ValidationError("Enter the time as minutes and seconds, like 1:35")
        if seconds > self.duration:
            raise forms.ValidationError(
                f"The clip must end by {format_time(self.duration)}, when the video ends"
            )
        return seconds

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("at"), cleaned.get("clip_end")
        if start is not None and end is not None:
            if end <= start:
                self.add_error("clip_end", "The clip must end after the moment it starts")
            elif end - start > MAX_CLIP_SECONDS:
                self.add_error(
                    "clip_end", f"A clip can be at most {MAX_CLIP_SECONDS // 60} minutes long"
                )
        return cleaned


def format_time(seconds: float | None) -> str:
    """Seconds as m:ss for people (the clip link keeps the exact value)."""
    whole = int(seconds or 0)
    return f"{whole // 60}:{whole % 60:02d}"
