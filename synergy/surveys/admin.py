from __future__ import annotations

from django.contrib import admin

from synergy.core.admin import ThroughServices
from synergy.surveys.models import SurveyDataset


@admin.register(SurveyDataset)
class SurveyDatasetAdmin(ThroughServices, admin.ModelAdmin[SurveyDataset]):
    """Metadata only: the microdata stay in their Parquet file, out of the admin's reach."""

    list_display = ("name", "country", "year", "organisation", "status", "row_count", "created_at")
    list_filter = ("status", "source_format", "framework", "country")
    search_fields = ("name",)
    readonly_fields = (
        "source_format",
        "original_filename",
        "source_columns",
        "row_count",
        "errors",
        "warnings",
        "created_at",
        "updated_at",
        "uploaded_by",
    )
