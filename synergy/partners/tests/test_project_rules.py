"""Service rules for projects, partnerships and activities: what is refused, and the audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from synergy.core.models import AdminArea, AuditEvent
from synergy.partners import services
from synergy.partners.models import Project, ProjectTarget
from synergy.partners.services import ParticipantData, PartyData, TargetData
from synergy.partners.tests.factories import make_activity
from synergy.testing import BaseTestCase


class ProjectRuleTests(BaseTestCase):
    def create(self, **overrides: object) -> Project:
        values: dict[str, object] = {
            "actor": self.nina,
            "code": "NP-1",
            "title": "Programme",
            "countries": [self.country],
            "participants": [
                ParticipantData(self.unit, "lead"),
                ParticipantData(self.partner_a, "implementing", Decimal("60"), "targets"),
                ParticipantData(self.partner_b, "implementing", Decimal("40"), "targets"),
            ],
            "targets": [
                TargetData(self.partner_a, "withdraw", "F", 30),
                TargetData(self.partner_a, "withdraw", "M", 20),
                TargetData(self.partner_b, "prevent", "F", 15, baseline=2),
            ],
            "service_types": ["health", "education"],
            "status": 2,
        }
        values.update(overrides)
        return services.project_create(**values)  # type: ignore[arg-type]

    def test_it_creates_a_project_with_targets_and_an_audit_event(self) -> None:
        project = self.create()
        self.assertEqual(project.targets.count(), 3)
        self.assertEqual(
            sorted(project.targets.values_list("organisation__acronym", "kind", "sex", "number")),
            [("PA", "withdraw", "F", 30), ("PA", "withdraw", "M", 20), ("PB", "prevent", "F", 15)],
        )
        # Codes are kept in the order of the code list, once each.
        self.assertEqual(project.service_types, ["education", "health"])
        event = AuditEvent.objects.get(action="create", object_type="partners.project")
        self.assertEqual(event.object_id, str(project.pk))
        self.assertEqual(event.organisation, self.unit)

    def test_it_refuses_a_target_for_an_organisation_that_does_not_implement(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.create(targets=[TargetData(self.foreign_unit, "withdraw", "F", 5)])
        self.assertIn("targets", caught.exception.message_dict)
        self.assertFalse(Project.objects.exists())

    def test_it_refuses_shares_above_100_percent(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.create(
                participants=[
                    ParticipantData(self.partner_a, "implementing", Decimal("70"), "budget"),
                    ParticipantData(self.partner_b, "implementing", Decimal("40"), "budget"),
                ],
                targets=[],
            )
        self.assertIn("participants", caught.exception.message_dict)

    def test_it_refuses_two_leads_duplicate_targets_and_unknown_codes(self) -> None:
        with self.assertRaises(ValidationError):
            self.create(
                participants=[
                    ParticipantData(self.partner_a, "lead"),
                    ParticipantData(self.partner_b, "lead"),
                ],
                targets=[],
            )
        with self.assertRaises(ValidationError):
            self.create(
                targets=[
                    TargetData(self.partner_a, "withdraw", "F", 1),
                    TargetData(self.partner_a, "withdraw", "F", 2),
                ]
            )
        with self.assertRaises(ValidationError) as caught:
            self.create(service_types=["juggling"])
        self.assertIn("service_types", caught.exception.message_dict)

    def test_it_refuses_areas_outside_the_project_countries_and_reversed_dates(self) -> None:
        area = AdminArea.objects.create(
            country=self.other_country, code="MG-X", name="Elsewhere", level=1
        )
        with self.assertRaises(ValidationError) as caught:
            self.create(areas=[area])
        self.assertIn("areas", caught.exception.message_dict)
        with self.assertRaises(ValidationError):
            self.create(start_date=date(2026, 5, 1), end_date=date(2026, 1, 1))

    def test_it_refuses_a_project_code_twice(self) -> None:
        self.create()
        with self.assertRaises(ValidationError) as caught:
            self.create()
        self.assertIn("code", caught.exception.message_dict)

    def test_it_lets_a_partner_manager_create_only_projects_it_implements(self) -> None:
        with self.assertRaises(PermissionDenied):
            self.create(
                actor=self.charlie,
                participants=[ParticipantData(self.partner_a, "lead")],
                targets=[],
            )
        project = self.create(
            actor=self.charlie,
            participants=[ParticipantData(self.partner_b, "implementing")],
            targets=[TargetData(self.partner_b, "prevent", "M", 3)],
        )
        self.assertEqual(ProjectTarget.objects.filter(project=project).count(), 1)

    def test_it_replaces_targets_on_update_and_audits_the_fields(self) -> None:
        project = self.create()
        services.project_update(
            actor=self.alice,
            project=project,
            version=1,
            targets=[TargetData(self.partner_a, "prevent", "M", 9)],
        )
        self.assertEqual(list(project.targets.values_list("number", flat=True)), [9])
        event = AuditEvent.objects.get(action="update", object_type="partners.project")
        self.assertEqual(event.detail, {"fields": ["targets"]})

    def test_it_stops_a_manager_from_dropping_its_own_organisation_out_of_reach(self) -> None:
        project = self.create()
        with self.assertRaises(PermissionDenied):
            services.project_update(
                actor=self.alice,
                project=project,
                version=1,
                participants=[ParticipantData(self.unit, "lead")],
                targets=[],
            )


class PartnershipAndActivityRuleTests(BaseTestCase):
    def test_it_requires_parties_and_focal_points_from_them(self) -> None:
        with self.assertRaises(ValidationError):
            services.partnership_create(
                actor=self.nina, title="Empty", kind="mou", countries=[self.country], parties=[]
            )
        with self.assertRaises(ValidationError):
            services.partnership_create(
                actor=self.nina,
                title="Forum",
                kind="national_forum",
                countries=[self.country],
                parties=[PartyData(self.unit, "lead")],
                focal_points=[services.FocalPointData(self.partner_b, "Someone")],
            )

    def test_it_refuses_an_area_of_another_country_for_an_activity(self) -> None:
        area = AdminArea.objects.create(
            country=self.other_country, code="MG-Y", name="Far", level=1
        )
        with self.assertRaises(ValidationError) as caught:
            services.activity_create(
                actor=self.alice,
                organisation=self.partner_a,
                country=self.country,
                admin_area=area,
                intervention_type="research",
                level="policy",
                migration_stage="source",
                exploitation_form="trafficking",
                start_date=date(2026, 1, 1),
            )
        self.assertIn("admin_area", caught.exception.message_dict)

    def test_it_audits_activity_updates_with_the_changed_fields(self) -> None:
        activity = make_activity(self.partner_a)
        services.activity_update(
            actor=self.alice, activity=activity, version=1, reached_f_child=12, level="outreach"
        )
        event = AuditEvent.objects.get(action="update", object_type="partners.activity")
        self.assertEqual(event.detail, {"fields": ["reached_f_child"]})
        self.assertEqual(event.organisation, self.partner_a)
        activity.refresh_from_db()
        self.assertEqual((activity.version, activity.reached_total), (2, 12))
