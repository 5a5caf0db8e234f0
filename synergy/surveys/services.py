"""Writes of the surveys app: upload, variable mapping, import, and audited reads/exports.

Every function that shows or writes survey data leaves an audit event in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from synergy.core.audit import audit_record
from synergy.core.models import Country, Organisation, User
from synergy.surveys import storage
from synergy.surveys.access import can_upload_for, can_write_dataset
from synergy.surveys.childlabour import ChildLabourTable, child_labour_table
from synergy.surveys.determinants import (
    Determinants,
    child_labour_determinants,
    determinants_frame,
)
from synergy.surveys.importing import (
    MappingError,
    VariableMapping,
    detect_format,
    guess_mapping,
    read_columns,
)
from synergy.surveys.models import DatasetStatus, Framework, SurveyDataset
from synergy.surveys.tasks import import_survey_dataset

logger = logging.getLogger(__name__)


@transaction.atomic
def dataset_upload(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    country: Country,
    year: int,
    filename: str,
    chunks: Iterable[bytes],
    size: int | None = None,
) -> SurveyDataset:
    """Store an uploaded file, read its column names and guess a mapping."""
    if not can_upload_for(actor, organisation):
        raise PermissionDenied("You may not upload surveys for this organisation")
    try:
        source_format = detect_format(filename)
    except ValueError as exc:
        raise ValidationError({"file": str(exc)}) from None
    dataset = SurveyDataset(
        name=name.strip(),
        country=country,
        year=year,
        organisation=organisation,
        uploaded_by=actor,
        source_format=source_format,
        original_filename=filename[-255:],
    )
    dataset.full_clean()
    dataset.save()
    try:
        path = storage.save_source(dataset.pk, source_format, chunks)
        columns = read_columns(path, source_format)
    except ValueError as exc:
        storage.delete_dataset_files(dataset.pk)
        raise ValidationError({"file": str(exc)}) from None
    except BaseException:
        storage.delete_dataset_files(dataset.pk)
        raise
    dataset.source_columns = columns
    dataset.mapping = guess_mapping(columns)
    dataset.save(update_fields=["source_columns", "mapping"])
    audit_record(
        actor=actor,
        action="upload",
        obj=dataset,
        organisation=organisation,
        detail={"format": source_format, "bytes": size, "columns": len(columns)},
    )
    return dataset


@transaction.atomic
def dataset_start_import(
    *, actor: User, dataset: SurveyDataset, mapping: dict[str, Any], framework: str
) -> SurveyDataset:
    """Save the mapping and framework, and queue the import."""
    if not can_write_dataset(actor, dataset):
        raise PermissionDenied("Only the uploading organisation's managers and analysts do this")
    if dataset.is_pending:
        raise ValidationError("This dataset is already being imported.", code="conflict")
    if framework not in Framework.values:
        raise ValidationError({"framework": f"Unknown framework {framework!r}"})
    try:
        parsed = VariableMapping.from_json(mapping)
    except MappingError as exc:
        raise ValidationError(str(exc)) from None
    missing = sorted(
        c
        for c in [*parsed.columns.values(), *parsed.domains.values()]
        if dataset.source_columns and c not in dataset.source_columns
    )
    if missing:
        raise ValidationError(f"Not columns of this file: {', '.join(missing)}")
    dataset.mapping = parsed.to_json()
    dataset.framework = framework
    dataset.status = DatasetStatus.QUEUED
    dataset.errors = []
    dataset.warnings = []
    dataset.updated_at = timezone.now()
    dataset.save(
        update_fields=["mapping", "framework", "status", "errors", "warnings", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="import_start",
        obj=dataset,
        organisation=dataset.organisation,
        detail={"framework": framework, "variables": sorted(parsed.columns)},
    )
    dataset_id = dataset.pk

    def enqueue() -> None:
        import_survey_dataset.enqueue(dataset_id)

    transaction.on_commit(enqueue)
    return dataset


def dataset_table(
    *,
    dataset: SurveyDataset,
    framework: str | None = None,
    by: Iterable[str] = (),
    lonely_psu: str = "fail",
) -> ChildLabourTable:
    """The 8.7.1 table of a ready dataset (no audit: callers audit what they show)."""
    if not dataset.is_ready:
        raise ValidationError("This dataset has not been imported yet.")
    frame = storage.read_data(dataset.pk)
    return child_labour_table(
        frame,
        framework=framework or dataset.framework,
        by=("sex", "age_group", *by),
        lonely_psu=lonely_psu,
        warnings=list(dataset.warnings or []),
        replicates=(dataset.mapping or {}).get("replicates"),
    )


def dataset_determinants(
    *, dataset: SurveyDataset, framework: str | None = None, lonely_psu: str = "fail"
) -> Determinants:
    """Odds ratios of child labour by sex, age group and the dataset's domains."""
    if not dataset.is_ready:
        raise ValidationError("This dataset has not been imported yet.")
    if (dataset.mapping or {}).get("replicates"):
        raise ValueError(
            "the logistic regression needs strata and PSUs; this dataset has replicate weights"
        )
    return child_labour_determinants(
        storage.read_data(dataset.pk),
        framework=framework or dataset.framework,
        domains=sorted((dataset.mapping or {}).get("domains", {})),
        lonely_psu=lonely_psu,
    )


