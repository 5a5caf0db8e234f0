"""Every persona × every record × read/write, through the access helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from synergy.monitoring import access
from synergy.monitoring.tests import factories as f

OK, FORBIDDEN, NOT_FOUND = "ok", "403", "404"


def outcome(fetch: Callable[..., Any], user: Any, public_id: Any, write: bool) -> str:
    try:
        fetch(user, public_id, write=write)
    except Http404:
        return NOT_FOUND
    except PermissionDenied:
        return FORBIDDEN
    return OK


class AccessMatrixTests(f.MonitoringTestCase):
    def test_it_applies_the_same_rules_to_every_record(self) -> None:
        household = f.household(self.alice, self.partner_a)
        child = f.child(self.alice, self.partner_a, household=household)
        visit = f.visit(self.alice, child, "identification", f.TODAY, **f.HAZARDOUS)
        records = {
            "child": (access.access_child, child.public_id),
            "household": (access.access_household, household.public_id),
            "visit": (access.access_visit, visit.public_id),
        }
        expected = {
            # persona: (read, write)
            "alice": (OK, OK),  # partner manager of the registering organisation
            "carol": (OK, OK),  # case worker there
            "bob": (OK, FORBIDDEN),  # viewer there
            "ana": (NOT_FOUND, NOT_FOUND),  # analyst there: aggregates only
            "charlie": (NOT_FOUND, NOT_FOUND),  # another partner
            "pete": (NOT_FOUND, NOT_FOUND),  # a service provider (no referral)
            "nina": (OK, OK),  # coordinator of the country
            "zoe": (NOT_FOUND, NOT_FOUND),  # coordinator of another country
            "root": (OK, OK),  # system administrator
        }
        for name, (read, write) in expected.items():
            user = getattr(self, name)
            for record, (fetch, public_id) in records.items():
                with self.subTest(user=name, record=record):
                    self.assertEqual(outcome(fetch, user, public_id, False), read)
                    self.assertEqual(outcome(fetch, user, public_id, True), write)

    def test_it_shows_a_referral_to_its_provider_only(self) -> None:
        child = f.child(self.alice, self.partner_a)
        referral = f.refer_and_accept(self.alice, child, self.pete, self.provider)

        def side(user: Any) -> str:
            try:
                return access.access_referral(user, referral.public_id)[1]
            except Http404:
                return NOT_FOUND

        sides = {
            n: side(getattr(self, n)) for n in ("alice", "bob", "pete", "charlie", "ana", "nina")
        }
        self.assertEqual(
            sides,
            {
                "alice": "owner",
                "bob": "owner",
                "pete": "provider",
                "charlie": NOT_FOUND,
                "ana": NOT_FOUND,
                "nina": "owner",
            },
        )
        # The provider acts on it; the referring organisation does not.
        access.access_referral(self.pete, referral.public_id, write=True, side="provider")
        with self.assertRaises(PermissionDenied):
            access.access_referral(self.alice, referral.public_id, write=True, side="provider")
        # And the provider never reaches the child's record.
        with self.assertRaises(Http404):
            access.access_child(self.pete, child.public_id)

    def test_it_treats_garbage_ids_as_not_found(self) -> None:
        for bad in ("", "42", "not-a-uuid", None, "00000000-0000-0000-0000-000000000000"):
            with self.subTest(bad=bad), self.assertRaises(Http404):
                access.access_child(self.root, bad)
