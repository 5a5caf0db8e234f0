"""Demo data: a fictional country programme in the core demo's country.

A lead agency and three implementing partners with withdraw/prevent targets by sex, a
supply-chain project, a national partners forum, a South-South agreement, and activities across
provinces, levels and migration stages, leaving some cells of the matrix empty on purpose so
that the page shows coverage gaps. Every name and number is invented.

Loading twice changes nothing: each record is looked up by a natural key (project code,
partnership title, activity organisation + title, area code) and only created when missing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from synergy.core import services as core_services
from synergy.core.demo import DEMO_COUNTRY, DEMO_ORGANISATIONS, demo_areas_add
from synergy.core.models import AdminArea, Country, Organisation, User
from synergy.partners import services
from synergy.partners.models import Activity, Partnership, Project

# Schematic polygons, NOT real boundaries: the country is drawn as a slanted band split into
# provinces by meridians, so that the coverage map has something recognisable to shade.
WEST, EAST = 80.0, 88.2


def _top(lon: float) -> float:
    return round(30.3 - (lon - WEST) * 2.4 / (EAST - WEST), 2)


def _bottom(lon: float) -> float:
    return round(28.8 - (lon - WEST) * 2.4 / (EAST - WEST), 2)


def _middle(lon: float) -> float:
    return round((_top(lon) + _bottom(lon)) / 2, 2)


def _band(west: float, east: float, upper: str, lower: str) -> dict[str, object]:
    edge = {"top": _top, "middle": _middle, "bottom": _bottom}
    up, low = edge[upper], edge[lower]
    ring = [[west, up(west)], [east, up(east)], [east, low(east)], [west, low(west)]]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


SCHEMATIC_PROVINCES: dict[str, dict[str, object]] = {
    "NP-P7": _band(80.0, 81.3, "top", "bottom"),
    "NP-P6": _band(81.3, 83.2, "top", "middle"),
    "NP-P5": _band(81.3, 84.0, "middle", "bottom"),
    "NP-P4": _band(83.2, 84.8, "top", "middle"),
    "NP-P3": _band(84.8, 86.3, "top", "middle"),
    "NP-P2": _band(84.0, 86.6, "middle", "bottom"),
    "NP-P1": {
        "type": "Polygon",
        "coordinates": [
            [
                [86.3, _top(86.3)],
                [88.2, _top(88.2)],
                [88.2, _bottom(88.2)],
                [86.6, _bottom(86.6)],
                [86.6, _middle(86.6)],
                [86.3, _middle(86.3)],
                [86.3, _top(86.3)],
            ]
        ],
    },
}

# Districts (level 2) under some provinces, so that area filters include descendants.
DEMO_DISTRICTS = [
    ("NP-P3-KTM", "Kathmandu", "NP-P3"),
    ("NP-P3-SPL", "Sindhupalchok", "NP-P3"),
    ("NP-P2-DHA", "Dhanusha", "NP-P2"),
    ("NP-P1-MOR", "Morang", "NP-P1"),
    ("NP-P5-BAN", "Banke", "NP-P5"),
]

PARTNER_COUNTRY = "BD"
PARTNER_ORGANISATION = "Child Labour Cell, Ministry of Labour (demo)"


def _orgs(country: Country) -> dict[str, Organisation]:
    """The core demo's organisations, by acronym."""
    return {
        acronym: Organisation.objects.get(name=name, country=country if local else None)
        for acronym, name, _kind, local in DEMO_ORGANISATIONS
    }


def _areas(country: Country) -> dict[str, AdminArea]:
    demo_areas_add(country, districts=DEMO_DISTRICTS, geometries=SCHEMATIC_PROVINCES)
    return {a.code: a for a in AdminArea.objects.filter(country=country)}


