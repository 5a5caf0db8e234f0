"""Survey pages: list, upload, variable mapping, import status, the 8.7.1 table, downloads."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from synergy.core.http import AuthedRequest
from synergy.surveys import access, selectors, services
from synergy.surveys.childlabour import AGE_GROUPS, AGE_TOTAL, TOTAL, ChildLabourTable
from synergy.surveys.estimation import LONELY_PSU_OPTIONS, LonelyPsuError
from synergy.surveys.exports import series_for
from synergy.surveys.forms import MappingForm, UploadForm
from synergy.surveys.models import DatasetStatus, Framework

PAGE_SIZE = 25


@login_required
def dataset_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.dataset_list(user=request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_upload": access.can_upload(request.user)}
    return render(request, "surveys/dataset_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dataset_upload(request: AuthedRequest) -> HttpResponse:
    if not access.can_upload(request.user):
        raise PermissionDenied
    organisations = selectors.upload_organisations(user=request.user)
    form = UploadForm(request.POST or None, request.FILES or None, organisations=organisations)
    htmx = bool(request.headers.get("HX-Request"))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = services.dataset_upload(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
                country=form.cleaned_data["country"],
                year=form.cleaned_data["year"],
                filename=upload.name or "",
                chunks=upload.chunks(),
                size=upload.size,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "file" in exc.error_dict:
                form.add_error("file", exc.error_dict["file"])
            else:
                form.add_error(None, exc)
        else:
            target = reverse("surveys-map", args=[dataset.pk])
            if htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
    template = "surveys/dataset_upload.html"
    if htmx:
        template += "#upload-form"
    return render(request, template, {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def dataset_map(request: AuthedRequest, dataset_id: int) -> HttpResponse:
    dataset = access.access_survey_dataset(request.user, dataset_id, write=True)
    if dataset.is_pending:
        return redirect("surveys-detail", dataset_id=dataset.pk)
    form = MappingForm(request.POST or None, dataset=dataset)
    if request.method == "POST" and form.is_valid():
        try:
            services.dataset_start_import(
                actor=request.user,
                dataset=dataset,
                mapping=form.mapping(),
                framework=form.cleaned_data["framework"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("surveys-detail", dataset_id=dataset.pk)
    variables = [
        form[name] for name in form.fields if not name.startswith(("domain_", "sex_", "replicate_"))
    ]
    context = {
        "dataset": dataset,
        "form": form,
        "main_fields": [f for f in variables if f.name not in ("framework", "flag_yes", "flag_no")],
        "domain_fields": [form[name] for name in form.fields if name.startswith("domain_")],
        "code_fields": [form["sex_male"], form["sex_female"], form["flag_yes"], form["flag_no"]],
        "replicate_fields": [
            form[n] for n in ("replicate_pattern", "replicate_type", "replicate_rho")
        ],
    }
    return render(request, "surveys/dataset_map.html", context)


def _status_context(request: AuthedRequest, dataset: Any) -> dict[str, Any]:
    return {
        "dataset": dataset,
        "can_write": access.can_write_dataset(request.user, dataset),
        "statuses": DatasetStatus,
    }


@login_required
@require_GET
def dataset_detail(request: AuthedRequest, dataset_id: int) -> HttpResponse:
    dataset = access.access_survey_dataset(request.user, dataset_id)
    services.dataset_record_view(actor=request.user, dataset=dataset, page="detail")
    return render(request, "surveys/dataset_detail.html", _status_context(request, dataset))


@login_required
@require_GET
def dataset_status(request: AuthedRequest, dataset_id: int) -> HttpResponse:
    """The status fragment that the detail page polls while the import runs."""
    dataset = access.access_survey_dataset(request.user, dataset_id)
    if dataset.is_ready and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("surveys-table", args=[dataset.pk])
        return response
    return render(request, "surveys/dataset_detail.html#status", _status_context(request, dataset))


def _chart_value(value: float) -> float | None:
    return None if math.isnan(value) else round(value * 100, 2)


def _chart_data(table: ChildLabourTable) -> dict[str, Any]:
    labels = [g[0] for g in AGE_GROUPS] + [AGE_TOTAL]
    names = {"M": _("Boys"), "F": _("Girls"), TOTAL: _("All children")}
    series = []
    for sex in ("M", "F", TOTAL):
        values: list[float | None] = []
        for age in labels:
            try:
                row = table.row(sex=sex, age_group=age)
            except KeyError:
                values.append(None)
            else:
                values.append(_chart_value(row.child_labour.estimate))
        series.append({"sex": sex, "label": names[sex], "values": values})
    return {
        "labels": [_("%(age)s years") % {"age": a} for a in labels],
        "series": series,
        "title": _("Children in child labour (%)"),
        "axis": _("Percent of children in the age group"),
    }


def _pct(value: float) -> str:
    return "–" if math.isnan(value) else formats.number_format(value * 100, 1)


def _count(value: float) -> str:
    if math.isnan(value):
        return "–"
    return formats.number_format(round(value), 0, force_grouping=True)


def _display_rows(table: ChildLabourTable, breakdown: str) -> list[dict[str, Any]]:
    sexes = {"M": _("Boys"), "F": _("Girls"), TOTAL: _("All")}
    rows = []
    for row in table.rows:
        other = row.domain.get(breakdown, TOTAL) if breakdown else TOTAL
        display: dict[str, Any] = {
            "other": _("All") if other == TOTAL else (other or _("(missing)")),
            "sex": sexes.get(row.sex, row.sex),
            "age": row.age_group,
            "n": row.n,
            "is_total": row.sex == TOTAL and row.age_group == AGE_TOTAL,
            "cl": _pct(row.child_labour.estimate),
            "cl_ci": f"{_pct(row.child_labour.ci_low)}–{_pct(row.child_labour.ci_high)}",
            "cl_number": _count(row.child_labour_number.estimate),
            "cl_number_ci": f"{_count(row.child_labour_number.ci_low)}–"
            f"{_count(row.child_labour_number.ci_high)}",
        }
        if row.hazardous is not None and row.hazardous_number is not None:
            display["haz"] = _pct(row.hazardous.estimate)
            display["haz_ci"] = f"{_pct(row.hazardous.ci_low)}–{_pct(row.hazardous.ci_high)}"
            display["haz_number"] = _count(row.hazardous_number.estimate)
            display["haz_number_ci"] = (
                f"{_count(row.hazardous_number.ci_low)}–{_count(row.hazardous_number.ci_high)}"
            )
        rows.append(display)
    return rows


@login_required
@require_GET
def dataset_table(request: AuthedRequest, dataset_id: int) -> HttpResponse:
    dataset = access.access_survey_dataset(request.user, dataset_id)
    if not dataset.is_ready:
        return redirect("surveys-detail", dataset_id=dataset.pk)
    framework = request.GET.get("framework") or dataset.framework
    if framework not in Framework.values:
        raise Http404("Unknown framework")
    domains = sorted((dataset.mapping or {}).get("domains", {}))
    breakdown = request.GET.get("by", "")
    if breakdown and breakdown not in domains:
        raise Http404("Unknown breakdown")
    lonely_psu = request.GET.get("lonely_psu") or "fail"
    if lonely_psu not in LONELY_PSU_OPTIONS:
        raise Http404("Unknown lonely-PSU option")
    context: dict[str, Any] = {
        "dataset": dataset,
        "framework": framework,
        "frameworks": Framework.choices,
        "domains": domains,
        "breakdown": breakdown,
        "lonely_psu": lonely_psu,
        "lonely_options": LONELY_PSU_OPTIONS,
    }
    try:
        table = services.dataset_table(
            dataset=dataset,
            framework=framework,
            by=[breakdown] if breakdown else [],
            lonely_psu=lonely_psu,
        )
    except LonelyPsuError as exc:
        context["design_error"] = str(exc)
        return render(request, "surveys/dataset_table.html", context)
    services.dataset_record_view(actor=request.user, dataset=dataset, page="table")
    try:
        context["determinants"] = services.dataset_determinants(
            dataset=dataset, framework=framework, lonely_psu=lonely_psu
        )
    except (ValueError, np.linalg.LinAlgError) as exc:
        # Too few children, or a level with no child in or out of child labour: the table
        # stands on its own, the model says why it is missing.
        context["determinants_error"] = str(exc)
    context |= {
        "table": table,
        "series": series_for(framework),
        "chart": _chart_data(table),
        "rows": _display_rows(table, breakdown),
        "confidence": formats.number_format(table.level * 100, 0),
    }
    return render(request, "surveys/dataset_table.html", context)


@login_required
@require_GET
def dataset_download(request: AuthedRequest, dataset_id: int, fmt: str) -> HttpResponse:
    dataset = access.access_survey_dataset(request.user, dataset_id)
    if not dataset.is_ready:
        messages.error(request, _("This dataset has not been imported yet."))
        return redirect("surveys-detail", dataset_id=dataset.pk)
    framework = request.GET.get("framework") or dataset.framework
    if framework not in Framework.values or fmt not in services.EXPORT_FORMATS:
        raise Http404("Unknown format or framework")
    lonely_psu = request.GET.get("lonely_psu") or "fail"
    if lonely_psu not in LONELY_PSU_OPTIONS:
        raise Http404("Unknown lonely-PSU option")
    try:
        export = services.dataset_export(
            actor=request.user,
            dataset=dataset,
            fmt=fmt,
            framework=framework,
            lonely_psu=lonely_psu,
        )
    except LonelyPsuError as exc:
        messages.error(request, str(exc))
        return redirect("surveys-table", dataset_id=dataset.pk)
    except ValidationError as exc:
        # A code the SDG codelists lack (the country or the year) for SDMX.
        messages.error(request, " ".join(exc.messages))
        return redirect("surveys-table", dataset_id=dataset.pk)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
