"""The one way to write to the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.core import request_context

# Keys that must never reach the trail: the trail is read by managers.
_FORBIDDEN_DETAIL_KEYS = {"password", "token", "otp", "secret", "key", "code"}


def record(
    action: str,
    *,
    actor: Any,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    team_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event, inside the caller's transaction when there is one."""
    details = dict(details or {})
    leaked = _FORBIDDEN_DETAIL_KEYS & {key.lower() for key in details}
    if leaked:
        raise ValueError(f"Audit details must not carry secrets: {sorted(leaked)}")
    context = request_context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        return AuditEvent.objects.create(
            occurred_at=timezone.now(),
            actor=actor if is_user else None,
            actor_label=actor.get_username() if is_user else "",
            role=context.role,
            team_id=team_id if team_id is not None else context.team_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            request_id=context.request_id,
            ip_address=context.ip_address,
            details=details,
        )
