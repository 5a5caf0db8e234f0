"""Vocabularies more than one app records, defined once so that their codes match across apps
(a CLMS outcome is counted against a project target by sex)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
