"""Model fields for clinical text that is stored encrypted at rest."""

from __future__ import annotations

from typing import Any

from django.db import models

from attune.core import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted with AES-256-GCM before it reaches the database.

    Encrypted values cannot be searched or ordered by the database; keep
    anything a query needs (dates, categories) in ordinary fields beside it.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt_text(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt_text(value)
