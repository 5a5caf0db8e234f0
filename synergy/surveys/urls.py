from __future__ import annotations

from django.urls import URLPattern, path

from synergy.surveys import views

urlpatterns: list[URLPattern] = [
    path("", views.dataset_list, name="surveys-list"),
    path("upload/", views.dataset_upload, name="surveys-upload"),
    path("<int:dataset_id>/", views.dataset_detail, name="surveys-detail"),
    path("<int:dataset_id>/status/", views.dataset_status, name="surveys-status"),
    path("<int:dataset_id>/map/", views.dataset_map, name="surveys-map"),
    path("<int:dataset_id>/table/", views.dataset_table, name="surveys-table"),
    path(
        "<int:dataset_id>/download/<str:fmt>/",
        views.dataset_download,
        name="surveys-download",
    ),
]
