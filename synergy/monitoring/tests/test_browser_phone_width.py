"""In Chromium at a phone's width (390 px): the child list and a child's record scroll inside
their tables; the page itself never gets wider than the screen."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Browser, expect

from synergy.browser import BrowserErrors, open_page, screenshot, sign_in
from synergy.core.models import Country, Organisation, Role
from synergy.monitoring.tests import factories as f
from synergy.testing import make_user

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_the_child_list_fits_a_phone(
    live_server, browser: Browser, browser_errors: BrowserErrors, countries: None
) -> None:
    nepal = Country.objects.get(iso2="NP")
    partner = Organisation.objects.create(
        name="Brick Kiln Children Network", acronym="BKCN-LONG-ACRONYM", kind="ngo", country=nepal
    )
    worker = make_user("sita", partner, Role.CASE_WORKER)
    children = [
        f.child(
            worker,
            partner,
            first_name=first,
            last_name="Shrestha-Bhattarai-Invented",
            date_of_birth=date(2012, 5, 1),
        )
        for first in ("Anjali", "Bishnu", "Chandrakala")
    ]
    child = children[-1]
    page = open_page(browser, browser_errors, viewport=PHONE)
    try:
        sign_in(page, live_server.url, "sita")
        for path in ("/monitoring/", f"/monitoring/children/{child.public_id}/"):
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("main table").first).to_be_visible()
            page_width = page.evaluate("document.documentElement.scrollWidth")
            assert page_width <= PHONE["width"], (path, page_width)
            # The table itself is wider than the screen, and scrolls in its own box.
            box = page.locator("main .table-responsive").first
            assert box.evaluate("e => e.scrollWidth > e.clientWidth"), path
        screenshot(page, "monitoring-child-phone", full_page=False)
    finally:
        page.context.close()
