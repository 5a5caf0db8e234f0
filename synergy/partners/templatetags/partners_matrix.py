"""The organisation links of one matrix cell, built in Python: up to 384 links per page, which
the template language renders several times slower (a measurable share of the matrix page)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from synergy.partners.selectors import MatrixCell

register = template.Library()


@register.simple_tag
def matrix_cell_organisations(cell: MatrixCell, organisation_url: str) -> SafeString:
    """``<ul class="matrix-orgs">`` with one badge link per organisation shown in the cell."""
    items = format_html_join(
        "",
        '<li><a class="badge text-bg-light border" href="{}{}/" title="{}">{}</a></li>',
        (
            (organisation_url, org.pk, org.name, org.acronym or org.name)
            for org in cell.organisations
        ),
    )
    return format_html('<ul class="matrix-orgs">{}</ul>', items)
