"""End to end in Chromium: sign in, dashboard, language menu (French, Arabic), directory."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from synergy.browser import BrowserErrors, open_page, screenshot, sign_in
from synergy.core.models import Country, Organisation, Role
from synergy.testing import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def directory(countries: None) -> dict[str, Organisation]:
    nepal = Country.objects.get(iso2="NP")
    madagascar = Country.objects.get(iso2="MG")
    orgs = {
        "partner": Organisation.objects.create(
            name="Partner A", acronym="PA", kind="ngo", country=nepal
        ),
        "unit": Organisation.objects.create(
            name="Child Labour Unit", kind="government", country=nepal
        ),
        "union": Organisation.objects.create(
            name="Federation of Trade Unions", acronym="FTU", kind="workers", country=madagascar
        ),
        "ilo": Organisation.objects.create(
            name="International Labour Organization", acronym="ILO", kind="international"
        ),
    }
    make_user("alice", orgs["partner"], Role.PARTNER_MANAGER, first_name="Alice")
    make_user("bob", orgs["partner"], Role.VIEWER)
    return orgs


def choose_language(page: Page, name: str) -> None:
    """Open the language dropdown (Bootstrap's JavaScript) and pick a language by its name."""
    toggle = page.locator("#language-menu")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    menu = page.locator("form.dropdown-menu[aria-labelledby=language-menu]")
    expect(menu).to_be_visible()
    with page.expect_navigation():
        menu.get_by_role("button", name=name, exact=True).click()


def stylesheets(page: Page) -> list[str]:
    return page.eval_on_selector_all("link[rel=stylesheet]", "links => links.map(l => l.href)")


def test_it_signs_in_and_browses_the_directory_in_three_languages(
    live_server, page: Page, directory: dict[str, Organisation]
) -> None:
    sign_in(page, live_server.url, "alice")

    # English dashboard with its counts.
    expect(page).to_have_url(f"{live_server.url}/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.locator("[data-count=organisations]")).to_have_text("4")
    expect(page.locator("[data-count=countries]")).to_have_text("2")
    expect(page.locator("[data-count=users]")).to_have_text("2")
    expect(page.get_by_role("cell", name="NGO / civil society")).to_be_visible()
    assert any(s.endswith("/bootstrap.min.css") for s in stylesheets(page))
    screenshot(page, "01-dashboard-en")

    # French through the language menu.
    choose_language(page, "français")
    expect(html).to_have_attribute("lang", "fr")
    expect(html).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", name="Tableau de bord", exact=True)).to_be_visible()
    nav = page.get_by_role("navigation", name="Menu principal")
    expect(nav.get_by_role("link", name="Organisations")).to_be_visible()
    expect(nav.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.get_by_text("Pays avec des partenaires")).to_be_visible()

    nav.get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("heading", name="Organisations")).to_be_visible()
    expect(page.get_by_text("4 organisations")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Sigle")).to_be_visible()
    expect(page.get_by_placeholder("Rechercher par nom ou sigle")).to_be_visible()
    screenshot(page, "02-organisations-fr")

    # Arabic: right to left, with Bootstrap's RTL stylesheet.
    choose_language(page, "العربيّة")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    sheets = stylesheets(page)
    assert any(s.endswith("/bootstrap.rtl.min.css") for s in sheets), sheets
    assert not any(s.endswith("/bootstrap.min.css") for s in sheets), sheets
    # The stylesheet really applies: text starts on the right.
    assert page.eval_on_selector("body", "b => getComputedStyle(b).direction") == "rtl"
    expect(page.get_by_role("heading", name="المنظمات")).to_be_visible()
    # The language menu opens inside the window on the left-hand side.
    page.locator("#language-menu").click()
    menu = page.locator("form.dropdown-menu[aria-labelledby=language-menu]")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280, box
    screenshot(page, "03-language-menu-ar", full_page=False)
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()

    # Search (htmx replaces the results as one types), then open the organisation.
    page.get_by_placeholder("البحث بالاسم أو الاختصار").fill("trade")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"[?&]q=trade"))
    expect(page.get_by_text("1 منظمة")).to_be_visible()
    rows.get_by_role("link", name="Federation of Trade Unions").click()

    expect(
        page.get_by_role("heading", name=re.compile("Federation of Trade Unions"))
    ).to_be_visible()
    expect(page.get_by_text("منظمة عمال")).to_be_visible()
    # The country's name in Arabic too (iso-codes' translation of "Madagascar").
    expect(page.get_by_text("مدغشقر")).to_be_visible()
    expect(page.get_by_role("link", name="المنظمات")).to_have_count(2)  # menu and breadcrumb
    expect(html).to_have_attribute("dir", "rtl")
    screenshot(page, "03-organisation-detail-ar")


def test_it_collapses_the_menu_on_a_small_screen(
    live_server, browser, browser_errors: BrowserErrors, directory: dict[str, Organisation]
) -> None:
    page = open_page(browser, browser_errors, viewport={"width": 390, "height": 844})
    try:
        sign_in(page, live_server.url, "bob")
        toggler = page.locator("button.navbar-toggler")
        menu_link = page.locator("#mainnav").get_by_role("link", name="Organisations")
        expect(toggler).to_be_visible()
        expect(menu_link).to_be_hidden()
        toggler.click()
        expect(toggler).to_have_attribute("aria-expanded", "true")
        # Bootstrap swaps "collapsing" for "collapse show" when the animation ends.
        expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))
        expect(menu_link).to_be_visible()
        screenshot(page, "04-menu-small-screen", full_page=False)
        menu_link.click()
        expect(page.get_by_role("heading", name="Organisations")).to_be_visible()
        # Every form control of the list has a label, even if only for screen readers.
        for control in page.locator("main input:not([type=hidden]), main select").all():
            control_id = control.get_attribute("id")
            assert control_id and page.locator(f"label[for={control_id}]").count() == 1
    finally:
        page.context.close()


def test_it_labels_every_field_of_the_login_form(live_server, page: Page) -> None:
    page.goto(f"{live_server.url}/account/login/")
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    screenshot(page, "00-login-en")


def test_it_renders_the_api_docs_without_csp_violations(
    live_server, page: Page, directory: dict[str, Organisation]
) -> None:
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Synergy API")
    expect(page.locator(".opblock").first).to_be_visible()
    screenshot(page, "05-api-docs")
