"""Demo CLMS records: households and children of the demo partners with visits, referrals,
services and outcomes counted against the demo project's targets. Every name is invented.

Idempotent: a child is looked up by its organisation and blind name index and only created
when missing. Runs after synergy.core.demo and synergy.partners.demo (``synergy demo``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from synergy.core.models import AdminArea, Organisation, User
from synergy.monitoring import crypto, services
from synergy.monitoring.models import Child
from synergy.partners.models import Project

HAZARDOUS = {
    "econ_hours": 35,
    "hazards": ["heavy_loads", "dust_fumes"],
    "hazardous_conditions": True,
    "attendance_percent": 20,
    "activities": "Carrying bricks at a kiln",
    "industry_code": "2392",
}
LONG_HOURS = {"econ_hours": 45, "attendance_percent": 0, "activities": "Domestic work for a family"}
CLEAN = {"econ_hours": 0, "attendance_percent": 92}
NOT_WORKING = {"econ_hours": 0, "attendance_percent": 85}


@dataclass
class DemoChild:
    first: str
    last: str
    sex: str
    age: int
    area: str
    story: str  # withdrawn | closed | prevented | referred | at_risk
    risk: list[str] = field(default_factory=list)


DEMO_CHILDREN = [
    DemoChild("Sunita", "Demo-Tamang", "F", 12, "NP-P3", "withdrawn"),
    DemoChild("Bikram", "Demo-Magar", "M", 14, "NP-P3", "closed"),
    DemoChild("Anjali", "Demo-Tharu", "F", 10, "NP-P5", "prevented", ["sibling_in_child_labour"]),
    DemoChild("Rohan", "Demo-Yadav", "M", 11, "NP-P2", "prevented", ["high_risk_area"]),
    DemoChild("Pooja", "Demo-Shrestha", "F", 13, "NP-P2", "referred"),
    DemoChild("Kiran", "Demo-Gurung", "M", 9, "NP-P1", "at_risk", ["out_of_school"]),
]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@transaction.atomic
def load() -> None:
    services.ensure_default_risk_factors()
    worker = _user("caseworker")
    provider_user = _user("provider")
    org = Organisation.objects.filter(acronym="BFN").first()
    provider = Organisation.objects.filter(acronym="HCC").first()
    if worker is None or provider_user is None or org is None or provider is None:
        return
    project = Project.objects.filter(code="DEMO-NP-CL-01").first()
    today = timezone.localdate()
    for spec in DEMO_CHILDREN:
        fingerprint = crypto.name_fingerprint(spec.first, spec.last)
        if Child.objects.filter(organisation=org, name_fp=fingerprint).exists():
            continue
        _story(spec, worker, provider_user, org, provider, project, today)


def _story(
    spec: DemoChild,
    worker: User,
    provider_user: User,
    org: Organisation,
    provider: Organisation,
    project: Project | None,
    today: date,
) -> None:
    area = AdminArea.objects.filter(country=org.country, code=spec.area).first()
    start = today - timedelta(days=420)
    household = services.household_register(
        actor=worker,
        organisation=org,
        area=area,
        address=f"Ward {len(spec.first)}, {spec.area} (invented address)",
        head_name=f"Parent of {spec.first} {spec.last}",
        member_count=5,
        livelihood="agri_labour",
        consent_given=True,
        consent_by="head",
        consent_date=start,
    )
    child = services.child_register(
        actor=worker,
        organisation=org,
        household=household,
        first_name=spec.first,
        last_name=spec.last,
        sex=spec.sex,
        estimated_age=spec.age,
        area=area,
        school_status="dropped_out" if spec.story != "prevented" else "irregular",
        risk_factors=spec.risk,
        case_worker=worker,
        projects=[project] if project else [],
        today=start,
    )
    first_visit: dict[str, Any] = NOT_WORKING if spec.risk else HAZARDOUS
    if spec.first == "Bikram":
        first_visit = LONG_HOURS

    def visit(kind: str, day: date, facts: dict[str, Any]) -> None:
        child.refresh_from_db()
        services.visit_record(
            actor=worker,
            child=child,
            kind=kind,
            visit_date=day,
            monitor_role="community_monitor",
            **facts,
        )

    if spec.story == "at_risk":
        return
    visit("identification", start + timedelta(days=7), first_visit)
    child.refresh_from_db()
    service = "non_formal_education" if spec.story == "prevented" else "formal_education"
    referral = services.referral_create(
        actor=worker,
        child=child,
        to_organisation=provider,
        service_type=service,
        consent_given=True,
        consent_by="parent",
        notes="Bridging class before re-entering school.",
        referred_on=start + timedelta(days=10),
    )
    if spec.story == "referred":
        return
    services.referral_accept(actor=provider_user, referral=referral, version=referral.version)
    services.service_record(
        actor=provider_user,
        referral=referral,
        start_date=start + timedelta(days=20),
        description="Bridging class, school kit and uniform",
    )
    facts = NOT_WORKING if spec.story == "prevented" else CLEAN
    visit("verification", start + timedelta(days=120), facts)
    if spec.story == "closed":
        visit("follow_up", start + timedelta(days=310), facts)
