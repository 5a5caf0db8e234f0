"""The offline field app in Chromium: installed from the browser, a child and two visits
recorded without a network survive a reload, reach the server once however often they are
sent, a conflict is settled by the case worker, and signing out wipes the device."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from synergy.browser import screenshot, sign_in
from synergy.classification import FRAMEWORKS, ChildInput, Policy, classify
from synergy.core.models import AuditEvent, Country, Organisation, Role
from synergy.monitoring import services
from synergy.monitoring.models import Child, Household, Referral, Visit
from synergy.testing import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def worker(countries: None) -> Organisation:
    nepal = Country.objects.get(iso2="NP")
    partner = Organisation.objects.create(name="Partner A", kind="ngo", country=nepal)
    Organisation.objects.create(name="School Trust", kind="ngo", country=nepal)
    make_user("carol", partner, Role.CASE_WORKER)
    make_user("alice", partner, Role.PARTNER_MANAGER)
    return partner


def open_app(page: Page, base: str) -> None:
    sign_in(page, base, "carol")
    page.goto(f"{base}/monitoring/field/")
    page.wait_for_selector("body[data-state=ready]")
    # The service worker controls the page: the shell is in its cache. (Polled from here:
    # wait_for_function evaluates strings, which the page's CSP forbids.)
    for _ in range(100):
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the service worker never took control of the page")


def pending(page: Page) -> str:
    return page.locator("#pending").inner_text()


def stored_databases(page: Page) -> list[str]:
    return page.evaluate("indexedDB.databases().then((d) => d.map((x) => x.name))")


def test_offline_registration_and_visits_reach_the_server_once(
    live_server: Any, page: Page, worker: Organisation
) -> None:
    open_app(page, live_server.url)
    assert page.locator("link[rel=manifest]").count() == 1
    page.context.set_offline(True)
    expect(page.locator("#net")).to_have_text("Offline")
    page.get_by_label("Head of household", exact=True).fill("Maya Gurung")
    page.get_by_label("The head of household gave consent").check()
    page.get_by_label("First name").first.fill("Sita")
    page.get_by_label("Last name").first.fill("Gurung")
    page.get_by_label("Sex").select_option("F")
    page.get_by_label("Date of birth").fill("2013-05-01")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.locator("#pending")).to_have_text("2")  # the household and the child
    row = page.locator("#caseload li", has_text="Sita Gurung")
    row.get_by_role("button", name="Visit").click()
    page.get_by_label("Date of the visit").fill("2026-01-10")
    page.get_by_label("Hours of economic work per week").fill("30")
    page.get_by_label("Hazardous conditions").check()
    page.get_by_role("button", name="Record the visit").click()
    # Classified on the device with the country's rules.
    expect(page.locator("#visit-label")).to_have_attribute("data-label", "HAZ")
    page.get_by_label("Date of the visit").fill("2026-03-10")
    page.get_by_label("Hours of economic work per week").fill("0")
    page.get_by_label("School attendance (%)").fill("95")
    page.get_by_role("button", name="Record the visit").click()
    expect(page.locator("#pending")).to_have_text("4")
    # A referral drafted offline, to a provider of the country, with consent.
    row.get_by_role("button", name="Refer").click()
    page.get_by_label("Service provider").select_option(label="School Trust")
    page.get_by_label("Service", exact=True).select_option("formal_education")
    page.get_by_label("The parent or guardian agreed to share this with the provider").check()
    page.get_by_role("button", name="Keep the referral to send").click()
    expect(page.locator("#pending")).to_have_text("5")
    assert Child.objects.count() == 0

    # Reloaded without a network: the app and its queue are still there.
    page.reload()
    page.wait_for_selector("body[data-state=ready]")
    expect(page.locator("#pending")).to_have_text("5")
    expect(page.locator("#caseload li", has_text="Sita Gurung")).to_be_visible()
    screenshot(page, "field-offline-queue")

    page.context.set_offline(False)
    page.get_by_role("button", name="Send now").click()
    expect(page.locator("#pending")).to_have_text("0")
    child = Child.objects.get()
    assert (child.first_name, child.organisation_id) == ("Sita", worker.pk)
    visits = list(Visit.objects.filter(child=child).order_by("visit_date"))
    assert [(v.kind, v.label) for v in visits] == [("identification", "HAZ"), ("follow_up", "NW")]
    assert Household.objects.count() == 1
    referral = Referral.objects.get()
    assert (referral.child_id, referral.to_organisation.name) == (child.pk, "School Trust")
    assert AuditEvent.objects.filter(action="visit", object_id=str(child.pk)).count() == 2

    # Sending again changes nothing.
    page.get_by_role("button", name="Send now").click()
    assert (Child.objects.count(), Visit.objects.count()) == (1, 2)

    # Signing out wipes the device's store.
    assert "synergy-field" in stored_databases(page)
    page.get_by_role("button", name="Sign out and wipe this device").click()
    page.wait_for_url("**/account/login/**")
    assert "synergy-field" not in stored_databases(page)


def test_a_conflict_shows_both_versions_and_keeps_the_chosen_one(
    live_server: Any, page: Page, worker: Organisation
) -> None:
    from synergy.core.models import User

    carol = User.objects.get(username="carol")
    child = services.child_register(
        actor=carol,
        organisation=worker,
        first_name="Pema",
        last_name="Lama",
        sex="F",
        date_of_birth=date(2012, 2, 2),
    )
    open_app(page, live_server.url)
    page.context.set_offline(True)
    page.locator("#caseload li", has_text="Pema Lama").get_by_role("button", name="Correct").click()
    page.locator("#edit_last_name").fill("Lama Sherpa")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator("#pending")).to_have_text("1")
    # Meanwhile a colleague corrects the same record on the server.
    alice = User.objects.get(username="alice")
    services.child_update(actor=alice, child=child, version=child.version, last_name="Lamah")
    page.context.set_offline(False)
    page.get_by_role("button", name="Send now").click()
    conflict = page.locator("#conflict-list .conflict")
    expect(conflict).to_contain_text("Lama Sherpa")
    expect(conflict).to_contain_text("Lamah")
    child.refresh_from_db()
    assert child.last_name == "Lamah"  # nothing overwritten
    conflict.get_by_role("button", name="Keep mine").click()
    expect(page.locator("#conflicts")).to_be_hidden()
    expect(page.locator("#pending")).to_have_text("0")
    child.refresh_from_db()
    assert child.last_name == "Lama Sherpa"
    assert AuditEvent.objects.get(action="field.conflict").detail == {"choice": "mine"}


def test_the_device_classifies_as_the_server_does(
    live_server: Any, page: Page, worker: Organisation
) -> None:
    open_app(page, live_server.url)
    rng = random.Random(11)
    policy = Policy(hazardous_industries=("0810",), min_age_light=13)
    cases: list[dict[str, Any]] = []
    for _ in range(400):
        cases.append(
            {
                "age": rng.choice([None, 4, 5, 9, 11, 12, 13, 14, 15, 16, 17, 18]),
                "econ_hours": rng.choice([0, 0.5, 1, 5, 13.5, 14, 20, 42, 43, 60]),
                "chore_hours": rng.choice([0, 1, 20, 21, 27, 28, 43, 50]),
                "hazardous_conditions": rng.random() < 0.2,
                "night_work": rng.random() < 0.1,
                "other_wfcl": rng.random() < 0.05,
                "industry": rng.choice(["", "0810", "0111", "08.10"]),
            }
        )
    for framework in FRAMEWORKS:
        device = page.evaluate(
            "([cases, policy, framework]) => cases.map("
            "(c) => window.SynergyClassify.classify(c, policy, framework).label)",
            [cases, policy.to_dict(), framework],
        )
        server = [
            classify(ChildInput(**case), framework=framework, policy=policy).label for case in cases
        ]
        assert device == server, framework


def test_a_device_offline_too_long_or_whose_roles_changed_is_wiped(
    live_server: Any, page: Page, worker: Organisation, settings: Any
) -> None:
    from synergy.core.models import Membership

    carol = Membership.objects.get(user__username="carol")
    services.child_register(
        actor=carol.user,
        organisation=worker,
        first_name="Hari",
        sex="M",
        date_of_birth=date(2014, 1, 1),
    )
    open_app(page, live_server.url)
    expect(page.locator("#caseload li", has_text="Hari")).to_be_visible()
    # Last reached the server eight days ago (OFFLINE_MAX_DAYS is 7): the store goes at start.
    page.evaluate(
        """async () => {
            const s = await window.SynergyStore.getMeta("session");
            s.lastSeen = Date.now() - 8 * 24 * 3600 * 1000;
            await window.SynergyStore.setMeta("session", s);
        }"""
    )
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-state=signed-out]")
    expect(page.locator("#caseload li")).to_have_count(0)
    assert "synergy-field" not in stored_databases(page) or page.evaluate(
        "window.SynergyStore.getMeta('key').then((k) => k === undefined)"
    )
    # Online again, with a new role: the previous store is not reused.
    page.context.set_offline(False)
    page.reload()
    page.wait_for_selector("body[data-state=ready]")
    scope = page.evaluate("window.SynergyStore.getMeta('session').then((s) => s.scope)")
    Membership.objects.filter(pk=carol.pk).update(role=Role.PARTNER_MANAGER)
    page.reload()
    page.wait_for_selector("body[data-state=ready]")
    assert page.evaluate("window.SynergyStore.getMeta('session').then((s) => s.scope)") != scope
