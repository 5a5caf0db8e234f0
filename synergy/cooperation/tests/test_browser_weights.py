"""In a real browser, on the demo data: moving a weight on a need's page reorders the
countries at once, in the order the documented formula gives; the page fits a phone's width;
the matrix reads right to left in Arabic."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, expect

from synergy.browser import BrowserErrors, open_page, screenshot, sign_in


@pytest.fixture
def demo(countries: None) -> None:
    # Transactional tests flush the tables that data migrations fill: put the knowledge
    # base's themes back as its migration does, so that needs and offers find theirs.
    import importlib

    from django.apps import apps

    from synergy.knowledge.models import Theme

    if not Theme.objects.exists():
        importlib.import_module("synergy.knowledge.migrations.0002_default_taxonomies").create(
            apps, None
        )
    call_command("demo", stdout=io.StringIO())


def need_url(base: str) -> str:
    from synergy.cooperation.models import Need

    need = Need.objects.get(country_id="NP", confidential=False, title__startswith="Follow up")
    return f"{base}/cooperation/needs/{need.pk}/"


def expected_order(data: dict[str, Any], weights: dict[str, float]) -> list[str]:
    total = sum(weights.values())
    value = {
        c: sum(weights[d] * entry["scores"][d] for d in weights) / total
        for c, entry in data["countries"].items()
    }
    return sorted(value, key=lambda c: (-round(value[c], 9), c))


@pytest.mark.browser
def test_moving_a_weight_reorders_the_countries(live_server: Any, page: Any, demo: None) -> None:
    sign_in(page, live_server.url, "coordinator", "synergy-demo-2026")
    page.goto(need_url(live_server.url))
    cards = page.locator("#matches li.match")
    assert cards.count() >= 3
    scores = json.loads(page.locator("#match-scores").text_content())
    sliders = page.locator("input[type=range][data-dimension]")
    weights = {
        sliders.nth(i).get_attribute("data-dimension"): float(sliders.nth(i).input_value())
        for i in range(sliders.count())
    }
    before = [cards.nth(i).get_attribute("data-country") for i in range(cards.count())]
    assert before == expected_order(scores, weights)
    # Only the region counts: the page must reorder to the region ranking without reloading.
    for name in weights:
        value = 10 if name == "region" else 0
        weights[name] = value
        page.locator(f"#w_{name}").evaluate(
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", str(value)
        )
    after = [cards.nth(i).get_attribute("data-country") for i in range(cards.count())]
    assert after == expected_order(scores, weights)
    assert after != before
    expect(page.locator("#w_region_value")).to_have_text("10")
    expect(cards.first.locator(".match-rank")).to_have_text("1")
    # Only the region weighs now: no other dimension can be named as a driver.
    drivers = page.locator(".match-drivers .badge").all_text_contents()
    assert set(drivers) <= {"Region"}
    screenshot(page, "cooperation-need-region")


@pytest.mark.browser
def test_the_need_page_fits_a_phone(
    live_server: Any, browser: Browser, browser_errors: BrowserErrors, demo: None
) -> None:
    page = open_page(browser, browser_errors, viewport={"width": 390, "height": 844})
    try:
        sign_in(page, live_server.url, "coordinator", "synergy-demo-2026")
        page.goto(need_url(live_server.url))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        screenshot(page, "cooperation-need-phone")
    finally:
        page.context.close()


@pytest.mark.browser
def test_the_matrix_reads_right_to_left_in_arabic(
    live_server: Any, browser: Browser, browser_errors: BrowserErrors, demo: None
) -> None:
    page = open_page(browser, browser_errors, locale="ar")
    try:
        sign_in(page, live_server.url, "coordinator", "synergy-demo-2026")
        page.goto(f"{live_server.url}/cooperation/matrix/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("h1")).to_have_text("التعاون بين بلدان الجنوب")
        assert page.locator(".coop-matrix tbody tr").count() >= 3
        screenshot(page, "cooperation-matrix-ar")
    finally:
        page.context.close()
