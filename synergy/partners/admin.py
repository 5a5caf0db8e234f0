from __future__ import annotations

from typing import Any

from django.contrib import admin

from synergy.core.admin import ThroughServices
from synergy.partners.models import (
    Activity,
    FocalPoint,
    Partnership,
    PartnershipDocument,
    PartnershipParty,
    Project,
    ProjectParticipant,
    ProjectTarget,
)


class PartyInline(ThroughServices, admin.TabularInline[PartnershipParty, Any]):
    model = PartnershipParty
    extra = 0
    autocomplete_fields = ["organisation"]


class FocalPointInline(ThroughServices, admin.TabularInline[FocalPoint, Any]):
    model = FocalPoint
    extra = 0
    autocomplete_fields = ["organisation"]


class DocumentInline(ThroughServices, admin.TabularInline[PartnershipDocument, Any]):
    model = PartnershipDocument
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(ThroughServices, admin.ModelAdmin[Partnership]):
    list_display = ["title", "kind", "status", "start_date", "end_date"]
    list_filter = ["kind", "status", "countries"]
    search_fields = ["title"]
    filter_horizontal = ["countries"]
    inlines = [PartyInline, FocalPointInline, DocumentInline]


class ParticipantInline(ThroughServices, admin.TabularInline[ProjectParticipant, Any]):
    model = ProjectParticipant
    extra = 0
    autocomplete_fields = ["organisation"]


class TargetInline(ThroughServices, admin.TabularInline[ProjectTarget, Any]):
    model = ProjectTarget
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Project)
class ProjectAdmin(ThroughServices, admin.ModelAdmin[Project]):
    list_display = ["code", "title", "status", "start_date", "end_date"]
    list_filter = ["status", "countries"]
    search_fields = ["code", "title"]
    filter_horizontal = ["countries"]
    raw_id_fields = ["areas"]
    inlines = [ParticipantInline, TargetInline]


@admin.register(Activity)
class ActivityAdmin(ThroughServices, admin.ModelAdmin[Activity]):
    list_display = [
        "organisation",
        "intervention_type",
        "level",
        "country",
        "admin_area",
        "migration_stage",
        "start_date",
        "end_date",
    ]
    list_filter = ["level", "intervention_type", "migration_stage", "exploitation_form", "country"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "project", "admin_area"]
