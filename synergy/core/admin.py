from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from synergy.core.models import (
    AdminArea,
    ApiToken,
    AuditEvent,
    Country,
    Membership,
    Organisation,
    RolePolicy,
    User,
)


def _admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin's own sign-in form would skip the second factor, the lock-out page and the
    sign-in audit event; send it to the site's sign-in page instead."""
    if request.user.is_authenticated:
        # Signed in but not staff: signing in again would not help.
        raise PermissionDenied
    target = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(target, login_url=reverse("core-login"))


admin.site.login = _admin_login  # type: ignore[method-assign]


class MembershipInline(admin.TabularInline[Membership, Any]):
    model = Membership
    extra = 0


class ThroughServices:
    """For models written by their app's services (rules, versions, audit): the admin shows
    them and never saves them, so nothing bypasses the services."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(User)
class SynergyUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(ThroughServices, admin.ModelAdmin[Organisation]):
    # A website typed without its scheme is taken as https, as Django 6 will and the pages do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "acronym"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin[Country]):
    list_display = ["name", "iso2", "iso3", "m49_region", "m49_subregion", "ilo_region"]
    list_filter = ["ilo_region", "m49_region"]
    search_fields = ["name", "iso2", "iso3"]


@admin.register(AdminArea)
class AdminAreaAdmin(admin.ModelAdmin[AdminArea]):
    list_display = ["code", "name", "level", "country", "parent", "valid_from", "valid_to"]
    list_filter = ["country", "level"]
    search_fields = ["code", "name"]


@admin.register(RolePolicy)
class RolePolicyAdmin(admin.ModelAdmin[RolePolicy]):
    list_display = ["role", "require_two_factor"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["at", "actor", "action", "object_type", "object_id", "organisation", "ip"]
    list_filter = ["action", "object_type"]

    # The audit trail is read-only, even for administrators.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
