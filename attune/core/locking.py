"""Optimistic locking: two people editing one record cannot overwrite each other.

Edited records carry a ``version``. A save names the version the editor started
from; if someone saved in between, nothing is written and ``StaleEdit`` carries
the record as it is now, so the form can show what changed and keep what the
second person typed.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class StaleEdit(Exception):
    def __init__(self, current: models.Model) -> None:
        super().__init__("The record was changed by someone else.")
        self.current = current


def _column(model: type[models.Model], name: str) -> str:
    # Concrete fields only: reverse relations have no column to write.
    field = model._meta.get_field(name)
    return getattr(field, "attname", name)


def save_if_unchanged(obj: VersionedModel, *, expected_version: int, fields: list[str]) -> None:
    """Write ``fields`` of ``obj`` only if the stored version is still ``expected_version``."""
    model = type(obj)
    values: dict[str, Any] = {name: getattr(obj, _column(model, name)) for name in fields}
    if any(f.name == "updated_at" for f in model._meta.get_fields()):
        values["updated_at"] = timezone.now()
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        **values, version=models.F("version") + 1
    )
    if updated == 0:
        raise StaleEdit(model._default_manager.get(pk=obj.pk))
    obj.version = expected_version + 1


def changed_fields(
    current: models.Model, submitted: dict[str, Any], fields: list[str]
) -> list[str]:
    """Fields whose saved value now differs from what the editor submitted."""
    return [name for name in fields if getattr(current, name) != submitted.get(name)]
