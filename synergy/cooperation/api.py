"""/api/v1/cooperation/: country profiles, needs, offers, the ranked providers for a need
(with the explanation of each score) and the exchanges between countries. The rules are the
pages': a confidential need is 404 for anyone but its country's coordinators and the
administrators."""

# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from synergy.api.types import Body, Input, PathId, Ref, Version, column_limits, patch_fields
from synergy.cooperation import access, matching, selectors, services
from synergy.cooperation.models import (
    CooperationForm,
    CountryProfile,
    Exchange,
    ExchangeOutcome,
    ExchangeStatus,
    IncomeGroup,
    InPlace,
    LegalTradition,
    Need,
    Offer,
    RequestStatus,
)
from synergy.cooperation.profiles import official_languages, survey_prevalence, un_subregion
from synergy.core.models import Country, IloRegion, Organisation, User
from synergy.core.pagination import Pagination
from synergy.knowledge.models import Event, GoodPractice, Theme

router = Router(tags=["cooperation"])

CountryCode = Annotated[str, Field(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")]
Slug = Annotated[str, Field(max_length=80, pattern="^[-a-z0-9_]*$")]
Weight = Annotated[float, Field(ge=0, le=matching.MAX_WEIGHT)]


def _user(request: HttpRequest) -> User:
    auth = request.auth  # type: ignore[attr-defined]
    assert isinstance(auth, User)
    return auth


def _theme(slug: str | None) -> Theme | None:
    if not slug:
        return None
    theme = Theme.objects.filter(slug=slug).first()
    if theme is None:
        raise ValidationError({"theme": [f"No theme {slug!r}"]})
    return theme


def _country_field(code: str, field: str) -> Country:
    """A country named in a request body: an unknown code is the field's error (422)."""
    country = Country.objects.filter(pk=code.upper()).first()
    if country is None:
        raise ValidationError({field: [f"No country with the code {code!r}"]})
    return country


def _organisations(ids: list[int], field: str) -> list[Organisation]:
    found = list(Organisation.objects.filter(pk__in=ids))
    missing = set(ids) - {o.pk for o in found}
    if missing:
        raise ValidationError({field: [f"No organisation {sorted(missing)}"]})
    return found


# --- profiles -------------------------------------------------------------------------------


class MeasureOut(Schema):
    kind: InPlace
    since: int | None


class PrevalenceOut(Schema):
    percent: Decimal
    year: int | None
    source: str


class ProfileOut(Schema):
    country: str
    name: str
    region: str
    subregion: str
    ilo_region: str
    languages: list[str]
    legal_tradition: str
    income_group: str
    minimum_age: int | None
    c138_ratified_on: date | None
    c182_ratified_on: date | None
    c29_ratified_on: date | None
    p29_ratified_on: date | None
    prevalence: PrevalenceOut | None
    measures: list[MeasureOut]
    notes: str
    version: int

    @staticmethod
    def resolve_country(obj: CountryProfile) -> str:
        return obj.country_id

    @staticmethod
    def resolve_name(obj: CountryProfile) -> str:
        return obj.country.name

    @staticmethod
    def resolve_region(obj: CountryProfile) -> str:
        return obj.country.m49_region

    @staticmethod
    def resolve_subregion(obj: CountryProfile) -> str:
        return un_subregion(obj.country)

    @staticmethod
    def resolve_ilo_region(obj: CountryProfile) -> str:
        return obj.country.ilo_region

    @staticmethod
    def resolve_languages(obj: CountryProfile) -> list[str]:
        return list(official_languages(obj.country_id))

    @staticmethod
    def resolve_measures(obj: CountryProfile) -> list[dict[str, Any]]:
        return [{"kind": m.kind, "since": m.since} for m in obj.measures.all()]

    @staticmethod
    def resolve_prevalence(obj: CountryProfile) -> dict[str, Any] | None:
        """SDG 8.7.1: from the country's survey in Synergy where there is one, else the
        figure typed into the profile."""
        found = survey_prevalence(obj.country_id)
        if found is not None:
            return {"percent": found.percent, "year": found.year, "source": found.source}
        if obj.prevalence_percent is None:
            return None
        return {
            "percent": obj.prevalence_percent,
            "year": obj.prevalence_year,
            "source": obj.prevalence_source,
        }


class ProfileFilters(Input):
    region: IloRegion | None = None
    q: Annotated[str, Field(max_length=100)] = ""


@router.get("/profiles", response=list[ProfileOut])
@paginate(Pagination)
def list_profiles(request: HttpRequest, filters: Query[ProfileFilters]) -> Any:
    return selectors.profiles(region=filters.region or "", q=filters.q)


@router.get("/profiles/{country}", response=ProfileOut)
def get_profile(request: HttpRequest, country: CountryCode) -> Any:
    profile = access.access_profile(_user(request), country)
    if profile is None:
        raise Http404("This country has no profile yet")
    return profile


class MeasureIn(Body):
    kind: InPlace
    since: Annotated[int, Field(ge=1900, le=2100)] | None = None


@column_limits(CountryProfile)
class ProfileIn(Body):
    version: Version | None = None
    legal_tradition: LegalTradition | None = None
    income_group: IncomeGroup | None = None
    minimum_age: Annotated[int, Field(ge=12, le=18)] | None = None
    c138_ratified_on: date | None = None
    c182_ratified_on: date | None = None
    c29_ratified_on: date | None = None
    p29_ratified_on: date | None = None
    prevalence_percent: (
        Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)] | None
    ) = None
    prevalence_year: Annotated[int, Field(ge=1990, le=2100)] | None = None
    prevalence_source: str | None = None
    notes: str | None = None
    measures: list[MeasureIn] | None = None


