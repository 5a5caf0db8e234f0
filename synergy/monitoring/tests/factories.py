"""Test helpers of the CLMS: register households, children, visits through the services."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, timedelta
from typing import Any

from django.test import SimpleTestCase, override_settings

from synergy.core.models import Organisation, Role, User
from synergy.monitoring import services
from synergy.monitoring.models import Child, Household, Referral, Visit
from synergy.partners.models import Project, ProjectParticipant
from synergy.testing import BaseTestCase, make_user

TODAY = date(2026, 11, 2)


def use_temporary_media(case: SimpleTestCase) -> str:
    """Point MEDIA_ROOT (import uploads, attachments) at a folder removed after the test."""
    media = tempfile.mkdtemp(prefix="synergy-media-")
    case.addCleanup(shutil.rmtree, media, ignore_errors=True)
    override = override_settings(MEDIA_ROOT=media)
    override.enable()
    case.addCleanup(override.disable)
    return media


def household(actor: User, organisation: Organisation, **fields: Any) -> Household:
    fields.setdefault("consent_given", True)
    fields.setdefault("consent_by", "head")
    fields.setdefault("address", "Ward 4, near the brick kiln")
    fields.setdefault("head_name", "Hari Invented")
    return services.household_register(actor=actor, organisation=organisation, **fields)


def child(
    actor: User,
    organisation: Organisation,
    first_name: str = "Zanele",
    last_name: str = "Mthembu-Xq",
    sex: str = "F",
    **fields: Any,
) -> Child:
    fields.setdefault("date_of_birth", date(2013, 3, 1))
    fields.setdefault("today", TODAY - timedelta(days=400))
    return services.child_register(
        actor=actor,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        sex=sex,
        **fields,
    )


HAZARDOUS = {"econ_hours": 30, "hazardous_conditions": True, "attendance_percent": 20}
CLEAN = {"econ_hours": 0, "attendance_percent": 90}


def visit(actor: User, c: Child, kind: str, day: date, **fields: Any) -> Visit:
    c.refresh_from_db()
    return services.visit_record(actor=actor, child=c, kind=kind, visit_date=day, **fields)


def refer_and_accept(
    actor: User,
    c: Child,
    provider_user: User,
    provider: Organisation,
    service_type: str = "formal_education",
) -> Referral:
    c.refresh_from_db()
    referral = services.referral_create(
        actor=actor,
        child=c,
        to_organisation=provider,
        service_type=service_type,
        consent_given=True,
        consent_by="parent",
        notes="Needs a bridging class",
    )
    services.referral_accept(actor=provider_user, referral=referral, version=referral.version)
    return referral


def project(
    code: str = "P-1", title: str = "Project", *, partners: tuple[Organisation, ...] = ()
) -> Project:
    """A project with ``partners`` as implementing partners (who may enrol children in it)."""
    p, _ = Project.objects.get_or_create(code=code, defaults={"title": title})
    for organisation in partners:
        ProjectParticipant.objects.get_or_create(
            project=p, organisation=organisation, role="implementing"
        )
    return p


class MonitoringTestCase(BaseTestCase):
    """BaseTestCase personas plus: ``provider`` (an NGO offering services) with ``pete``
    (service provider), ``ana`` (analyst in partner A), ``carol`` (case worker in partner A)
    and ``project`` with partner A as implementing partner."""

    provider: Organisation
    pete: User
    ana: User
    carol: User
    project: Project

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.provider = Organisation.objects.create(
            name="School Trust", kind="ngo", country=cls.country
        )
        cls.pete = make_user("pete", cls.provider, Role.SERVICE_PROVIDER)
        cls.ana = make_user("ana", cls.partner_a, Role.ANALYST)
        cls.carol = make_user("carol", cls.partner_a, Role.CASE_WORKER)
        cls.project = project(partners=(cls.partner_a,))
        cls.project.countries.add(cls.country)
        services.ensure_default_risk_factors()


def selectors_child_list(user: User) -> list[Child]:
    from synergy.monitoring import selectors

    return list(selectors.child_list(user=user))
