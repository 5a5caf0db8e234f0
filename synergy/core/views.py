"""Pages of the shared kernel: dashboard and organisation directory."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from synergy.core import roles, selectors, services
from synergy.core.access import access_organisation
from synergy.core.dashboard import cards_for, sections_for
from synergy.core.forms import OrganisationForm
from synergy.core.http import AuthedRequest
from synergy.core.models import OrganisationKind

PAGE_SIZE = 25


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    counts = selectors.dashboard_counts(user=request.user)
    context = {
        "counts": counts,
        "cards": cards_for(request.user),
        "sections": sections_for(request.user),
    }
    return render(request, "core/home.html", context)


@login_required
def organisation_list(request: AuthedRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    country = request.GET.get("country", "")
    qs = selectors.organisation_list(user=request.user, search=search, kind=kind, country=country)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": search,
        "kind": kind,
        "country": country,
        "kinds": OrganisationKind.choices,
        "countries": selectors.countries_with_organisations(),
        "can_create": roles.can_create_organisation(request.user),
    }
    # htmx asks only for the results table when the filters change.
    template = "core/organisation_list.html"
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        template += "#results"
    response = render(request, template, context)
    # Same URL, two bodies: without Vary the browser's back button may show the bare fragment.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@login_required
def organisation_detail(request: AuthedRequest, organisation_id: int) -> HttpResponse:
    organisation = access_organisation(request.user, organisation_id)
    members = organisation.memberships.select_related("user").order_by("user__username")
    context = {
        "organisation": organisation,
        "members": members,
        "can_edit": roles.can_edit_organisation(request.user, organisation),
    }
    return render(request, "core/organisation_detail.html", context)


def _coordinator_countries(request: AuthedRequest) -> list[str] | None:
    if roles.is_system_admin(request.user):
        return None
    return sorted(roles.coordinated_country_ids(request.user))


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: AuthedRequest) -> HttpResponse:
    if not roles.can_create_organisation(request.user):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, countries=_coordinator_countries(request))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            organisation = services.organisation_create(actor=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Organisation created."))
            return redirect("core-organisation-detail", organisation_id=organisation.pk)
    return render(request, "core/organisation_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthedRequest, organisation_id: int) -> HttpResponse:
    organisation = access_organisation(request.user, organisation_id, write=True)
    form = OrganisationForm(
        request.POST or None, instance=organisation, countries=_coordinator_countries(request)
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        version = form.cleaned_data.get("version") or 0
        # ModelForm already copied the values onto the instance; start again from the database
        # so the service sees what changed.
        fresh = access_organisation(request.user, organisation_id, write=True)
        try:
            services.organisation_update(
                actor=request.user, organisation=fresh, version=version, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Organisation saved."))
            return redirect("core-organisation-detail", organisation_id=organisation.pk)
    return render(
        request, "core/organisation_form.html", {"form": form, "organisation": organisation}
    )


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