@router.patch("/profiles/{country}", response=ProfileOut)
def save_profile(request: HttpRequest, country: CountryCode, payload: ProfileIn) -> Any:
    """Create or change a profile (send the version you read to change an existing one);
    ``measures``, when sent, replaces what the country has in place."""
    data = patch_fields(payload)
    version = data.pop("version", None)
    measures = data.pop("measures", None)
    for text in ("legal_tradition", "income_group", "prevalence_source", "notes"):
        if text in data and data[text] is None:
            data[text] = ""
    kinds = [m["kind"] for m in measures or []]
    if len(kinds) != len(set(kinds)):
        raise ValidationError({"measures": ["A measure is listed twice"]})
    services.profile_save(
        actor=_user(request),
        country=access.access_country(country),
        version=version,
        fields=data,
        measures={m["kind"]: m["since"] for m in measures} if measures is not None else None,
    )
    return access.access_profile(_user(request), country)


# --- needs and offers -----------------------------------------------------------------------


class RequestOut(Schema):
    id: int
    country: str = Field(..., alias="country_id")
    title: str
    description: str
    theme: str | None
    form: str
    status: str
    organisations: list[int]
    version: int
    created_at: Any

    @staticmethod
    def resolve_theme(obj: Need | Offer) -> str | None:
        return obj.theme.slug if obj.theme else None

    @staticmethod
    def resolve_organisations(obj: Need | Offer) -> list[int]:
        return [o.pk for o in obj.organisations.all()]


class NeedOut(RequestOut):
    confidential: bool
    action: int | None = Field(None, alias="action_id")


class OfferOut(RequestOut):
    practices: list[int]

    @staticmethod
    def resolve_practices(obj: Offer) -> list[int]:
        return [p.pk for p in obj.practices.all()]


class RequestFilters(Input):
    country: CountryCode | None = None
    theme: Slug | None = None
    status: RequestStatus | None = None
    region: IloRegion | None = None
    q: Annotated[str, Field(max_length=100)] = ""


