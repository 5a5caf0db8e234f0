"""End to end in Chromium: register a child, identify hazardous work, refer, the provider
accepts, two clean follow-ups six months apart, the child counted as withdrawn in the project."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from synergy.browser import BrowserErrors, open_page, screenshot, sign_in
from synergy.core.models import Country, Organisation, Role
from synergy.monitoring.models import Outcome
from synergy.partners.models import Project, ProjectParticipant
from synergy.testing import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(countries: None) -> dict[str, object]:
    nepal = Country.objects.get(iso2="NP")
    partner = Organisation.objects.create(name="Partner A", acronym="PA", kind="ngo", country=nepal)
    school = Organisation.objects.create(name="School Trust", kind="ngo", country=nepal)
    project = Project.objects.create(code="P-1", title="Back to school")
    ProjectParticipant.objects.create(project=project, organisation=partner, role="implementing")
    make_user("alice", partner, Role.PARTNER_MANAGER, first_name="Alice")
    make_user("pete", school, Role.SERVICE_PROVIDER)
    return {"project": project, "school": school}


def record_visit(
    page: Page, kind: str, day: str, hours: str, attendance: str, hazard: bool
) -> None:
    page.get_by_role("link", name="Record a visit").click()
    page.get_by_label("Kind of visit").select_option(kind)
    page.get_by_label("Visit date").fill(day)
    page.get_by_label("Hours of economic work per week").fill(hours)
    if hazard:
        page.get_by_label("Carrying heavy loads").check()
    page.get_by_label("School attendance (share of school days, 0-100)").fill(attendance)
    # The form shows the classification of these answers before anything is saved.
    expected = "Hazardous work" if hazard else "Not working"
    expect(page.locator("#preview-label")).to_contain_text(expected)
    page.get_by_role("button", name="Record and classify").click()


def test_it_takes_a_child_from_identification_to_withdrawn(
    live_server,
    page: Page,
    browser: Browser,
    browser_errors: BrowserErrors,
    setting: dict[str, object],
) -> None:
    today = timezone.localdate()
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/monitoring/")
    page.get_by_role("link", name="Register a child").click()
    page.get_by_label("First name").fill("Zanele")
    page.get_by_label("Last name").fill("Mthembu-Xq")
    page.get_by_label("Sex").select_option("F")
    page.get_by_label("or estimated age (years)").fill("12")
    page.get_by_role("button", name="Search for duplicates").click()
    expect(page.get_by_text("No possible duplicate found.")).to_be_visible()
    page.get_by_label("P-1 · Back to school").check()
    screenshot(page, "monitoring-register")
    page.get_by_role("button", name="Register").click()
    expect(page.locator("h1")).to_have_text("Zanele Mthembu-Xq")

    record_visit(page, "identification", str(today - timedelta(days=400)), "30", "10", hazard=True)
    expect(page.locator("#visit-label")).to_contain_text("Hazardous work")
    screenshot(page, "monitoring-visit-hazardous")
    page.get_by_role("link", name="Zanele Mthembu-Xq").click()

    page.get_by_role("link", name="Refer", exact=True).click()
    page.get_by_label("Service provider").select_option(label="School Trust")
    page.get_by_label("Service type").select_option("formal_education")
    page.get_by_label("Notes for the provider").fill("Grade 5 bridging class")
    page.get_by_label("Consent to share with the provider was given").check()
    page.get_by_label("Consent given by").select_option("parent")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.locator("#child-status")).to_have_text("Referred")
    child_url = page.url.split("?")[0]

    provider = open_page(browser, browser_errors)
    try:
        sign_in(provider, live_server.url, "pete")
        provider.goto(f"{live_server.url}/monitoring/referrals/")
        provider.get_by_role("link", name="Zanele").click()
        expect(provider.locator("#referral-child")).to_contain_text("Zanele")
        expect(provider.locator("main")).not_to_contain_text("Mthembu")
        provider.get_by_role("button", name="Accept", exact=True).click()
        expect(provider.locator("#referral-status")).to_have_text("Accepted")
        screenshot(provider, "monitoring-provider-accepted")
        assert provider.request.get(child_url).status == 404
    finally:
        provider.context.close()

    page.goto(child_url)
    expect(page.locator("#child-status")).to_have_text("Receiving services")
    record_visit(page, "follow_up", str(today - timedelta(days=330)), "0", "90", hazard=False)
    expect(page.locator("#child-status")).to_have_text("Withdrawn")
    page.goto(child_url)
    record_visit(page, "follow_up", str(today - timedelta(days=120)), "0", "95", hazard=False)
    expect(page.locator("#child-status")).to_have_text("Closed")
    page.goto(child_url)
    expect(page.locator("#outcomes")).to_contain_text("Counted as Withdrawn in P-1")
    screenshot(page, "monitoring-child-withdrawn")
    assert list(Outcome.objects.values_list("kind", "project__code")) == [("withdrawn", "P-1")]


def test_it_shows_the_child_pages_in_arabic_right_to_left(
    live_server, browser: Browser, browser_errors: BrowserErrors, setting: dict[str, object]
) -> None:
    from synergy.core.models import User
    from synergy.monitoring import services

    alice = User.objects.get(username="alice")
    partner = Organisation.objects.get(acronym="PA")
    services.child_register(
        actor=alice, organisation=partner, first_name="Layla", sex="F", estimated_age=10
    )
    page = open_page(browser, browser_errors, locale="ar")
    try:
        sign_in(page, live_server.url, "alice")
        page.goto(f"{live_server.url}/monitoring/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("h1")).to_have_text("الأطفال")
        page.get_by_role("link", name="Layla").click()
        expect(page.locator("#child-status")).to_have_text("تم التعرف عليه")
        screenshot(page, "monitoring-child-ar")
    finally:
        page.context.close()
