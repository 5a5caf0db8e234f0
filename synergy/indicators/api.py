"""/api/v1/indicators/: indicators, their values (with the same scope rules as the pages),
the entry and approval of values, and the countries' roadmaps with their actions."""

# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from synergy.api.types import Body, Input, PathId, Ref, Version
from synergy.core.models import Country, User
from synergy.core.pagination import Pagination
from synergy.indicators import access, selectors, services
from synergy.indicators.computed import Scope, compute
from synergy.indicators.models import Action, ActionStatus, IndicatorValue, ValueKind
from synergy.indicators.periods import PeriodError, parse_period

router = Router(tags=["indicators"])

CountryCode = Annotated[str, Field(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern="^[-a-zA-Z0-9_]+$")]
Number = Annotated[
    Decimal, Field(ge=0, le=Decimal("999999999999"), max_digits=16, decimal_places=4)
]


def _user(request: HttpRequest) -> User:
    auth = request.auth  # type: ignore[attr-defined]
    assert isinstance(auth, User)
    return auth


def _country(code: str) -> str:
    code = code.upper()
    if not Country.objects.filter(pk=code).exists():
        raise Http404("No such country")
    return code


class IndicatorOut(Schema):
    code: str
    name: str
    description: str
    unit: str
    value_type: str
    direction: str
    references: list[str]
    dimensions: list[str]
    source: str
    measure: str
    formula: str
    country: str | None = Field(None, alias="country_id")
    version: int


class IndicatorFilters(Input):
    country: CountryCode | None = None
    q: Annotated[str, Field(max_length=100)] = ""


@router.get("/indicators", response=list[IndicatorOut], openapi_extra={"x-errors": [404]})
@paginate(Pagination)
def list_indicators(request: HttpRequest, filters: Query[IndicatorFilters]) -> Any:
    country = _country(filters.country) if filters.country else None
    return selectors.indicators_for(_user(request), country_id=country, q=filters.q)


@router.get("/indicators/{code}", response=IndicatorOut)
def get_indicator(request: HttpRequest, code: Code) -> Any:
    return access.access_indicator(_user(request), code)


class FigureOut(Schema):
    period: str
    kind: str
    value: Decimal | None
    suppressed: bool
    ci_low: Decimal | None
    ci_high: Decimal | None


class FigureFilters(Input):
    country: CountryCode
    period: Annotated[str, Field(max_length=10)]
    kind: ValueKind = ValueKind.ACTUAL
    organisation: Ref | None = None
    project: Ref | None = None
    area: Ref | None = None
    sex: Annotated[str, Field(max_length=10)] = ""
    age_group: Annotated[str, Field(max_length=10)] = ""


@router.get("/indicators/{code}/figure", response=FigureOut)
def get_figure(request: HttpRequest, code: Code, filters: Query[FigureFilters]) -> Any:
    """One figure as the pages show it: computed from the records for a computed indicator,
    the current entered value otherwise; small counts suppressed for roles without records."""
    user = _user(request)
    indicator = access.access_indicator(user, code)
    country = _country(filters.country)
    if filters.organisation and not access.may_see_organisation(
        user, filters.organisation, country
    ):
        raise Http404("No such scope")
    try:
        period = parse_period(filters.period)
    except PeriodError as exc:
        from django.core.exceptions import ValidationError

        raise ValidationError({"period": [str(exc)]}) from None
    scope = Scope(country, filters.area, filters.project, filters.organisation)
    dis = {k: v for k, v in (("sex", filters.sex), ("age_group", filters.age_group)) if v}
    shown = selectors.shown(
        user, indicator, compute(indicator, period, scope, dis, kind=filters.kind)
    )
    return {
        "period": period.code,
        "kind": filters.kind,
        "value": shown.value,
        "suppressed": shown.suppressed,
        "ci_low": shown.ci_low,
        "ci_high": shown.ci_high,
    }


class ValueOut(Schema):
    id: int
    indicator: str = Field(..., alias="indicator.code")
    kind: str
    period: str
    country: str = Field(..., alias="country_id")
    area: int | None = Field(None, alias="area_id")
    project: int | None = Field(None, alias="project_id")
    organisation: int | None = Field(None, alias="organisation_id")
    disaggregation: dict[str, str]
    value: Decimal
    numerator: Decimal | None
    denominator: Decimal | None
    comment: str
    status: str
    correction: int
    reason: str
    current: bool


class ValueFilters(Input):
    country: CountryCode


@router.get("/indicators/{code}/values", response=list[ValueOut])
@paginate(Pagination)
def list_values(request: HttpRequest, code: Code, filters: Query[ValueFilters]) -> Any:
    user = _user(request)
    indicator = access.access_indicator(user, code)
    return selectors.values_for(
        user, indicator, country_id=_country(filters.country)
    ).select_related("indicator")


class ValueIn(Body):
    kind: ValueKind
    period: Annotated[str, Field(max_length=10)]
    country: CountryCode
    area: Ref | None = None
    project: Ref | None = None
    organisation: Ref | None = None
    disaggregation: dict[
        Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=40)]
    ] = {}
    value: Number | None = None
    numerator: Number | None = None
    denominator: Number | None = None
    comment: Annotated[str, Field(max_length=4000)] = ""


