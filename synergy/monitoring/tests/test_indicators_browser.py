"""In Chromium: the coordinator opens the country report; the support shares and the USDOL
indicators arrive as htmx fragments (no CSP violation, no console error); the duplicate
review page shows both records with their evidence."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from synergy.browser import screenshot, sign_in
from synergy.core.models import Country, Organisation, Role
from synergy.monitoring import dedup, services
from synergy.monitoring.tests.factories import CLEAN, HAZARDOUS
from synergy.partners.models import Project, ProjectParticipant, ProjectTarget
from synergy.testing import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(countries: None) -> None:
    nepal = Country.objects.get(iso2="NP")
    a = Organisation.objects.create(name="Partner A", acronym="PA", kind="ngo", country=nepal)
    b = Organisation.objects.create(name="Partner B", acronym="PB", kind="ngo", country=nepal)
    unit = Organisation.objects.create(name="Unit", kind="government", country=nepal)
    school = Organisation.objects.create(name="School Trust", kind="ngo", country=nepal)
    alice = make_user("alice", a, Role.PARTNER_MANAGER)
    charlie = make_user("charlie", b, Role.PARTNER_MANAGER)
    nina = make_user("nina", unit, Role.NATIONAL_COORDINATOR)
    pete = make_user("pete", school, Role.SERVICE_PROVIDER)
    project = Project.objects.create(code="P-1", title="Back to school")
    project.countries.add(nepal)
    ProjectParticipant.objects.create(project=project, organisation=a, role="implementing")
    for sex in ("F", "M"):
        ProjectTarget.objects.create(
            project=project, organisation=a, kind="withdraw", sex=sex, number=3
        )
    child = services.child_register(
        actor=alice,
        organisation=a,
        first_name="Lakshmi",
        last_name="Shrestha",
        sex="F",
        date_of_birth=date(2013, 5, 4),
        projects=[project],
        today=date(2025, 1, 10),
    )
    services.visit_record(
        actor=alice, child=child, kind="identification", visit_date=date(2025, 2, 1), **HAZARDOUS
    )
    child.refresh_from_db()
    referral = services.referral_create(
        actor=alice,
        child=child,
        to_organisation=school,
        service_type="formal_education",
        consent_given=True,
        consent_by="parent",
        referred_on=date(2025, 3, 1),
    )
    services.referral_accept(actor=pete, referral=referral, version=referral.version)
    child.refresh_from_db()
    services.visit_record(
        actor=alice, child=child, kind="follow_up", visit_date=date(2025, 6, 1), **CLEAN
    )
    services.child_register(
        actor=charlie,
        organisation=b,
        first_name="Laxmi",
        last_name="Srestha",
        sex="F",
        date_of_birth=date(2013, 5, 4),
        today=date(2025, 1, 10),
    )
    dedup.dedup_scan(actor=nina, country=nepal)


def test_it_shows_the_country_report_and_the_duplicate_review(
    live_server, page: Page, setting: None
) -> None:
    sign_in(page, live_server.url, "nina")
    page.goto(f"{live_server.url}/monitoring/reports/")
    page.get_by_role("link", name="Nepal").click()
    page.get_by_label("Reporting period (six months)").select_option("2025H1")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Country report: Nepal")).to_be_visible()
    # The fragments arrive: USDOL indicators and the follow-up share.
    expect(page.get_by_text("Participant children attending school regularly")).to_be_visible()
    expect(page.get_by_text("No longer in child labour at follow-up")).to_be_visible()
    screenshot(page, "monitoring-country-report")
    page.get_by_role("link", name="1", exact=True).first.click()
    expect(page.get_by_role("link", name="Lakshmi Shrestha")).to_be_visible()
    page.goto(f"{live_server.url}/monitoring/duplicates/")
    expect(page.get_by_text("Laxmi")).to_be_visible()
    expect(
        page.get_by_text("day and month swapped").or_(page.get_by_text("same date"))
    ).to_be_visible()
    screenshot(page, "monitoring-duplicate-review")
