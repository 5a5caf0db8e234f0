"""Optimistic locking: a record names the version it was read at, and a save claims the next
version only if nobody claimed it first (compare-and-set in one UPDATE)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from synergy.core.errors import StaleVersionError


class VersionLocked(models.Model):
    """A record edited by more than one person: ``version`` guards against stale saves
    (``versioned_update``). Every model with optimistic locking takes it from here."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class Versioned(VersionLocked):
    """Editable records with their creation and last change."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True


M = TypeVar("M", bound=VersionLocked)


def versioned_update(
    obj: M,
    expected_version: int,
    *,
    stale: Callable[[], StaleVersionError] = StaleVersionError,
    **values: Any,
) -> M:
    """Write ``values`` to ``obj`` (and its row) if its row is still at ``expected_version``,
    and move it to the next version; otherwise raise ``stale()`` and write nothing. A model
    with ``updated_at`` gets the time of the save. Call it after ``full_clean()``: it writes
    what it is given."""
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    manager = type(obj)._default_manager
    claimed = manager.filter(pk=obj.pk, version=expected_version).update(
        version=expected_version + 1, **values
    )
    if not claimed:
        raise stale()
    for name, value in values.items():
        setattr(obj, name, value)
    obj.version = expected_version + 1
    return obj
