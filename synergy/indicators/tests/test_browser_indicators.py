"""In a real browser, on the demo data: the coordinator's indicator page draws its chart and a
number opens the children behind it; the same page reads right to left in Arabic."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, expect

from synergy.browser import BrowserErrors, open_page, screenshot, sign_in


@pytest.fixture
def demo(countries: None) -> None:
    call_command("demo", stdout=io.StringIO())


def withdrawn_url(base: str) -> str:
    from django.utils import timezone

    year = timezone.localdate().year
    return f"{base}/indicators/clms-withdrawn/?country=NP&from={year - 1}&to={year}&by=sex"


@pytest.mark.browser
def test_the_chart_is_drawn_and_a_number_opens_its_children(
    live_server: Any, page: Any, demo: None
) -> None:
    sign_in(page, live_server.url, "coordinator", "synergy-demo-2026")
    page.goto(withdrawn_url(live_server.url))
    page.wait_for_selector("canvas#progress-chart[data-drawn='1']")
    screenshot(page, "indicators-progress")
    link = page.locator("#progress tbody td a").first
    count = int(link.inner_text())
    assert count >= 1
    link.click()
    page.wait_for_url("**/records/**")
    expect(page.locator("ul.list-group li a")).to_have_count(count)
    screenshot(page, "indicators-records")


@pytest.mark.browser
def test_the_indicator_page_reads_right_to_left_in_arabic(
    live_server: Any, browser: Browser, browser_errors: BrowserErrors, demo: None
) -> None:
    page = open_page(browser, browser_errors, locale="ar")
    try:
        sign_in(page, live_server.url, "coordinator", "synergy-demo-2026")
        page.goto(withdrawn_url(live_server.url))
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.wait_for_selector("canvas#progress-chart[data-drawn='1']")
        expect(page.locator("#progress caption")).to_have_text(
            "خط الأساس والهدف والفعلي حسب الفترة"
        )
        page.goto(f"{live_server.url}/indicators/roadmaps/NP/")
        expect(page.locator(".list-group-item-danger").first).to_be_visible()
        screenshot(page, "indicators-roadmap-ar")
    finally:
        page.context.close()
