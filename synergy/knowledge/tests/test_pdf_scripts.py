"""The PDF brief writes right-to-left scripts as they are read: Arabic shaped by HarfBuzz (joined
letters, runs in reading order) and its paragraphs aligned right."""

from __future__ import annotations

from django.urls import reverse
from fpdf import FPDF

from synergy.core import pdf
from synergy.knowledge.tests.helpers import KnowledgeTestCase

TITLE = "برنامج المدارس الصديقة للطفل في نيبال"


class PdfScriptTests(KnowledgeTestCase):
    def test_a_paragraph_is_aligned_by_its_first_letter(self) -> None:
        self.assertEqual(pdf.alignment(TITLE), "R")
        self.assertEqual(pdf.alignment("(2024) " + TITLE), "R")  # digits are neutral
        self.assertEqual(pdf.alignment("School committees"), "L")
        self.assertEqual(pdf.alignment("Status: منشور"), "L")
        self.assertEqual(pdf.alignment(""), "L")

    def test_the_unicode_font_shapes_text_and_the_fallback_does_not(self) -> None:
        document = FPDF()
        family, text = pdf.unicode_font(document)
        has_font = any((folder / "DejaVuSans.ttf").exists() for folder in pdf.FONT_DIRS)
        self.assertEqual(
            (family, text("“يا”")), ("DejaVu", "“يا”") if has_font else ("Helvetica", '"??"')
        )
        # Shaping needs uharfbuzz (a dependency): without it unicode_font would have raised.
        self.assertEqual(bool(document.text_shaping), has_font)

    def test_an_arabic_practice_gives_a_brief(self) -> None:
        practice = self.practice(title=TITLE, background="الأطفال يتركون المدرسة وقت الحصاد.")
        self.client.force_login(self.alice)
        response = self.client.get(reverse("knowledge-practice-pdf", args=[practice.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))
