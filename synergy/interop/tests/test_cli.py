from __future__ import annotations

import io
import tempfile
from pathlib import Path

import hxl
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from synergy.core.models import AuditEvent
from synergy.interop import iati
from synergy.interop.tests.factories import IATI_SCHEMA, InteropTestCase
from synergy.partners.models import Activity


class CliTest(InteropTestCase):
    def test_it_exports_valid_iati_for_a_country(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "np.xml"
            call_command(
                "interop",
                "export-iati",
                "--country",
                "NP",
                "--output",
                str(path),
                stderr=io.StringIO(),
            )
            root = etree.parse(str(path)).getroot()
        iati.load_schema(IATI_SCHEMA).assertValid(root)
        self.assertEqual(root.xpath("iati-activity/recipient-country/@code"), ["IN", "NP"])
        event = AuditEvent.objects.get(object_type="interop.iati")
        self.assertEqual(event.detail["country"], "NP")

    def test_it_validates_an_iati_file_and_names_the_lines_of_its_errors(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            good = Path(tmp) / "np.xml"
            call_command("interop", "export-iati", "--output", str(good), stderr=io.StringIO())
            out = io.StringIO()
            call_command("interop", "validate-iati", str(good), stdout=out)
            self.assertIn("valid IATI 2.03", out.getvalue())
            bad = Path(tmp) / "bad.xml"
            bad.write_bytes(good.read_bytes().replace(b'hierarchy="1"', b'hierarchy="one"'))
            err = io.StringIO()
            with self.assertRaisesMessage(CommandError, "problem(s) against the IATI 2.03"):
                call_command("interop", "validate-iati", str(bad), stderr=err)
            self.assertRegex(err.getvalue(), r"line \d+: .*hierarchy")
            with self.assertRaisesMessage(CommandError, "cannot read"):
                call_command("interop", "validate-iati", str(Path(tmp) / "missing.xml"))

    def test_it_refuses_an_export_with_no_project(self) -> None:
        with self.assertRaisesMessage(CommandError, "no project to export"):
            call_command("interop", "export-iati", "--country", "MG", stdout=io.StringIO())

    def test_it_exports_hxl_to_stdout_and_imports_it_back(self) -> None:
        out = io.StringIO()
        call_command("interop", "export-hxl", "activities", "--format", "csv", stdout=out)
        data = hxl.data(io.BytesIO(out.getvalue().encode()), hxl.InputOptions(allow_local=True))
        self.assertEqual(len(list(data)), 2)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "activities.csv"
            path.write_text(out.getvalue(), encoding="utf-8")
            result = io.StringIO()
            call_command("interop", "import-hxl", "activities", str(path), stdout=result)
        self.assertIn("0 created, 0 updated, 2 unchanged", result.getvalue())

    def test_it_prints_row_errors_and_fails(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bad.csv"
            path.write_text(
                "Org,Country,Type,Level,Sector,Stage,Start\n"
                "#org+name,#country+code,#activity+type,#activity+level,#sector,#activity+stage,#date+start\n"
                "Partner A,NPL,prevention,outreach,child_labour,nowhere,2025-01-01\n",
                encoding="utf-8",
            )
            err = io.StringIO()
            with self.assertRaisesMessage(CommandError, "nothing was imported"):
                call_command(
                    "interop", "import-hxl", "activities", str(path), "--user", "alice", stderr=err
                )
        self.assertIn("line 3, #activity+stage:", err.getvalue())
        self.assertEqual(Activity.objects.count(), 2)

    def test_it_refuses_xlsx_to_stdout_and_a_viewer(self) -> None:
        with self.assertRaisesMessage(CommandError, "--output is required"):
            call_command(
                "interop", "export-hxl", "projects", "--format", "xlsx", stdout=io.StringIO()
            )
        with self.assertRaisesMessage(CommandError, "bob may not import activities"):
            call_command("interop", "import-hxl", "activities", "x.csv", "--user", "bob")
