"""Root pytest configuration: shared fixtures that every app's tests may use."""

import pytest
from django.core.cache import cache

pytest_plugins = ["synergy.browser"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with an empty cache: report sections are cached under their scope
    and period, which different tests' data share."""
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Each test starts in the default language: a page requested in French leaves French
    active on the thread (LocaleMiddleware does not switch back), and the next test's messages
    would be French."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
