"""API of the knowledge base: good practices (with their workflow and attachments), events and
outcomes.

Published practices can be read without signing in when an administrator allows it
(KnowledgeSettings.public_access); everything else needs a token or a session.
"""

# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

from datetime import date, datetime
from typing import Annotated, Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from synergy.api.auth import token_or_session
from synergy.api.types import Body, Input, PathId, Ref, Version, Year, column_limits, patch_fields
from synergy.core.models import Country, IloRegion, Organisation, User
from synergy.core.pagination import Pagination
from synergy.knowledge import downloads, search, selectors, services
from synergy.knowledge.access import (
    access_attachment,
    access_event,
    access_outcome,
    access_practice,
    can_read,
)
from synergy.knowledge.models import (
    CountryRole,
    Event,
    EventKind,
    EvidenceLevel,
    ExploitationForm,
    FollowUpStatus,
    GoodPractice,
    Outcome,
    OutcomeKind,
    PracticeAttachment,
    ReviewAction,
    TargetGroup,
    Theme,
)

router = Router(tags=["knowledge"])


PUBLIC = "public"


def _public(request: HttpRequest) -> Any:
    """Anonymous reading of published practices, when an administrator allows it."""
    return PUBLIC if can_read(AnonymousUser()) else None


# Authenticated callers first, so a signed-in user keeps their own view of the practices.
public_or_token = [*token_or_session, _public]


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    if isinstance(auth, User):
        return auth
    return AnonymousUser()


class CountryRoleOut(Schema):
    country: str
    role: CountryRole


class PracticeListOut(Schema):
    id: int
    title: str
    summary: str
    status: str
    themes: list[str]
    regions: list[str]
    countries: list[CountryRoleOut]
    last_verified: date | None
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_themes(obj: GoodPractice) -> list[str]:
        return [t.slug for t in obj.themes.all()]

    @staticmethod
    def resolve_regions(obj: GoodPractice) -> list[str]:
        return [r.region for r in obj.regions.all()]

    @staticmethod
    def resolve_countries(obj: GoodPractice) -> list[dict[str, str]]:
        return [{"country": r.country_id, "role": r.role} for r in obj.country_roles.all()]


class AssessmentOut(Schema):
    criterion: str
    score: int
    evidence: str


class AttachmentOut(Schema):
    id: int
    title: str
    filename: str = Field(..., description="The name the download is saved under")
    content_type: str
    size: int | None = Field(..., description="Bytes; null when the file is missing")
    uploaded_at: datetime
    download_url: str

    @staticmethod
    def resolve_filename(obj: PracticeAttachment) -> str:
        return obj.download_name

    @staticmethod
    def resolve_download_url(obj: PracticeAttachment) -> str:
        return reverse(
            "api:knowledge_attachment_file",
            kwargs={"practice_id": obj.practice_id, "attachment_id": obj.pk},
        )


class PracticeOut(PracticeListOut):
    background: str
    action: str
    achievements: str
    sustainability: str
    lessons_learned: str
    necessary_conditions: str
    exploitation_forms: list[str]
    target_groups: list[str]
    organisations: list[int]
    languages: list[str]
    year_start: int | None
    year_end: int | None
    evidence_level: str
    assessments: list[AssessmentOut]
    published_at: datetime | None
    attachments: list[AttachmentOut]
    allowed_actions: list[str] = []

    @staticmethod
    def resolve_exploitation_forms(obj: GoodPractice) -> list[str]:
        return [t.slug for t in obj.exploitation_forms.all()]

    @staticmethod
    def resolve_target_groups(obj: GoodPractice) -> list[str]:
        return [t.slug for t in obj.target_groups.all()]

    @staticmethod
    def resolve_organisations(obj: GoodPractice) -> list[int]:
        return [o.pk for o in obj.organisations.all()]

    @staticmethod
    def resolve_attachments(obj: GoodPractice) -> list[PracticeAttachment]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_assessments(obj: GoodPractice) -> list[dict[str, Any]]:
        return [
            {"criterion": a.criterion, "score": a.score, "evidence": a.evidence}
            for a in obj.assessments.all()
        ]


class CountryRoleIn(Body):
    country: str = Field(..., description="ISO 3166-1 alpha-2 code")
    role: CountryRole


