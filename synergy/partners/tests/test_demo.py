"""The demo data loads, is shaped like a country programme, and loads twice unchanged."""

from __future__ import annotations

from django.test import TestCase

from synergy.core import demo as core_demo
from synergy.core.models import AdminArea, AuditEvent
from synergy.partners import demo
from synergy.partners.models import Activity, Partnership, Project, ProjectTarget
from synergy.partners.selectors import ActivityFilters, coverage_matrix


def snapshot() -> dict[str, object]:
    return {
        "projects": list(Project.objects.values_list("code", "version")),
        "targets": ProjectTarget.objects.count(),
        "partnerships": list(Partnership.objects.values_list("title", "version")),
        "activities": Activity.objects.count(),
        "areas": list(AdminArea.objects.filter(country="NP").values_list("code", "geometry")),
        "audit": AuditEvent.objects.count(),
    }


class DemoTests(TestCase):
    def test_it_loads_a_country_programme_idempotently(self) -> None:
        # What the `synergy demo` command does: the core demo, then each app's.
        core_demo.load()
        demo.load()
        first = snapshot()
        programme = Project.objects.get(code="DEMO-NP-CL-01")
        self.assertEqual(programme.participants.filter(role="implementing").count(), 3)
        self.assertEqual(
            set(programme.targets.values_list("kind", "sex").distinct()),
            {("withdraw", "F"), ("withdraw", "M"), ("prevent", "F"), ("prevent", "M")},
        )
        self.assertEqual(
            set(Partnership.objects.values_list("kind", flat=True)),
            {"national_forum", "triangular"},
        )
        self.assertTrue(
            AdminArea.objects.filter(country="NP", level=1, geometry__isnull=False).exists()
        )
        tables = coverage_matrix(country="NP", filters=ActivityFilters())
        self.assertTrue(all(t.gap_count > 0 for t in tables), "the demo leaves gaps on purpose")
        self.assertGreater(
            len(
                {a.level for a in Activity.objects.all()}
                | {a.migration_stage for a in Activity.objects.all()}
            ),
            4,
        )

        core_demo.load()
        demo.load()
        self.assertEqual(snapshot(), first)
