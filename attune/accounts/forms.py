from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from attune.audit.selectors import AuditSearch


class SignInForm(AuthenticationForm):
    # One message for every failure, so the page never tells whether a username exists.
    error_messages = {
        "invalid_login": "The username or password is not right. Check them and try again.",
        "inactive": "The username or password is not right. Check them and try again.",
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=16,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self) -> str:
        return "".join(ch for ch in self.cleaned_data["code"] if ch.isalnum()).upper()


class EnrolmentCodeForm(OneTimeCodeForm):
    def clean_code(self) -> str:
        code = super().clean_code()
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("The code is 6 digits, shown in your authenticator app")
        return code


class TeamSwitchForm(forms.Form):
    team = forms.IntegerField(min_value=1)


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label="Username contains", required=False, max_length=150)
    action = forms.CharField(
        label="Action starts with",
        required=False,
        max_length=64,
        help_text="For example login, access.denied or team",
    )
    object_type = forms.CharField(label="Record type", required=False, max_length=64)
    object_id = forms.CharField(label="Record id", required=False, max_length=64)
    date_from = forms.DateField(
        label="From (date)",
        required=False,
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, for example 2026-11-01"},
    )
    date_to = forms.DateField(
        label="To (date)",
        required=False,
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, for example 2026-11-30"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cleaned

    def to_search(self, team_id: int) -> AuditSearch:
        data = self.cleaned_data
        return AuditSearch(
            team_id=team_id,
            actor=data.get("actor") or "",
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
            object_id=data.get("object_id") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
