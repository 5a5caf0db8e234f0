from __future__ import annotations

from django.urls import URLPattern, path

from synergy.partners import views

urlpatterns: list[URLPattern] = [
    path("", views.partnership_list, name="partners-partnership-list"),
    path("new/", views.partnership_create, name="partners-partnership-create"),
    path("<int:partnership_id>/", views.partnership_detail, name="partners-partnership-detail"),
    path("<int:partnership_id>/edit/", views.partnership_edit, name="partners-partnership-edit"),
    path(
        "<int:partnership_id>/documents/",
        views.partnership_document_upload,
        name="partners-partnership-document-upload",
    ),
    path(
        "<int:partnership_id>/documents/<int:document_id>/",
        views.partnership_document_download,
        name="partners-partnership-document-download",
    ),
    path("projects/", views.project_list, name="partners-project-list"),
    path("projects/new/", views.project_create, name="partners-project-create"),
    path("projects/<int:project_id>/", views.project_detail, name="partners-project-detail"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="partners-project-edit"),
    path("activities/", views.activity_list, name="partners-activity-list"),
    path("activities/new/", views.activity_create, name="partners-activity-create"),
    path("activities/<int:activity_id>/", views.activity_detail, name="partners-activity-detail"),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="partners-activity-edit"),
    path("matrix/", views.matrix, name="partners-matrix"),
]
