from __future__ import annotations

import re

from openapi_spec_validator import validate

from synergy.testing import BaseTestCase


class OpenApiTests(BaseTestCase):
    def test_it_publishes_a_valid_openapi_31_document(self) -> None:
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        spec = response.json()
        self.assertTrue(spec["openapi"].startswith("3.1"))
        validate(spec)
        self.assertIn("/api/v1/organisations/", spec["paths"])
        self.assertIn("/api/v1/organisations/{organisation_id}", spec["paths"])
        self.assertEqual(
            set(spec["paths"]["/api/v1/organisations/{organisation_id}"]), {"get", "patch"}
        )
        self.assertIn("TokenAuth", spec["components"]["securitySchemes"])

    def test_it_renders_the_docs_without_a_cdn(self) -> None:
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("swagger", html.lower())
        external = re.findall(r"""(?:src|href)=["'](https?:)?//[^"']+""", html)
        self.assertEqual(external, [])
        for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs"):
            self.assertNotIn(cdn, html)


def _integers_without_bounds(node: object, where: str) -> list[str]:
    """Every ``"type": "integer"`` in ``node`` that lacks a minimum or a maximum."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "integer" and not {"minimum", "maximum"} <= set(node):
            found.append(where)
        for key, value in node.items():
            found += _integers_without_bounds(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _integers_without_bounds(value, f"{where}/{index}")
    return found


class OpenApiContractTests(BaseTestCase):
    def setUp(self) -> None:
        self.spec = self.client.get("/api/v1/openapi.json").json()

    def test_every_integer_a_client_sends_is_bounded(self) -> None:
        inputs = {
            name: schema
            for name, schema in self.spec["components"]["schemas"].items()
            if name.endswith(("In", "Patch", "Action")) or "Filter" in name
        }
        unbounded = _integers_without_bounds(inputs, "schemas")
        for path, operations in self.spec["paths"].items():
            for method, operation in operations.items():
                for parameter in operation.get("parameters", []):
                    unbounded += _integers_without_bounds(
                        parameter["schema"], f"{method} {path} {parameter['name']}"
                    )
        self.assertEqual(unbounded, [])

    def test_every_operation_declares_its_errors_with_a_schema(self) -> None:
        for path, operations in self.spec["paths"].items():
            for method, operation in operations.items():
                with self.subTest(operation=f"{method.upper()} {path}"):
                    responses = operation["responses"]
                    self.assertIn("401", responses)
                    if "{" in path:
                        self.assertIn("404", responses)
                        self.assertIn("422", responses)
                    if method in {"post", "patch", "put", "delete"}:
                        self.assertTrue({"403", "409"} <= set(responses), responses)
                    if "requestBody" in operation:
                        self.assertIn("400", responses)
                    for status, response in responses.items():
                        if status.startswith("4"):
                            schema = response["content"]["application/json"]["schema"]
                            self.assertEqual(schema["$ref"], "#/components/schemas/ErrorOut")

    def test_a_patch_refuses_null_for_a_required_column_and_names_it(self) -> None:
        from synergy.core.services import api_token_create

        _token, plain = api_token_create(user=self.nina, name="t")
        response = self.client.patch(
            f"/api/v1/organisations/{self.partner_a.pk}",
            {"version": 1, "iati_identifier": None},
            content_type="application/json",
            headers={"authorization": f"Bearer {plain}"},
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"][-1], "iati_identifier")
        response = self.client.get(
            "/api/v1/organisations/?offset=2491029725958544973365248",
            headers={"authorization": f"Bearer {plain}"},
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"][-1], "offset")
        response = self.client.patch(
            f"/api/v1/organisations/{self.partner_a.pk}",
            {"version": 1, "name": "A\x00B"},
            content_type="application/json",
            headers={"authorization": f"Bearer {plain}"},
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("NUL", response.json()["detail"][0]["msg"])