@transaction.atomic
def dataset_record_view(*, actor: User, dataset: SurveyDataset, page: str) -> None:
    audit_record(
        actor=actor,
        action="view",
        obj=dataset,
        organisation=dataset.organisation,
        detail={"page": page},
    )


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str


EXPORT_FORMATS = ("csv", "xlsx", "sdmx", "determinants-csv", "determinants-xlsx")


def m49_code(country: Country) -> str:
    """The country's UN M49 code as the SDG database writes it (no leading zeros, "4" for
    Afghanistan), or its ISO alpha-2 code if the numeric code is unknown."""
    return str(int(country.numeric)) if country.numeric.isdigit() else country.iso2


@transaction.atomic
def dataset_export(
    *,
    actor: User,
    dataset: SurveyDataset,
    fmt: str,
    framework: str | None = None,
    lonely_psu: str = "fail",
) -> Export:
    from synergy.surveys import exports

    if fmt not in EXPORT_FORMATS:
        raise ValidationError({"format": f"Unknown format {fmt!r}"})
    if fmt.startswith("determinants-"):
        return _determinants_export(actor, dataset, fmt, framework, lonely_psu)
    table = dataset_table(dataset=dataset, framework=framework, lonely_psu=lonely_psu)
    stem = f"survey-{dataset.pk}-8.7.1-{table.framework}"
    if fmt == "csv":
        result = Export(
            exports.table_to_csv(table).encode(), "text/csv; charset=utf-8", f"{stem}.csv"
        )
    elif fmt == "xlsx":
        result = Export(
            exports.table_to_xlsx(table, title=dataset.name),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{stem}.xlsx",
        )
    else:
        try:
            # The page's table has the 5-11 group, which the SDG codelist has no code for: it
            # is left out of the SDMX file (the page says so).
            text = exports.table_to_sdmx_csv(
                table,
                ref_area=m49_code(dataset.country),
                time_period=dataset.year,
                survey_year=dataset.year,
                unlisted_ages="omit",
            )
        except exports.SdmxError as exc:
            raise ValidationError({"format": str(exc)}) from None
        result = Export(text.encode(), "text/csv; charset=utf-8", f"{stem}-sdmx.csv")
    audit_record(
        actor=actor,
        action="export",
        obj=dataset,
        organisation=dataset.organisation,
        detail={"format": fmt, "framework": table.framework},
    )
    return result


def _determinants_export(
    actor: User, dataset: SurveyDataset, fmt: str, framework: str | None, lonely_psu: str
) -> Export:
    import io

    result = dataset_determinants(dataset=dataset, framework=framework, lonely_psu=lonely_psu)
    frame = determinants_frame(result)
    stem = f"survey-{dataset.pk}-determinants-{result.framework}"
    if fmt == "determinants-csv":
        export = Export(
            frame.to_csv(index=False).encode(), "text/csv; charset=utf-8", f"{stem}.csv"
        )
    else:
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name="odds ratios")
        export = Export(
            buffer.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{stem}.xlsx",
        )
    audit_record(
        actor=actor,
        action="export",
        obj=dataset,
        organisation=dataset.organisation,
        detail={"format": fmt, "framework": result.framework},
    )
    return export
