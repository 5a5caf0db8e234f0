"""Pages of indicators: the list, an indicator's progress against its targets over time, the
entry grid of a scope, a value's history and approval, and the records behind a CLMS figure.
Roadmaps have their pages in ``views_roadmaps``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from synergy.core import roles
from synergy.core.http import AuthedRequest
from synergy.core.models import Country, Organisation
from synergy.indicators import access, selectors, services
from synergy.indicators.computed import Scope, cell_key, outcomes_behind
from synergy.indicators.models import Dimension, Indicator, IndicatorValue, Source, ValueKind
from synergy.indicators.periods import PeriodError, ReportingPeriod, parse_period, periods_in

PAGE_SIZE = 25
VALUES_PAGE_SIZE = 50
# Sub-totals are checked over at most this many values of the page's scope and periods.
MISMATCH_SCAN = 5000
PERIOD_KINDS = ("year", "half-year", "quarter", "month")


def home_country(request: AuthedRequest) -> str:
    """The country the pages show: ?country=, else the user's own."""
    wanted = request.GET.get("country", "").upper()[:2]
    if wanted and Country.objects.filter(pk=wanted).exists():
        return wanted
    coordinated = sorted(roles.coordinated_country_ids(request.user))
    if coordinated:
        return coordinated[0]
    for membership in roles.memberships(request.user):
        if membership.organisation.country_id:
            return membership.organisation.country_id
    return "NP"


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def scope_of(request: AuthedRequest) -> Scope:
    country = home_country(request)
    scope = Scope(
        country,
        area_id=_int(request.GET.get("area", "")),
        project_id=_int(request.GET.get("project", "")),
        organisation_id=_int(request.GET.get("organisation", "")),
    )
    if scope.organisation_id is not None and not access.may_see_organisation(
        request.user, scope.organisation_id, country
    ):
        raise Http404("No such scope")
    return scope


def periods_of(request: AuthedRequest) -> tuple[str, list[ReportingPeriod]]:
    kind = request.GET.get("every", "half-year")
    kind = kind if kind in PERIOD_KINDS else "half-year"
    this_year = timezone.localdate().year
    first = _int(request.GET.get("from", "")) or this_year - 2
    last = _int(request.GET.get("to", "")) or this_year
    first, last = max(first, 1990), min(max(last, first), first + 9)
    return kind, [p for year in range(first, last + 1) for p in periods_in(year, kind)]


@login_required
def indicator_list(request: AuthedRequest) -> HttpResponse:
    country = home_country(request)
    q = request.GET.get("q", "").strip()[:100]
    qs = selectors.indicators_for(request.user, country_id=country, q=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "country": Country.objects.get(pk=country),
        "countries": Country.objects.order_by("name"),
        "overdue": selectors.overdue_actions(country_id=country)[:5],
    }
    return render(request, "indicators/indicator_list.html", context)


def _chart(indicator: Indicator, rows: list[selectors.SeriesRow]) -> dict[str, Any]:
    def numbers(attr: str) -> list[float | None]:
        out = []
        for row in rows:
            value = getattr(row, attr).value
            out.append(float(value) if value is not None else None)
        return out

    return {
        "title": indicator.name,
        "labels": [r.period.code for r in rows],
        "series": [
            {"label": str(ValueKind.ACTUAL.label), "values": numbers("actual"), "type": "bar"},
            {"label": str(ValueKind.TARGET.label), "values": numbers("target"), "type": "line"},
            {"label": str(ValueKind.BASELINE.label), "values": numbers("baseline"), "type": "line"},
        ],
    }


