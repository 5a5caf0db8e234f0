"""Routing only: one NinjaAPI under /api/v1/ that mounts each domain app's router."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from synergy.api.auth import token_or_session
from synergy.api.errors import declare_errors
from synergy.cooperation.api import router as cooperation_router
from synergy.core.api import router as core_router
from synergy.indicators.api import router as indicators_router
from synergy.knowledge.api import router as knowledge_router
from synergy.monitoring.api import router as monitoring_router
from synergy.monitoring.api_field import router as field_router
from synergy.partners.api import router as partners_router
from synergy.surveys.api import router as surveys_router

api = NinjaAPI(
    title="Synergy API",
    version="1",
    description=(
        "Partners, programmes and monitoring against child labour, forced labour and "
        "trafficking. Authenticate with a personal token: `Authorization: Bearer <token>`."
    ),
    auth=token_or_session,
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    # "stale": a version someone else changed; "conflict": the record's state forbids it now.
    status = 409 if getattr(exc, "code", None) in ("stale", "conflict") else 422
    return api.create_response(request, {"detail": errors}, status=status)


api.add_router("/organisations", core_router)
api.add_router("/partners", partners_router)
api.add_router("/knowledge", knowledge_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/field", field_router)
api.add_router("/surveys", surveys_router)
api.add_router("/indicators", indicators_router)
api.add_router("/cooperation", cooperation_router)
declare_errors(api)
