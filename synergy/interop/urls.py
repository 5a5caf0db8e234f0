from __future__ import annotations

from django.urls import path

from synergy.interop import views

urlpatterns = [
    path("", views.home, name="interop-home"),
    path("export/iati.xml", views.export_iati, name="interop-export-iati"),
    path("export/iati/check/", views.check_iati, name="interop-check-iati"),
    path("export/<str:kind>.<str:file_format>", views.export_table, name="interop-export"),
    path("import/", views.import_upload, name="interop-import"),
    path("import/<str:token>/", views.import_preview, name="interop-import-preview"),
    path("import/<str:token>/confirm/", views.import_confirm, name="interop-import-confirm"),
]