@login_required
def indicator_detail(request: AuthedRequest, code: str) -> HttpResponse:
    indicator = access.access_indicator(request.user, code)
    scope = scope_of(request)
    every, periods = periods_of(request)
    by = request.GET.get("by", "")
    by = by if by in indicator.dimensions else ""
    rows = selectors.series(request.user, indicator, scope, periods, by=by)
    # The values of this scope in the periods shown: a country can hold many thousands.
    shown_values = selectors.in_scope(
        selectors.values_for(request.user, indicator, country_id=scope.country_id), scope
    ).filter(
        period_start__gte=periods[0].start,
        period_end__lte=periods[-1].end,
    )
    values_page = Paginator(shown_values, VALUES_PAGE_SIZE).get_page(request.GET.get("page"))
    dimension = Dimension.objects.filter(code=by).first() if by else None
    context = {
        "indicator": indicator,
        "scope": scope,
        "scope_query": urlencode(_scope_query(scope)),
        "rows": rows,
        "every": every,
        "period_kinds": PERIOD_KINDS,
        "by": by,
        "dimension": dimension,
        "dimension_items": dimension.item_labels() if dimension else {},
        "dimensions": Dimension.objects.filter(code__in=indicator.dimensions, is_area=False),
        "values": values_page,
        "mismatches": selectors.subtotal_mismatches(list(shown_values[:MISMATCH_SCAN])),
        "chart": _chart(indicator, rows),
        "may_enter": access.may_enter(
            request.user,
            country_id=scope.country_id,
            project_id=scope.project_id,
            organisation_id=scope.organisation_id,
        ),
        "may_list": indicator.source == Source.CLMS and access.sees_exact_counts(request.user),
        "organisation": (
            Organisation.objects.filter(pk=scope.organisation_id).first()
            if scope.organisation_id
            else None
        ),
    }
    return render(request, "indicators/indicator_detail.html", context)


def _scope_query(scope: Scope) -> dict[str, str]:
    query = {"country": scope.country_id}
    for name in ("area", "project", "organisation"):
        value = getattr(scope, f"{name}_id")
        if value is not None:
            query[name] = str(value)
    return query


@dataclass
class GridRow:
    key: str
    label: str
    disaggregation: dict[str, str]


def _grid_rows(indicator: Indicator) -> list[GridRow]:
    rows = [GridRow("total", _("Total"), {})]
    for dimension in Dimension.objects.filter(code__in=indicator.dimensions, is_area=False):
        for item, label in dimension.item_labels().items():
            rows.append(
                GridRow(
                    f"{dimension.code}-{item}",
                    f"{dimension.label}: {label}",
                    {dimension.code: item},
                )
            )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def value_grid(request: AuthedRequest, code: str) -> HttpResponse:
    """One form per scope, kind and year: a row per total and breakdown, a column per period;
    every cell is checked and the grid is saved whole or not at all."""
    indicator = access.access_indicator(request.user, code)
    scope = scope_of(request)
    if not access.may_enter(
        request.user,
        country_id=scope.country_id,
        project_id=scope.project_id,
        organisation_id=scope.organisation_id,
    ):
        raise PermissionDenied(_("You may not enter values for this scope."))
    kind = request.GET.get("kind", ValueKind.TARGET)
    kind = kind if kind in ValueKind.values else ValueKind.TARGET
    every = request.GET.get("every", "year")
    every = every if every in PERIOD_KINDS else "year"
    year = _int(request.GET.get("year", "")) or timezone.localdate().year
    periods = periods_in(min(max(year, 1990), 2100), every)
    rows = _grid_rows(indicator)
    errors: dict[str, str] = {}
    entered: dict[str, str] = {}
    if request.method == "POST":
        entered = {k: str(v).strip() for k, v in request.POST.items() if k.startswith(("v_", "c_"))}
        try:
            with transaction.atomic():
                count = _save_grid(request, indicator, scope, kind, periods, rows, entered, errors)
                if errors:
                    raise ValidationError("grid")
        except ValidationError:
            pass
        else:
            messages.success(request, _("%(count)s value(s) saved as drafts.") % {"count": count})
            return redirect(
                f"{reverse('indicators-detail', args=[code])}?{urlencode(_scope_query(scope))}"
            )
    current = {
        (v.cell, v.period): v
        for v in IndicatorValue.objects.filter(
            indicator=indicator, kind=kind, current=True, period__in=[p.code for p in periods]
        )
    }
    cells = [
        (
            row,
            [
                (
                    f"v_{row.key}_{p.code}",
                    entered.get(f"v_{row.key}_{p.code}")
                    if request.method == "POST"
                    else _text(current.get((cell_key(scope, row.disaggregation), p.code))),
                    current.get((cell_key(scope, row.disaggregation), p.code)),
                    errors.get(f"v_{row.key}_{p.code}", ""),
                )
                for p in periods
            ],
        )
        for row in rows
    ]
    context = {
        "indicator": indicator,
        "scope": scope,
        "scope_query": urlencode(_scope_query(scope)),
        "kind": kind,
        "kinds": [
            (k, label)
            for k, label in ValueKind.choices
            if not (indicator.computed and k == ValueKind.ACTUAL)
        ],
        "every": every,
        "period_kinds": PERIOD_KINDS,
        "year": year,
        "periods": periods,
        "cells": cells,
        "comments": [(f"c_{p.code}", entered.get(f"c_{p.code}", "")) for p in periods],
        "errors": errors,
    }
    return render(request, "indicators/value_grid.html", context)


