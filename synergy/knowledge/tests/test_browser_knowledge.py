"""End to end in Chromium: open the knowledge base, search, filter by theme and country with
the facet checkboxes (htmx), open a practice and its similar practices."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from synergy.browser import screenshot, sign_in
from synergy.core.models import Organisation, Role
from synergy.knowledge import services
from synergy.knowledge.models import Theme
from synergy.testing import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def practices(countries: None) -> None:
    office = Organisation.objects.create(name="Knowledge Office", kind="international")
    editor = make_user("kate", office, Role.KNOWLEDGE_EDITOR, first_name="Kate")
    # Transactional tests flush the themes the migration created: make the two we need.
    inspection, _ = Theme.objects.get_or_create(
        slug="labour-inspection", defaults={"name": "Labour inspection"}
    )
    cash, _ = Theme.objects.get_or_create(
        slug="conditional-cash-transfers", defaults={"name": "Conditional cash transfers"}
    )
    for title, theme, countries_roles, region in (
        ("Joint inspections of brick kilns", inspection, [("NP", "shared")], "asia_pacific"),
        (
            "Cash support tied to school attendance",
            cash,
            [("BR", "shared"), ("GT", "learned")],
            "americas",
        ),
        (
            "School grants for families in Nepal",
            cash,
            [("NP", "shared")],
            "asia_pacific",
        ),
    ):
        practice = services.practice_create(
            actor=editor,
            title=title,
            summary=f"Summary of {title.lower()}.",
            background="Why it started.",
            action="What was done.",
            achievements="What changed.",
            themes=[theme],
            countries=countries_roles,
            regions=[region],
        )
        for action in ("submit", "review", "publish"):
            services.practice_transition(actor=editor, practice=practice, action=action)
    make_user("bob", office, Role.VIEWER)


def test_it_lists_filters_and_opens_a_practice(live_server, page: Page, practices: None) -> None:
    sign_in(page, live_server.url, "bob")
    page.get_by_role("link", name="Knowledge").first.click()
    expect(page.get_by_role("heading", name="Knowledge base")).to_be_visible()
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Joint inspections of brick kilns")).to_be_visible()
    expect(
        results.get_by_role("link", name="Cash support tied to school attendance")
    ).to_be_visible()
    screenshot(page, "knowledge-list")

    # Searching swaps the results in place (htmx): matched words marked, counts per facet.
    page.get_by_label("Search", exact=True).fill("school")
    expect(results.get_by_text("2 results")).to_be_visible()
    expect(results.get_by_role("link", name="Joint inspections of brick kilns")).to_have_count(0)
    expect(results.locator("mark").first).to_be_visible()
    theme_facet = page.get_by_role("group", name="Theme")
    expect(theme_facet.get_by_label("Conditional cash transfers (2)")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=school"))

    # Ticking a country keeps the query; the other countries' counts stay visible.
    page.get_by_role("group", name="Country").get_by_label("Brazil (1)").check()
    expect(results.get_by_text("1 result", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="School grants for families in Nepal")).to_have_count(0)
    expect(page.get_by_role("group", name="Country").get_by_label("Nepal (1)")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=school.*country=BR"))
    screenshot(page, "knowledge-search-filtered")

    results.get_by_role("link", name="Cash support tied to school attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cash support tied to school attendance"
    )
    expect(page.get_by_role("heading", name="Achievements")).to_be_visible()
    expect(page.locator(".practice-meta")).to_contain_text("Brazil")
    expect(page.locator(".practice-meta")).to_contain_text("Guatemala")
    expect(page.locator("#share-url")).to_have_value(re.compile(r"/knowledge/practices/\d+/$"))
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    similar = page.get_by_role("region", name="Similar practices")
    expect(similar.get_by_role("link", name="School grants for families in Nepal")).to_be_visible()
    screenshot(page, "knowledge-practice")
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Download PDF")).to_be_hidden()
    screenshot(page, "knowledge-practice-print")
