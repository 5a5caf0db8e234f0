"""A good practice as a printable PDF brief (fpdf2, pure Python).

Uses DejaVu Sans when the system has it (any script the font covers), with text shaping by
HarfBuzz (uharfbuzz): Arabic letters joined and right-to-left runs in reading order, and a
paragraph that starts in a right-to-left script aligned right. Without the font, the PDF core
font Helvetica, with characters outside Latin-1 replaced, so the download always works.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from fpdf import FPDF

from synergy.knowledge.models import GoodPractice

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
_REPLACEMENTS = {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "•": "-"}


def _font(pdf: FPDF) -> tuple[str, bool]:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            pdf.set_text_shaping(True)
            return "DejaVu", True
    return "Helvetica", False


def alignment(text: str) -> str:
    """The alignment of a paragraph: "R" when its first letter is of a right-to-left script."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return "L"


def practice_pdf(practice: GoodPractice, *, url: str, context: dict[str, Any]) -> bytes:
    """``context`` carries what the page computed: countries by role, themes, criteria."""
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    family, unicode_ok = _font(pdf)

    def text(value: object) -> str:
        out = str(value)
        if unicode_ok:
            return out
        for old, new in _REPLACEMENTS.items():
            out = out.replace(old, new)
        return out.encode("latin-1", "replace").decode("latin-1")

    def paragraph(height: float, value: object) -> None:
        line = text(value)
        pdf.multi_cell(0, height, line, align=alignment(line), new_x="LMARGIN", new_y="NEXT")

    pdf.set_title(text(practice.title))
    pdf.set_author(text(practice.author.get_full_name() or practice.author.get_username()))
    pdf.add_page()
    pdf.set_font(family, "B", 16)
    paragraph(8, practice.title)
    pdf.ln(2)
    pdf.set_font(family, "", 9)
    meta = [
        f"{_('Status')}: {practice.get_status_display()}",
        *(f"{label}: {names}" for label, names in context.get("country_lines", []) if names),
        *([f"{_('Themes')}: {context['themes']}"] if context.get("themes") else []),
        *([f"{_('Regions')}: {context['regions']}"] if context.get("regions") else []),
        *(
            [f"{_('Last verified')}: {practice.last_verified:%Y-%m-%d}"]
            if practice.last_verified
            else []
        ),
        url,
    ]
    for line in meta:
        paragraph(5, line)
    pdf.ln(3)
    blocks: list[tuple[str, str]] = []
    if practice.summary:
        blocks.append((str(_("Summary")), practice.summary))
    blocks += [(str(label).capitalize(), body) for _f, label, body in practice.sections()]
    for heading, body in blocks:
        pdf.set_font(family, "B", 12)
        paragraph(7, heading)
        pdf.set_font(family, "", 10)
        for paragraph_text in body.split("\n"):
            if paragraph_text.strip():
                paragraph(5, paragraph_text.strip())
                pdf.ln(1)
        pdf.ln(2)
    criteria = context.get("criteria") or []
    if criteria:
        pdf.set_font(family, "B", 12)
        paragraph(7, _("Assessment against the IPEC criteria"))
        pdf.set_font(family, "", 10)
        for label, score, evidence in criteria:
            line = f"{label}: {score}/3" + (f" — {evidence}" if evidence else "")
            paragraph(5, line)
    return bytes(pdf.output())