def _text(value: IndicatorValue | None) -> str:
    return "" if value is None else f"{value.value.normalize():f}"


def _save_grid(
    request: AuthedRequest,
    indicator: Indicator,
    scope: Scope,
    kind: str,
    periods: list[ReportingPeriod],
    rows: list[GridRow],
    entered: dict[str, str],
    errors: dict[str, str],
) -> int:
    count = 0
    for period in periods:
        comment = entered.get(f"c_{period.code}", "")[:1000]
        for row in rows:
            name = f"v_{row.key}_{period.code}"
            text = entered.get(name, "").replace(",", ".")
            if not text:
                continue
            try:
                number = Decimal(text)
            except InvalidOperation:
                errors[name] = _("Enter a number.")
                continue
            figure = services.Figure(
                indicator, kind, period.code, scope, row.disaggregation, number, comment=comment
            )
            try:
                services.value_enter(actor=request.user, figure=figure)
            except ValidationError as exc:
                errors[name] = " ".join(exc.messages)
                continue
            count += 1
    return count


@login_required
@require_http_methods(["GET", "POST"])
def value_detail(request: AuthedRequest, value_id: int) -> HttpResponse:
    value = access.access_value(request.user, value_id)
    error = ""
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "submit":
                services.value_submit(actor=request.user, value=value)
            elif step == "approve":
                services.value_approve(actor=request.user, value=value)
            elif step == "correct":
                try:
                    number = Decimal(request.POST.get("value", "").replace(",", "."))
                except InvalidOperation:
                    raise ValidationError({"value": [_("Enter a number.")]}) from None
                value = services.value_correct(
                    actor=request.user,
                    value=value,
                    new_value=number,
                    reason=request.POST.get("reason", ""),
                )
            else:
                raise Http404("No such step")
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("indicators-value", value_id=value.pk)
    context = {
        "value": value,
        "history": selectors.history_of(value),
        "pending": IndicatorValue.objects.filter(supersedes=value).first(),
        "may_enter": access.may_enter(
            request.user,
            country_id=value.country_id,
            project_id=value.project_id,
            organisation_id=value.organisation_id,
        ),
        "may_approve": access.may_approve(request.user, value.country_id),
        "error": error,
    }
    return render(request, "indicators/value_detail.html", context)


@login_required
def figure_records(request: AuthedRequest, code: str) -> HttpResponse:
    """The children behind one CLMS figure, for the roles that may open their records."""
    from synergy.monitoring.selectors import children_for

    indicator = access.access_indicator(request.user, code)
    if indicator.source != Source.CLMS or not access.sees_exact_counts(request.user):
        raise Http404("No list for this figure")
    scope = scope_of(request)
    try:
        period = parse_period(request.GET.get("period", ""))
    except PeriodError:
        raise Http404("No such period") from None
    dis = {k: request.GET[k][:20] for k in ("sex", "age_group") if request.GET.get(k)}
    outcomes = outcomes_behind(indicator, period, scope, dis)
    children = children_for(request.user).filter(pk__in=outcomes.values("child_id"))
    page = Paginator(children.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "indicator": indicator,
        "period": period,
        "page": page,
        "figure": outcomes.count(),
        "dis": dis,
    }
    return render(request, "indicators/figure_records.html", context)


