from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree

from synergy.core.models import AuditEvent
from synergy.interop import iati
from synergy.interop.tests.factories import IATI_SCHEMA, InteropTestCase
from synergy.partners.models import Activity

ACTIVITIES = (
    "Organisation,Country,Type,Level,Sector,Stage,Start,Girls\r\n"
    "#org+name,#country+code,#activity+type,#activity+level,#sector,#activity+stage,"
    "#date+start,#reached+f+children\r\n"
)


def upload(text: str, name: str = "rows.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


class PagesTest(InteropTestCase):
    def _upload(self, kind: str, text: str) -> str:
        response = self.client.post(reverse("interop-import"), {"kind": kind, "file": upload(text)})
        self.assertEqual(response.status_code, 302, response.content[:500])
        match = re.search(r"/interop/import/([^/]+)/$", response["Location"])
        assert match is not None
        return match.group(1)

    def test_it_shows_downloads_to_members_and_import_only_to_importers(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(reverse("interop-home"))
        self.assertContains(response, reverse("interop-export", args=["activities", "xlsx"]))
        self.assertNotContains(response, reverse("interop-import"))
        self.client.force_login(self.alice)
        response = self.client.get(reverse("interop-home"))
        self.assertContains(response, reverse("interop-import"))

    def test_it_requires_sign_in(self) -> None:
        response = self.client.get(reverse("interop-export", args=["projects", "csv"]))
        self.assertEqual(response.status_code, 302)

    def test_it_downloads_exports_and_audits_them(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(
            reverse("interop-export", args=["activities", "csv"]) + "?country=np"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn(b"#org+name", response.content)
        response = self.client.get(reverse("interop-export-iati"))
        iati.load_schema(IATI_SCHEMA).assertValid(etree.fromstring(response.content))
        self.assertEqual(
            AuditEvent.objects.filter(action="interop.export", actor=self.bob).count(), 2
        )
        self.assertEqual(
            self.client.get(reverse("interop-export", args=["children", "csv"])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("interop-export-iati") + "?country=ZZ").status_code, 404
        )

    def test_it_is_in_the_main_menu(self) -> None:
        self.client.force_login(self.bob)
        home = self.client.get(reverse("core-home"))
        self.assertContains(home, f'href="{reverse("interop-home")}"')
        page = self.client.get(reverse("interop-home"))
        item = next(i for i in page.context["nav_items"] if i.get("name") == "interop")
        self.assertTrue(item["active"])

    def test_it_shows_whether_the_iati_export_validates(self) -> None:
        self.client.force_login(self.bob)
        home = self.client.get(reverse("interop-home"))
        self.assertContains(home, reverse("interop-check-iati"))
        response = self.client.get(reverse("interop-check-iati"))
        self.assertContains(response, "Valid: 1 activity validates")
        self.assertEqual(
            self.client.get(reverse("interop-check-iati") + "?country=MG").status_code, 200
        )
        self.assertContains(
            self.client.get(reverse("interop-check-iati") + "?country=MG"), "No project"
        )

    def test_it_refuses_imports_to_a_viewer(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(reverse("interop-import")).status_code, 403)
        response = self.client.post(
            reverse("interop-import"), {"kind": "activities", "file": upload(ACTIVITIES)}
        )
        self.assertEqual(response.status_code, 403)

    def test_it_refuses_a_partner_manager_other_tables(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("interop-import"), {"kind": "projects", "file": upload("x")}
        )
        self.assertEqual(response.status_code, 200)  # form error: not a choice for alice
        self.assertContains(response, "Select a valid choice")

    def test_it_previews_then_imports_on_confirmation(self) -> None:
        self.client.force_login(self.alice)
        token = self._upload(
            "activities",
            ACTIVITIES + "Partner A,NPL,awareness,outreach,child_labour,source,2025-05-01,12\r\n",
        )
        # invalid code "awareness" for the intervention type: shown with its line and column
        response = self.client.get(reverse("interop-import-preview", args=[token]))
        self.assertContains(response, "<code>#activity+type</code>", html=False)
        self.assertContains(response, "<td>3</td>", html=False)
        self.assertNotContains(response, reverse("interop-import-confirm", args=[token]))
        token = self._upload(
            "activities",
            ACTIVITIES + "Partner A,NPL,prevention,outreach,child_labour,source,2025-05-01,12\r\n",
        )
        response = self.client.get(reverse("interop-import-preview", args=[token]))
        self.assertContains(response, "1 to create")
        self.assertEqual(Activity.objects.count(), 2)
        response = self.client.post(reverse("interop-import-confirm", args=[token]))
        self.assertRedirects(response, reverse("interop-home"))
        self.assertEqual(Activity.objects.filter(reached_f_child=12).count(), 1)
        event = AuditEvent.objects.get(action="interop.import")
        self.assertEqual((event.actor, event.detail["created"]), (self.alice, 1))
        # The pending file is gone once imported.
        response = self.client.post(reverse("interop-import-confirm", args=[token]))
        self.assertEqual(response.status_code, 404)

    def test_it_rejects_another_partners_rows(self) -> None:
        self.client.force_login(self.charlie)
        text = ACTIVITIES + (
            "Partner B,NPL,prevention,outreach,child_labour,source,2025-05-01,1\r\n"
            "Partner A,NPL,prevention,outreach,child_labour,source,2025-05-01,2\r\n"
        )
        token = self._upload("activities", text)
        response = self.client.get(reverse("interop-import-preview", args=[token]))
        self.assertContains(response, "You may not import activities of Partner A in Nepal.")
        response = self.client.post(reverse("interop-import-confirm", args=[token]))
        self.assertEqual(response.status_code, 422)
        self.assertEqual(Activity.objects.count(), 2)
        self.assertFalse(AuditEvent.objects.filter(action="interop.import").exists())

    def test_it_hides_a_pending_upload_from_other_users(self) -> None:
        self.client.force_login(self.alice)
        token = self._upload("activities", ACTIVITIES)
        self.client.force_login(self.charlie)
        self.assertEqual(
            self.client.get(reverse("interop-import-preview", args=[token])).status_code, 404
        )
        self.assertEqual(
            self.client.post(reverse("interop-import-confirm", args=[token])).status_code, 404
        )

    def test_it_lets_a_coordinator_import_only_in_their_country(self) -> None:
        self.client.force_login(self.zoe)
        token = self._upload(
            "activities",
            ACTIVITIES + "Partner A,NPL,prevention,outreach,child_labour,source,2025-05-01,2\r\n",
        )
        response = self.client.get(reverse("interop-import-preview", args=[token]))
        self.assertContains(response, "You may not import activities of Partner A in Nepal.")
        self.client.force_login(self.nina)
        token = self._upload(
            "activities",
            ACTIVITIES + "Partner A,NPL,prevention,outreach,child_labour,source,2025-05-01,2\r\n",
        )
        response = self.client.post(reverse("interop-import-confirm", args=[token]))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Activity.objects.count(), 3)

    def test_it_explains_an_unreadable_file(self) -> None:
        self.client.force_login(self.nina)
        response = self.client.post(
            reverse("interop-import"),
            {"kind": "organisations", "file": SimpleUploadedFile("x.xlsx", b"not a zip")},
        )
        token = response["Location"].rstrip("/").rsplit("/", 1)[1]
        response = self.client.get(reverse("interop-import-preview", args=[token]))
        self.assertContains(response, "The file cannot be read")
        response = self.client.post(
            reverse("interop-import"), {"kind": "organisations", "file": upload("a", "x.pdf")}
        )
        self.assertContains(response, "must be a .csv, .xlsx or .ods file")

    def test_it_pins_the_query_count_of_the_page(self) -> None:
        self.client.force_login(self.nina)
        self.client.get(reverse("interop-home"))
        # session, user, memberships, two-factor policy, countries, session refresh (3)
        with self.assertNumQueries(8):
            self.client.get(reverse("interop-home"))
        Activity.objects.create(
            organisation=self.foreign_unit,
            intervention_type="policy",
            level="policy",
            country=self.other_country,
            migration_stage="source",
            exploitation_form="child_labour",
            start_date="2025-01-01",
        )
        with self.assertNumQueries(8):
            response = self.client.get(reverse("interop-home"))
        self.assertContains(response, '<option value="MG"', html=False)
