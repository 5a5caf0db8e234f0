from __future__ import annotations

from django.urls import path

from synergy.indicators import views, views_exchange, views_roadmaps

urlpatterns = [
    path("", views.indicator_list, name="indicators-list"),
    path("roadmaps/", views_roadmaps.roadmap_list, name="indicators-roadmaps"),
    path("roadmaps/start/", views_roadmaps.roadmap_start, name="indicators-roadmap-start"),
    path("roadmaps/<str:country_id>/", views_roadmaps.roadmap_detail, name="indicators-roadmap"),
    path(
        "roadmaps/<str:country_id>/edit/",
        views_roadmaps.roadmap_edit,
        name="indicators-roadmap-edit",
    ),
    path(
        "roadmaps/<str:country_id>/actions/",
        views_roadmaps.action_add,
        name="indicators-action-add",
    ),
    path(
        "actions/<int:action_id>/follow-up/",
        views_roadmaps.action_follow_up,
        name="indicators-action-follow-up",
    ),
    path("reports/", views.progress_report, name="indicators-report"),
    path("reports/<uuid:job_id>/", views.report_job, name="indicators-report-job"),
    path("reports/<uuid:job_id>/file/", views.report_job_file, name="indicators-report-file"),
    path("exchange/", views_exchange.exchange_page, name="indicators-exchange"),
    path("dashboard/", views.country_dashboard, name="indicators-dashboard"),
    path("values/<int:value_id>/", views.value_detail, name="indicators-value"),
    path("<slug:code>/", views.indicator_detail, name="indicators-detail"),
    path("<slug:code>/enter/", views.value_grid, name="indicators-enter"),
    path("<slug:code>/records/", views.figure_records, name="indicators-records"),
    path("<slug:code>/approve/", views.period_approve, name="indicators-approve"),
]
