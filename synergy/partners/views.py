"""Pages for partnerships, projects, activities and the who-does-what-where matrix."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from synergy.core import roles
from synergy.core.audit import audit_record
from synergy.core.http import AuthedRequest
from synergy.core.models import Country
from synergy.core.vocab import ExploitationForm, TargetGroup
from synergy.interop.services import can_import
from synergy.knowledge import selectors as knowledge_selectors
from synergy.partners import forms, maps, selectors, services
from synergy.partners.access import (
    access_activity,
    access_partnership,
    access_project,
    may_edit,
    partnership_editable_by,
    project_editable_by,
)
from synergy.partners.models import (
    Focus,
    InterventionType,
    Level,
    MigrationStage,
    PartnershipKind,
    PartnershipStatus,
    ProjectStatus,
    ServiceType,
)

PAGE_SIZE = 25


def _can_create(user: Any) -> bool:
    return (
        roles.is_system_admin(user)
        or bool(roles.coordinated_country_ids(user))
        or bool(roles.managed_organisation_ids(user))
    )


def _list_response(request: AuthedRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    # htmx asks only for the results table when the filters change.
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _page(request: AuthedRequest, qs: QuerySet[Any]) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: AuthedRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _add_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's errors next to the form's fields, the rest (rows of the formsets,
    stale versions) at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Partnerships
# ---------------------------------------------------------------------------------------------


@login_required
def partnership_list(request: AuthedRequest) -> HttpResponse:
    f = {k: request.GET.get(k, "").strip() for k in ("q", "kind", "status", "country")}
    qs = selectors.partnership_list(
        user=request.user,
        search=f["q"],
        kind=f["kind"],
        status=f["status"],
        country=f["country"],
    )
    context = {
        "page": _page(request, qs),
        "f": f,
        "query": _query_without_page(request),
        "kinds": PartnershipKind.choices,
        "statuses": PartnershipStatus.choices,
        "countries": Country.objects.filter(partnerships__isnull=False).distinct(),
        "can_create": _can_create(request.user),
    }
    return _list_response(request, "partners/partnership_list.html", context)


@login_required
def partnership_detail(request: AuthedRequest, partnership_id: int) -> HttpResponse:
    partnership = access_partnership(request.user, partnership_id)
    can_edit = partnership_editable_by(request.user, partnership)
    context = {
        "partnership": partnership,
        "parties": partnership.parties.select_related("organisation"),
        "focal_points": partnership.focal_points.select_related("organisation"),
        "documents": partnership.documents.all(),
        "can_edit": can_edit,
        "document_form": forms.DocumentForm() if can_edit else None,
    }
    return render(request, "partners/partnership_detail.html", context)


def _partnership_form_page(request: AuthedRequest, partnership: Any | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = forms.PartnershipForm(data, instance=partnership)
    parties = forms.PartyFormSet(
        data,
        prefix="parties",
        initial=[
            {
                "organisation": p.organisation_id,
                "role": p.role,
                "responsibilities": p.responsibilities,
            }
            for p in partnership.parties.all()
        ]
        if partnership and data is None
        else None,
    )
    focal = forms.FocalPointFormSet(
        data,
        prefix="focal",
        initial=[
            {
                "organisation": f.organisation_id,
                "name": f.name,
                "job_title": f.job_title,
                "email": f.email,
                "phone": f.phone,
            }
            for f in partnership.focal_points.all()
        ]
        if partnership and data is None
        else None,
    )
    if data is not None and form.is_valid() and parties.is_valid() and focal.is_valid():
        fields = form.service_fields(exclude=("countries",))
        kwargs = {
            "countries": list(form.cleaned_data["countries"]),
            "parties": [f.data_row() for f in forms.kept_forms(parties)],
            "focal_points": [f.data_row() for f in forms.kept_forms(focal)],
        }
        try:
            if partnership is None:
                saved = services.partnership_create(actor=request.user, **kwargs, **fields)
            else:
                fresh = access_partnership(request.user, partnership.pk, write=True)
                saved = services.partnership_update(
                    actor=request.user,
                    partnership=fresh,
                    version=form.cleaned_data.get("version") or 0,
                    **kwargs,
                    **fields,
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Partnership saved."))
            return redirect("partners-partnership-detail", partnership_id=saved.pk)
    return render(
        request,
        "partners/partnership_form.html",
        {"form": form, "parties": parties, "focal": focal, "partnership": partnership},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_create(request: AuthedRequest) -> HttpResponse:
    if not _can_create(request.user):
        raise PermissionDenied
    return _partnership_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def partnership_edit(request: AuthedRequest, partnership_id: int) -> HttpResponse:
    partnership = access_partnership(request.user, partnership_id, write=True)
    return _partnership_form_page(request, partnership)


@login_required
@require_POST
def partnership_document_upload(request: AuthedRequest, partnership_id: int) -> HttpResponse:
    partnership = access_partnership(request.user, partnership_id, write=True)
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.partnership_document_add(
                actor=request.user,
                partnership=partnership,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Document added."))
    else:
        messages.error(request, _("Give the document a title and choose a file."))
    return redirect("partners-partnership-detail", partnership_id=partnership.pk)


@login_required
def partnership_document_download(
    request: AuthedRequest, partnership_id: int, document_id: int
) -> FileResponse:
    partnership = access_partnership(request.user, partnership_id)
    document = partnership.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("No such document")
    audit_record(
        actor=request.user,
        action="document_view",
        obj=partnership,
        detail={"document": document.pk},
    )
    return FileResponse(document.file.open("rb"), as_attachment=True)


# ---------------------------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------------------------


@login_required
def project_list(request: AuthedRequest) -> HttpResponse:
    f = {
        k: request.GET.get(k, "").strip()
        for k in ("q", "status", "country", "organisation", "service", "form")
    }
    qs = selectors.project_list(
        user=request.user,
        search=f["q"],
        status=f["status"] if f["status"].isdigit() else "",
        country=f["country"],
        organisation=_int(f["organisation"]),
        service_type=f["service"],
        exploitation_form=f["form"],
    )
    context = {
        "page": _page(request, qs),
        "f": f,
        "query": _query_without_page(request),
        "statuses": ProjectStatus.choices,
        "services": ServiceType.choices,
        "forms": ExploitationForm.choices,
        "countries": selectors.countries_with_projects(),
        "can_create": _can_create(request.user),
        "can_import": can_import(request.user, "projects"),
    }
    return _list_response(request, "partners/project_list.html", context)


@login_required
def project_detail(request: AuthedRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    labels = {
        "service_types": dict(ServiceType.choices),
        "exploitation_forms": dict(ExploitationForm.choices),
    }
    context = {
        "project": project,
        "can_edit": project_editable_by(request.user, project),
        "targets": selectors.project_targets_table(project),
        "service_labels": [labels["service_types"].get(c, c) for c in project.service_types],
        "group_labels": [dict(TargetGroup.choices).get(c, c) for c in project.target_groups],
        "focus_labels": [dict(Focus.choices).get(c, c) for c in project.focus],
        "form_labels": [labels["exploitation_forms"].get(c, c) for c in project.exploitation_forms],
        "areas": project.areas.order_by("level", "code"),
        "activity_count": project.activities.count(),
        "practices": knowledge_selectors.practices_matching(
            user=request.user, forms=project.exploitation_forms, groups=project.target_groups
        ),
    }
    return render(request, "partners/project_detail.html", context)


def _project_form_page(request: AuthedRequest, project: Any | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = forms.ProjectForm(data, instance=project)
    participants = forms.ParticipantFormSet(
        data,
        prefix="participants",
        initial=forms.participant_initial(project) if project and data is None else None,
    )
    targets = forms.TargetFormSet(
        data,
        prefix="targets",
        initial=forms.target_initial(project) if project and data is None else None,
    )
    if data is not None and form.is_valid() and participants.is_valid() and targets.is_valid():
        fields = form.service_fields(exclude=("countries", "areas"))
        kwargs = {
            "countries": list(form.cleaned_data["countries"]),
            "areas": list(form.cleaned_data["areas"]),
            "participants": [f.data_row() for f in forms.kept_forms(participants)],
            "targets": forms.with_recorded_actuals(
                project, [row for f in forms.kept_forms(targets) for row in f.data_rows()]
            ),
        }
        try:
            if project is None:
                saved = services.project_create(actor=request.user, **kwargs, **fields)
            else:
                fresh = access_project(request.user, project.pk, write=True)
                saved = services.project_update(
                    actor=request.user,
                    project=fresh,
                    version=form.cleaned_data.get("version") or 0,
                    **kwargs,
                    **fields,
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Project saved."))
            return redirect("partners-project-detail", project_id=saved.pk)
    return render(
        request,
        "partners/project_form.html",
        {"form": form, "participants": participants, "targets": targets, "project": project},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: AuthedRequest) -> HttpResponse:
    if not _can_create(request.user):
        raise PermissionDenied
    return _project_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthedRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id, write=True)
    return _project_form_page(request, project)


# ---------------------------------------------------------------------------------------------
# Activities
# ---------------------------------------------------------------------------------------------


def _activity_filters(request: AuthedRequest) -> selectors.ActivityFilters:
    g = request.GET
    return selectors.ActivityFilters(
        country=g.get("country", "").strip().upper()[:2],
        area=_int(g.get("area")),
        organisation=_int(g.get("organisation")),
        project=_int(g.get("project")),
        intervention_type=g.get("type", "") if g.get("type") in InterventionType.values else "",
        level=g.get("level", "") if g.get("level") in Level.values else "",
        migration_stage=g.get("stage", "") if g.get("stage") in MigrationStage.values else "",
        exploitation_form=g.get("form", "") if g.get("form") in ExploitationForm.values else "",
        date_from=_date(g.get("from")),
        date_to=_date(g.get("to")),
        search=g.get("q", "").strip(),
    )


def _filter_choices() -> dict[str, Any]:
    return {
        "types": InterventionType.choices,
        "levels": Level.choices,
        "stages": MigrationStage.choices,
        "forms": ExploitationForm.choices,
    }


@login_required
def activity_list(request: AuthedRequest) -> HttpResponse:
    filters = _activity_filters(request)
    qs = selectors.activity_list(user=request.user, filters=filters)
    context = {
        "page": _page(request, qs),
        "f": filters,
        "raw": request.GET,
        "query": _query_without_page(request),
        "countries": selectors.countries_with_activities(),
        "areas": selectors.country_areas(filters.country) if filters.country else [],
        "can_create": _can_create(request.user),
        "can_import": can_import(request.user, "activities"),
        **_filter_choices(),
    }
    return _list_response(request, "partners/activity_list.html", context)


@login_required
def activity_detail(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(request.user, activity_id)
    can_edit = may_edit(
        request.user, countries=[activity.country_id], managing_orgs=[activity.organisation_id]
    )
    return render(
        request, "partners/activity_detail.html", {"activity": activity, "can_edit": can_edit}
    )


def _activity_orgs(request: AuthedRequest) -> list[int] | None:
    user = request.user
    if roles.is_system_admin(user) or roles.coordinated_country_ids(user):
        return None
    return sorted(roles.managed_organisation_ids(user))


def _activity_form_page(request: AuthedRequest, activity: Any | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = forms.ActivityForm(data, instance=activity, organisations=_activity_orgs(request))
    if data is not None and form.is_valid():
        fields = form.service_fields()
        try:
            if activity is None:
                saved = services.activity_create(actor=request.user, **fields)
            else:
                fresh = access_activity(request.user, activity.pk, write=True)
                saved = services.activity_update(
                    actor=request.user,
                    activity=fresh,
                    version=form.cleaned_data.get("version") or 0,
                    **fields,
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Activity saved."))
            return redirect("partners-activity-detail", activity_id=saved.pk)
    return render(request, "partners/activity_form.html", {"form": form, "activity": activity})


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: AuthedRequest) -> HttpResponse:
    if not _can_create(request.user):
        raise PermissionDenied
    return _activity_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(request.user, activity_id, write=True)
    return _activity_form_page(request, activity)


# ---------------------------------------------------------------------------------------------
# Matrix
# ---------------------------------------------------------------------------------------------


def _default_country(request: AuthedRequest) -> str:
    coordinated = sorted(roles.coordinated_country_ids(request.user))
    if coordinated:
        return coordinated[0]
    for m in roles.memberships(request.user):
        if m.organisation.country_id:
            return m.organisation.country_id
    return ""


@login_required
def matrix(request: AuthedRequest) -> HttpResponse:
    """Who does what where in one country: intervention type × migration stage per level,
    with the gaps marked, and a map of how many organisations are active in each area."""
    filters = _activity_filters(request)
    country_code = filters.country or _default_country(request)
    country = Country.objects.filter(pk=country_code).first() if country_code else None
    context: dict[str, Any] = {
        "f": filters,
        "raw": request.GET,
        "country": country,
        "countries": selectors.countries_with_activities(),
        "stages": MigrationStage.choices,
        **_filter_choices(),
    }
    if country is not None:
        areas = selectors.country_areas(country.pk)
        if filters.area and filters.area not in {a.pk for a in areas}:
            filters = selectors.ActivityFilters(**{**filters.__dict__, "area": None})
        # The grouped counts are cached under the activities' current state token.
        token = selectors.activity_state_token()
        coverage, nationwide = selectors.area_coverage(
            country=country.pk, filters=filters, areas=areas, token=token
        )
        context.update(
            tables=selectors.coverage_matrix(
                country=country.pk, filters=filters, areas=areas, token=token
            ),
            # One reverse() for the up to 384 organisation links of the matrix.
            organisation_url=reverse("core-organisation-detail", args=[0]).removesuffix("0/"),
            activity_list_url=reverse("partners-activity-list"),
            areas=areas,
            coverage=coverage,
            nationwide=nationwide,
            map=maps.coverage_map(coverage),
            shades=range(selectors.SHADES + 1),
            # The filters other than the country, for the "and N more" links of the cells.
            filter_query=urlencode(
                [(k, request.GET[k]) for k in ("area", "form", "from", "to") if request.GET.get(k)]
            ),
        )
    return render(request, "partners/matrix.html", context)