@router.get("/needs", response=list[NeedOut])
@paginate(Pagination)
def list_needs(request: HttpRequest, filters: Query[RequestFilters]) -> Any:
    return selectors.needs_for(
        _user(request),
        country=filters.country or "",
        theme=filters.theme or "",
        status=filters.status or "",
        region=filters.region or "",
        q=filters.q,
    ).prefetch_related("organisations")


@router.get("/needs/{need_id}", response=NeedOut)
def get_need(request: HttpRequest, need_id: PathId) -> Any:
    return access.access_need(_user(request), need_id)


@column_limits(Need)
class NeedIn(Body):
    country: CountryCode
    title: Annotated[str, Field(min_length=1)]
    description: str = ""
    theme: Slug | None = None
    form: CooperationForm | None = None
    organisations: list[Ref] = Field(default_factory=list, max_length=50)
    confidential: bool = False
    action: Ref | None = None


@router.post("/needs", response={201: NeedOut})
def create_need(request: HttpRequest, payload: NeedIn) -> Status:
    from synergy.indicators.models import Action

    action = None
    if payload.action is not None:
        action = Action.objects.select_related("roadmap").filter(pk=payload.action).first()
        if action is None:
            raise ValidationError({"action": ["No such roadmap action"]})
    need = services.need_create(
        actor=_user(request),
        country=_country_field(payload.country, "country"),
        title=payload.title,
        description=payload.description,
        theme=_theme(payload.theme),
        form=payload.form or "",
        organisations=_organisations(payload.organisations, "organisations"),
        confidential=payload.confidential,
        action=action,
    )
    return Status(201, need)


@column_limits(Need)
class NeedPatch(Body):
    version: Version
    title: Annotated[str, Field(None, min_length=1)]
    description: Annotated[str, Field(None)]
    theme: Slug | None = None
    form: CooperationForm | None = None
    status: Annotated[RequestStatus, Field(None)]
    confidential: Annotated[bool, Field(None)]


@router.patch("/needs/{need_id}", response=NeedOut)
def update_need(request: HttpRequest, need_id: PathId, payload: NeedPatch) -> Any:
    user = _user(request)
    need = access.access_need(user, need_id, write=True)
    data = patch_fields(payload)
    version = data.pop("version")
    if "theme" in data:
        data["theme"] = _theme(data["theme"])
    if "form" in data and data["form"] is None:
        data["form"] = ""
    services.need_update(actor=user, need=need, version=version, **data)
    return access.access_need(user, need_id)


@router.get("/offers", response=list[OfferOut])
@paginate(Pagination)
def list_offers(request: HttpRequest, filters: Query[RequestFilters]) -> Any:
    return selectors.offers_for(
        country=filters.country or "",
        theme=filters.theme or "",
        status=filters.status or "",
        region=filters.region or "",
        q=filters.q,
    ).prefetch_related("organisations", "practices")


@router.get("/offers/{offer_id}", response=OfferOut)
def get_offer(request: HttpRequest, offer_id: PathId) -> Any:
    return access.access_offer(_user(request), offer_id)


@column_limits(Offer)
class OfferIn(Body):
    country: CountryCode
    title: Annotated[str, Field(min_length=1)]
    description: str = ""
    theme: Slug | None = None
    form: CooperationForm | None = None
    organisations: list[Ref] = Field(default_factory=list, max_length=50)
    practices: list[Ref] = Field(default_factory=list, max_length=50)


@router.post("/offers", response={201: OfferOut})
def create_offer(request: HttpRequest, payload: OfferIn) -> Status:
    practices = list(GoodPractice.objects.filter(pk__in=payload.practices))
    if len(practices) != len(set(payload.practices)):
        raise ValidationError({"practices": ["No such practice"]})
    offer = services.offer_create(
        actor=_user(request),
        country=_country_field(payload.country, "country"),
        title=payload.title,
        description=payload.description,
        theme=_theme(payload.theme),
        form=payload.form or "",
        organisations=_organisations(payload.organisations, "organisations"),
        practices=practices,
    )
    return Status(201, offer)


