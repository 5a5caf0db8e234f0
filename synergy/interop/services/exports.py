"""Audited exports: HXL tables and IATI activity XML, and the IATI schema check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from synergy.core.audit import audit_record
from synergy.core.models import Organisation, User
from synergy.interop import hxl, iati, iati_rules
from synergy.interop.tabular import (
    CONTENT_TYPES,
    write_csv,
    write_xlsx,
)
from synergy.partners.models import (
    Activity,
    Project,
)


def _export_queryset(kind: str, country: str) -> QuerySet[Any]:
    if kind == "organisations":
        qs: QuerySet[Any] = Organisation.objects.all()
        return qs.filter(country_id=country) if country else qs
    if kind in ("projects", "targets"):
        qs = Project.objects.all()
        return qs.filter(countries=country).distinct() if country else qs
    qs = Activity.objects.all()
    return qs.filter(country_id=country) if country else qs


ROW_BUILDERS: dict[str, Callable[[QuerySet[Any]], list[list[Any]]]] = {
    "organisations": hxl.organisation_rows,
    "projects": hxl.project_rows,
    "targets": hxl.target_rows,
    "activities": hxl.activity_rows,
}


@dataclass
class ExportFile:
    content: bytes
    filename: str
    content_type: str


@transaction.atomic
def export_table(
    *, actor: User | None, kind: str, file_format: str, country: str = ""
) -> ExportFile:
    """An HXL-tagged table of every organisation, project or activity (of ``country``).
    These are not personal data, so any signed-in member may export them; the export is
    audited all the same."""
    rows = ROW_BUILDERS[kind](_export_queryset(kind, country))
    labels, tags = hxl.labels(kind), hxl.hashtags(kind)
    if file_format == "xlsx":
        content = write_xlsx(labels, tags, rows, title=kind)
    else:
        content = write_csv(labels, tags, rows)
    audit_record(
        actor=actor,
        action="interop.export",
        object_type=f"interop.{kind}",
        detail={"format": file_format, "country": country, "rows": len(rows)},
    )
    stem = f"synergy-{kind}" + (f"-{country.lower()}" if country else "")
    return ExportFile(content, f"{stem}.{file_format}", CONTENT_TYPES[file_format])


@transaction.atomic
def export_iati(*, actor: User | None, country: str = "") -> tuple[ExportFile, iati.IatiExport]:
    result = iati.activities_xml(_export_queryset("projects", country))
    audit_record(
        actor=actor,
        action="interop.export",
        object_type="interop.iati",
        detail={
            "format": "iati-2.03",
            "country": country,
            "activities": result.count,
            "skipped": result.skipped,
        },
    )
    stem = "synergy-iati" + (f"-{country.lower()}" if country else "")
    return ExportFile(result.xml, f"{stem}.xml", "application/xml"), result


@dataclass(frozen=True)
class IatiCheck:
    activities: int
    skipped: list[str]
    errors: list[str]
    reasons: dict[str, list[str]]
    rule_failures: list[str]
    rules_not_run: list[str]


def check_iati(*, country: str = "") -> IatiCheck:
    """What the IATI export would hold now, checked against the official 2.03 schema and the
    IATI Standard's ruleset that ship with Synergy. Nothing leaves the server, so nothing is
    audited."""
    result = iati.activities_xml(_export_queryset("projects", country))
    errors = iati.schema_errors(result.xml) if result.count else []
    failures, not_run = iati_rules.check(result.xml) if result.count else ([], [])
    return IatiCheck(
        result.count,
        result.skipped,
        errors,
        result.reasons,
        [str(f) for f in failures],
        not_run,
    )
