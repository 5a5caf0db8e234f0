"""A country's progress report as PDF and Excel: the same figures as the pages, the narrative
the author wrote, the roadmap's overdue actions; a partner's report only for its members."""

from __future__ import annotations

import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from synergy.indicators.models import Action, Roadmap
from synergy.indicators.tests.personas import IndicatorsCase


class ProgressReportTests(IndicatorsCase):
    def setUp(self) -> None:
        super().setUp()
        roadmap = Roadmap.objects.create(country=self.country)
        Action.objects.create(
            roadmap=roadmap,
            title="Form provincial committees",
            due_on=timezone.localdate() - timedelta(days=3),
        )
        self.client.force_login(self.nina)
        self.url = reverse("indicators-report") + "?country=NP&year=2025"
        self.narrative = {
            "achievements": "Three children back in school.",
            "lessons": "Visit after harvest.",
        }

    def test_the_excel_report_has_the_figures_the_actions_and_the_narrative(self) -> None:
        response = self.client.post(self.url, {**self.narrative, "format": "xlsx"})
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="progress-np-2025.xlsx"'
        )
        book = load_workbook(io.BytesIO(response.content))
        rows = [list(r) for r in book["Indicators"].iter_rows(min_row=3, values_only=True)]
        by_key = {(r[0], r[2]): r for r in rows}
        withdrawn = by_key[("clms-withdrawn", "2025-S1")]
        target = by_key[("targets-withdraw", "2025-S1")]
        self.assertEqual((withdrawn[5], target[5]), ("3", "3"))
        self.assertEqual(by_key[("withdrawn-rate", "2025-S1")][5], "100")  # 3 of 3 in the country
        self.assertEqual(
            [r[0] for r in book["Roadmap"].iter_rows(min_row=2, values_only=True)],
            ["Form provincial committees"],
        )
        narrative = dict(book["Narrative"].iter_rows(values_only=True))
        self.assertEqual(narrative["Achievements"], "Three children back in school.")

    def test_the_pdf_report_reads_as_the_page(self) -> None:
        response = self.client.post(self.url, {**self.narrative, "format": "pdf"})
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
        for expected in (
            "Progress report 2025: Nepal",
            "Three children back in school.",
            "clms-withdrawn",
            "2025-S1",
            "Form provincial committees",
            "overdue",
        ):
            self.assertIn(expected, text)

    def test_a_partners_report_is_its_own(self) -> None:
        url = (
            reverse("indicators-report") + f"?country=NP&organisation={self.partner_a.pk}&year=2025"
        )
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.alice)
        page = self.client.get(url)
        self.assertContains(page, "Partner A")
        self.assertEqual(page.context["report"].actions, [])  # roadmaps are the country's
