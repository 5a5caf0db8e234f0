from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from synergy.core import account_views, views

organisation_urls = [
    path("", views.organisation_list, name="core-organisation-list"),
    path("new/", views.organisation_create, name="core-organisation-create"),
    path("<int:organisation_id>/", views.organisation_detail, name="core-organisation-detail"),
    path("<int:organisation_id>/edit/", views.organisation_edit, name="core-organisation-edit"),
]

account_urls = [
    path("login/", account_views.login_view, name="core-login"),
    path("login/code/", account_views.login_token, name="core-login-token"),
    path("logout/", account_views.logout_view, name="core-logout"),
    path("", account_views.account, name="core-account"),
    path("tokens/", account_views.token_create, name="core-token-create"),
    path("tokens/<int:token_id>/revoke/", account_views.token_revoke, name="core-token-revoke"),
    path("two-factor/", account_views.two_factor_setup, name="core-two-factor-setup"),
    path("two-factor/off/", account_views.two_factor_disable, name="core-two-factor-disable"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt"
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.home, name="core-home"),
    path("healthz", views.healthz, name="core-healthz"),
    path("organisations/", include(organisation_urls)),
    path("account/", include(account_urls)),
]
