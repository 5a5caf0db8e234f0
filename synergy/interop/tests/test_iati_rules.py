"""The IATI export against the IATI Standard's ruleset (shipped unchanged, evaluated by
``iati_rules``), rule by rule, and the edge cases where an export used to invent values: no
country, no currency, no dates, untrimmed identifiers, an unregistered reporting organisation,
a budget over several years."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.management import call_command
from lxml import etree

from synergy.interop import iati, iati_rules
from synergy.interop.tests.factories import InteropTestCase
from synergy.partners.models import Project, ProjectParticipant

ACTIVITY = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03"><iati-activity default-currency="USD" xml:lang="en">
<iati-identifier>{identifier}</iati-identifier>
<reporting-org ref="{ref}" type="10"><narrative>Unit</narrative></reporting-org>
<activity-date iso-date="2025-01-01" type="1"/>
{countries}
<sector vocabulary="1" code="16070"/>
<budget type="1" status="1"><period-start iso-date="{start}"/><period-end iso-date="{end}"/>
<value value-date="{start}">10</value></budget>
</iati-activity></iati-activities>"""


def broken(**values: str) -> bytes:
    defaults = {
        "identifier": "NP-GOV-0042-P1",
        "ref": "NP-GOV-0042",
        "countries": '<recipient-country code="NP"/>',
        "start": "2025-01-01",
        "end": "2025-12-31",
    }
    return ACTIVITY.format(**(defaults | values)).encode()


def failed(xml: bytes) -> set[str]:
    return {f.rule for f in iati_rules.check(xml)[0]}


