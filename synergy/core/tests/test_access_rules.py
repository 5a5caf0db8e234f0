"""Guards for the access rule: personal records are fetched only through access_* helpers."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from django.test import SimpleTestCase

from synergy.core import api, views

SYNERGY = Path(__file__).resolve().parents[2]
PERSONAL = r"(?:Child|Household|Visit|Referral)"
# Direct fetches that bypass access_<thing>(user, id): the manager, or get_object_or_404.
FORBIDDEN = re.compile(
    rf"\b{PERSONAL}\.(?:objects|_default_manager)\.(?:get|filter)\b"
    rf"|\bget_object_or_404\(\s*{PERSONAL}\b"
    rf"|\bget_list_or_404\(\s*{PERSONAL}\b"
)


def entry_points() -> list[Path]:
    """Every views.py and api.py of the project, and modules inside views/ or api/ packages."""
    files = {*SYNERGY.rglob("views.py"), *SYNERGY.rglob("api.py")}
    files |= {*SYNERGY.rglob("views/*.py"), *SYNERGY.rglob("api/*.py")}
    return sorted(f for f in files if "tests" not in f.parts)


def violations(text: str) -> list[tuple[int, str]]:
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if FORBIDDEN.search(line)
    ]


class AccessRuleTests(SimpleTestCase):
    def test_it_finds_direct_fetches(self) -> None:
        # The guard must catch what it is meant to catch, or it proves nothing.
        sample = "\n".join(
            [
                "child = Child.objects.get(pk=child_id)",
                "visits = Visit.objects.filter(child=child)",
                "household = get_object_or_404(Household, pk=pk)",
                "referral = access_referral(request.user, referral_id)",
                "children = selectors.child_list(user=request.user)",
                "n = Child.objects.count()",
            ]
        )
        self.assertEqual([n for n, _ in violations(sample)], [1, 2, 3])

    def test_it_scans_the_entry_points(self) -> None:
        names = {p.relative_to(SYNERGY).as_posix() for p in entry_points()}
        self.assertIn("core/views.py", names)
        self.assertIn("core/api.py", names)

    def test_views_and_api_fetch_personal_records_through_access_helpers(self) -> None:
        found = [
            f"{path.relative_to(SYNERGY.parent)}:{number}: {line}"
            for path in entry_points()
            for number, line in violations(path.read_text(encoding="utf-8"))
        ]
        self.assertEqual(
            found,
            [],
            "Fetch personal records with access_<thing>(user, id, write=...) or a selector "
            "that takes the user, not directly:\n" + "\n".join(found),
        )

    def test_core_pages_and_api_use_access_organisation(self) -> None:
        for function in (
            views.organisation_detail,
            views.organisation_edit,
            api.get_organisation,
            api.update_organisation,
        ):
            with self.subTest(function=function.__name__):
                source = inspect.getsource(function)
                self.assertIn("access_organisation(", source)
                self.assertNotIn("Organisation.objects", source)
                self.assertNotIn("get_object_or_404", source)
        self.assertIn("write=True", inspect.getsource(views.organisation_edit))
        self.assertIn("write=True", inspect.getsource(api.update_organisation))
