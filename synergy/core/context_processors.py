from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from synergy.core import roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main menu. Areas not yet built are shown as coming, so users see the whole map."""
    items: list[dict[str, Any]] = [
        {"label": _("Dashboard"), "url": reverse("core-home"), "name": "core-home"},
        {
            "label": _("Organisations"),
            "url": reverse("core-organisation-list"),
            "name": "core-organisation",
        },
        {
            "label": _("Partnerships"),
            "url": reverse("partners-partnership-list"),
            "name": "partners",
        },
        {
            "label": _("Monitoring"),
            "url": reverse("monitoring-child-list"),
            "name": "monitoring-",
        },
        {
            "label": _("Indicators"),
            "url": reverse("indicators-list"),
            "name": "indicators",
        },
        {"label": _("Knowledge"), "url": reverse("knowledge-practice-list"), "name": "knowledge"},
        {
            "label": _("Cooperation"),
            "url": reverse("cooperation-needs"),
            "name": "cooperation-",
        },
        {"label": _("Surveys"), "url": reverse("surveys-list"), "name": "surveys"},
        {"label": _("Data exchange"), "url": reverse("interop-home"), "name": "interop"},
    ]
    user = getattr(request, "user", None)
    is_admin = bool(user and user.is_authenticated and roles.is_system_admin(user))
    current = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
    for item in items:
        item["active"] = bool(item.get("name")) and current.startswith(item["name"])
    return {"nav_items": items, "nav_is_admin": is_admin}
