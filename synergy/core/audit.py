"""Writing the audit trail. Called by services inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

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


@dataclass(frozen=True)
class Entry:
    """One event of ``audit_many``."""

    action: str
    object_type: str
    object_id: str | int
    organisation_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def audit_many(*, actor: User | None, entries: Iterable[Entry]) -> None:
    """Append many audit events of one actor at once (COPY on PostgreSQL): a batch import, a
    page that shows many records. ``detail`` must not contain personal data."""
    from synergy.core import bulk

    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    ip = current_ip.get()
    now = timezone.now()
    bulk.insert_rows(
        AuditEvent,
        ("actor_id", "action", "object_type", "object_id", "organisation_id", "ip", "detail", "at"),
        (
            (
                actor_id,
                e.action,
                e.object_type,
                str(e.object_id),
                e.organisation_id,
                ip,
                e.detail,
                now,
            )
            for e in entries
        ),
    )
