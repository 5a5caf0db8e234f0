"""Import pages: upload a CSV/Excel file -> map its columns -> preview the errors or the
counts -> confirm; the import runs as a background task and the status page shows its
progress. A job is visible to the user who uploaded it only (404 for anyone else)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from synergy.core.http import AuthedRequest
from synergy.core.models import Organisation
from synergy.monitoring import importing, selectors

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _organisations(request: AuthedRequest) -> list[Organisation]:
    ids = selectors.writable_organisation_ids(request.user)
    if not ids:
        raise PermissionDenied(_("Only case workers and partner managers import children."))
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def _job(request: AuthedRequest, job_id: str) -> importing.ImportJob:
    job = importing.job_get(job_id)
    if job is None or job.owner_id != request.user.pk:
        raise Http404("No such import")
    if job.organisation_id not in selectors.writable_organisation_ids(request.user):
        raise Http404("No such import")
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedRequest) -> HttpResponse:
    organisations = _organisations(request)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        wanted = request.POST.get("organisation", "")
        chosen = next((o for o in organisations if str(o.pk) == wanted), organisations[0])
        if upload is None:
            error = _("Choose a file.")
        elif upload.size and upload.size > MAX_UPLOAD_BYTES:
            error = _("The file is larger than 50 MB.")
        else:
            try:
                job = importing.job_create(
                    actor=request.user,
                    organisation=chosen,
                    filename=upload.name or "upload.csv",
                    data=upload.read(),
                )
            except importing.TableError as exc:
                error = str(exc)
            else:
                if job.mapping:
                    # An export of Synergy's own form: no mapping step.
                    try:
                        importing.job_check(job, job.mapping)
                    except importing.TableError:
                        return redirect("monitoring-import-map", job_id=job.id)
                    return redirect("monitoring-import-preview", job_id=job.id)
                return redirect("monitoring-import-map", job_id=job.id)
    return render(
        request,
        "monitoring/import/upload.html",
        {
            "organisations": organisations,
            "error": error,
            "section": "import",
            "jobs": importing.jobs_of(request.user),
        },
    )


def _field_rows(job: importing.ImportJob, chosen: dict[str, str]) -> list[dict[str, Any]]:
    groups = (
        (_("Household"), importing.HOUSEHOLD_TARGETS),
        (_("Child"), importing.CHILD_TARGETS),
        (_("Visit"), importing.VISIT_TARGETS),
    )
    return [
        {"group": label, "fields": [{"name": t, "column": chosen.get(t, "")} for t in targets]}
        for label, targets in groups
    ]


@login_required
@require_http_methods(["GET", "POST"])
def import_map(request: AuthedRequest, job_id: str) -> HttpResponse:
    job = _job(request, job_id)
    if job.status in ("queued", "importing", "done"):
        return redirect("monitoring-import-status", job_id=job.id)
    error = ""
    chosen: dict[str, str] = dict(job.mapping.get("columns", {})) or importing.guess_mapping(
        job.columns
    )
    mapping_json = request.POST.get("mapping_json", "").strip()
    if request.method == "POST":
        if mapping_json:
            data: dict[str, Any] | str = mapping_json
        else:
            chosen = {
                t: request.POST.get(f"col_{t}", "")
                for t in importing.FIELDS
                if request.POST.get(f"col_{t}")
            }
            defaults: dict[str, Any] = {}
            if request.POST.get("consent_confirmed"):
                defaults = {"consent_given": True, "consent_by": "head"}
            data = {"columns": chosen, "defaults": defaults}
        try:
            importing.job_check(job, data)
        except importing.TableError as exc:
            error = str(exc)
        else:
            return redirect("monitoring-import-preview", job_id=job.id)
    context = {
        "job": job,
        "groups": _field_rows(job, chosen),
        "error": error,
        "mapping_json": mapping_json or json.dumps(job.mapping or {}, indent=1),
        "section": "import",
    }
    return render(request, "monitoring/import/map.html", context)


@login_required
def import_preview(request: AuthedRequest, job_id: str) -> HttpResponse:
    job = _job(request, job_id)
    if job.status not in ("valid", "invalid"):
        return redirect("monitoring-import-map", job_id=job.id)
    return render(request, "monitoring/import/preview.html", {"job": job, "section": "import"})


@login_required
@require_POST
def import_confirm(request: AuthedRequest, job_id: str) -> HttpResponse:
    job = _job(request, job_id)
    if job.status != "valid":
        return redirect("monitoring-import-preview", job_id=job.id)
    job.status = "queued"
    importing.job_save(job)
    importing.import_job_run.enqueue(str(job.id))
    return redirect("monitoring-import-status", job_id=job.id)


@login_required
def import_status(request: AuthedRequest, job_id: str) -> HttpResponse:
    job = _job(request, job_id)
    job.rows_done = importing.job_progress(job)
    template = "monitoring/import/status.html"
    if request.headers.get("HX-Request"):
        template += "#progress"
    response = render(request, template, {"job": job, "section": "import"})
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_http_methods(["GET"])
def import_xlsform(request: AuthedRequest, form: str) -> HttpResponse:
    """The KoBo/ODK form (XLSForm) of the organisation's country, built from its setup."""
    from synergy.monitoring import xlsform

    if form not in xlsform.FORMS:
        raise Http404("No such form")
    organisations = _organisations(request)
    wanted = request.GET.get("organisation", "")
    chosen = next((o for o in organisations if str(o.pk) == wanted), organisations[0])
    if chosen.country is None:
        raise Http404("The organisation has no country")
    content = xlsform.build(chosen.country, form)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"synergy-{form}-{chosen.country.iso2.lower()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("import/", import_upload, name="monitoring-import-upload"),
    path("import/form/<str:form>.xlsx", import_xlsform, name="monitoring-import-xlsform"),
    path("import/<uuid:job_id>/map/", import_map, name="monitoring-import-map"),
    path("import/<uuid:job_id>/preview/", import_preview, name="monitoring-import-preview"),
    path("import/<uuid:job_id>/confirm/", import_confirm, name="monitoring-import-confirm"),
    path("import/<uuid:job_id>/", import_status, name="monitoring-import-status"),
]