@column_limits(GoodPractice)
class PracticeIn(Body):
    title: str = Field(..., min_length=1, max_length=300)
    summary: str = ""
    background: str = ""
    action: str = ""
    achievements: str = ""
    sustainability: str = ""
    lessons_learned: str = ""
    necessary_conditions: str = ""
    themes: list[str] = Field([], description="Theme slugs")
    exploitation_forms: list[str] = []
    target_groups: list[str] = []
    organisations: list[Ref] = []
    regions: list[IloRegion] = []
    countries: list[CountryRoleIn] = []
    languages: list[str] = []
    year_start: Year | None = None
    year_end: Year | None = None


@column_limits(GoodPractice)
class PracticePatch(Body):
    version: Version
    title: Annotated[str, Field(None, min_length=1, max_length=300)]
    summary: Annotated[str, Field(None)]
    background: Annotated[str, Field(None)]
    action: Annotated[str, Field(None)]
    achievements: Annotated[str, Field(None)]
    sustainability: Annotated[str, Field(None)]
    lessons_learned: Annotated[str, Field(None)]
    necessary_conditions: Annotated[str, Field(None)]
    themes: Annotated[list[str], Field(None)]
    exploitation_forms: Annotated[list[str], Field(None)]
    target_groups: Annotated[list[str], Field(None)]
    organisations: Annotated[list[Ref], Field(None)]
    regions: Annotated[list[IloRegion], Field(None)]
    countries: Annotated[list[CountryRoleIn], Field(None)]
    languages: Annotated[list[str], Field(None)]
    year_start: Year | None = None
    year_end: Year | None = None
    evidence_level: Annotated[EvidenceLevel, Field(None)]
    last_verified: date | None = None


class TransitionIn(Body):
    action: ReviewAction
    comment: str = ""


class PracticeFilters(Input):
    q: str = Field("", description="Words to search for")
    theme: str = ""
    region: str = ""
    country: str = Field("", description="ISO 3166-1 alpha-2 code")
    status: str = ""


def _by_slug(model: Any, slugs: list[str] | None, name: str) -> list[Any] | None:
    if slugs is None:
        return None
    found = list(model.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {o.slug for o in found})
    if missing:
        raise ValidationError({name: [f"Unknown: {', '.join(missing)}"]})
    return found


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    out["themes"] = _by_slug(Theme, data.get("themes"), "themes")
    out["exploitation_forms"] = _by_slug(
        ExploitationForm, data.get("exploitation_forms"), "exploitation_forms"
    )
    out["target_groups"] = _by_slug(TargetGroup, data.get("target_groups"), "target_groups")
    if data.get("organisations") is not None:
        organisations = list(Organisation.objects.filter(pk__in=data["organisations"]))
        if len(organisations) != len(set(data["organisations"])):
            raise ValidationError({"organisations": ["Unknown organisation id"]})
        out["organisations"] = organisations
    if data.get("countries") is not None:
        codes = {c["country"].upper() for c in data["countries"]}
        known = set(Country.objects.filter(pk__in=codes).values_list("pk", flat=True))
        if codes - known:
            raise ValidationError({"countries": [f"Unknown: {', '.join(sorted(codes - known))}"]})
        out["countries"] = [(c["country"].upper(), c["role"]) for c in data["countries"]]
    if data.get("regions") is not None:
        out["regions"] = [str(r) for r in data["regions"]]
    return out


def _detail(request: HttpRequest, practice_id: PathId) -> GoodPractice:
    practice = selectors.practice_detail_relations(practice_id)
    user = _user(request)
    if user.is_authenticated:
        practice.allowed_actions = services.allowed_actions(user, practice)  # type: ignore[attr-defined]
    return practice


@router.get("/practices", response=list[PracticeListOut], auth=public_or_token)
@paginate(Pagination)
def list_practices(request: HttpRequest, filters: Query[PracticeFilters]) -> Any:
    qs = selectors.visible_practices(_user(request))
    qs = selectors.filter_practices(
        qs,
        selectors.SearchFilters(
            theme=filters.theme,
            region=filters.region,
            country=filters.country,
            status=filters.status,
        ),
    )
    if filters.q.strip():
        # Ranked as the search page ranks practices (full-text index), best first.
        return selectors.with_listing_relations(search.rank_by_text(qs, filters.q))
    return selectors.with_listing_relations(qs.order_by("-updated_at", "-id"))


