"""Pages of duplicate review: the coordinator's scored candidate list (both records, the
evidence per field, merge or dismiss), a country scan in the background, and, for partner
users, their own children flagged "possible duplicate at another organisation" - never a
word of the other record."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from synergy.core.http import AuthedRequest
from synergy.core.models import Country
from synergy.monitoring import dedup

PAGE_SIZE = 20

FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "birth": gettext_lazy("Date of birth"),
    "household_head": gettext_lazy("Household head"),
    "location": gettext_lazy("Location"),
}


def _evidence_label(code: str) -> str:
    labels = {
        "exact": _("identical"),
        "phonetic": _("sounds alike"),
        "similar": _("similar spelling"),
        "swapped": _("first and last names swapped"),
        "different": _("different"),
        "missing": _("missing"),
        "unknown": _("not known on one record"),
        "same_date": _("same date"),
        "day_month_swapped": _("day and month swapped"),
        "same_month": _("same month and year"),
        "same_year": _("same year"),
        "within_a_year_estimated": _("within a year (age estimated)"),
        "one_year_apart": _("one year apart"),
        "same_area": _("same area"),
        "same_parent_area": _("neighbouring areas"),
        "same_region": _("same region"),
    }
    return labels.get(code, code)


@login_required
def dedup_list(request: AuthedRequest) -> HttpResponse:
    countries = dedup.reviewer_country_ids(request.user)
    is_reviewer = countries is None or bool(countries)
    context: dict[str, Any] = {"section": "duplicates", "is_reviewer": is_reviewer}
    if is_reviewer:
        page = Paginator(dedup.candidate_queryset(request.user), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        rows = dedup.candidate_rows(actor=request.user, flags=list(page.object_list))
        context["page"] = page
        context["rows"] = [
            {
                "row": row,
                "fields": [
                    {
                        "label": FIELD_LABELS[key],
                        "score": round(ev.score * 100),
                        "evidence": _evidence_label(ev.label),
                    }
                    for key, ev in row.match.evidence.items()
                ],
                "score": round(row.match.score * 100),
            }
            for row in rows
        ]
        scan_countries = Country.objects.order_by("name")
        if countries is not None:
            scan_countries = scan_countries.filter(pk__in=countries)
        context["scan_countries"] = scan_countries
    else:
        context["page"] = Paginator(dedup.flagged_own_children(request.user), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return render(request, "monitoring/dedup/list.html", context)


@login_required
@require_POST
def dedup_scan(request: AuthedRequest) -> HttpResponse:
    country_id = request.POST.get("country", "")
    countries = dedup.reviewer_country_ids(request.user)
    if countries is not None and country_id not in countries:
        raise Http404("No such country")
    country = Country.objects.filter(pk=country_id).first()
    if country is None:
        raise Http404("No such country")
    dedup.dedup_scan_task.enqueue(country.pk, request.user.pk)
    messages.success(
        request,
        _("The search for duplicates has started; new pairs appear here when it ends."),
    )
    return redirect("monitoring-dedup-list")


@login_required
@require_POST
def dedup_merge(request: AuthedRequest, flag_id: int) -> HttpResponse:
    flag = dedup.candidate_queryset(request.user).filter(pk=flag_id).first()
    if flag is None:
        raise Http404("No such possible duplicate")
    try:
        survivor_id = int(request.POST.get("survivor", ""))
    except ValueError:
        survivor_id = 0
    try:
        dedup.duplicate_merge(actor=request.user, flag=flag, survivor_id=survivor_id)
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
        return redirect("monitoring-dedup-list")
    messages.success(request, _("The two records are merged."))
    return redirect("monitoring-dedup-list")


urlpatterns = [
    path("duplicates/", dedup_list, name="monitoring-dedup-list"),
    path("duplicates/scan/", dedup_scan, name="monitoring-dedup-scan"),
    path("duplicates/<int:flag_id>/merge/", dedup_merge, name="monitoring-dedup-merge"),
]
