"""Survey microdata datasets.

A dataset row holds only metadata; the microdata themselves live, standardised and columnar, in a
Parquet file under MEDIA_ROOT (see ``storage``), never as one database row per person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from synergy.core.models import Country, Organisation


class SourceFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (.xlsx)")
    DTA = "dta", _("Stata (.dta)")
    SAV = "sav", _("SPSS (.sav)")


class DatasetStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded, variables to map")
    QUEUED = "queued", _("Waiting to be imported")
    IMPORTING = "importing", _("Importing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Framework(models.TextChoices):
    ICLS_SNA = "icls-sna", _("ICLS, SNA production boundary")
    ICLS_GPB = "icls-gpb", _("ICLS, general production boundary")
    MICS = "mics", _("MICS (SDG 8.7.1, 2019 and later)")
    MICS_2017 = "mics-2017", _("MICS6 original definition (2017 to mid-2019)")


class SurveyDataset(models.Model):
    """One uploaded survey file and the state of its import."""

    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="survey_datasets",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_format = models.CharField(_("source format"), max_length=8, choices=SourceFormat.choices)
    original_filename = models.CharField(_("original file name"), max_length=255, blank=True)
    source_columns = models.JSONField(_("columns of the file"), default=list, blank=True)
    mapping = models.JSONField(_("variable mapping"), default=dict, blank=True)
    framework = models.CharField(
        _("framework"), max_length=16, choices=Framework.choices, default=Framework.ICLS_SNA
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DatasetStatus.choices, default=DatasetStatus.UPLOADED
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # Validation errors (row and column, never values) and data-quality warnings of the import.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey dataset")
        verbose_name_plural = _("survey datasets")
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id} {self.year})"

    @property
    def is_ready(self) -> bool:
        return self.status == DatasetStatus.READY

    @property
    def is_pending(self) -> bool:
        return self.status in (DatasetStatus.QUEUED, DatasetStatus.IMPORTING)
