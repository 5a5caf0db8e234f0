"""Report pages: the country report (national coordinators, system administrators) and the
partner report (partner managers and analysts of the organisation, and the country's
coordinators). Figures are aggregates; each links to the children behind it for users who may
see them (never for analysts), scoped by selectors.children_for."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from synergy.core import roles
from synergy.core.http import AuthedRequest
from synergy.core.models import Country, Organisation, Role, User
from synergy.monitoring import indicators, report_sections
from synergy.monitoring.indicators import Period, Scope

PAGE_SIZE = 50
PERIOD = re.compile(r"^(\d{4})H([12])$")
REPORT_MEMBER_ROLES = frozenset({Role.PARTNER_MANAGER, Role.ANALYST})


SEX_HEADS = {
    "F": pgettext_lazy("column head: female, one letter", "F"),
    "M": pgettext_lazy("column head: male, one letter", "M"),
}


def _period(request: AuthedRequest) -> Period:
    found = PERIOD.match(request.GET.get("period", ""))
    if found:
        year, half = int(found.group(1)), int(found.group(2))
        if 2000 <= year <= 2100:
            return Period.half_year(date(year, 1 if half == 1 else 7, 1))
    return Period.half_year(timezone.localdate())


def _period_code(period: Period) -> str:
    return f"{period.start.year}H{1 if period.start.month == 1 else 2}"


def _periods(current: Period) -> list[tuple[str, str]]:
    out = []
    period = Period.half_year(timezone.localdate())
    for _i in range(6):
        code = _period_code(period)
        label = f"{period.start:%Y-%m-%d} – {period.end:%Y-%m-%d}"
        out.append((code, label))
        period = period.previous()
    if _period_code(current) not in {c for c, _l in out}:
        out.append((_period_code(current), f"{current.start} – {current.end}"))
    return out


def may_see_country(user: User, country_id: str) -> bool:
    return roles.is_system_admin(user) or country_id in roles.coordinated_country_ids(user)


def may_see_partner(user: User, organisation: Organisation) -> bool:
    if roles.is_system_admin(user):
        return True
    if organisation.country_id and organisation.country_id in roles.coordinated_country_ids(user):
        return True
    return any(
        m.organisation_id == organisation.pk and m.role in REPORT_MEMBER_ROLES
        for m in roles.memberships(user)
    )


def _scope_allowed(user: User, scope: Scope) -> bool:
    if scope.country_id and not scope.organisation_id:
        return may_see_country(user, scope.country_id)
    if scope.organisation_id:
        organisation = Organisation.objects.filter(pk=scope.organisation_id).first()
        return organisation is not None and may_see_partner(user, organisation)
    return roles.is_system_admin(user)


@login_required
def reports_index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if roles.is_system_admin(user):
        countries = Country.objects.filter(organisations__clms_children__isnull=False).distinct()
    else:
        countries = Country.objects.filter(pk__in=roles.coordinated_country_ids(user))
    organisation_ids = {
        m.organisation_id for m in roles.memberships(user) if m.role in REPORT_MEMBER_ROLES
    }
    context = {
        "countries": countries.order_by("name"),
        "organisations": Organisation.objects.filter(pk__in=organisation_ids).order_by("name"),
        "section": "reports",
    }
    return render(request, "monitoring/reports/index.html", context)


PARTS = ("ages", "shares", "usdol")


def _report_context(request: AuthedRequest, scope: Scope, title: str) -> dict[str, Any]:
    """The target table always; the support shares and the USDOL indicators (heavier: they
    read every visit of the period) inline with ``?all=1``, else loaded by the page as htmx
    fragments (``?part=shares``, ``?part=usdol``) so the counts against targets show at once."""
    period = _period(request)
    part = request.GET.get("part", "")
    inline = request.GET.get("all") == "1"
    context: dict[str, Any] = {
        "title": title,
        "scope_qs": urlencode(scope.as_query()),
        "period": period,
        "period_code": _period_code(period),
        "periods": _periods(period),
        "age_groups": indicators.AGE_GROUP_KEYS,
        "may_list": indicators.may_list_children(request.user),
        "inline": inline,
        "section": "reports",
        # Column heads only: abbreviations in the reader's language (ف/ذ in Arabic).
        "sexes": [SEX_HEADS[s] for s in indicators.SEXES],
    }
    # The heavy sections are kept a few minutes (report_sections); ?fresh=1 counts again.
    fresh = request.GET.get("fresh") == "1"
    for name in ("usdol", "shares", "ages"):
        if part == name or inline:
            context[name], context[f"{name}_at"] = report_sections.section(
                name, scope, period, fresh=fresh
            )
    if "ages" in context:
        context["age_table"] = _table(context.pop("ages"))
        context["age_table_at"] = context.pop("ages_at")
    if part in PARTS:
        return context
    rows = indicators.target_table(scope, by_age=False)
    context["table"] = _table(rows)
    context["totals"] = {
        "target": sum(r.target_total for r in rows),
        "achieved": sum(r.achieved_total for r in rows),
    }
    return context


def _table(rows: list[indicators.TargetRow]) -> list[dict[str, Any]]:
    sexes = indicators.SEXES
    return [
        {
            "row": r,
            "key": f"outcome:{r.project_id}:{r.organisation_id}:{r.kind}",
            "target": [r.target.get(s, 0) for s in sexes],
            "achieved": [(s, r.achieved.get(s, 0)) for s in sexes],
            "ages": [
                {"group": g, "cells": [(s, r.by_age.get((s, g), 0)) for s in sexes]}
                for g in indicators.AGE_GROUP_KEYS
            ],
        }
        for r in rows
    ]


def _render_report(request: AuthedRequest, context: dict[str, Any]) -> HttpResponse:
    template = "monitoring/reports/report.html"
    part = request.GET.get("part", "")
    if part in PARTS:
        template += f"#{part}"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def country_report(request: AuthedRequest, country_id: str) -> HttpResponse:
    country = Country.objects.filter(pk=country_id.upper()).first()
    if country is None or not may_see_country(request.user, country.pk):
        raise Http404("No such report")
    context = _report_context(
        request, Scope(country_id=country.pk), _("Country report: %(name)s") % {"name": country}
    )
    return _render_report(request, context)


@login_required
def partner_report(request: AuthedRequest, organisation_id: int) -> HttpResponse:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not may_see_partner(request.user, organisation):
        raise Http404("No such report")
    context = _report_context(
        request,
        Scope(organisation_id=organisation.pk),
        _("Partner report: %(name)s") % {"name": organisation},
    )
    return _render_report(request, context)


@login_required
def report_children(request: AuthedRequest) -> HttpResponse:
    """The children behind one figure: ?country= or ?organisation=, &key=, &period=."""
    country = request.GET.get("country", "").upper()[:2] or None
    organisation = request.GET.get("organisation", "")
    scope = Scope(
        country_id=country,
        organisation_id=int(organisation) if organisation.isdigit() else None,
    )
    if (not scope.country_id and not scope.organisation_id) or not _scope_allowed(
        request.user, scope
    ):
        raise Http404("No such report")
    if not indicators.may_list_children(request.user):
        raise Http404("No list for this role")
    key = request.GET.get("key", "")[:120]
    qs = indicators.children_behind(
        user=request.user, scope=scope, key=key, period=_period(request)
    ).select_related("organisation", "area")
    page = Paginator(qs.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "key": key,
        "scope_qs": urlencode(scope.as_query()),
        "period_code": _period_code(_period(request)),
        "section": "reports",
    }
    return render(request, "monitoring/reports/children.html", context)


urlpatterns = [
    path("reports/", reports_index, name="monitoring-reports-index"),
    path("reports/country/<str:country_id>/", country_report, name="monitoring-reports-country"),
    path(
        "reports/partner/<int:organisation_id>/",
        partner_report,
        name="monitoring-reports-partner",
    ),
    path("reports/children/", report_children, name="monitoring-reports-children"),
]
