"""API of the survey datasets (/api/v1/surveys/...), with the pages' access rules: a dataset is
seen by its uploading organisation, the coordinators of its country and administrators (404 for
everyone else); its mapping and import are for the uploading organisation's managers and
analysts (403 for other readers). Every read of a dataset or its table is audited."""

# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from synergy.api.types import Body, Input, PathId, Year
from synergy.core.models import User
from synergy.core.pagination import Pagination
from synergy.surveys import access, selectors, services
from synergy.surveys.estimation import LONELY_PSU_OPTIONS, LonelyPsuError
from synergy.surveys.models import DatasetStatus, Framework, SourceFormat, SurveyDataset

router = Router(tags=["surveys"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class DatasetOut(Schema):
    id: int
    name: str
    country: str = Field(..., alias="country_id")
    year: int
    organisation: int = Field(..., alias="organisation_id")
    source_format: SourceFormat
    original_filename: str
    framework: Framework
    status: DatasetStatus
    row_count: int
    created_at: datetime
    updated_at: datetime


class DatasetDetailOut(DatasetOut):
    source_columns: list[str]
    mapping: dict[str, Any]
    errors: list[dict[str, Any]] = Field(
        ..., description="Validation errors of the import: row and column, never values"
    )
    warnings: list[Any]


class DatasetFilters(Input):
    country: str = Field("", description="ISO 3166-1 alpha-2 code")
    year: Year | None = None
    status: DatasetStatus | None = None


class ImportIn(Body):
    mapping: dict[str, Any] = Field(
        ...,
        description=(
            "Variable mapping, as the mapping page saves it: each variable to a column of the "
            'file, "domains", "values" (codes for sex and yes/no flags), "hour_missing_codes"'
        ),
    )
    framework: Framework


class StatOut(Schema):
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    df: float | None = None
    deff: float | None = None


class TableRowOut(Schema):
    domain: dict[str, str]
    n: int
    population: float
    child_labour: StatOut
    child_labour_number: StatOut
    hazardous: StatOut | None
    hazardous_number: StatOut | None


class TableOut(Schema):
    """SDG indicator 8.7.1: proportions are fractions (0-1), numbers weighted counts."""

    framework: Framework
    by: list[str]
    ci: str
    level: float
    n_in_scope: int
    label_counts: dict[str, int]
    warnings: list[Any]
    rows: list[TableRowOut]


class TableFilters(Input):
    framework: Framework | None = Field(None, description="Default: the dataset's framework")
    by: str = Field("", description="A mapped domain to break the table down by (besides sex, age)")
    lonely_psu: str = Field(
        "fail", description="Strata with one PSU: " + ", ".join(LONELY_PSU_OPTIONS)
    )


@router.get("/datasets", response=list[DatasetOut])
@paginate(Pagination)
def list_datasets(request: HttpRequest, filters: Query[DatasetFilters]) -> Any:
    qs = selectors.dataset_list(user=_user(request))
    if filters.country:
        qs = qs.filter(country_id=filters.country.upper())
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    return qs


@router.get("/datasets/{dataset_id}", response=DatasetDetailOut)
def get_dataset(request: HttpRequest, dataset_id: PathId) -> SurveyDataset:
    dataset = access.access_survey_dataset(_user(request), dataset_id)
    services.dataset_record_view(actor=_user(request), dataset=dataset, page="api")
    return dataset


@router.post("/datasets/{dataset_id}/import", response={202: DatasetDetailOut})
def start_import(request: HttpRequest, dataset_id: PathId, payload: ImportIn) -> Status:
    """Save the mapping and framework and queue the import; follow ``status`` until it is
    ``ready`` or ``failed`` (its ``errors`` then name the rows and columns)."""
    dataset = access.access_survey_dataset(_user(request), dataset_id, write=True)
    services.dataset_start_import(
        actor=_user(request),
        dataset=dataset,
        mapping=payload.mapping,
        framework=payload.framework,
    )
    dataset.refresh_from_db()
    return Status(202, dataset)


# 409: the dataset is not imported (yet).
@router.get("/datasets/{dataset_id}/table", response=TableOut, openapi_extra={"x-errors": [409]})
def get_table(request: HttpRequest, dataset_id: PathId, filters: Query[TableFilters]) -> Any:
    """The 8.7.1 table of an imported dataset, by sex and age group (and ``by``), with standard
    errors and confidence intervals; 409 while the dataset is not imported."""
    dataset = access.access_survey_dataset(_user(request), dataset_id)
    if not dataset.is_ready:
        raise ValidationError("This dataset has not been imported yet.", code="conflict")
    domains = sorted((dataset.mapping or {}).get("domains", {}))
    if filters.by and filters.by not in domains:
        raise ValidationError({"by": [f"Not a mapped domain; one of: {', '.join(domains)}"]})
    if filters.lonely_psu not in LONELY_PSU_OPTIONS:
        raise ValidationError({"lonely_psu": [f"One of: {', '.join(LONELY_PSU_OPTIONS)}"]})
    try:
        table = services.dataset_table(
            dataset=dataset,
            framework=filters.framework or dataset.framework,
            by=[filters.by] if filters.by else [],
            lonely_psu=filters.lonely_psu,
        )
    except LonelyPsuError as exc:
        raise ValidationError({"lonely_psu": [str(exc)]}) from None
    services.dataset_record_view(actor=_user(request), dataset=dataset, page="api-table")
    return table.to_json()
