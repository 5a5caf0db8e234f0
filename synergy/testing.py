"""Shared test personas, reused by every app's tests.

alice (partner manager) and bob (viewer) work for partner A, charlie (partner manager) for
partner B, all in Nepal; nina is the national coordinator there; zoe coordinates another
country; root is a system administrator. Tests of any record owned by partner A check that
charlie gets 404 and bob gets 403 on writes.
"""

from __future__ import annotations

from django.test import TestCase

from synergy.core.models import Country, Membership, Organisation, Role, User

PASSWORD = "correct-horse-battery"


def make_user(
    username: str,
    organisation: Organisation | None = None,
    role: Role | None = None,
    **extra: object,
) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org", **extra
    )
    if organisation is not None and role is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


class BaseTestCase(TestCase):
    country: Country
    other_country: Country
    partner_a: Organisation
    partner_b: Organisation
    unit: Organisation
    foreign_unit: Organisation
    alice: User
    bob: User
    charlie: User
    nina: User
    zoe: User
    root: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.country = Country.objects.get(iso2="NP")
        cls.other_country = Country.objects.get(iso2="MG")
        cls.partner_a = Organisation.objects.create(
            name="Partner A", acronym="PA", kind="ngo", country=cls.country
        )
        cls.partner_b = Organisation.objects.create(
            name="Partner B", acronym="PB", kind="ngo", country=cls.country
        )
        cls.unit = Organisation.objects.create(
            name="Child Labour Unit", kind="government", country=cls.country
        )
        cls.foreign_unit = Organisation.objects.create(
            name="Other Unit", kind="government", country=cls.other_country
        )
        cls.alice = make_user("alice", cls.partner_a, Role.PARTNER_MANAGER)
        cls.bob = make_user("bob", cls.partner_a, Role.VIEWER)
        cls.charlie = make_user("charlie", cls.partner_b, Role.PARTNER_MANAGER)
        cls.nina = make_user("nina", cls.unit, Role.NATIONAL_COORDINATOR)
        cls.zoe = make_user("zoe", cls.foreign_unit, Role.NATIONAL_COORDINATOR)
        cls.root = make_user("root", cls.unit, Role.SYSTEM_ADMIN)