@login_required
@require_POST
def period_approve(request: AuthedRequest, code: str) -> HttpResponse:
    indicator = access.access_indicator(request.user, code)
    country = home_country(request)
    try:
        period = parse_period(request.POST.get("period", ""))
    except PeriodError as exc:
        messages.error(request, str(exc))
    else:
        count = services.period_approve(
            actor=request.user, indicator=indicator, period=period.code, country_id=country
        )
        messages.success(request, _("%(count)s value(s) approved.") % {"count": count})
    return redirect(f"{reverse('indicators-detail', args=[code])}?country={country}")


@login_required
@require_http_methods(["GET", "POST"])
def progress_report(request: AuthedRequest) -> HttpResponse:
    """A country's, an organisation's or a project's progress report: the form with its
    figures, and the report as PDF or Excel (POST, with the narrative written on the form)."""
    from synergy.indicators import reports

    scope = scope_of(request)
    year = _int(request.GET.get("year", "")) or timezone.localdate().year
    year = min(max(year, 1990), 2100)
    narrative = {key: request.POST.get(key, "")[:8000] for key, _label in reports.NARRATIVE}
    if request.method == "POST" and request.POST.get("background"):
        # A large report: prepared by the worker, the page shows how far it got.
        from synergy.indicators import report_jobs

        fmt = request.POST.get("format", "pdf")
        job = report_jobs.job_create(
            actor=request.user,
            scope=scope,
            year=year,
            narrative=narrative,
            fmt=fmt if fmt in report_jobs.FORMATS else "pdf",
        )
        return redirect("indicators-report-job", job_id=job.id)
    report = reports.progress_report(request.user, scope, year, narrative)
    if request.method == "POST":
        fmt = request.POST.get("format", "pdf")
        stem = f"progress-{scope.country_id.lower()}-{year}"
        if fmt == "xlsx":
            content = reports.report_xlsx(report)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            fmt, content, content_type = "pdf", reports.report_pdf(report), "application/pdf"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
        return response
    context = {
        "report": report,
        "rows": reports.table_rows(report),
        "narrative": [(key, _(label)) for key, label in reports.NARRATIVE],
        "year": year,
        "scope_query": urlencode(_scope_query(scope)),
    }
    return render(request, "indicators/progress_report.html", context)


@login_required
@require_GET
def report_job(request: AuthedRequest, job_id: str) -> HttpResponse:
    """How far a background report got, polled by the page; the file once it is ready."""
    from synergy.indicators import report_jobs

    job = report_jobs.job_of(request.user, job_id)
    if job is None:
        raise Http404("No such report")
    template = "indicators/report_job.html"
    if request.headers.get("HX-Request"):
        template += "#progress"
    return render(request, template, {"job": job})


@login_required
@require_GET
def report_job_file(request: AuthedRequest, job_id: str) -> HttpResponse:
    from synergy.indicators import report_jobs

    job = report_jobs.job_of(request.user, job_id)
    if job is None or job.status != "done" or not job.file:
        raise Http404("No such report")
    content_type = (
        "application/pdf"
        if job.fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    with job.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=content_type)
    name = job.file.name.rsplit("/", 1)[-1]
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def country_dashboard(request: AuthedRequest) -> HttpResponse:
    from synergy.indicators.dashboard_country import country_dashboard as build

    country = home_country(request)
    board = build(request.user, country)
    context = {
        "board": board,
        "country": Country.objects.get(pk=country),
        "countries": Country.objects.filter(roadmap__isnull=False).order_by("name"),
        "chart": board.chart,
    }
    return render(request, "indicators/country_dashboard.html", context)
