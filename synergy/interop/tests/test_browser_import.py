"""End to end in Chromium: upload a 4W table with a bad row, see the errors, fix it, confirm."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from synergy.browser import screenshot, sign_in
from synergy.core.models import Country, Organisation, Role
from synergy.partners.models import Activity
from synergy.testing import make_user

pytestmark = pytest.mark.browser

HEADER = (
    "Organisation,Country,Type,Level,Sector,Stage,Start,Girls\n"
    "#org+name,#country+code,#activity+type,#activity+level,#sector,#activity+stage,"
    "#date+start,#reached+f+children\n"
)


def test_it_uploads_checks_and_confirms_an_import(
    live_server, page: Page, countries: None, tmp_path: Path
) -> None:
    partner = Organisation.objects.create(
        name="Partner A", kind="ngo", country=Country.objects.get(iso2="NP")
    )
    make_user("alice", partner, Role.PARTNER_MANAGER)
    sign_in(page, live_server.url, "alice")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "Partner A,NPL,prevention,outreach,child_labour,source,2025-13-01,-2\n")
    page.goto(f"{live_server.url}/interop/")
    page.get_by_label("What the file holds").select_option("activities")
    page.get_by_label("File", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-errors")).to_contain_text("#date+start")
    expect(page.locator("#import-errors")).to_contain_text("#reached+f+children")
    screenshot(page, "interop-import-errors")
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "Partner A,NPL,prevention,outreach,child_labour,source,2025-12-01,2\n")
    page.get_by_role("link", name="Upload another file").click()
    page.get_by_label("What the file holds").select_option("activities")
    page.get_by_label("File", exact=True).set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("status")).to_contain_text("1 to create")
    screenshot(page, "interop-import-preview")
    page.get_by_role("button", name="Confirm the import").click()
    expect(page.locator(".alert-success")).to_contain_text("1 created")
    screenshot(page, "interop-home")
    assert Activity.objects.filter(reached_f_child=2).count() == 1
