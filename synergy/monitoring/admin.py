"""Back-office for the CLMS configuration. Personal records are deliberately not in the admin:
they are reached through the audited, scoped pages only."""

from __future__ import annotations

from django.contrib import admin

from synergy.core.admin import ThroughServices
from synergy.monitoring.models import NationalPolicy, ProjectRules, RiskFactor


@admin.register(NationalPolicy)
class NationalPolicyAdmin(ThroughServices, admin.ModelAdmin[NationalPolicy]):
    list_display = ("country", "framework", "version", "updated_at")


@admin.register(ProjectRules)
class ProjectRulesAdmin(admin.ModelAdmin[ProjectRules]):
    list_display = ("project",)


@admin.register(RiskFactor)
class RiskFactorAdmin(admin.ModelAdmin[RiskFactor]):
    list_display = ("code", "label", "active", "order")
    list_editable = ("active", "order")
