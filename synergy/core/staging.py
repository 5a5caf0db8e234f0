"""Records staged by a file import: each row is applied in memory first (so that every row is
checked before any is written), then written by the owning app's service with the version
check and audit of a one-record save."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from synergy.core.audit import audit_record
from synergy.core.models import Organisation, User
from synergy.core.versioning import versioned_update


def changed_fields(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set ``values`` on ``obj``; the names of those that differed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


@dataclass
class Staged:
    """A record as an imported row leaves it, not yet written; ``version`` is the one it was
    read at, so that a save in between is not overwritten."""

    obj: Any
    created: bool
    fields: list[str]
    version: int

    @property
    def changed(self) -> bool:
        return self.created or bool(self.fields)


def staged_save(actor: User | None, staged: Staged, organisation: Organisation | None) -> None:
    """Write a staged record and its audit event (nothing when it did not change)."""
    obj = staged.obj
    if staged.created:
        obj.save()
        audit_record(
            actor=actor,
            action="create",
            obj=obj,
            organisation=organisation,
            detail={"via": "import"},
        )
    elif staged.fields:
        versioned_update(obj, staged.version, **{f: getattr(obj, f) for f in staged.fields})
        audit_record(
            actor=actor,
            action="update",
            obj=obj,
            organisation=organisation,
            detail={"via": "import", "fields": sorted(staged.fields)},
        )
