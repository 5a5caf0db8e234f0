"""Indicators, their values, and the countries' roadmaps.

Indicator ─< IndicatorValue     (baseline / target / actual, per ISO period, scope and
                                 disaggregation; approved values are locked, a correction is a
                                 new version that supersedes the old one when it is approved)
Dimension                       (a list a value may be broken down by: sex, age group, area…)
Roadmap (one per country) ─< Committee (and sub-committees) ─< members (organisations)
                          ─< Priority (per area of work) ─< Action ─< ActionNote
Action >─< Indicator            (the indicators that measure it)

Values are aggregates, never personal data. Writes go through ``services``; reads through
``selectors`` and ``access``.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from synergy.core.models import AdminArea, Country, Organisation
from synergy.core.versioning import Versioned
from synergy.partners.models import Project


class Source(models.TextChoices):
    ENTERED = "entered", _("Entered by partners")
    CLMS = "clms", _("Computed from the CLMS records")
    SURVEY = "survey", _("Computed from survey estimates")
    TARGETS = "targets", _("From project targets")
    FORMULA = "formula", _("Formula of other indicators")


class Measure(models.TextChoices):
    """What a computed indicator counts."""

    WITHDRAWN = "withdrawn", _("Children withdrawn")
    PREVENTED = "prevented", _("Children prevented")
    CHILD_LABOUR_RATE = "child_labour_rate", _("Children in child labour (%)")


class ValueType(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENTAGE = "percentage", _("Percentage")


class Direction(models.TextChoices):
    UP = "up", _("Up is good")
    DOWN = "down", _("Down is good")


class Dimension(models.Model):
    """A list values may be broken down by. ``items`` are [code, label] pairs; an area
    dimension takes its items from the country's administrative areas instead."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    is_area = models.BooleanField(_("administrative areas"), default=False)
    items = models.JSONField(_("items"), default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return gettext(self.name)

    def item_labels(self) -> dict[str, str]:
        return {str(code): gettext(str(label)) for code, label in self.items}

    def item_codes(self) -> list[str]:
        return [str(code) for code, _label in self.items]


class Indicator(Versioned):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=250)
    description = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    value_type = models.CharField(
        _("type"), max_length=10, choices=ValueType.choices, default=ValueType.NUMBER
    )
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    references = models.JSONField(_("references"), default=list, blank=True)
    dimensions = models.JSONField(_("dimensions"), default=list, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ENTERED
    )
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices, blank=True)
    formula = models.CharField(_("formula"), max_length=250, blank=True)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for an indicator every country uses."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def computed(self) -> bool:
        return self.source != Source.ENTERED


class ValueKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    TARGET = "target", _("Target")
    ACTUAL = "actual", _("Actual")


class ValueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")


class IndicatorValue(models.Model):
    """One figure: an indicator's baseline, target or actual for a period, a scope and a
    disaggregation (``{dimension: item}``, empty for the total). ``cell`` names the figure
    (scope and disaggregation) so that each has one current row. A correction of an approved
    figure is a new row (``correction`` > 1, with its ``reason``) that becomes current when it
    is approved; the old one stays, readable, as history."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    kind = models.CharField(_("kind"), max_length=10, choices=ValueKind.choices)
    period = models.CharField(_("period"), max_length=10)
    period_start = models.DateField()
    period_end = models.DateField()
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        AdminArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disaggregation = models.JSONField(_("disaggregation"), default=dict, blank=True)
    cell = models.CharField(max_length=300, editable=False)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    numerator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.DRAFT
    )
    correction = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    reason = models.TextField(_("reason for the correction"), blank=True)
    current = models.BooleanField(default=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["indicator", "period_start", "kind", "cell", "correction"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "kind", "period", "cell"],
                condition=Q(current=True),
                name="indicator_value_one_current",
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "country", "period_start"], name="value_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.kind} {self.period} {self.cell}"


class WorkArea(models.TextChoices):
    """The areas of work of an Alliance 8.7 Pathfinder country's roadmap."""

    CHILD_LABOUR = "child_labour", _("Child labour")
    FORCED_LABOUR = "forced_labour", _("Forced labour")
    TRAFFICKING = "trafficking", _("Human trafficking")
    SUPPLY_CHAINS = "supply_chains", _("Supply chains")
    MIGRATION = "migration", _("Migration")
    CRISIS = "crisis", _("Crisis settings")
    COORDINATION = "coordination", _("Coordination and M&E")


class Roadmap(Versioned):
    country = models.OneToOneField(Country, on_delete=models.PROTECT, related_name="roadmap")
    pathfinder_since = models.DateField(_("Pathfinder since"), null=True, blank=True)
    workshop_on = models.DateField(_("national strategy workshop"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["country__name"]
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")

    def __str__(self) -> str:
        return str(self.country)

    def get_url(self) -> str:
        from django.urls import reverse

        return reverse("indicators-roadmap", args=[self.country_id])


class Committee(models.Model):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="committees")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="subcommittees"
    )
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(Organisation, blank=True, related_name="+")

    class Meta:
        ordering = ["parent_id", "name"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")

    def __str__(self) -> str:
        return self.name


class Priority(models.Model):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="priorities")
    area = models.CharField(_("area of work"), max_length=16, choices=WorkArea.choices)
    text = models.TextField(_("priority"))

    class Meta:
        ordering = ["area", "pk"]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")

    def __str__(self) -> str:
        return self.text[:60]


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Action(Versioned):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="actions")
    priority = models.ForeignKey(
        Priority, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=300)
    responsible = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("responsible organisations")
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="actions", verbose_name=_("measured by")
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date | None = None) -> bool:
        day = today or timezone.localdate()
        still_open = self.status in (ActionStatus.PLANNED, ActionStatus.UNDER_WAY)
        return still_open and self.due_on is not None and self.due_on < day


class ActionNote(models.Model):
    """A progress note on an action: who wrote what, when (never edited)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("progress note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return f"{self.action_id}: {self.text[:40]}"


class ReportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Preparing")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def _report_file_name(job: ReportJob, filename: str) -> str:
    return f"indicators/reports/{job.id}/{filename}"


class ReportJob(models.Model):
    """A progress report prepared in the background (``report_jobs``): its scope, year and
    narrative, how far it got (``done`` of ``total`` indicators) and, once ready, its file.
    Only its owner sees it; it is deleted after REPORT_FILE_RETENTION_HOURS."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    area = models.ForeignKey(
        AdminArea, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    fmt = models.CharField(max_length=4)
    narrative = models.JSONField(default=dict)
    status = models.CharField(
        max_length=8, choices=ReportJobStatus.choices, default=ReportJobStatus.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=_report_file_name, max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("progress report in preparation")
        verbose_name_plural = _("progress reports in preparation")

    def __str__(self) -> str:
        return f"report {self.id} ({self.status})"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0
