from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from synergy.core.admin import ThroughServices
from synergy.knowledge.models import (
    CriterionAssessment,
    Event,
    ExploitationForm,
    GoodPractice,
    KnowledgeSettings,
    Outcome,
    PracticeAttachment,
    PracticeCountry,
    PracticeRegion,
    PracticeReview,
    PracticeSource,
    PracticeVersion,
    TargetGroup,
    Theme,
)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin[Theme]):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(ExploitationForm)
class ExploitationFormAdmin(admin.ModelAdmin[ExploitationForm]):
    list_display = ["name", "slug", "form"]
    list_filter = ["form"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin[TargetGroup]):
    list_display = ["name", "slug", "group"]
    list_filter = ["group"]
    prepopulated_fields = {"slug": ["name"]}


class PracticeCountryInline(admin.TabularInline[PracticeCountry, Any]):
    model = PracticeCountry
    extra = 0
    autocomplete_fields = ["country"]


class PracticeRegionInline(admin.TabularInline[PracticeRegion, Any]):
    model = PracticeRegion
    extra = 0


class CriterionAssessmentInline(admin.TabularInline[CriterionAssessment, Any]):
    model = CriterionAssessment
    extra = 0


class PracticeSourceInline(admin.TabularInline[PracticeSource, Any]):
    model = PracticeSource
    extra = 0
    # A link typed without its scheme is taken as https, as Django 6 will (and as the pages do).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class PracticeAttachmentInline(admin.TabularInline[PracticeAttachment, Any]):
    """Read-only: files are added through the practice page and the API, which check their
    type and size and store them under a random name (knowledge.attachments)."""

    model = PracticeAttachment
    extra = 0
    fields = ["title", "uploaded_by", "uploaded_at"]
    readonly_fields = ["title", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class PracticeReviewInline(admin.TabularInline[PracticeReview, Any]):
    model = PracticeReview
    extra = 0
    readonly_fields = ["actor", "action", "from_status", "to_status", "comment", "at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GoodPractice)
class GoodPracticeAdmin(ThroughServices, admin.ModelAdmin[GoodPractice]):
    """For repairs; the workflow and versions are kept by the knowledge pages and API."""

    list_display = ["title", "status", "author", "last_verified", "updated_at"]
    list_filter = ["status", "evidence_level", "themes", "regions__region"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["themes", "exploitation_forms", "target_groups", "organisations"]
    readonly_fields = ["source_key", "version", "created_at", "updated_at"]
    inlines = [
        PracticeCountryInline,
        PracticeRegionInline,
        CriterionAssessmentInline,
        PracticeSourceInline,
        PracticeAttachmentInline,
        PracticeReviewInline,
    ]


@admin.register(PracticeVersion)
class PracticeVersionAdmin(admin.ModelAdmin[PracticeVersion]):
    list_display = ["practice", "number", "saved_by", "saved_at"]
    readonly_fields = ["practice", "number", "snapshot", "saved_by", "saved_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OutcomeInline(ThroughServices, admin.StackedInline[Outcome, Any]):
    model = Outcome
    extra = 0


@admin.register(Event)
class EventAdmin(ThroughServices, admin.ModelAdmin[Event]):
    list_display = ["title", "kind", "start_date", "place", "country"]
    list_filter = ["kind"]
    search_fields = ["title", "place"]
    filter_horizontal = [
        "organisers",
        "participating_organisations",
        "participating_countries",
        "practices",
    ]
    inlines = [OutcomeInline]


@admin.register(Outcome)
class OutcomeAdmin(ThroughServices, admin.ModelAdmin[Outcome]):
    list_display = ["title", "kind", "event", "status", "due_date"]
    list_filter = ["kind", "status"]


@admin.register(KnowledgeSettings)
class KnowledgeSettingsAdmin(admin.ModelAdmin[KnowledgeSettings]):
    list_display = ["__str__", "public_access"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not KnowledgeSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
