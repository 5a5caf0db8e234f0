"""In a real browser at phone width, on the demo data: the coordinator downloads the DHIS2
metadata and the ADX values, and an upload with a bad row names it and writes nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from lxml import etree
from playwright.sync_api import Browser, expect

from synergy.browser import BrowserErrors, open_page, screenshot, sign_in


@pytest.fixture
def demo(countries: None) -> None:
    call_command("demo", stdout=io.StringIO())


@pytest.mark.browser
def test_download_and_a_refused_upload_on_a_phone(
    live_server: Any, browser: Browser, browser_errors: BrowserErrors, demo: None, tmp_path: Path
) -> None:
    from synergy.indicators.models import IndicatorValue

    page = open_page(browser, browser_errors, viewport={"width": 390, "height": 844})
    try:
        sign_in(page, live_server.url, "coordinator", "synergy-demo-2026")
        page.goto(f"{live_server.url}/indicators/exchange/")
        expect(page.get_by_role("heading", name="Exchange values", exact=True)).to_be_visible()
        page.select_option("#format", "dhis2-metadata")
        with page.expect_download() as caught:
            page.get_by_role("button", name="Download", exact=True).click()
        metadata = json.loads(Path(caught.value.path()).read_text())
        assert metadata["dataElements"] and metadata["organisationUnits"]
        page.select_option("#format", "adx")
        with page.expect_download() as caught:
            page.get_by_role("button", name="Download", exact=True).click()
        root = etree.fromstring(Path(caught.value.path()).read_bytes())
        values = root.findall(".//{urn:ihe:qrph:adx:2015}dataValue")
        assert values
        # An upload whose first value is not a number: named, and nothing written.
        values[0].set("value", "many")
        bad = tmp_path / "values.adx"
        bad.write_bytes(etree.tostring(root))
        before = IndicatorValue.objects.count()
        browser_errors.allow(r"status of 400 .*/indicators/exchange/")  # the refused upload
        page.set_input_files("#file", str(bad))
        page.get_by_role("button", name="Import", exact=True).click()
        errors = page.locator("#exchange-errors")
        expect(errors).to_contain_text("“many” is not a number.")
        assert IndicatorValue.objects.count() == before
        screenshot(page, "indicators-exchange-phone")
    finally:
        page.context.close()
