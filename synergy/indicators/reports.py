"""Periodic progress reports of a country, an organisation or a project: each indicator's
baseline, target and actual by half-year, the share of the target reached, the roadmap's
actions (for a country), and the narrative the author writes (achievements, lessons, next
steps); as Excel and as PDF. The figures are those the author may see, small cells suppressed
as on the pages."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font

from synergy.core.models import Country, Organisation, User
from synergy.core.pdf import alignment, unicode_font
from synergy.indicators import selectors
from synergy.indicators.computed import Scope
from synergy.indicators.models import Action, Indicator, Roadmap
from synergy.indicators.periods import ReportingPeriod, periods_in
from synergy.partners.models import Project

NARRATIVE = (
    ("achievements", gettext_noop("Achievements")),
    ("lessons", gettext_noop("Lessons learned")),
    ("next_steps", gettext_noop("Next steps")),
)


@dataclass
class ReportLine:
    indicator: Indicator
    rows: list[selectors.SeriesRow]

    def reached(self, row: selectors.SeriesRow) -> Decimal | None:
        """Actual as a share of the target, in per cent."""
        if row.actual.value is None or not row.target.value:
            return None
        return round(100 * row.actual.value / row.target.value, 1)


@dataclass
class ProgressReport:
    title: str
    scope: Scope
    year: int
    lines: list[ReportLine]
    actions: list[Action] = field(default_factory=list)
    narrative: dict[str, str] = field(default_factory=dict)


def scope_title(scope: Scope) -> str:
    country = Country.objects.get(pk=scope.country_id).local_name
    if scope.organisation_id:
        return f"{Organisation.objects.get(pk=scope.organisation_id).name} · {country}"
    if scope.project_id:
        return f"{Project.objects.get(pk=scope.project_id).code} · {country}"
    return country


def progress_report(
    user: User,
    scope: Scope,
    year: int,
    narrative: dict[str, str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ProgressReport:
    """The report's figures; ``progress(done, total)`` is called after each indicator."""
    periods: list[ReportingPeriod] = periods_in(year, "half-year")
    indicators = list(
        Indicator.objects.filter(Q(country__isnull=True) | Q(country_id=scope.country_id)).order_by(
            "code"
        )
    )
    lines = []
    for done, indicator in enumerate(indicators, start=1):
        lines.append(ReportLine(indicator, selectors.series(user, indicator, scope, periods)))
        if progress is not None:
            progress(done, len(indicators))
    actions: list[Action] = []
    national = not (scope.organisation_id or scope.project_id or scope.area_id)
    roadmap = Roadmap.objects.filter(country_id=scope.country_id).first()
    if national and roadmap is not None:
        actions = list(selectors.roadmap_actions(roadmap))
    title = _("Progress report %(year)s: %(scope)s") % {"year": year, "scope": scope_title(scope)}
    return ProgressReport(title, scope, year, lines, actions, dict(narrative or {}))


def _cell(shown: selectors.Shown) -> str:
    if shown.suppressed:
        return "<5"
    return "" if shown.value is None else f"{shown.value.normalize():f}"


def table_rows(report: ProgressReport) -> list[list[str]]:
    """The indicator table as text: one row per indicator and half-year."""
    out = []
    for line in report.lines:
        for row in line.rows:
            reached = line.reached(row)
            out.append(
                [
                    line.indicator.code,
                    line.indicator.name,
                    row.period.code,
                    _cell(row.baseline),
                    _cell(row.target),
                    _cell(row.actual),
                    "" if reached is None else f"{reached} %",
                ]
            )
    return out


def _headers() -> list[str]:
    return [
        _("Code"),
        _("Indicator"),
        _("Period"),
        _("Baseline"),
        _("Target"),
        _("Actual"),
        _("Reached"),
    ]


def report_xlsx(report: ProgressReport) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Indicators")[:31]
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(_headers())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table_rows(report):
        sheet.append(row)
    if report.actions:
        actions = book.create_sheet(_("Roadmap")[:31])
        actions.append([_("Action"), _("Status"), _("Due date"), _("Overdue")])
        for action in report.actions:
            actions.append(
                [
                    action.title,
                    str(action.get_status_display()),
                    action.due_on,
                    _("yes") if action.is_overdue() else "",
                ]
            )
    narrative = book.create_sheet(_("Narrative")[:31])
    for key, label in NARRATIVE:
        narrative.append([_(label), report.narrative.get(key, "")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_pdf(report: ProgressReport) -> bytes:
    pdf = FPDF(format="A4", orientation="landscape")
    pdf.set_margins(14, 14, 14)
    pdf.set_auto_page_break(True, margin=14)
    family, text = unicode_font(pdf)

    def paragraph(height: float, value: object) -> None:
        line = text(value)
        pdf.multi_cell(0, height, line, align=alignment(line), new_x="LMARGIN", new_y="NEXT")

    pdf.set_title(text(report.title))
    pdf.add_page()
    pdf.set_font(family, "B", 15)
    paragraph(8, report.title)
    pdf.ln(2)
    for key, label in NARRATIVE:
        body = report.narrative.get(key, "").strip()
        if body:
            pdf.set_font(family, "B", 11)
            paragraph(6, _(label))
            pdf.set_font(family, "", 10)
            paragraph(5, body)
            pdf.ln(1)
    pdf.set_font(family, "B", 11)
    paragraph(7, _("Indicators"))
    pdf.set_font(family, "", 8)
    widths = (40, 95, 20, 25, 25, 25, 25)
    with pdf.table(col_widths=widths, text_align="LEFT", first_row_as_headings=True) as table:
        for values in [_headers(), *table_rows(report)]:
            cells = table.row()
            for value in values:
                cells.cell(text(value))
    if report.actions:
        pdf.ln(3)
        pdf.set_font(family, "B", 11)
        paragraph(7, _("Roadmap"))
        pdf.set_font(family, "", 9)
        for action in report.actions:
            due = f" · {action.due_on:%Y-%m-%d}" if action.due_on else ""
            late = f" · {_('overdue')}" if action.is_overdue() else ""
            paragraph(5, f"{action.title} ({action.get_status_display()}{due}{late})")
    return bytes(pdf.output())
