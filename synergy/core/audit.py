"""Writing the audit trail. Called by services inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from synergy.core.context import current_ip
from synergy.core.models import AuditEvent, Organisation, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    organisation: Organisation | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. ``detail`` must not contain personal data."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        organisation=organisation,
        ip=current_ip.get(),
        detail=detail or {},
    )