def _projects(
    admin: User, country: Country, o: dict[str, Organisation], a: dict[str, AdminArea]
) -> dict[str, Project]:
    P, T = services.ParticipantData, services.TargetData
    if not Project.objects.filter(code="DEMO-NP-CL-01").exists():
        services.project_create(
            actor=admin,
            code="DEMO-NP-CL-01",
            title="Country programme: children out of work and into school (demo)",
            description=(
                "Implementing partners identify working children through community "
                "monitoring, bring them back to school or training and support their "
                "families' livelihoods, while local government takes over the monitoring."
            ),
            countries=[country],
            areas=[a["NP-P1"], a["NP-P2"], a["NP-P3"], a["NP-P5"]],
            service_types=["education", "psychosocial", "health", "livelihood", "monitoring"],
            target_groups=["children_in_child_labour", "children_at_risk", "families"],
            focus=["rural_informal"],
            exploitation_forms=["child_labour"],
            start_date=date(2025, 1, 1),
            end_date=date(2028, 12, 31),
            status=2,
            budget_amount=Decimal("2400000.00"),
            budget_currency="USD",
            budget_period_start=date(2025, 1, 1),
            budget_period_end=date(2028, 12, 31),
            participants=[
                P(o["IPO"], "lead"),
                P(o["BFN"], "implementing", Decimal("40"), "targets"),
                P(o["SSF"], "implementing", Decimal("35"), "targets"),
                P(o["HCC"], "implementing", Decimal("25"), "targets"),
                P(o["CFF"], "funding"),
            ],
            targets=[
                T(o["BFN"], "withdraw", "F", 420),
                T(o["BFN"], "withdraw", "M", 380),
                T(o["BFN"], "prevent", "F", 600, baseline=0),
                T(o["BFN"], "prevent", "M", 600, baseline=0),
                T(o["SSF"], "withdraw", "F", 350),
                T(o["SSF"], "withdraw", "M", 350),
                T(o["SSF"], "prevent", "F", 500),
                T(o["SSF"], "prevent", "M", 450),
                T(o["HCC"], "withdraw", "F", 260),
                T(o["HCC"], "withdraw", "M", 240),
                T(o["HCC"], "prevent", "F", 300),
                T(o["HCC"], "prevent", "M", 300),
            ],
        )
    if not Project.objects.filter(code="DEMO-NP-SC-02").exists():
        services.project_create(
            actor=admin,
            code="DEMO-NP-SC-02",
            title="Brick kilns without child or bonded labour (demo)",
            description=(
                "Employers and unions agree a code of conduct for kilns, workers' committees "
                "watch recruitment, and migrant families get schooling at the kiln sites."
            ),
            countries=[country],
            areas=[a["NP-P2"], a["NP-P3"]],
            service_types=["awareness", "education", "legal_aid"],
            target_groups=["children_hazardous_work", "migrant_workers", "families"],
            focus=["supply_chain"],
            supply_chain_sector="brick kilns",
            exploitation_forms=["child_labour", "forced_labour"],
            start_date=date(2026, 1, 1),
            end_date=date(2027, 12, 31),
            status=2,
            budget_amount=Decimal("650000.00"),
            budget_currency="USD",
            participants=[
                P(o["EFN"], "lead", Decimal("50"), "budget"),
                P(o["FTU"], "implementing", Decimal("50"), "budget"),
                P(o["CFF"], "funding"),
            ],
            targets=[
                T(o["EFN"], "withdraw", "F", 80),
                T(o["EFN"], "withdraw", "M", 120),
                T(o["FTU"], "prevent", "F", 150),
                T(o["FTU"], "prevent", "M", 150),
            ],
        )
    return {p.code: p for p in Project.objects.filter(code__startswith="DEMO-NP-")}


