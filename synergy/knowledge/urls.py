from __future__ import annotations

from django.urls import URLPattern, path

from synergy.knowledge import views

urlpatterns: list[URLPattern] = [
    path("", views.practice_list, name="knowledge-practice-list"),
    path("practices/new/", views.practice_create, name="knowledge-practice-create"),
    path("practices/<int:practice_id>/", views.practice_detail, name="knowledge-practice-detail"),
    path(
        "practices/<int:practice_id>/pdf/", views.practice_pdf_view, name="knowledge-practice-pdf"
    ),
    path("practices/<int:practice_id>/edit/", views.practice_edit, name="knowledge-practice-edit"),
    path(
        "practices/<int:practice_id>/workflow/",
        views.practice_transition,
        name="knowledge-practice-transition",
    ),
    path(
        "practices/<int:practice_id>/assess/",
        views.practice_assess,
        name="knowledge-practice-assess",
    ),
    path(
        "practices/<int:practice_id>/versions/",
        views.practice_versions,
        name="knowledge-practice-versions",
    ),
    path(
        "practices/<int:practice_id>/attachments/",
        views.attachment_upload,
        name="knowledge-attachment-upload",
    ),
    path(
        "practices/<int:practice_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="knowledge-attachment-download",
    ),
    path(
        "practices/<int:practice_id>/attachments/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="knowledge-attachment-delete",
    ),
    path("themes/", views.theme_list, name="knowledge-theme-list"),
    path("themes/<slug:slug>/", views.theme_detail, name="knowledge-theme-detail"),
    path("countries/<str:iso2>/", views.country_detail, name="knowledge-country-detail"),
    path("events/", views.event_list, name="knowledge-event-list"),
    path("events/new/", views.event_create, name="knowledge-event-create"),
    path("events/<int:event_id>/", views.event_detail, name="knowledge-event-detail"),
    path("events/<int:event_id>/edit/", views.event_edit, name="knowledge-event-edit"),
    path(
        "events/<int:event_id>/outcomes/new/", views.outcome_create, name="knowledge-outcome-create"
    ),
    path("outcomes/<int:outcome_id>/edit/", views.outcome_edit, name="knowledge-outcome-edit"),
    path("follow-ups/", views.follow_up_list, name="knowledge-follow-up-list"),
]