@router.post("/indicators/{code}/values", response={201: ValueOut})
def enter_value(request: HttpRequest, code: Code, payload: ValueIn) -> Status:
    """Enter (or re-enter) a figure as a draft; an approved figure answers 409."""
    user = _user(request)
    indicator = access.access_indicator(user, code)
    figure = services.Figure(
        indicator,
        payload.kind,
        payload.period,
        Scope(_country(payload.country), payload.area, payload.project, payload.organisation),
        dict(payload.disaggregation),
        payload.value,
        payload.numerator,
        payload.denominator,
        payload.comment,
    )
    value = services.value_enter(actor=user, figure=figure)
    return Status(201, IndicatorValue.objects.select_related("indicator").get(pk=value.pk))


class StepIn(Body):
    step: Annotated[str, Field(pattern="^(submit|approve)$")]


@router.post("/values/{value_id}/steps", response=ValueOut)
def step_value(request: HttpRequest, value_id: PathId, payload: StepIn) -> Any:
    user = _user(request)
    value = access.access_value(user, value_id)
    if payload.step == "submit":
        services.value_submit(actor=user, value=value)
    else:
        services.value_approve(actor=user, value=value)
    return IndicatorValue.objects.select_related("indicator").get(pk=value.pk)


class CorrectionIn(Body):
    value: Number
    reason: Annotated[str, Field(min_length=1, max_length=4000)]


@router.post("/values/{value_id}/corrections", response={201: ValueOut})
def correct_value(request: HttpRequest, value_id: PathId, payload: CorrectionIn) -> Status:
    user = _user(request)
    value = access.access_value(user, value_id)
    row = services.value_correct(
        actor=user, value=value, new_value=payload.value, reason=payload.reason
    )
    return Status(201, IndicatorValue.objects.select_related("indicator").get(pk=row.pk))


class ActionOut(Schema):
    id: int
    title: str
    due_on: date | None
    status: str
    overdue: bool
    version: int
    responsible: list[int]
    indicators: list[str]

    @staticmethod
    def resolve_overdue(obj: Action) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_responsible(obj: Action) -> list[int]:
        return [o.pk for o in obj.responsible.all()]

    @staticmethod
    def resolve_indicators(obj: Action) -> list[str]:
        return [i.code for i in obj.indicators.all()]


class PriorityOut(Schema):
    area: str
    text: str


class RoadmapOut(Schema):
    country: str = Field(..., alias="country_id")
    pathfinder_since: date | None
    workshop_on: date | None
    summary: str
    priorities: list[PriorityOut]
    actions: list[ActionOut]

    @staticmethod
    def resolve_priorities(obj: Any) -> list[Any]:
        return list(obj.priorities.all())

    @staticmethod
    def resolve_actions(obj: Any) -> list[Any]:
        return list(selectors.roadmap_actions(obj))


@router.get("/roadmaps", response=list[RoadmapOut])
@paginate(Pagination)
def list_roadmaps(request: HttpRequest) -> Any:
    return selectors.roadmaps().prefetch_related("priorities")


@router.get("/roadmaps/{country}", response=RoadmapOut)
def get_roadmap(request: HttpRequest, country: CountryCode) -> Any:
    return access.access_roadmap(_user(request), country)


class FollowUpIn(Body):
    version: Version
    status: ActionStatus
    note: Annotated[str, Field(max_length=4000)] = ""


@router.post("/actions/{action_id}/follow-up", response=ActionOut)
def follow_up_action(request: HttpRequest, action_id: PathId, payload: FollowUpIn) -> Any:
    action = Action.objects.select_related("roadmap").filter(pk=action_id).first()
    if action is None:
        raise Http404("No such action")
    return services.action_follow_up(
        actor=_user(request),
        action=action,
        version=payload.version,
        status=payload.status,
        note=payload.note,
    )


# --- values in and out as files (the Exchange values page) ------------------------------------

ExportFormat = Literal["csv", "xlsx", "dhis2-json", "adx", "dhis2-metadata"]


class ExchangeFilters(Input):
    country: CountryCode
    format: ExportFormat = "csv"


class ImportedOut(Schema):
    entered: int = Field(description="values entered as drafts")


@router.get(
    "/exchange",
    openapi_extra={
        "responses": {
            200: {
                "description": "The country's current values you may see, as a file",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
        "x-errors": [404],
    },
)
def export_values(request: HttpRequest, filters: Query[ExchangeFilters]) -> Any:
    """As the page's download: ``dhis2-metadata`` is what DHIS2 needs before the values."""
    from synergy.indicators import dhis2, exchange_files

    try:
        return exchange_files.download(_user(request), _country(filters.country), filters.format)
    except dhis2.Dhis2Error as exc:
        raise ValidationError({"format": [str(exc)]}) from None


@router.post("/exchange", response={201: ImportedOut}, openapi_extra={"x-errors": [413]})
def import_values(request: HttpRequest, file: File[UploadedFile]) -> Status:
    """Multipart ``file`` (DHIS2 JSON, ADX, CSV or Excel, told by its name): every row is
    checked, then all are entered as drafts or none; 422 names each row at fault."""
    from synergy.core.errors import ImportRowError
    from synergy.indicators import exchange_files

    message = exchange_files.too_large(file)
    if message:
        return Status(413, {"detail": message})
    try:
        count = exchange_files.enter(_user(request), file)
    except ImportRowError as exc:
        detail: dict[str, list[str]] = {}
        for line, field, message in exc.errors:
            detail.setdefault(f"row {line}: {field or 'file'}", []).append(str(message))
        raise ValidationError(detail) from None
    return Status(201, ImportedOut(entered=count))
