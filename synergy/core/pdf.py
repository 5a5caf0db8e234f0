"""What every PDF Synergy writes shares (fpdf2, pure Python): a font that covers the five
languages, with HarfBuzz text shaping (uharfbuzz) so that Arabic letters join and
right-to-left runs read in order, and text that degrades to Latin-1 when no such font exists
on the system, so that a download always works."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

from fpdf import FPDF

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
_REPLACEMENTS = {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "•": "-"}


def unicode_font(pdf: FPDF) -> tuple[str, Callable[[object], str]]:
    """The font family to use and the function that makes text printable in it: DejaVu Sans
    when the system has it, else the core font Helvetica with characters outside Latin-1
    replaced."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            pdf.set_text_shaping(True)
            return "DejaVu", str

    def latin1(value: object) -> str:
        out = str(value)
        for old, new in _REPLACEMENTS.items():
            out = out.replace(old, new)
        return out.encode("latin-1", "replace").decode("latin-1")

    return "Helvetica", latin1


def alignment(text: str) -> str:
    """The alignment of a paragraph: "R" when its first letter is of a right-to-left script."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return "L"
