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
from django.views.decorators.http import require_http_methods

from synergy.core.errors import ImportRowError
from synergy.core.http import AuthedRequest
from synergy.core.models import Country
from synergy.indicators import dhis2, exchange_files
from synergy.indicators.models import IndicatorValue
from synergy.indicators.views import home_country


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
            "formats": [(code, label) for code, (label, _e, _t) in exchange_files.FORMATS.items()],
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
    if fmt not in exchange_files.FORMATS:
        return _page(request, country, [])
    try:
        return exchange_files.download(request.user, country, fmt)
    except dhis2.Dhis2Error as exc:
        return _page(request, country, [(0, "format", str(exc))], status=400)


def _import(request: AuthedRequest, country: str) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        return _page(
            request,
            country,
            [(0, "file", _("Choose a file."))],
            status=400,
        )
    message = exchange_files.too_large(upload)
    if message:
        return _page(request, country, [(0, "file", message)], status=400)
    try:
        count = exchange_files.enter(request.user, upload)
    except ImportRowError as exc:
        return _page(request, country, exc.errors, status=400)
    messages.success(
        request,
        _("%(count)s value(s) entered as drafts from %(file)s.")
        % {"count": count, "file": upload.name},
    )
    return redirect(f"{request.path}?country={country}")
