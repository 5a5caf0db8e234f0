from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    """One module per exchange standard (IATI, HXL, SDMX…); no models of its own."""

    name = "synergy.interop"
    label = "interop"
    verbose_name = _("Data exchange standards")
