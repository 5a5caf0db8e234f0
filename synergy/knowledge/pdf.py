"""A good practice as a printable PDF brief (fonts and right-to-left text: ``core.pdf``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from fpdf import FPDF

from synergy.core.pdf import alignment, unicode_font
from synergy.knowledge.models import GoodPractice


def practice_pdf(practice: GoodPractice, *, url: str, context: dict[str, Any]) -> bytes:
    """``context`` carries what the page computed: countries by role, themes, criteria."""
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    family, text = unicode_font(pdf)

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
