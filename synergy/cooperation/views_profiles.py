"""Pages of the country profiles: the list, a profile with its history, and its edit form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from synergy.cooperation import access, selectors, services
from synergy.cooperation.forms import ProfileForm
from synergy.cooperation.models import CountryProfile, RequestStatus
from synergy.cooperation.profiles import (
    language_name,
    official_languages,
    survey_prevalence,
    un_subregion,
)
from synergy.cooperation.views import PAGE_SIZE
from synergy.core.forms import service_errors
from synergy.core.http import AuthedRequest
from synergy.core.models import IloRegion


@login_required
def profile_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    region = request.GET.get("region", "")
    region = region if region in IloRegion.values else ""
    rows = selectors.profiles(region=region, q=q)
    context = {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "q": q,
        "region": region,
        "regions": IloRegion.choices,
    }
    return render(request, "cooperation/profile_list.html", context)


@login_required
def profile_detail(request: AuthedRequest, country_id: str) -> HttpResponse:
    profile = access.access_profile(request.user, country_id)
    country = access.access_country(country_id)
    prevalence = survey_prevalence(country.pk)
    context = {
        "country": country,
        "profile": profile,
        "subregion": un_subregion(country),
        "official_languages": [language_name(code) for code in official_languages(country.pk)],
        "prevalence": prevalence,
        "measures": profile.measures.all() if profile else [],
        "practices": selectors.shared_practices(country.pk)[:20],
        "needs": selectors.needs_for(request.user, country=country.pk, status=RequestStatus.OPEN),
        "offers": selectors.offers_for(country=country.pk, status=RequestStatus.OPEN),
        "history": profile.versions.select_related("actor")[:20] if profile else [],
        "may_edit": access.may_write_for(request.user, country.pk),
    }
    return render(request, "cooperation/profile_detail.html", context)


@login_required
def profile_edit(request: AuthedRequest, country_id: str) -> HttpResponse:
    country = access.access_country(country_id)
    if not access.may_write_for(request.user, country.pk):
        raise PermissionDenied(_("Only the country's national coordinators edit its profile."))
    profile = access.access_profile(request.user, country.pk) or CountryProfile(country=country)
    measures = {m.kind: m.since for m in profile.measures.all()} if profile.pk else {}
    form = ProfileForm(
        request.POST or None,
        instance=profile,
        measures=measures,
        initial={"version": profile.version if profile.pk else None},
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
        try:
            services.profile_save(
                actor=request.user,
                country=country,
                version=form.cleaned_data["version"] if profile.pk else None,
                fields=data,
                measures=form.measures(),
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect("cooperation-profile", country.pk)
    return render(request, "cooperation/profile_form.html", {"form": form, "country": country})
