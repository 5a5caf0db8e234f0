"""``{% monitoring_nav_rights as rights %}``: which sections of the CLMS navigation the user
may open - the same rules as the pages' own access checks (views_dedup, views_import,
views_reports). Reads the user's memberships, cached per request: no extra query."""

from __future__ import annotations

from typing import Any

from django import template

from synergy.core import roles
from synergy.monitoring import selectors
from synergy.monitoring.views_reports import REPORT_MEMBER_ROLES

register = template.Library()


def nav_rights(user: Any) -> dict[str, bool]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"duplicates": False, "import": False, "reports": False}
    admin = roles.is_system_admin(user)
    coordinator = bool(roles.coordinated_country_ids(user))
    return {
        # Reviewers see the scored pairs; partner members their own flagged children.
        "duplicates": admin or coordinator or bool(selectors.record_organisation_ids(user)),
        # Case workers and partner managers import into their organisations.
        "import": bool(selectors.writable_organisation_ids(user)),
        # Country reports for admins/coordinators; partner reports for managers and analysts.
        "reports": admin
        or coordinator
        or any(m.role in REPORT_MEMBER_ROLES for m in roles.memberships(user)),
    }


@register.simple_tag(takes_context=True)
def monitoring_nav_rights(context: template.Context) -> dict[str, bool]:
    request = context.get("request")
    return nav_rights(getattr(request, "user", None))
