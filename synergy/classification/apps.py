from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassificationConfig(AppConfig):
    """Pure-Python child labour rules; an app only so that `synergy classify` is a command."""

    name = "synergy.classification"
    label = "classification"
    verbose_name = _("Child labour classification")
