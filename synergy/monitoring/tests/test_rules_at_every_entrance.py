"""Each CLMS write rule refuses the same thing at every entrance - the pages, the API, the file
import and the services - naming the field (or the row and column), and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from synergy.core.errors import ImportRowError
from synergy.core.models import AuditEvent
from synergy.monitoring import importing, services
from synergy.monitoring.models import Child, Household, ProjectEnrolment, Referral, Visit
from synergy.monitoring.tests import factories as f

CHILDREN = "/api/v1/monitoring/children"
TOMORROW = timezone.localdate() + timedelta(days=1)
MAPPING = {
    "columns": {
        "first_name": "first",
        "sex": "sex",
        "date_of_birth": "dob",
        "age": "age",
        "project": "project",
        "visit_date": "visit",
        "attendance_percent": "attendance",
        "risk_factors": "risk",
    },
    "defaults": {"consent_given": True, "consent_by": "head"},
}
HEADER = "first,sex,dob,age,project,visit,attendance,risk"


class RulesAtEveryEntranceTests(f.MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        # A project partner B takes part in, partner A does not.
        self.elsewhere = f.project("P-B", partners=(self.partner_b,))
        self.counts = self.written()

    def written(self) -> tuple[int, ...]:
        return (
            Child.objects.count(),
            Household.objects.count(),
            Visit.objects.count(),
            ProjectEnrolment.objects.count(),
            Referral.objects.count(),
            AuditEvent.objects.exclude(action="view").count(),
        )

    def assert_nothing_written(self) -> None:
        self.assertEqual(self.written(), self.counts)

    def api(self, url: str, body: dict[str, Any], field: str) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(url, body, content_type="application/json")
        self.assertEqual(response.status_code, 422, response.content)
        detail = response.json()["detail"]
        # A rule's refusal names the field; the schema's (ranges, types) gives its location.
        named = set(detail) if isinstance(detail, dict) else {e["loc"][-1] for e in detail}
        self.assertIn(field, named)
        self.assert_nothing_written()

    def imported(self, row: str, column: str) -> None:
        table = importing.read_table(f"{HEADER}\n{row}\n".encode(), "csv")
        mapping = importing.parse_mapping(MAPPING, table.columns)
        with self.assertRaises(ImportRowError) as caught:
            importing.plan_import(table, mapping, organisation=self.partner_a)
        named = {(line, col) for line, col, _m in caught.exception.errors}
        self.assertEqual(named, {(2, column)})
        self.assert_nothing_written()

    def service(self, field: str, call: Any, **kwargs: Any) -> None:
        with self.assertRaises(ValidationError) as caught:
            call(actor=self.alice, **kwargs)
        self.assertIn(field, caught.exception.message_dict)
        self.assert_nothing_written()

    def register(self, **fields: Any) -> dict[str, Any]:
        return {"first_name": "Amina", "sex": "F", **fields}

    # Enrolment in a project the organisation does not take part in ---------------------

    def test_enrolment_elsewhere_is_refused_by_the_api(self) -> None:
        self.api(CHILDREN, self.register(estimated_age=11, projects=["P-B"]), "projects")

    def test_enrolment_elsewhere_is_refused_by_the_import(self) -> None:
        self.imported("Amina,F,,11,P-B,,,", "project")

    def test_enrolment_elsewhere_is_refused_by_the_services(self) -> None:
        self.service(
            "projects",
            services.child_register,
            organisation=self.partner_a,
            first_name="Amina",
            sex="F",
            estimated_age=11,
            projects=[self.elsewhere],
        )
        child = f.child(self.alice, self.partner_a)
        self.counts = self.written()
        self.service("project", services.child_enrol, child=child, project=self.elsewhere)

    def test_enrolment_elsewhere_is_refused_by_the_page(self) -> None:
        child = f.child(self.alice, self.partner_a)
        self.counts = self.written()
        self.client.force_login(self.alice)
        url = reverse("monitoring-child-enrol", kwargs={"child_id": child.public_id})
        response = self.client.post(url, {"project": self.elsewhere.pk}, follow=True)
        self.assertContains(response, "does not take part in project P-B")
        self.assert_nothing_written()

    def test_enrolment_where_the_organisation_takes_part_is_written(self) -> None:
        self.client.force_login(self.alice)
        body = self.register(estimated_age=11, projects=["P-1"])
        response = self.client.post(CHILDREN, body, content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(ProjectEnrolment.objects.get().project, self.project)

    # A date of birth or an age; not in the future ---------------------------------------

    def test_an_unknown_age_is_refused_everywhere(self) -> None:
        self.api(CHILDREN, self.register(), "date_of_birth")
        self.imported("Amina,F,,,,,,", "dob")
        self.service(
            "date_of_birth",
            services.child_register,
            organisation=self.partner_a,
            first_name="Amina",
            sex="F",
        )

    def test_a_birth_in_the_future_is_refused_everywhere(self) -> None:
        self.api(CHILDREN, self.register(date_of_birth=str(TOMORROW)), "date_of_birth")
        self.imported(f"Amina,F,{TOMORROW},,,,,", "dob")
        self.service(
            "date_of_birth",
            services.child_register,
            organisation=self.partner_a,
            first_name="Amina",
            sex="F",
            date_of_birth=TOMORROW,
        )

    def test_an_unknown_risk_factor_is_refused_everywhere(self) -> None:
        self.api(CHILDREN, self.register(estimated_age=9, risk_factors=["nope"]), "risk_factors")
        self.imported("Amina,F,,9,,,,nope", "risk")
        self.service(
            "risk_factors",
            services.child_register,
            organisation=self.partner_a,
            first_name="Amina",
            sex="F",
            estimated_age=9,
            risk_factors=["nope"],
        )

    # Visits --------------------------------------------------------------------------------

    def test_a_visit_in_the_future_is_refused_everywhere(self) -> None:
        child = f.child(self.alice, self.partner_a)
        self.counts = self.written()
        url = f"{CHILDREN}/{child.public_id}/visits"
        self.api(url, {"kind": "identification", "visit_date": str(TOMORROW)}, "visit_date")
        self.imported(f"Amina,F,,9,,{TOMORROW},,", "visit")
        self.service(
            "visit_date",
            services.visit_record,
            child=child,
            kind="identification",
            visit_date=TOMORROW,
        )

    def test_attendance_beyond_100_is_refused_everywhere(self) -> None:
        child = f.child(self.alice, self.partner_a)
        self.counts = self.written()
        url = f"{CHILDREN}/{child.public_id}/visits"
        self.api(
            url,
            {"kind": "identification", "visit_date": "2025-01-01", "attendance_percent": 120},
            "attendance_percent",
        )
        self.imported("Amina,F,,9,,2025-01-01,120,", "attendance")
        self.service(
            "attendance_percent",
            services.visit_record,
            child=child,
            kind="identification",
            visit_date=date(2025, 1, 1),
            attendance_percent=120,
        )

    # Households and referrals ------------------------------------------------------------

    def test_a_household_without_consent_is_refused_by_the_api_and_services(self) -> None:
        self.api(
            "/api/v1/monitoring/households",
            {"head_name": "Hari", "consent_given": False, "consent_by": "head"},
            "consent_given",
        )
        self.service(
            "consent_given",
            services.household_register,
            organisation=self.partner_a,
            consent_given=False,
            consent_by="head",
        )

    def test_a_provider_in_another_country_is_refused_by_the_api_and_services(self) -> None:
        child = f.child(self.alice, self.partner_a)
        self.counts = self.written()
        body = {
            "child": str(child.public_id),
            "to_organisation": self.foreign_unit.pk,
            "service_type": "formal_education",
            "consent_given": True,
            "consent_by": "parent",
        }
        self.api("/api/v1/monitoring/referrals", body, "to_organisation")
        self.service(
            "to_organisation",
            services.referral_create,
            child=child,
            to_organisation=self.foreign_unit,
            service_type="formal_education",
            consent_given=True,
            consent_by="parent",
        )

    def test_a_case_worker_of_another_organisation_is_refused_by_the_services(self) -> None:
        # The pages offer only the organisation's own staff; the API does not take a case
        # worker at all.
        self.service(
            "case_worker",
            services.child_register,
            organisation=self.partner_a,
            first_name="Amina",
            sex="F",
            estimated_age=9,
            case_worker=self.charlie,
        )
        services.child_register(
            actor=self.alice,
            organisation=self.partner_a,
            first_name="Amina",
            sex="F",
            estimated_age=9,
            case_worker=self.carol,
        )
