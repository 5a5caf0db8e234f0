"""Who may import which table."""

from __future__ import annotations

from dataclasses import dataclass

from synergy.core import roles
from synergy.core.models import User
from synergy.interop import hxl


@dataclass(frozen=True)
class Rights:
    """What the actor may write; no actor = the command line, run by the server's operator."""

    admin: bool
    coordinated: set[str]
    managed: set[int]

    @classmethod
    def of(cls, actor: User | None) -> Rights:
        if actor is None:
            return cls(True, set(), set())
        return cls(
            roles.is_system_admin(actor),
            roles.coordinated_country_ids(actor),
            roles.managed_organisation_ids(actor),
        )


def can_import(user: User, kind: str) -> bool:
    """System administrators and national coordinators import any table; a partner manager
    imports its own organisation's activities (rows of others are refused row by row)."""
    if roles.is_system_admin(user) or roles.coordinated_country_ids(user):
        return True
    return kind == "activities" and bool(roles.managed_organisation_ids(user))


def importable_kinds(user: User) -> list[str]:
    return [kind for kind in hxl.KINDS if can_import(user, kind)]
