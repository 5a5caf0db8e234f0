"""The exchange page: a country's indicator values out as DHIS2 JSON, ADX, CSV or Excel (and
the DHIS2 metadata they need), and a file of values in, all rows or none. The same as
``synergy indicators export`` / ``import``, with the reader's own rights."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from synergy.core.errors import ImportRowError
from synergy.core.http import AuthedRequest
from synergy.core.models import Country
from synergy.indicators import dhis2, exchange
from synergy.indicators.models import IndicatorValue
from synergy.indicators.views import home_country

# What a file of each format is, for the form and the download.
FORMATS = {
    "csv": (gettext_lazy("CSV with HXL hashtags"), "csv", "text/csv"),
    "xlsx": (
        gettext_lazy("Excel with HXL hashtags"),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "dhis2-json": (gettext_lazy("DHIS2 data values (JSON)"), "json", "application/json"),
    "adx": (gettext_lazy("ADX (XML)"), "adx.xml", "application/adx+xml"),
    "dhis2-metadata": (
        gettext_lazy("DHIS2 metadata the values need (JSON, import it first)"),
        "metadata.json",
        "application/json",
    ),
}
MAX_UPLOAD = 10 * 1024 * 1024


def _page(request: AuthedRequest, country: str, errors: list, status: int = 200) -> HttpResponse:
    return render(
        request,
        "indicators/exchange.html",
        {
            "country": country,
            # the countries that have values, and the reader's own
            "countries": Country.objects.filter(
                Q(pk=country) | Q(pk__in=IndicatorValue.objects.values("country_id").distinct())
            )
            .order_by("name")
            .only("iso2", "name"),
            "formats": [(code, label) for code, (label, _e, _t) in FORMATS.items()],
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def exchange_page(request: AuthedRequest) -> HttpResponse:
    country = home_country(request)
    if request.method == "POST":
        return _import(request, country)
    fmt = request.GET.get("format", "")
    if fmt not in FORMATS:
        return _page(request, country, [])
    rows = exchange.export_values(country_id=country, user=request.user)
    try:
        content = exchange.write(rows, fmt)
    except dhis2.Dhis2Error as exc:
        return _page(request, country, [(0, "format", str(exc))], status=400)
    _label, extension, content_type = FORMATS[fmt]
    response = HttpResponse(content, content_type=content_type)
    name = f"indicators-{country.lower()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _import(request: AuthedRequest, country: str) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        return _page(
            request,
            country,
            [
                (0, "file", _("Choose a file.")),
            ],
            status=400,
        )
    if upload.size is not None and upload.size > MAX_UPLOAD:
        message = _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD // 2**20}
        return _page(request, country, [(0, "file", message)], status=400)
    name = upload.name or "values.csv"
    try:
        rows = exchange.read(upload.read(), exchange.format_of(name), name)
        count = exchange.import_values(actor=request.user, rows=rows)
    except ImportRowError as exc:
        return _page(request, country, exc.errors, status=400)
    messages.success(
        request,
        _("%(count)s value(s) entered as drafts from %(file)s.") % {"count": count, "file": name},
    )
    return redirect(f"{request.path}?country={country}")
