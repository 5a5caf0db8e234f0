"""The import of an uploaded survey file, as the background task runs it: validate every
row, then write the standardised Parquet file, or nothing at all and the list of errors.

Apart from ``services`` so that the task module and the services do not import each other:
services queue the task, the task runs this."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from synergy.core.audit import audit_record
from synergy.surveys import storage
from synergy.surveys.importing import (
    ImportValidationError,
    VariableMapping,
    read_source,
    standardise,
)
from synergy.surveys.models import DatasetStatus, SurveyDataset

logger = logging.getLogger(__name__)


def _finish(dataset_id: int, **fields: Any) -> None:
    SurveyDataset.objects.filter(pk=dataset_id).update(updated_at=timezone.now(), **fields)


def dataset_import_run(*, dataset_id: int) -> str:
    """The import itself (run by the background task): validate every row of the file, then
    write the standardised Parquet file, or nothing at all and the list of errors."""
    dataset = SurveyDataset.objects.select_related("organisation").get(pk=dataset_id)
    _finish(dataset_id, status=DatasetStatus.IMPORTING)
    try:
        mapping = VariableMapping.from_json(dataset.mapping)
        source = read_source(
            storage.source_path(dataset_id, dataset.source_format), dataset.source_format
        )
        frame, warnings = standardise(source, mapping)
    except ImportValidationError as exc:
        errors = [e.to_json() for e in exc.errors]
        if exc.total > len(errors):
            errors.append(
                {
                    "row": None,
                    "column": "",
                    "message": "",
                    "text": f"… {exc.total - len(errors)} more",
                }
            )
        return _fail(dataset, errors)
    except (ValueError, OSError) as exc:
        return _fail(dataset, [{"row": None, "column": "", "message": str(exc), "text": str(exc)}])
    except Exception as exc:
        logger.exception("Survey import %s failed", dataset_id)
        text = f"Unexpected error ({type(exc).__name__}); the administrators can see the log."
        return _fail(dataset, [{"row": None, "column": "", "message": text, "text": text}])
    storage.write_data(dataset_id, frame)
    with transaction.atomic():
        _finish(
            dataset_id,
            status=DatasetStatus.READY,
            row_count=len(frame),
            warnings=warnings,
            errors=[],
        )
        audit_record(
            actor=None,
            action="import",
            obj=dataset,
            organisation=dataset.organisation,
            detail={"rows": len(frame), "status": DatasetStatus.READY},
        )
    return str(DatasetStatus.READY)


def _fail(dataset: SurveyDataset, errors: list[dict[str, Any]]) -> str:
    storage.data_path(dataset.pk).unlink(missing_ok=True)
    with transaction.atomic():
        _finish(dataset.pk, status=DatasetStatus.FAILED, errors=errors, row_count=0)
        audit_record(
            actor=None,
            action="import",
            obj=dataset,
            organisation=dataset.organisation,
            detail={"errors": len(errors), "status": DatasetStatus.FAILED},
        )
    return str(DatasetStatus.FAILED)