class RulesetTest(InteropTestCase):
    def export(self) -> iati.IatiExport:
        return iati.activities_xml(Project.objects.all())

    def test_the_export_breaks_no_rule(self) -> None:
        result = self.export()
        self.assertEqual(result.count, 1)
        failures, not_run = iati_rules.check(result.xml)
        self.assertEqual([str(f) for f in failures], [])
        self.assertEqual(not_run, [])  # every activity rule of the ruleset ran
        # The checks the issue names ran: identifiers, geography, budgets, results.
        for rule in (
            "1.1.3",
            "1.1.21",
            "1.14.8",
            "1.3.1",
            "3.1.2",
            "3.7.1",
            "7.5.3",
            "7.8.1",
            "8.6.3",
            "8.8.1",
            "8.9.1",
        ):
            self.assertNotIn(rule, not_run)

    def test_each_rule_catches_what_it_is_about(self) -> None:
        self.assertEqual(failed(broken()), set())
        self.assertIn("7.5.3", failed(broken(end="2026-12-31")))  # a two-year budget
        self.assertIn("8.6.3", failed(broken(start="2025-06-01", end="2025-01-01")))
        self.assertIn("1.3.1", failed(broken(identifier=" NP-GOV-0042-P1 ")))
        self.assertIn("1.1.21", failed(broken(identifier="P1")))
        self.assertIn("1.1.3", failed(broken(identifier="NP-GOV-0042")))
        self.assertIn("1.14.8", failed(broken(ref="XX-SYNERGY-7", identifier="XX-SYNERGY-7-P1")))
        self.assertIn("3.7.1", failed(broken(countries="")))
        two = '<recipient-country code="NP" percentage="60"/><recipient-country code="IN" percentage="30"/>'
        self.assertIn("3.1.2", failed(broken(countries=two)))
        no_currency = broken().replace(b' default-currency="USD"', b"")
        self.assertIn("7.8.1", failed(no_currency))
        # A loop rule: percentages of the sectors of one (non-DAC) vocabulary add up to 100.
        sectors = (
            '<recipient-country code="NP"/><sector vocabulary="99" code="A" percentage="60"/>'
            '<sector vocabulary="99" code="B" percentage="30"/>'
        )
        self.assertIn("2.1.2", failed(broken(countries=sectors)))

    def test_a_budget_over_several_years_is_one_budget_per_year(self) -> None:
        Project.objects.filter(pk=self.project.pk).update(
            budget_period_start=dt.date(2025, 3, 1), budget_period_end=dt.date(2027, 6, 30)
        )
        root = etree.fromstring(self.export().xml)
        budgets = root.findall("iati-activity/budget")
        self.assertEqual(
            [
                (b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date"))
                for b in budgets
            ],
            [
                ("2025-03-01", "2025-12-31"),
                ("2026-01-01", "2026-12-31"),
                ("2027-01-01", "2027-06-30"),
            ],
        )
        values = [Decimal(b.findtext("value")) for b in budgets]
        self.assertEqual(sum(values), Decimal("250000.00"))
        self.assertEqual(values[1], (Decimal(250000) * 365 / 852).quantize(Decimal("0.01")))
        self.assertEqual(
            [b.find("value").get("value-date") for b in budgets],
            ["2025-03-01", "2026-01-01", "2027-01-01"],
        )
        self.assertEqual(failed(self.export().xml), set())

    def test_a_quarterly_project_has_one_budget_per_quarter(self) -> None:
        Project.objects.filter(pk=self.project.pk).update(
            budget_period_start=dt.date(2025, 2, 15),
            budget_period_end=dt.date(2026, 1, 31),
            budget_interval="quarter",
        )
        root = etree.fromstring(self.export().xml)
        budgets = root.findall("iati-activity/budget")
        self.assertEqual(
            [
                (b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date"))
                for b in budgets
            ],
            [
                ("2025-02-15", "2025-03-31"),
                ("2025-04-01", "2025-06-30"),
                ("2025-07-01", "2025-09-30"),
                ("2025-10-01", "2025-12-31"),
                ("2026-01-01", "2026-01-31"),
            ],
        )
        self.assertEqual(sum(Decimal(b.findtext("value")) for b in budgets), Decimal("250000.00"))
        self.assertEqual(failed(self.export().xml), set())
        self.assertEqual(iati.schema_errors(self.export().xml), [])

    def test_nothing_is_invented(self) -> None:
        Project.objects.filter(pk=self.project.pk).update(budget_currency="")
        result = self.export()
        root = etree.fromstring(result.xml)
        act = root.find("iati-activity")
        assert act is not None
        self.assertIsNone(act.get("default-currency"))
        self.assertEqual(act.findall("budget"), [])
        self.assertEqual(result.reasons["NP-CL-01"], ["budget left out: it has no currency"])
        self.assertEqual(failed(result.xml), set())

    def test_projects_without_country_dates_or_registered_reporter_are_listed(self) -> None:
        cases = {
            "NO-COUNTRY": "no recipient country",
            "NO-DATES": "no start date",
            "NO-ID": "has no IATI organisation identifier",
        }
        for code in cases:
            project = Project.objects.create(
                code=code,
                title=code,
                start_date=None if code == "NO-DATES" else dt.date(2025, 1, 1),
            )
            if code != "NO-COUNTRY":
                project.countries.add(self.country)
            lead = self.partner_b if code == "NO-ID" else self.unit
            ProjectParticipant.objects.create(project=project, organisation=lead, role="lead")
        result = self.export()
        self.assertEqual(sorted(result.skipped), sorted(cases))
        for code, reason in cases.items():
            self.assertIn(reason, " ".join(result.reasons[code]))
        out, err = io.StringIO(), io.StringIO()
        call_command("interop", "export-iati", stdout=out, stderr=err)
        self.assertIn("NO-COUNTRY skipped: no recipient country", err.getvalue())

    def test_identifiers_are_trimmed(self) -> None:
        Project.objects.filter(pk=self.project.pk).update(iati_identifier="  NP-GOV-0042-X1 ")
        self.unit.iati_identifier = " NP-GOV-0042 "
        self.unit.save()
        root = etree.fromstring(self.export().xml)
        self.assertEqual(root.findtext("iati-activity/iati-identifier"), "NP-GOV-0042-X1")
        self.assertEqual(root.xpath("iati-activity/reporting-org/@ref"), ["NP-GOV-0042"])
