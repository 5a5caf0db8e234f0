from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree

from synergy.interop import iati
from synergy.interop.tests.factories import IATI_SCHEMA, InteropTestCase
from synergy.partners.models import Project


class IatiExportTest(InteropTestCase):
    def _export(self, **filters: object) -> etree._Element:
        result = iati.activities_xml(
            Project.objects.filter(**filters),
            generated=dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC),
        )
        return etree.fromstring(result.xml)

    def test_it_validates_against_the_official_schema(self) -> None:
        self.assertTrue(IATI_SCHEMA.is_file(), IATI_SCHEMA)
        schema = etree.XMLSchema(etree.parse(str(IATI_SCHEMA)))
        root = self._export()
        schema.assertValid(root)

    def test_it_ships_the_schema_and_its_licence_in_the_package(self) -> None:
        folder = iati.schema_path().parent
        self.assertTrue(folder.is_relative_to(Path(iati.__file__).parent), folder)
        for name in ("iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd", "NOTICE.md"):
            self.assertTrue((folder / name).is_file(), name)
        self.assertIn("Creative Commons", (folder / "NOTICE.md").read_text())

    def test_it_names_the_line_of_each_schema_error(self) -> None:
        result = iati.activities_xml(Project.objects.all())
        self.assertEqual(iati.schema_errors(result.xml), [])
        broken = result.xml.replace(b"<iati-identifier>", b"<iati-identifyer>", 1).replace(
            b"</iati-identifier>", b"</iati-identifyer>", 1
        )
        errors = iati.schema_errors(broken)
        self.assertTrue(errors)
        self.assertRegex(errors[0], r"^line \d+: .*iati-identifyer")
        self.assertEqual(len(iati.schema_errors(b"<not xml")), 1)
        self.assertIn("not well-formed", iati.schema_errors(b"<not xml")[0])

    def test_it_writes_the_expected_values(self) -> None:
        root = self._export()
        self.assertEqual(root.get("version"), "2.03")
        self.assertEqual(root.get("generated-datetime"), "2026-01-15T09:30:00+00:00")
        act = root.find("iati-activity")
        assert act is not None
        ref = "NP-GOV-0042"
        self.assertEqual(act.findtext("iati-identifier"), f"{ref}-NP-CL-01")
        self.assertEqual(act.xpath("reporting-org/@ref"), [ref])
        self.assertEqual(act.xpath("reporting-org/@type"), ["10"])
        roles = {
            (p.get("role"), p.get("type"), p.get("ref"), p.findtext("narrative"))
            for p in act.findall("participating-org")
        }
        self.assertEqual(
            roles,
            {
                ("1", "60", "GB-CHC-123456", "Fund for Children"),
                ("2", "10", "NP-GOV-0042", "Child Labour Unit"),
                ("4", "22", "NP-SWC-1001", "Partner A"),
            },
        )
        self.assertEqual(act.xpath("activity-status/@code"), ["2"])
        self.assertEqual(
            [(d.get("type"), d.get("iso-date")) for d in act.findall("activity-date")],
            # Planned dates only: Synergy records no actual dates, and invents none.
            [("1", "2025-01-01"), ("3", "2027-12-31")],
        )
        self.assertEqual(
            [(c.get("code"), c.get("percentage")) for c in act.findall("recipient-country")],
            [("IN", "50.00"), ("NP", "50.00")],
        )
        self.assertEqual(act.xpath("sector[@vocabulary='1']/@code"), ["16070"])
        self.assertEqual(act.xpath("tag[@vocabulary='3']/@code"), ["8.7"])
        self.assertEqual(act.xpath("budget/value/text()"), ["250000.00"])
        self.assertEqual(act.xpath("budget/value/@currency"), ["USD"])
        self.assertEqual(act.xpath("budget/period-end/@iso-date"), ["2025-12-31"])
        withdrawn = act.xpath(
            "result[@type='1'][title/narrative='Children withdrawn from child labour']/indicator"
        )
        self.assertEqual(len(withdrawn), 1)
        self.assertEqual(
            withdrawn[0].xpath("period/target[dimension[@name='sex'][@value='F']]/@value"), ["120"]
        )
        self.assertEqual(
            withdrawn[0].xpath("period/target[dimension[@name='sex'][@value='M']]/@value"), ["80"]
        )
        self.assertEqual(withdrawn[0].xpath("baseline/@value"), ["0", "0"])
        self.assertEqual(withdrawn[0].xpath("baseline/@year"), ["2025", "2025"])
        prevented = act.xpath(
            "result/indicator[title/narrative='Children prevented from entering child labour']"
        )
        self.assertEqual(prevented[0].xpath("period/target/@value"), ["300", "250"])
        self.assertEqual(prevented[0].xpath("baseline"), [])

    def test_it_fails_validation_when_the_order_is_wrong(self) -> None:
        # Guards the guard: the schema does reject a misplaced element.
        schema = iati.load_schema(IATI_SCHEMA)
        root = self._export()
        act = root.find("iati-activity")
        assert act is not None
        status = act.find("activity-status")
        assert status is not None
        act.remove(status)
        act.append(status)
        self.assertFalse(schema.validate(root))

    def test_it_skips_a_project_without_organisations(self) -> None:
        Project.objects.create(code="EMPTY", title="No partners yet").countries.add(self.country)
        result = iati.activities_xml(Project.objects.all())
        self.assertEqual(result.count, 1)
        self.assertEqual(result.skipped, ["EMPTY"])
        self.assertEqual(result.reasons["EMPTY"], ["no participating organisation"])
        iati.load_schema(IATI_SCHEMA).assertValid(etree.fromstring(result.xml))
