"""End to end in Chromium: the who-does-what-where page shows gaps and the coverage map."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from synergy.browser import screenshot, sign_in
from synergy.core.models import Country, Organisation, Role
from synergy.partners import demo
from synergy.testing import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def programme(countries: None) -> Country:
    """The demo country programme: schematic provinces, partners and their activities."""
    from synergy.core import demo as core_demo

    core_demo.load()
    demo.load()
    nepal = Country.objects.get(iso2="NP")
    unit = Organisation.objects.get(acronym="NCLU", country=nepal)
    make_user("nina", unit, Role.NATIONAL_COORDINATOR)
    return nepal


def test_it_shows_the_matrix_with_gaps_and_the_map(
    live_server, page: Page, programme: Country
) -> None:
    sign_in(page, live_server.url, "nina")
    page.goto(f"{live_server.url}/partners/matrix/?country=NP")
    expect(page.get_by_role("heading", name="Who does what where: Nepal")).to_be_visible()

    outreach = page.locator("table[data-level=outreach]")
    prevention_source = outreach.locator("tr[data-type=prevention] td[data-stage=source]")
    expect(prevention_source).to_contain_text("BFN")
    # Nobody assists victims in transit: a gap, labelled in words, not only in colour.
    gap = outreach.locator("tr[data-type=victim_assistance] td[data-stage=transit]")
    expect(gap).to_have_class("matrix-gap")
    expect(gap.get_by_text("gap")).to_be_visible()

    svg = page.locator("svg.coverage-map")
    expect(svg).to_be_visible()
    expect(svg.locator("path.area")).to_have_count(7)
    assert svg.bounding_box()["width"] > 250  # type: ignore[index]
    screenshot(page, "partners-matrix")

    # Narrow to one province: its districts are mapped as tiles (they have no boundaries).
    page.select_option("#area", label="Bagmati")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    expect(page.locator("svg.coverage-map[data-kind=grid] rect.area")).to_have_count(2)
    expect(outreach.locator("tr[data-type=prevention] td[data-stage=source]")).not_to_contain_text(
        "BFN"
    )
    screenshot(page, "partners-matrix-bagmati")
