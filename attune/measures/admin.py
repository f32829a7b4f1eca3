"""System administrators add a team's own instrument (JSON) or a new version of a shipped one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from attune.accounts.admin import AuditedAdmin
from attune.measures.instruments import Definition, DefinitionError
from attune.measures.models import Administration, Instrument


class InstrumentForm(forms.ModelForm):
    class Meta:
        model = Instrument
        fields = ["team", "code", "version", "definition", "is_active"]
        help_texts = {
            "team": "Leave blank only for a definition every team may use.",
            "definition": "The definition as JSON: see docs/measures-instruments.md.",
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data = cleaned.get("definition")
        if not isinstance(data, dict):
            self.add_error("definition", "The definition must be a JSON object.")
            return cleaned
        try:
            parsed = Definition.from_dict(data)
        except DefinitionError as error:
            self.add_error("definition", forms.ValidationError(error.messages))
            return cleaned
        if parsed.code != cleaned.get("code") or parsed.version != cleaned.get("version"):
            self.add_error(
                "definition", "The definition's code and version must match the fields above."
            )
        return cleaned


@admin.register(Instrument)
class InstrumentAdmin(AuditedAdmin):
    """Definitions in use are frozen: a change is a new version, so old scores keep their rules."""

    form = InstrumentForm
    list_display = ["code", "version", "team", "is_active"]
    list_filter = ["is_active", "team"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and Administration.objects.filter(instrument=obj).exists():
            return ["team", "code", "version", "definition"]
        return []
