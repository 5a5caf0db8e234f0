from __future__ import annotations

import io

import hxl
from openpyxl import load_workbook

from synergy.core.models import AuditEvent
from synergy.interop import services
from synergy.interop.tests.factories import InteropTestCase


def parse(content: bytes) -> hxl.model.Dataset:
    return hxl.data(io.BytesIO(content), hxl.InputOptions(allow_local=True)).cache()


class HxlExportTest(InteropTestCase):
    def test_it_exports_activities_that_libhxl_reads(self) -> None:
        export = services.export_table(actor=self.alice, kind="activities", file_format="csv")
        data = parse(export.content)
        self.assertIn("#reached+f+children", data.display_tags)
        self.assertEqual(data.headers[0], "Organisation")
        rows = sorted(data, key=lambda r: r.get("#date+start"))
        self.assertEqual(len(rows), 2)
        first = rows[0]
        self.assertEqual(first.get("#org+name"), "Partner A")
        self.assertEqual(first.get("#country+code"), "NPL")
        self.assertEqual(first.get("#adm1+code"), "NP-P3")
        self.assertEqual(first.get("#adm2+code"), "NP-P3-27")
        self.assertEqual(first.get("#adm2+name"), "Kathmandu")
        self.assertEqual(first.get("#reached+f+children"), "40")
        self.assertEqual(first.get("#reached+m+children"), "35")
        self.assertEqual(first.get("#activity+project+code"), "NP-CL-01")
        self.assertEqual(first.get("#sector"), "child_labour")
        self.assertEqual(first.get("#date+start"), "2025-02-01")
        self.assertEqual(rows[1].get("#activity+type"), "policy")
        self.assertEqual(rows[1].get("#date+end"), "2025-06-30")

    def test_it_exports_projects_and_organisations(self) -> None:
        projects = parse(
            services.export_table(actor=self.nina, kind="projects", file_format="csv").content
        )
        (row,) = list(projects)
        self.assertEqual(row.get("#activity+code"), "NP-CL-01")
        self.assertEqual(row.get("#status"), "2")
        self.assertEqual(row.get("#country+code"), "IND;NPL")
        self.assertEqual(row.get("#org+prog+name"), "Child Labour Unit")
        self.assertEqual(row.get("#org+funder+name"), "Fund for Children")
        self.assertEqual(row.get("#value"), "250000.00")
        self.assertEqual(row.get("#currency"), "USD")
        self.assertEqual(row.get("#targeted+f+children+withdraw"), "120")
        orgs = parse(
            services.export_table(
                actor=self.nina, kind="organisations", file_format="csv", country="NP"
            ).content
        )
        by_name = {r.get("#org+name"): r for r in orgs}
        self.assertEqual(set(by_name), {"Partner A", "Partner B", "Child Labour Unit"})
        self.assertEqual(by_name["Partner A"].get("#org+type"), "ngo")
        self.assertEqual(by_name["Partner A"].get("#org+type+code+v_iati"), "22")
        self.assertEqual(by_name["Partner A"].get("#org+acronym"), "PA")

    def test_it_writes_excel_with_the_hashtag_row(self) -> None:
        export = services.export_table(actor=self.alice, kind="activities", file_format="xlsx")
        self.assertTrue(export.filename.endswith(".xlsx"))
        sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Organisation")
        self.assertEqual(rows[1][0], "#org+name")
        self.assertEqual(len(rows), 4)

    def test_it_filters_by_country_and_audits(self) -> None:
        export = services.export_table(
            actor=self.zoe, kind="activities", file_format="csv", country="MG"
        )
        self.assertEqual(list(parse(export.content)), [])
        event = AuditEvent.objects.get(action="interop.export")
        self.assertEqual(event.actor, self.zoe)
        self.assertEqual(event.detail, {"format": "csv", "country": "MG", "rows": 0})