@column_limits(Offer)
class OfferPatch(Body):
    version: Version
    title: Annotated[str, Field(None, min_length=1)]
    description: Annotated[str, Field(None)]
    theme: Slug | None = None
    form: CooperationForm | None = None
    status: Annotated[RequestStatus, Field(None)]
    practices: Annotated[list[Ref], Field(None, max_length=50)]


@router.patch("/offers/{offer_id}", response=OfferOut)
def update_offer(request: HttpRequest, offer_id: PathId, payload: OfferPatch) -> Any:
    user = _user(request)
    offer = access.access_offer(user, offer_id, write=True)
    data = patch_fields(payload)
    version = data.pop("version")
    practices = None
    if "practices" in data:
        ids = data.pop("practices") or []
        practices = list(GoodPractice.objects.filter(pk__in=ids))
        if len(practices) != len(set(ids)):
            raise ValidationError({"practices": ["No such practice"]})
    if "theme" in data:
        data["theme"] = _theme(data["theme"])
    if "form" in data and data["form"] is None:
        data["form"] = ""
    services.offer_update(actor=user, offer=offer, version=version, practices=practices, **data)
    return access.access_offer(user, offer_id)


# --- matching -------------------------------------------------------------------------------


class DimensionOut(Schema):
    score: float
    known: bool
    weight: float
    contribution: float
    reason: str


class EvidenceOut(Schema):
    kind: str
    id: int | str
    title: str
    role: str
    similarity: float


class OrganisationRef(Schema):
    id: int
    name: str


class MatchOut(Schema):
    country: str
    name: str
    score: float
    drivers: list[str]
    explanation: dict[str, DimensionOut]
    evidence: list[EvidenceOut]
    organisations: list[OrganisationRef]


class WeightsIn(Input):
    """Weights of the dimensions (0–10); those left out keep their defaults."""

    weight_theme: Weight | None = None
    weight_region: Weight | None = None
    weight_language: Weight | None = None
    weight_legal: Weight | None = None
    weight_institutions: Weight | None = None
    weight_development: Weight | None = None
    weight_prevalence: Weight | None = None
    weight_prior: Weight | None = None
    weight_outcomes: Weight | None = None
    top: Annotated[int, Field(ge=1, le=100)] = 10


def _weights(filters: WeightsIn) -> dict[str, float]:
    return {
        name: value
        for name in matching.DIMENSIONS
        if (value := getattr(filters, f"weight_{name}")) is not None
    }


@router.get("/needs/{need_id}/matches", response=list[MatchOut])
def need_matches(request: HttpRequest, need_id: PathId, weights: Query[WeightsIn]) -> Any:
    """Provider countries for the need, best first, each with its score, the dimensions that
    drove it and the evidence; weights (0–10) change the ranking."""
    need = access.access_need(_user(request), need_id)
    found = matching.rank(
        learner=need.country_id,
        text=f"{need.title}\n{need.description}",
        theme=need.theme.slug if need.theme else "",
        weights=_weights(weights),
        top=weights.top,
    )
    return [m.as_dict() for m in found]


class MatchQuery(WeightsIn):
    country: CountryCode
    need: Annotated[str, Field(min_length=1, max_length=4000)]
    theme: Slug | None = None


@router.get("/matches", response=list[MatchOut], openapi_extra={"x-errors": [404]})
def matches(request: HttpRequest, query: Query[MatchQuery]) -> Any:
    """The same ranking for a need described here and not recorded (what the command
    ``synergy cooperation match`` prints)."""
    country = access.access_country(query.country)
    weights = _weights(query)
    if query.theme:
        _theme(query.theme)
    return [
        m.as_dict()
        for m in matching.rank(
            learner=country.pk,
            text=query.need,
            theme=query.theme or "",
            weights=weights,
            top=query.top,
        )
    ]


# --- exchanges ------------------------------------------------------------------------------


class StepOut(Schema):
    from_status: str
    to_status: str
    note: str
    at: Any


