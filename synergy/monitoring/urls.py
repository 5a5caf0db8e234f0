"""URLs of the CLMS, under /monitoring/. Records are addressed by public UUID.

The views of the duplicate review, import and report pages live in views_dedup.py,
views_import.py and views_reports.py; each may define its own ``urlpatterns`` list (names
``monitoring-dedup-*``, ``monitoring-import-*``, ``monitoring-reports-*``), appended here.
"""

from __future__ import annotations

import importlib

from django.urls import URLPattern, URLResolver, path

from synergy.monitoring import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.child_list, name="monitoring-child-list"),
    path("children/new/", views.child_register, name="monitoring-child-register"),
    path("children/export.csv", views.child_export, name="monitoring-child-export"),
    path("children/<uuid:child_id>/", views.child_detail, name="monitoring-child-detail"),
    path("children/<uuid:child_id>/edit/", views.child_edit, name="monitoring-child-edit"),
    path("children/<uuid:child_id>/enrol/", views.child_enrol, name="monitoring-child-enrol"),
    path("children/<uuid:child_id>/photo/", views.child_photo, name="monitoring-child-photo"),
    path(
        "children/<uuid:child_id>/visits/new/", views.visit_create, name="monitoring-visit-create"
    ),
    path(
        "children/<uuid:child_id>/referrals/new/",
        views.referral_create,
        name="monitoring-referral-create",
    ),
    path(
        "children/<uuid:child_id>/visits/preview/",
        views.visit_preview,
        name="monitoring-visit-preview",
    ),
    path("visits/<uuid:visit_id>/", views.visit_detail, name="monitoring-visit-detail"),
    path("referrals/", views.referral_inbox, name="monitoring-referral-inbox"),
    path("referrals/<uuid:referral_id>/", views.referral_detail, name="monitoring-referral-detail"),
    path("work/", views.work_list, name="monitoring-work-list"),
    path("caseload/", views.caseload, name="monitoring-caseload"),
    path(
        "duplicates/<int:flag_id>/dismiss/",
        views.duplicate_dismiss,
        name="monitoring-duplicate-dismiss",
    ),
]

for _name in ("views_dedup", "views_import", "views_reports", "views_field"):
    try:
        _module = importlib.import_module(f"synergy.monitoring.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"synergy.monitoring.{_name}":
            raise
        continue
    urlpatterns += getattr(_module, "urlpatterns", [])
