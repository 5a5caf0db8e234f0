"""Data exchange pages: download HXL tables and IATI XML; upload, check and confirm imports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from synergy.core.errors import ImportRowError
from synergy.core.http import AuthedRequest
from synergy.core.models import Country
from synergy.interop import hxl, services
from synergy.interop.forms import ImportForm
from synergy.interop.tabular import FORMATS, TableError


def _country_filter(request: AuthedRequest) -> str:
    code = request.GET.get("country", "").strip().upper()
    if code and not Country.objects.filter(pk=code).exists():
        raise Http404("No such country")
    return code


def _download(export: services.ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    kinds = services.importable_kinds(request.user)
    context = {
        "tables": [(k, hxl.KIND_LABELS[k]) for k in hxl.KINDS],
        "formats": FORMATS,
        "countries": Country.objects.filter(
            Q(projects__isnull=False) | Q(activities__isnull=False) | Q(organisations__isnull=False)
        )
        .distinct()
        .order_by("name"),
        "country": request.GET.get("country", "").upper(),
        "form": ImportForm(kinds=kinds) if kinds else None,
    }
    return render(request, "interop/home.html", context)


@login_required
@require_GET
def export_table(request: AuthedRequest, kind: str, file_format: str) -> HttpResponse:
    if kind not in hxl.KINDS or file_format not in FORMATS:
        raise Http404("No such export")
    export = services.export_table(
        actor=request.user, kind=kind, file_format=file_format, country=_country_filter(request)
    )
    return _download(export)


@login_required
@require_GET
def export_iati(request: AuthedRequest) -> HttpResponse:
    export, _result = services.export_iati(actor=request.user, country=_country_filter(request))
    return _download(export)


@login_required
@require_GET
def check_iati(request: AuthedRequest) -> HttpResponse:
    country = _country_filter(request)
    context = {"check": services.check_iati(country=country), "country": country}
    return render(request, "interop/iati_check.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedRequest) -> HttpResponse:
    kinds = services.importable_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = services.upload_stash(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            filename=upload.name or "",
            chunks=upload.chunks(),
        )
        return redirect("interop-import-preview", token=token)
    return render(request, "interop/import_form.html", {"form": form})


def _preview_context(request: AuthedRequest, upload: services.PendingUpload) -> dict[str, object]:
    context: dict[str, object] = {
        "upload": upload,
        "kind_label": hxl.KIND_LABELS[upload.kind],
        "errors": [],
        "summary": None,
        "unreadable": "",
    }
    try:
        table = services.upload_read(upload)
        context["summary"] = services.import_preview(
            actor=request.user, kind=upload.kind, table=table
        )
    except TableError as exc:
        context["unreadable"] = str(exc)
    except ImportRowError as exc:
        context["errors"] = exc.errors
    return context


@login_required
@require_GET
def import_preview(request: AuthedRequest, token: str) -> HttpResponse:
    upload = services.upload_get(actor=request.user, token=token)
    if not services.can_import(request.user, upload.kind):
        raise PermissionDenied
    return render(request, "interop/import_preview.html", _preview_context(request, upload))


@login_required
@require_POST
def import_confirm(request: AuthedRequest, token: str) -> HttpResponse:
    upload = services.upload_get(actor=request.user, token=token)
    if not services.can_import(request.user, upload.kind):
        raise PermissionDenied
    try:
        summary = services.import_table(
            actor=request.user,
            kind=upload.kind,
            table=services.upload_read(upload),
            file_format=upload.file_format,
        )
    except (TableError, ImportRowError):
        # The data changed since the preview: show the problems again, write nothing.
        context = _preview_context(request, upload)
        return render(request, "interop/import_preview.html", context, status=422)
    services.upload_discard(upload)
    messages.success(
        request,
        _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        % {"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged},
    )
    return redirect("interop-home")