def _partnerships(admin: User, country: Country, o: dict[str, Organisation]) -> None:
    Party, FP = services.PartyData, services.FocalPointData
    forum = "National partners forum on child labour (demo)"
    if not Partnership.objects.filter(title=forum).exists():
        services.partnership_create(
            actor=admin,
            title=forum,
            kind="national_forum",
            status="active",
            description=(
                "Twice a year the implementing partners, line ministries and social partners "
                "meet to share results and problems and to plan how services will continue "
                "once project funding ends."
            ),
            countries=[country],
            start_date=date(2025, 3, 1),
            parties=[
                Party(o["NCLU"], "lead", "Convenes the forum and keeps its minutes."),
                Party(o["MoLESS"], "technical", "Brings labour inspection and policy updates."),
                Party(o["BFN"], "implementing", "Reports on education and monitoring."),
                Party(o["SSF"], "implementing", "Reports on safe migration work."),
                Party(o["HCC"], "implementing", "Reports on psychosocial services."),
                Party(o["FTU"], "implementing", "Mobilises workers' committees."),
                Party(o["EFN"], "implementing", "Mobilises member enterprises."),
                Party(o["IPO"], "technical", "Technical advice and training."),
                Party(o["CFF"], "funding", "Funds the meetings."),
            ],
            focal_points=[
                FP(o["NCLU"], "Anita Demo", "Forum secretary", "forum@example.org"),
                FP(o["BFN"], "Prakash Demo", "Programme manager", "bfn@example.org"),
                FP(o["FTU"], "Rita Demo", "Child labour desk", "ftu@example.org"),
            ],
        )
    south_south = "South-South exchange on child labour monitoring (demo)"
    if not Partnership.objects.filter(title=south_south).exists():
        partner_country = Country.objects.get(iso2=PARTNER_COUNTRY)
        cell = Organisation.objects.filter(
            name=PARTNER_ORGANISATION, country=partner_country
        ).first() or core_services.organisation_create(
            actor=admin,
            name=PARTNER_ORGANISATION,
            acronym="CLC",
            kind="government",
            country=partner_country,
        )
        services.partnership_create(
            actor=admin,
            title=south_south,
            kind="triangular",
            status="active",
            description=(
                "Two national child labour units exchange study visits and tools for "
                "community-based monitoring, with a donor paying travel and translation."
            ),
            countries=[country, partner_country],
            start_date=date(2026, 2, 1),
            end_date=date(2027, 1, 31),
            parties=[
                Party(o["NCLU"], "lead", "Hosts the first study visit."),
                Party(
                    cell, "implementing", "Shares its monitoring tools and hosts the return visit."
                ),
                Party(o["CFF"], "funding", "Pays travel and translation."),
                Party(o["IPO"], "technical", "Facilitates and documents the exchange."),
            ],
        )


