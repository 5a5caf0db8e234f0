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
