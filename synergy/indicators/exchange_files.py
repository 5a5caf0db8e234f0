"""Indicator values as files, for the Exchange values page and the API alike: what a file
of each format is, a country's values as a download (those the reader may see), and an
uploaded file read and entered, all rows or none."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from synergy.core.models import User
from synergy.indicators import exchange

# format -> (label, file extension, media type)
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


def download(user: User, country: str, fmt: str) -> HttpResponse:
    """The country's current values ``user`` may see, as a file; raises
    ``dhis2.Dhis2Error`` for a figure DHIS2 cannot hold."""
    content = exchange.write(exchange.export_values(country_id=country, user=user), fmt)
    _label, extension, content_type = FORMATS[fmt]
    response = HttpResponse(content, content_type=content_type)
    name = f"indicators-{country.lower()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def too_large(upload: Any) -> str:
    """The message for a file over MAX_UPLOAD, or ''."""
    if upload.size is not None and upload.size > MAX_UPLOAD:
        return _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD // 2**20}
    return ""


def enter(actor: User, upload: Any) -> int:
    """The uploaded file's values entered as drafts (the format told by the file's name);
    raises ``ImportRowError`` naming every row at fault, and then nothing is written."""
    name = upload.name or "values.csv"
    rows = exchange.read(upload.read(), exchange.format_of(name), name)
    return exchange.import_values(actor=actor, rows=rows)