# (organisation, title, type, level, area code or None, stage, form, start, end, f/m child, f/m adult)
DEMO_ACTIVITIES = [
    (
        "BFN",
        "Community child labour monitoring committees",
        "prevention",
        "outreach",
        "NP-P2-DHA",
        "source",
        "child_labour",
        date(2025, 2, 1),
        None,
        310,
        290,
        40,
        35,
    ),
    (
        "BFN",
        "Bridge classes for withdrawn children",
        "victim_assistance",
        "outreach",
        "NP-P1-MOR",
        "source",
        "child_labour",
        date(2025, 4, 1),
        date(2027, 6, 30),
        210,
        190,
        0,
        0,
    ),
    (
        "BFN",
        "District education plans include working children",
        "policy",
        "policy",
        "NP-P2",
        "source",
        "child_labour",
        date(2025, 6, 1),
        None,
        0,
        0,
        0,
        0,
    ),
    (
        "SSF",
        "Pre-departure orientation for young migrants",
        "safe_migration",
        "outreach",
        "NP-P5-BAN",
        "source",
        "trafficking",
        date(2025, 3, 1),
        None,
        120,
        95,
        260,
        310,
    ),
    (
        "SSF",
        "Help desks at bus parks",
        "safe_migration",
        "outreach",
        "NP-P3-KTM",
        "transit",
        "trafficking",
        date(2025, 9, 1),
        None,
        60,
        45,
        140,
        120,
    ),
    (
        "SSF",
        "Shelter and family reunification",
        "victim_assistance",
        "outreach",
        "NP-P3-KTM",
        "destination",
        "trafficking",
        date(2026, 1, 1),
        None,
        35,
        12,
        20,
        4,
    ),
    (
        "HCC",
        "Psychosocial counselling for returned children",
        "victim_assistance",
        "outreach",
        "NP-P3-SPL",
        "source",
        "trafficking",
        date(2025, 5, 1),
        None,
        80,
        65,
        0,
        0,
    ),
    (
        "HCC",
        "Training counsellors of local governments",
        "capacity",
        "policy",
        "NP-P3",
        "source",
        "trafficking",
        date(2026, 3, 1),
        date(2026, 12, 31),
        0,
        0,
        25,
        15,
    ),
    (
        "FTU",
        "Workers' committees watch kiln recruitment",
        "enforcement",
        "outreach",
        "NP-P2-DHA",
        "destination",
        "forced_labour",
        date(2026, 1, 15),
        None,
        0,
        0,
        90,
        160,
    ),
    (
        "FTU",
        "Union campaign against bonded labour",
        "prevention",
        "outreach",
        "NP-P5",
        "source",
        "forced_labour",
        date(2026, 2, 1),
        date(2026, 11, 30),
        0,
        0,
        400,
        520,
    ),
    (
        "EFN",
        "Kiln owners' code of conduct",
        "policy",
        "policy",
        "NP-P2",
        "destination",
        "child_labour",
        date(2026, 1, 1),
        None,
        0,
        0,
        0,
        0,
    ),
    (
        "EFN",
        "Supplier audits in carpet workshops",
        "enforcement",
        "outreach",
        "NP-P3-KTM",
        "destination",
        "child_labour",
        date(2025, 7, 1),
        None,
        25,
        18,
        0,
        0,
    ),
    (
        "MoLESS",
        "Hazardous work list revision",
        "policy",
        "policy",
        None,
        "destination",
        "child_labour",
        date(2025, 1, 1),
        date(2026, 6, 30),
        0,
        0,
        0,
        0,
    ),
    (
        "MoLESS",
        "Joint inspections with local police",
        "enforcement",
        "policy",
        "NP-P1",
        "transit",
        "trafficking",
        date(2026, 4, 1),
        None,
        0,
        0,
        0,
        0,
    ),
    (
        "NCLU",
        "National steering committee",
        "coordination",
        "policy",
        None,
        "source",
        "child_labour",
        date(2025, 1, 1),
        None,
        0,
        0,
        0,
        0,
    ),
    (
        "UCLR",
        "Study of child migration routes",
        "research",
        "policy",
        "NP-P6",
        "source",
        "trafficking",
        date(2025, 8, 1),
        date(2026, 7, 31),
        0,
        0,
        0,
        0,
    ),
    (
        "IPO",
        "Training of labour inspectors",
        "capacity",
        "policy",
        None,
        "destination",
        "forced_labour",
        date(2025, 10, 1),
        date(2026, 3, 31),
        0,
        0,
        30,
        45,
    ),
    (
        "BFN",
        "Radio drama on child labour",
        "prevention",
        "outreach",
        "NP-P4",
        "source",
        "child_labour",
        date(2024, 1, 1),
        date(2024, 12, 31),
        0,
        0,
        0,
        0,
    ),
]


def _activities(
    admin: User,
    country: Country,
    o: dict[str, Organisation],
    a: dict[str, AdminArea],
    projects: dict[str, Project],
) -> None:
    programme = projects.get("DEMO-NP-CL-01")
    kilns = projects.get("DEMO-NP-SC-02")
    existing = set(
        Activity.objects.filter(country=country).values_list("organisation__acronym", "title")
    )
    for row in DEMO_ACTIVITIES:
        acronym, title, itype, level, area, stage, form, start, end, fc, mc, fa, ma = row
        if (acronym, title) in existing:
            continue
        project = None
        if acronym in ("BFN", "SSF", "HCC"):
            project = programme
        elif acronym in ("EFN", "FTU"):
            project = kilns
        services.activity_create(
            actor=admin,
            organisation=o[acronym],
            project=project,
            title=title,
            intervention_type=itype,
            level=level,
            country=country,
            admin_area=a[area] if area else None,
            migration_stage=stage,
            exploitation_form=form,
            start_date=start,
            end_date=end,
            reached_f_child=fc,
            reached_m_child=mc,
            reached_f_adult=fa,
            reached_m_adult=ma,
        )


@transaction.atomic
def load() -> None:
    country = Country.objects.get(iso2=DEMO_COUNTRY)
    admin = User.objects.get(username="admin")
    organisations = _orgs(country)
    areas = _areas(country)
    projects = _projects(admin, country, organisations, areas)
    _partnerships(admin, country, organisations)
    _activities(admin, country, organisations, areas, projects)
