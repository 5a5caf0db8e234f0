"""Pages: creating a project with its targets through the form, the project page's totals,
the partnership form with parties, document upload, list filters and htmx fragments."""

from __future__ import annotations

import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from synergy.core.models import AuditEvent
from synergy.partners.models import Partnership, Project
from synergy.partners.tests.factories import make_activity, make_partnership, make_project
from synergy.testing import BaseTestCase


class ProjectPageTests(BaseTestCase):
    def test_it_creates_a_project_with_targets_per_partner_from_the_form(self) -> None:
        self.client.force_login(self.nina)
        response = self.client.post(
            reverse("partners-project-create"),
            {
                "code": "NP-CL-9",
                "title": "Out of the kilns",
                "status": "2",
                "countries": ["NP"],
                "service_types": ["education", "legal_aid"],
                "budget_currency": "USD",
                "participants-TOTAL_FORMS": "3",
                "participants-INITIAL_FORMS": "0",
                "participants-0-organisation": str(self.unit.pk),
                "participants-0-role": "lead",
                "participants-1-organisation": str(self.partner_a.pk),
                "participants-1-role": "implementing",
                "participants-1-share_percent": "60",
                "participants-1-share_basis": "targets",
                "participants-2-organisation": "",
                "targets-TOTAL_FORMS": "2",
                "targets-INITIAL_FORMS": "0",
                "targets-0-organisation": str(self.partner_a.pk),
                "targets-0-withdraw_F": "30",
                "targets-0-withdraw_M": "25",
                "targets-0-prevent_F": "10",
                "targets-1-organisation": str(self.unit.pk),
                "targets-1-prevent_M": "7",
            },
        )
        project = Project.objects.get(code="NP-CL-9")
        self.assertRedirects(response, reverse("partners-project-detail", args=[project.pk]))
        self.assertEqual(
            sorted(project.targets.values_list("organisation__acronym", "kind", "sex", "number")),
            [
                ("", "prevent", "M", 7),
                ("PA", "prevent", "F", 10),
                ("PA", "withdraw", "F", 30),
                ("PA", "withdraw", "M", 25),
            ],
        )
        self.assertEqual(project.service_types, ["education", "legal_aid"])

        page = self.client.get(reverse("partners-project-detail", args=[project.pk]))
        self.assertContains(page, '<td class="text-end" data-total="withdraw">55</td>', html=False)
        self.assertContains(page, '<td class="text-end" data-total="prevent">17</td>', html=False)
        self.assertContains(page, '<td class="text-end" data-total="all">72</td>', html=False)

    def test_it_prefills_the_target_rows_when_editing(self) -> None:
        project = make_project(
            "P-E",
            self.country,
            implementing=[self.partner_a],
            targets=[(self.partner_a, "withdraw", "F", 11), (self.partner_a, "prevent", "M", 4)],
        )
        self.client.force_login(self.alice)
        page = self.client.get(reverse("partners-project-edit", args=[project.pk]))
        self.assertContains(page, 'name="targets-0-withdraw_F" value="11"')
        self.assertContains(page, 'name="targets-0-prevent_M" value="4"')
        self.assertContains(page, 'name="version" value="1"')

    def test_it_shows_form_errors_instead_of_saving_a_target_for_a_non_implementer(self) -> None:
        self.client.force_login(self.nina)
        response = self.client.post(
            reverse("partners-project-create"),
            {
                "code": "BAD",
                "title": "Bad",
                "status": "1",
                "countries": ["NP"],
                "budget_currency": "USD",
                "participants-TOTAL_FORMS": "1",
                "participants-INITIAL_FORMS": "0",
                "participants-0-organisation": str(self.unit.pk),
                "participants-0-role": "lead",
                "targets-TOTAL_FORMS": "1",
                "targets-INITIAL_FORMS": "0",
                "targets-0-organisation": str(self.partner_b.pk),
                "targets-0-withdraw_F": "3",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "neither leads nor implements")
        self.assertFalse(Project.objects.filter(code="BAD").exists())

    def test_it_filters_the_project_list_and_serves_the_htmx_fragment(self) -> None:
        make_project("EDU-1", self.country, service_types=["education"])
        make_project("LEG-1", self.country, service_types=["legal_aid"])
        self.client.force_login(self.bob)
        response = self.client.get(
            reverse("partners-project-list") + "?service=legal_aid",
            headers={"HX-Request": "true", "HX-Target": "results"},
        )
        self.assertContains(response, "LEG-1")
        self.assertNotContains(response, "EDU-1")
        self.assertNotContains(response, "<html")
        self.assertIn("HX-Request", response["Vary"])


class PartnershipPageTests(BaseTestCase):
    def test_it_records_a_partnership_with_parties_and_focal_points(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("partners-partnership-create"),
            {
                "title": "Forum",
                "kind": "national_forum",
                "status": "active",
                "countries": ["NP"],
                "parties-TOTAL_FORMS": "2",
                "parties-INITIAL_FORMS": "0",
                "parties-0-organisation": str(self.partner_a.pk),
                "parties-0-role": "lead",
                "parties-0-responsibilities": "Convenes",
                "parties-1-organisation": str(self.unit.pk),
                "parties-1-role": "technical",
                "focal-TOTAL_FORMS": "1",
                "focal-INITIAL_FORMS": "0",
                "focal-0-organisation": str(self.partner_a.pk),
                "focal-0-name": "Mina",
                "focal-0-email": "mina@example.org",
            },
        )
        partnership = Partnership.objects.get(title="Forum")
        self.assertRedirects(
            response, reverse("partners-partnership-detail", args=[partnership.pk])
        )
        self.assertEqual(partnership.parties.count(), 2)
        page = self.client.get(reverse("partners-partnership-detail", args=[partnership.pk]))
        self.assertContains(page, "Convenes")
        self.assertContains(page, "mina@example.org")

    def test_it_uploads_and_serves_documents_to_members_only(self) -> None:
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media)
        partnership = make_partnership("MoU", self.country, [(self.partner_a, "lead")])
        with override_settings(MEDIA_ROOT=media):
            self.client.force_login(self.charlie)
            upload = SimpleUploadedFile("mou.pdf", b"%PDF-1.4 signed", "application/pdf")
            url = reverse("partners-partnership-document-upload", args=[partnership.pk])
            self.assertEqual(
                self.client.post(url, {"title": "Signed", "file": upload}).status_code, 404
            )
            self.client.force_login(self.alice)
            upload = SimpleUploadedFile("mou.pdf", b"%PDF-1.4 signed", "application/pdf")
            self.client.post(url, {"title": "Signed MoU", "file": upload})
            document = partnership.documents.get()
            self.assertTrue(document.file.name.startswith("partners/documents/"))
            response = self.client.get(
                reverse(
                    "partners-partnership-document-download", args=[partnership.pk, document.pk]
                )
            )
            self.assertEqual(b"".join(response.streaming_content), b"%PDF-1.4 signed")  # type: ignore[attr-defined]
            self.assertTrue(AuditEvent.objects.filter(action="document_view").exists())
            self.client.logout()
            response = self.client.get(
                reverse(
                    "partners-partnership-document-download", args=[partnership.pk, document.pk]
                )
            )
            self.assertEqual(response.status_code, 302)


class ActivityPageTests(BaseTestCase):
    def test_it_edits_an_activity_through_the_form(self) -> None:
        activity = make_activity(self.partner_a, title="Before")
        self.client.force_login(self.alice)
        url = reverse("partners-activity-edit", args=[activity.pk])
        form = self.client.get(url).context["form"]
        data = {k: ("" if v is None else v) for k, v in form.initial.items()}
        data.update(title="After", reached_f_child=5, version=1)
        response = self.client.post(url, data)
        self.assertRedirects(response, reverse("partners-activity-detail", args=[activity.pk]))
        activity.refresh_from_db()
        self.assertEqual(
            (activity.title, activity.reached_f_child, activity.version), ("After", 5, 2)
        )