@router.get("/practices/{practice_id}", response=PracticeOut, auth=public_or_token)
def get_practice(request: HttpRequest, practice_id: PathId) -> Any:
    access_practice(_user(request), practice_id)
    return _detail(request, practice_id)


@router.post("/practices", response={201: PracticeOut})
def create_practice(request: HttpRequest, payload: PracticeIn) -> Status:
    practice = services.practice_create(actor=_user(request), **_fields(payload.dict()))
    return Status(201, _detail(request, practice.pk))


@router.patch("/practices/{practice_id}", response=PracticeOut)
def update_practice(request: HttpRequest, practice_id: PathId, payload: PracticePatch) -> Any:
    practice = access_practice(_user(request), practice_id, write=True)
    data = patch_fields(payload)
    version = data.pop("version")
    services.practice_update(
        actor=_user(request), practice=practice, version=version, **_fields(data)
    )
    return _detail(request, practice_id)


@router.post("/practices/{practice_id}/transitions", response=PracticeOut)
def transition_practice(request: HttpRequest, practice_id: PathId, payload: TransitionIn) -> Any:
    practice = access_practice(_user(request), practice_id)
    services.practice_transition(
        actor=_user(request), practice=practice, action=payload.action, comment=payload.comment
    )
    return _detail(request, practice_id)


# --- attachments ----------------------------------------------------------------------------


@router.get(
    "/practices/{practice_id}/attachments", response=list[AttachmentOut], auth=public_or_token
)
def list_attachments(request: HttpRequest, practice_id: PathId) -> Any:
    practice = access_practice(_user(request), practice_id)
    return practice.attachments.order_by("id")


@router.post("/practices/{practice_id}/attachments", response={201: AttachmentOut})
def upload_attachment(
    request: HttpRequest,
    practice_id: PathId,
    file: File[UploadedFile],
    title: Form[str] = "",
) -> Status:
    """Multipart upload: ``file`` and an optional ``title`` (the file's name otherwise)."""
    practice = access_practice(_user(request), practice_id, write=True)
    attachment = services.attachment_add(
        actor=_user(request), practice=practice, file=file, title=title
    )
    return Status(201, attachment)


