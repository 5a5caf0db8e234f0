from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from synergy.api.api import api

urlpatterns = [
    path("", include("synergy.core.urls")),
    path("surveys/", include("synergy.surveys.urls")),
    path("partners/", include("synergy.partners.urls")),
    path("monitoring/", include("synergy.monitoring.urls")),
    path("knowledge/", include("synergy.knowledge.urls")),
    path("interop/", include("synergy.interop.urls")),
    path("indicators/", include("synergy.indicators.urls")),
    path("cooperation/", include("synergy.cooperation.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
