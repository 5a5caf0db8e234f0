from __future__ import annotations

from django.urls import path

from synergy.cooperation import views, views_profiles

urlpatterns = [
    path("", views.need_list, name="cooperation-needs"),
    path("needs/new/", views.need_create, name="cooperation-need-create"),
    path("needs/<int:need_id>/", views.need_detail, name="cooperation-need"),
    path("needs/<int:need_id>/edit/", views.need_edit, name="cooperation-need-edit"),
    path("needs/<int:need_id>/propose/", views.exchange_propose, name="cooperation-propose"),
    path("offers/", views.offer_list, name="cooperation-offers"),
    path("offers/new/", views.offer_create, name="cooperation-offer-create"),
    path("offers/<int:offer_id>/", views.offer_detail, name="cooperation-offer"),
    path("offers/<int:offer_id>/edit/", views.offer_edit, name="cooperation-offer-edit"),
    path("exchanges/", views.exchange_list, name="cooperation-exchanges"),
    path("exchanges/<int:exchange_id>/", views.exchange_detail, name="cooperation-exchange"),
    path("matrix/", views.matrix, name="cooperation-matrix"),
    path("countries/", views_profiles.profile_list, name="cooperation-profiles"),
    path("countries/<str:country_id>/", views_profiles.profile_detail, name="cooperation-profile"),
    path(
        "countries/<str:country_id>/edit/",
        views_profiles.profile_edit,
        name="cooperation-profile-edit",
    ),
]