@router.get(
    "/practices/{practice_id}/attachments/{attachment_id}/file",
    auth=public_or_token,
    url_name="knowledge_attachment_file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment, with its own media type",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_attachment(request: HttpRequest, practice_id: PathId, attachment_id: PathId) -> Any:
    attachment = access_attachment(_user(request), practice_id, attachment_id)
    return downloads.attachment_response(_user(request), attachment)


@router.delete("/practices/{practice_id}/attachments/{attachment_id}", response={204: None})
def delete_attachment(request: HttpRequest, practice_id: PathId, attachment_id: PathId) -> Status:
    attachment = access_attachment(_user(request), practice_id, attachment_id, write=True)
    services.attachment_delete(actor=_user(request), attachment=attachment)
    return Status(204, None)


# --- events and outcomes ----------------------------------------------------------------------


class OutcomeOut(Schema):
    id: int
    event: int = Field(..., alias="event_id")
    kind: OutcomeKind
    title: str
    description: str
    owner_user: int | None = Field(None, alias="owner_user_id")
    owner_organisation: int | None = Field(None, alias="owner_organisation_id")
    due_date: date | None
    status: FollowUpStatus
    version: int


class EventOut(Schema):
    id: int
    kind: EventKind
    title: str
    description: str
    start_date: date
    end_date: date | None
    place: str
    country: str | None = Field(None, alias="country_id")
    host: int | None = Field(None, alias="host_id")
    agenda: str
    version: int


@column_limits(Event)
class EventIn(Body):
    kind: EventKind
    title: str = Field(..., min_length=1, max_length=300)
    description: str = ""
    start_date: date
    end_date: date | None = None
    place: str = ""
    country: str | None = None
    host: Ref | None = None
    agenda: str = ""
    participating_countries: list[str] = []
    practices: list[Ref] = []


@column_limits(Event)
class EventPatch(Body):
    version: Version
    kind: Annotated[EventKind, Field(None)]
    title: Annotated[str, Field(None, min_length=1, max_length=300)]
    description: Annotated[str, Field(None)]
    start_date: Annotated[date, Field(None)]
    end_date: date | None = None
    place: Annotated[str, Field(None)]
    agenda: Annotated[str, Field(None)]


@column_limits(Outcome)
class OutcomeIn(Body):
    kind: OutcomeKind
    title: str = Field(..., min_length=1, max_length=300)
    description: str = ""
    owner_user: Ref | None = None
    owner_organisation: Ref | None = None
    due_date: date | None = None
    status: FollowUpStatus = FollowUpStatus.OPEN


@column_limits(Outcome)
class OutcomePatch(Body):
    version: Version
    title: Annotated[str, Field(None, min_length=1, max_length=300)]
    description: Annotated[str, Field(None)]
    due_date: date | None = None
    status: Annotated[FollowUpStatus, Field(None)]


def _event_fields(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "country" in data:
        code = data["country"]
        out["country"] = Country.objects.filter(pk=code.upper()).first() if code else None
        if code and out["country"] is None:
            raise ValidationError({"country": [f"{code!r} is not an ISO 3166-1 alpha-2 code"]})
    if "host" in data:
        out["host"] = Organisation.objects.filter(pk=data["host"]).first() if data["host"] else None
    if data.get("participating_countries") is not None:
        out["participating_countries"] = list(
            Country.objects.filter(pk__in=[c.upper() for c in data["participating_countries"]])
        )
    if data.get("practices") is not None:
        out["practices"] = list(
            selectors.visible_practices(_user(request)).filter(pk__in=data["practices"])
        )
    return out


def _outcome_fields(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "owner_user" in data:
        out["owner_user"] = (
            User.objects.filter(pk=data["owner_user"]).first() if data["owner_user"] else None
        )
    if "owner_organisation" in data:
        out["owner_organisation"] = (
            Organisation.objects.filter(pk=data["owner_organisation"]).first()
            if data["owner_organisation"]
            else None
        )
    return out


@router.get("/events", response=list[EventOut])
@paginate(Pagination)
def list_events(request: HttpRequest, kind: str = "") -> Any:
    return selectors.event_list(user=_user(request), kind=kind)


@router.get("/events/{event_id}", response=EventOut)
def get_event(request: HttpRequest, event_id: PathId) -> Any:
    return access_event(_user(request), event_id)


@router.post("/events", response={201: EventOut})
def create_event(request: HttpRequest, payload: EventIn) -> Status:
    event = services.event_create(actor=_user(request), **_event_fields(request, payload.dict()))
    return Status(201, event)


@router.patch("/events/{event_id}", response=EventOut)
def update_event(request: HttpRequest, event_id: PathId, payload: EventPatch) -> Any:
    event = access_event(_user(request), event_id, write=True)
    data = patch_fields(payload)
    version = data.pop("version")
    return services.event_update(
        actor=_user(request), event=event, version=version, **_event_fields(request, data)
    )


@router.get("/events/{event_id}/outcomes", response=list[OutcomeOut])
@paginate(Pagination)
def list_outcomes(request: HttpRequest, event_id: PathId) -> Any:
    event = access_event(_user(request), event_id)
    return event.outcomes.order_by("due_date", "id")


@router.post("/events/{event_id}/outcomes", response={201: OutcomeOut})
def create_outcome(request: HttpRequest, event_id: PathId, payload: OutcomeIn) -> Status:
    event = access_event(_user(request), event_id, write=True)
    outcome = services.outcome_create(
        actor=_user(request), event=event, **_outcome_fields(payload.dict())
    )
    return Status(201, outcome)


@router.patch("/outcomes/{outcome_id}", response=OutcomeOut)
def update_outcome(request: HttpRequest, outcome_id: PathId, payload: OutcomePatch) -> Any:
    outcome = access_outcome(_user(request), outcome_id, write=True)
    data = patch_fields(payload)
    version = data.pop("version")
    return services.outcome_update(
        actor=_user(request), outcome=outcome, version=version, **_outcome_fields(data)
    )
