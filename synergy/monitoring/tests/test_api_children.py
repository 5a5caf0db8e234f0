from __future__ import annotations

from synergy.monitoring.models import Child
from synergy.monitoring.tests import factories as f


class ApiChildrenTests(f.MonitoringTestCase):
    child: Child

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.child = f.child(cls.alice, cls.partner_a)

    def test_it_registers_a_child_and_records_a_classified_visit(self) -> None:
        self.client.force_login(self.carol)
        response = self.client.post(
            "/api/v1/monitoring/children",
            {"first_name": "Amina", "last_name": "Tesfaye-Q", "sex": "F", "estimated_age": 11},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        child_id = response.json()["id"]
        response = self.client.post(
            f"/api/v1/monitoring/children/{child_id}/visits",
            {"kind": "identification", "visit_date": "2026-01-10", "econ_hours": 20},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["label"], "CL")
        self.assertTrue(Child.objects.get(public_id=child_id).track == "withdrawal")

    def test_it_hides_children_from_other_partners_and_analysts(self) -> None:
        url = f"/api/v1/monitoring/children/{self.child.public_id}"
        for user in (self.charlie, self.ana, self.pete, self.zoe):
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, 404, user.username)
            listed = self.client.get("/api/v1/monitoring/children").json()
            self.assertEqual(listed["count"], 0, user.username)

    def test_it_refuses_writes_from_a_viewer(self) -> None:
        self.client.force_login(self.bob)
        url = f"/api/v1/monitoring/children/{self.child.public_id}"
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.patch(
            url, {"version": self.child.version, "grade": "5"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)

    def test_it_refuses_a_stale_patch_with_409(self) -> None:
        self.client.force_login(self.alice)
        url = f"/api/v1/monitoring/children/{self.child.public_id}"
        version = self.client.get(url).json()["version"]
        first = self.client.patch(
            url, {"version": version, "grade": "5"}, content_type="application/json"
        )
        self.assertEqual(first.status_code, 200)
        second = self.client.patch(
            url, {"version": version, "grade": "6"}, content_type="application/json"
        )
        self.assertEqual(second.status_code, 409)
        self.assertIn("They changed: grade", str(second.json()))

    def test_it_pins_the_list_query_count(self) -> None:
        self.client.force_login(self.alice)
        with self.assertNumQueries(9):
            self.client.get("/api/v1/monitoring/children")
        for i in range(3):
            f.child(self.alice, self.partner_a, first_name=f"Extra{i}", last_name="Kid")
        with self.assertNumQueries(9):
            response = self.client.get("/api/v1/monitoring/children")
        self.assertEqual(response.json()["count"], 4)
