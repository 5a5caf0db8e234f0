"""Test data shared by the interop tests: a Nepal project with targets and 4W activities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from synergy.core.models import AdminArea, Country, Organisation
from synergy.interop.iati import schema_path
from synergy.partners.models import Activity, Project, ProjectParticipant, ProjectTarget
from synergy.testing import BaseTestCase

# The schema the package ships: tests and users validate against the same file.
IATI_SCHEMA = schema_path()


class InteropTestCase(BaseTestCase):
    province: AdminArea
    district: AdminArea
    donor: Organisation
    project: Project

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        np = cls.country
        cls.province = AdminArea.objects.create(country=np, code="NP-P3", name="Bagmati", level=1)
        cls.district = AdminArea.objects.create(
            country=np, code="NP-P3-27", name="Kathmandu", level=2, parent=cls.province
        )
        cls.donor = Organisation.objects.create(
            name="Fund for Children",
            acronym="FFC",
            kind="donor",
            iati_identifier="GB-CHC-123456",
        )
        cls.partner_a.iati_identifier = "NP-SWC-1001"
        cls.partner_a.save()
        cls.unit.iati_identifier = "NP-GOV-0042"
        cls.unit.save()
        cls.project = Project.objects.create(
            code="NP-CL-01",
            title="Kathmandu brick kilns",
            description="Withdraw children from brick kilns.",
            status=2,
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2027, 12, 31),
            budget_amount=Decimal("250000.00"),
            budget_currency="USD",
            budget_period_start=dt.date(2025, 1, 1),
            budget_period_end=dt.date(2025, 12, 31),
            service_types=["education", "livelihood"],
            target_groups=["children_in_child_labour"],
            exploitation_forms=["child_labour"],
        )
        cls.project.countries.set([np, Country.objects.get(iso2="IN")])
        cls.project.areas.set([cls.district])
        ProjectParticipant.objects.create(project=cls.project, organisation=cls.unit, role="lead")
        ProjectParticipant.objects.create(
            project=cls.project, organisation=cls.partner_a, role="implementing"
        )
        ProjectParticipant.objects.create(
            project=cls.project, organisation=cls.donor, role="funding"
        )
        for kind, sex, number, baseline in (
            ("withdraw", "F", 120, 0),
            ("withdraw", "M", 80, 0),
            ("prevent", "F", 300, None),
            ("prevent", "M", 250, None),
        ):
            ProjectTarget.objects.create(
                project=cls.project,
                organisation=cls.partner_a,
                kind=kind,
                sex=sex,
                number=number,
                baseline=baseline,
            )
        Activity.objects.create(
            organisation=cls.partner_a,
            project=cls.project,
            title="Bridge schools",
            intervention_type="prevention",
            level="outreach",
            country=np,
            admin_area=cls.district,
            migration_stage="source",
            exploitation_form="child_labour",
            start_date=dt.date(2025, 2, 1),
            reached_f_child=40,
            reached_m_child=35,
            reached_f_adult=3,
        )
        Activity.objects.create(
            organisation=cls.unit,
            intervention_type="policy",
            level="policy",
            country=np,
            migration_stage="destination",
            exploitation_form="forced_labour",
            start_date=dt.date(2025, 3, 1),
            end_date=dt.date(2025, 6, 30),
            description="National action plan, drafting.",
        )