class ExchangeOut(Schema):
    id: int
    need: int = Field(..., alias="need_id")
    learner: str
    provider: str = Field(..., alias="provider_id")
    offer: int | None = Field(None, alias="offer_id")
    form: str
    status: str
    partnership: int | None = Field(None, alias="partnership_id")
    events: list[int]
    agreed_on: date | None
    carried_out_on: date | None
    followed_up_on: date | None
    outcome: str
    outcome_note: str
    steps: list[StepOut]
    version: int

    @staticmethod
    def resolve_learner(obj: Exchange) -> str:
        return obj.need.country_id

    @staticmethod
    def resolve_events(obj: Exchange) -> list[int]:
        return [e.pk for e in obj.events.all()]

    @staticmethod
    def resolve_steps(obj: Exchange) -> list[dict[str, Any]]:
        return [
            {"from_status": s.from_status, "to_status": s.to_status, "note": s.note, "at": s.at}
            for s in obj.steps.all()
        ]


class ExchangeFilters(Input):
    country: CountryCode | None = None
    status: ExchangeStatus | None = None


@router.get("/exchanges", response=list[ExchangeOut])
@paginate(Pagination)
def list_exchanges(request: HttpRequest, filters: Query[ExchangeFilters]) -> Any:
    return selectors.exchanges_for(
        _user(request), country=filters.country or "", status=filters.status or ""
    ).prefetch_related("events", "steps")


@router.get("/exchanges/{exchange_id}", response=ExchangeOut)
def get_exchange(request: HttpRequest, exchange_id: PathId) -> Any:
    return access.access_exchange(_user(request), exchange_id)


class ExchangeIn(Body):
    need: Ref
    provider: CountryCode
    offer: Ref | None = None
    provider_organisations: list[Ref] = Field(default_factory=list, max_length=50)
    form: CooperationForm | None = None
    note: Annotated[str, Field(max_length=4000)] = ""


@router.post("/exchanges", response={201: ExchangeOut})
def propose_exchange(request: HttpRequest, payload: ExchangeIn) -> Status:
    user = _user(request)
    try:
        need = access.access_need(user, payload.need)
    except Http404:
        raise ValidationError({"need": ["No such need"]}) from None
    offer = None
    if payload.offer is not None:
        offer = Offer.objects.filter(pk=payload.offer).first()
        if offer is None:
            raise ValidationError({"offer": ["No such offer"]})
    exchange = services.exchange_propose(
        actor=user,
        need=need,
        provider=_country_field(payload.provider, "provider"),
        offer=offer,
        provider_organisations=_organisations(
            payload.provider_organisations, "provider_organisations"
        ),
        form=payload.form or "",
        note=payload.note,
    )
    return Status(201, access.access_exchange(user, exchange.pk))


class ExchangeStepIn(Body):
    version: Version
    to_status: ExchangeStatus
    note: Annotated[str, Field(max_length=4000)] = ""
    on: date | None = None
    events: list[Ref] = Field(default_factory=list, max_length=50)
    outcome: ExchangeOutcome | None = None


@router.post("/exchanges/{exchange_id}/steps", response=ExchangeOut)
def step_exchange(request: HttpRequest, exchange_id: PathId, payload: ExchangeStepIn) -> Any:
    """Move an exchange: agreed (the agreement is recorded as a partnership), carried out
    (with its events), followed up (with the outcome and why), or cancelled (with why)."""
    user = _user(request)
    exchange = access.access_exchange(user, exchange_id, write=True)
    events = list(Event.objects.filter(pk__in=payload.events))
    if len(events) != len(set(payload.events)):
        raise ValidationError({"events": ["No such event"]})
    services.exchange_step(
        actor=user,
        exchange=exchange,
        version=payload.version,
        to_status=payload.to_status,
        note=payload.note,
        on=payload.on,
        events=events,
        outcome=payload.outcome or "",
    )
    return access.access_exchange(user, exchange_id)
