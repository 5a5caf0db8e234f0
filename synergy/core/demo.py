"""Demo data for the shared kernel: a fictional partnership in one Pathfinder country.

Every name here is invented for the demo. Loading twice changes nothing: records are looked
up by a natural key and only created when missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from synergy.core.models import AdminArea, Country, Membership, Organisation, Role, User

DEMO_COUNTRY = "NP"
DEMO_PASSWORD = "synergy-demo-2026"

# Provinces of the demo country, keyed by their ISO 3166-2 subdivision codes.
DEMO_AREAS = [
    ("NP-P1", "Koshi"),
    ("NP-P2", "Madhesh"),
    ("NP-P3", "Bagmati"),
    ("NP-P4", "Gandaki"),
    ("NP-P5", "Lumbini"),
    ("NP-P6", "Karnali"),
    ("NP-P7", "Sudurpashchim"),
]

DEMO_ORGANISATIONS = [
    # (acronym, name, kind, in the demo country?)
    ("NCLU", "National Child Labour Unit (demo)", "government", True),
    ("MoLESS", "Ministry of Labour and Social Security (demo)", "government", True),
    ("BFN", "Bright Futures Nepal (demo)", "ngo", True),
    ("SSF", "Safe Steps Foundation (demo)", "ngo", True),
    ("HCC", "Hill Community Counselling (demo)", "ngo", True),
    ("FTU", "Federation of Trade Unions (demo)", "workers", True),
    ("EFN", "Employers' Federation (demo)", "employers", True),
    ("UCLR", "University Child Labour Research Centre (demo)", "academia", True),
    ("IPO", "International Partnership Office (demo)", "international", False),
    ("CFF", "Children First Fund (demo)", "donor", False),
]

# IATI organisation identifiers of the demo organisations that report projects, in the shape
# org-id.guide gives them (registration agency, then number); the numbers are made up.
DEMO_IATI_IDENTIFIERS = {
    "IPO": "XI-IATI-DEMO1",
    "EFN": "NP-CRO-DEMO7",
    "NCLU": "NP-GOV-DEMO01",
    "BFN": "NP-SWC-DEMO101",
    "SSF": "NP-SWC-DEMO102",
    "HCC": "NP-SWC-DEMO103",
}

DEMO_USERS = [
    # (username, full name, organisation acronym, role)
    ("admin", "Asha Admin", "IPO", Role.SYSTEM_ADMIN),
    ("coordinator", "Kamala Coordinator", "NCLU", Role.NATIONAL_COORDINATOR),
    ("manager", "Bikash Manager", "BFN", Role.PARTNER_MANAGER),
    ("caseworker", "Sita Caseworker", "BFN", Role.CASE_WORKER),
    ("provider", "Ramesh Counsellor", "HCC", Role.SERVICE_PROVIDER),
    ("analyst", "Maya Analyst", "UCLR", Role.ANALYST),
    ("editor", "Nabin Editor", "IPO", Role.KNOWLEDGE_EDITOR),
    ("viewer", "Gita Viewer", "CFF", Role.VIEWER),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    organisation: str


@transaction.atomic
def load() -> list[DemoAccount]:
    country = Country.objects.get(iso2=DEMO_COUNTRY)
    for code, name in DEMO_AREAS:
        AdminArea.objects.get_or_create(
            country=country, code=code, defaults={"name": name, "level": 1}
        )
    organisations = {}
    for acronym, name, kind, local in DEMO_ORGANISATIONS:
        organisations[acronym], _ = Organisation.objects.get_or_create(
            name=name,
            country=country if local else None,
            defaults={
                "acronym": acronym,
                "kind": kind,
                "iati_identifier": DEMO_IATI_IDENTIFIERS.get(acronym, ""),
            },
        )
    accounts = []
    for username, full_name, acronym, role in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            first, last = full_name.split(" ", 1)
            user = User.objects.create_user(
                username=username,
                email=f"{username}@example.org",
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                is_staff=role == Role.SYSTEM_ADMIN,
                is_superuser=role == Role.SYSTEM_ADMIN,
            )
        Membership.objects.get_or_create(
            user=user, organisation=organisations[acronym], defaults={"role": role}
        )
        accounts.append(
            DemoAccount(username, DEMO_PASSWORD, str(role.label), organisations[acronym].acronym)
        )
    return accounts


def demo_areas_add(
    country: Country,
    *,
    districts: Iterable[tuple[str, str, str]],
    geometries: Mapping[str, Any],
) -> None:
    """Another app's demo adds (code, name, parent code) districts under the demo provinces,
    and schematic outlines of the provinces that have none."""
    for code, name, parent in districts:
        AdminArea.objects.get_or_create(
            country=country,
            code=code,
            defaults={
                "name": name,
                "level": 2,
                "parent": AdminArea.objects.get(country=country, code=parent),
            },
        )
    for code, geometry in geometries.items():
        AdminArea.objects.filter(country=country, code=code, geometry__isnull=True).update(
            geometry=geometry
        )
