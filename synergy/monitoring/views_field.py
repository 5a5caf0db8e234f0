"""The offline field app: its page (an app shell holding no personal data: the children come
from the API into the device's encrypted store), its service worker and its web app manifest.
See ``field`` for the server side of the sync."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from synergy.core.http import AuthedRequest
from synergy.monitoring import selectors

# Bump when the shell's files change in a way the cache name must show.
CACHE_VERSION = "field-v1"
SHELL_STATIC = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "core/favicon.svg",
    "monitoring/field/field.css",
    "monitoring/field/classify.js",
    "monitoring/field/store.js",
    "monitoring/field/app.js",
)


@login_required
@require_GET
def field_app(request: AuthedRequest) -> HttpResponse:
    if not selectors.writable_organisation_ids(request.user):
        raise PermissionDenied(_("The field app is for case workers and partner managers."))
    return render(request, "monitoring/field/app.html", {"max_days": settings.OFFLINE_MAX_DAYS})


@require_GET
def field_service_worker(request: HttpRequest) -> HttpResponse:
    shell = [reverse("monitoring-field"), *(static(name) for name in SHELL_STATIC)]
    body = render(
        request,
        "monitoring/field/sw.js",
        {"cache": CACHE_VERSION, "shell": json.dumps(shell), "app": reverse("monitoring-field")},
        content_type="application/javascript",
    )
    body["Service-Worker-Allowed"] = reverse("monitoring-field")
    body["Cache-Control"] = "no-cache"
    return body


@require_GET
def field_manifest(request: HttpRequest) -> HttpResponse:
    manifest = {
        "name": "Synergy field",
        "short_name": "Synergy",
        "description": _("Case work without a network: caseload, registrations and visits."),
        "start_url": reverse("monitoring-field"),
        "scope": reverse("monitoring-field"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": [{"src": static("core/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return HttpResponse(json.dumps(manifest), content_type="application/manifest+json")


urlpatterns = [
    path("field/", field_app, name="monitoring-field"),
    path("field/sw.js", field_service_worker, name="monitoring-field-sw"),
    path("field/manifest.webmanifest", field_manifest, name="monitoring-field-manifest"),
]
