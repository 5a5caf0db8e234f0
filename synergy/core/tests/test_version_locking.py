"""Every model with optimistic locking takes its ``version`` from ``core.versioning``, so that
one helper (``versioned_update``) guards them all and mypy refuses it on any other model."""

from __future__ import annotations

from django.apps import apps

from synergy.core.versioning import VersionLocked


def test_every_model_with_a_version_is_version_locked() -> None:
    with_version = [
        m
        for m in apps.get_models()
        if m.__module__.startswith("synergy.")
        and any(f.name == "version" for f in m._meta.concrete_fields)
    ]
    assert len(with_version) >= 10  # organisations, projects, children, practices…
    assert [m.__name__ for m in with_version if not issubclass(m, VersionLocked)] == []
