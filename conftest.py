"""Root pytest configuration: shared fixtures that every app's tests may use."""

import pytest
from django.core.cache import cache

pytest_plugins = ["synergy.browser"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with an empty cache: report sections are cached under their scope
    and period, which different tests' data share."""
    cache.clear()
