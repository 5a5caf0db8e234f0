"""The approved indicator values of a project join its IATI activity as results (baselines,
then targets and actuals per period, with their breakdown as dimensions), and the file still
validates against the official schema; drafts stay out."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from synergy.indicators import services
from synergy.indicators.computed import Scope
from synergy.indicators.services import Figure
from synergy.interop import iati
from synergy.interop.tests.factories import IATI_SCHEMA, InteropTestCase
from synergy.partners.models import Project


class IndicatorResultsTests(InteropTestCase):
    def test_approved_values_become_a_valid_result(self) -> None:
        services.ensure_builtin_dimensions()
        indicator = services.indicator_create(
            actor=self.root,
            code="bridge-classes",
            name="Children in bridge classes",
            dimensions=["sex"],
        )
        scope = Scope("NP", project_id=self.project.pk)
        for kind, period, dis, value, approve in (
            ("baseline", "2025", {}, "0", True),
            ("target", "2026", {"sex": "F"}, "40", True),
            ("actual", "2026", {"sex": "F"}, "31", True),
            ("actual", "2026", {"sex": "M"}, "29", False),  # a draft: not published
        ):
            row = services.value_enter(
                actor=self.nina, figure=Figure(indicator, kind, period, scope, dis, Decimal(value))
            )
            if approve:
                services.value_submit(actor=self.nina, value=row)
                services.value_approve(actor=self.nina, value=row)
        xml = iati.activities_xml(Project.objects.all()).xml
        schema = etree.XMLSchema(etree.parse(str(IATI_SCHEMA)))
        document = etree.fromstring(xml)
        self.assertTrue(schema.validate(document), schema.error_log)
        result = next(
            r
            for r in document.iter("result")
            if r.findtext("title/narrative") == "Children in bridge classes"
        )
        element = result.find("indicator")
        assert element is not None
        self.assertEqual(element.get("measure"), "1")
        self.assertEqual([b.get("value") for b in element.findall("baseline")], ["0"])
        (period,) = element.findall("period")
        self.assertEqual(period.find("period-start").get("iso-date"), "2026-01-01")
        self.assertEqual(
            [
                (f.tag, f.get("value"), f.find("dimension").get("value"))
                for f in period
                if f.tag in ("target", "actual")
            ],
            [("target", "40", "F"), ("actual", "31", "F")],
        )
