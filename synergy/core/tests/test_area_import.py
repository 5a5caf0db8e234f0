from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

from django.core.management import CommandError, call_command

from synergy.core.areas import admin_areas_import
from synergy.core.errors import ImportRowError
from synergy.core.models import AdminArea, AuditEvent
from synergy.testing import BaseTestCase

HEADER = "code,name,level,parent_code,valid_from,valid_to\n"
GOOD = (
    HEADER
    + "NP-P3,Bagmati,1,,2015-09-20,\n"
    + "NP-P4,Gandaki,1,,,\n"
    + "NP-P3-KTM,Kathmandu,2,NP-P3,2015-09-20,\n"
    + "NP-P4-KSK,Kaski,2,NP-P4,,\n"
)


class AreaImportTests(BaseTestCase):
    def run_import(self, text: str) -> int:
        return admin_areas_import(country=self.country, data=text.encode(), actor=self.nina)

    def assert_refused(self, text: str, *expected: tuple[int, str]) -> ImportRowError:
        before = AdminArea.objects.count()
        audits = AuditEvent.objects.count()
        with self.assertRaises(ImportRowError) as caught:
            self.run_import(text)
        self.assertEqual(
            [(line, field) for line, field, _ in caught.exception.errors], list(expected)
        )
        self.assertEqual(AdminArea.objects.count(), before)
        self.assertEqual(AuditEvent.objects.count(), audits)
        return caught.exception

    def test_it_imports_levels_and_parents(self) -> None:
        self.assertEqual(self.run_import(GOOD), 4)
        ktm = AdminArea.objects.get(country=self.country, code="NP-P3-KTM")
        self.assertEqual(ktm.level, 2)
        self.assertEqual(ktm.parent, AdminArea.objects.get(code="NP-P3"))
        self.assertEqual(ktm.valid_from, date(2015, 9, 20))
        self.assertIsNone(ktm.valid_to)
        event = AuditEvent.objects.get(action="import")
        self.assertEqual((event.object_id, event.detail), ("NP", {"rows": 4}))

    def test_it_accepts_a_parent_already_in_the_database(self) -> None:
        self.run_import(HEADER + "NP-P1,Koshi,1,,,\n")
        self.assertEqual(self.run_import(HEADER + "NP-P1-JHP,Jhapa,2,NP-P1,,\n"), 1)
        self.assertEqual(AdminArea.objects.get(code="NP-P1-JHP").parent.code, "NP-P1")  # type: ignore[union-attr]

    def test_it_accepts_a_byte_order_mark_and_spaces(self) -> None:
        self.assertEqual(self.run_import("\ufeff" + HEADER + " NP-P5 , Lumbini ,1,,,\n"), 1)
        self.assertEqual(AdminArea.objects.get(code="NP-P5").name, "Lumbini")

    def test_it_reimports_without_duplicating(self) -> None:
        self.run_import(GOOD)
        self.run_import(GOOD.replace("Kaski", "Kaski District"))
        self.assertEqual(AdminArea.objects.filter(country=self.country).count(), 4)
        self.assertEqual(AdminArea.objects.get(code="NP-P4-KSK").name, "Kaski District")

    def test_it_names_every_bad_line_and_writes_nothing(self) -> None:
        text = (
            HEADER
            + "NP-P3,Bagmati,1,,,\n"
            + "NP-P3-KTM,Kathmandu,2,NP-P3,,\n"
            + "NP-P3-LTP,Lalitpur,two,NP-P3,,\n"
            + "NP-P9-XYZ,Nowhere,2,NP-P9,,\n"
        )
        error = self.assert_refused(text, (4, "level"), (5, "parent_code"))
        self.assertIn("line 4: level", str(error))
        self.assertIn("'NP-P9' is not a known area", str(error))

    def test_it_writes_nothing_when_only_the_last_row_is_bad(self) -> None:
        self.assert_refused(GOOD + "NP-P4-PKR,Pokhara,2,NP-P4,2020-02-30,\n", (6, "valid_from"))

    def test_it_refuses_duplicate_codes(self) -> None:
        error = self.assert_refused(GOOD + "NP-P4,Gandaki again,1,,,\n", (6, "code"))
        self.assertIn("already appears on line 3", str(error))

    def test_it_checks_dates(self) -> None:
        self.assert_refused(
            HEADER + "NP-P3,Bagmati,1,,2020-01-01,2019-12-31\nNP-P4,Gandaki,1,,20/01/2020,\n",
            (2, "valid_to"),
            (3, "valid_from"),
        )

    def test_it_checks_the_parent_level(self) -> None:
        self.assert_refused(
            HEADER + "NP-P3,Bagmati,1,,,\nNP-P3-KTM,Kathmandu,3,NP-P3,,\n", (3, "parent_code")
        )

    def test_it_refuses_empty_and_overlong_values(self) -> None:
        self.assert_refused(
            HEADER
            + ",Bagmati,1,,,\nNP-P4,,1,,,\n"
            + "X" * 41
            + ",Long,1,,,\nNP-P5,"
            + "n" * 201
            + ",1,,,\n",
            (2, "code"),
            (3, "name"),
            (4, "code"),
            (5, "name"),
        )

    def test_it_refuses_extra_values(self) -> None:
        self.assert_refused(HEADER + "NP-P3,Bagmati,1,,,,surplus\n", (2, "row"))

    def test_it_refuses_a_level_zero_area_with_a_parent(self) -> None:
        self.run_import(HEADER + "NP-P3,Bagmati,1,,,\n")
        self.assert_refused(HEADER + "NP-X,Odd,0,NP-P3,,\n", (2, "parent_code"))

    def test_it_refuses_missing_columns_and_empty_files(self) -> None:
        self.assert_refused("code,name\nNP-P3,Bagmati\n", (1, "level"))
        self.assert_refused(HEADER, (1, "file"))


class ImportAreasCommandTests(BaseTestCase):
    def write(self, text: str) -> str:
        handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8")
        with handle:
            handle.write(text)
        self.addCleanup(Path(handle.name).unlink)
        return handle.name

    def test_it_imports_a_file(self) -> None:
        out = io.StringIO()
        call_command("import_areas", "npl", self.write(GOOD), stdout=out)
        self.assertIn("4 areas imported for Nepal", out.getvalue())
        self.assertEqual(AdminArea.objects.filter(country="NP").count(), 4)

    def test_it_fails_with_the_bad_lines(self) -> None:
        err = io.StringIO()
        path = self.write(GOOD + "NP-P4-PKR,Pokhara,x,NP-P4,,\n")
        with self.assertRaisesMessage(CommandError, "1 error(s); nothing was imported."):
            call_command("import_areas", "NP", path, stderr=err)
        self.assertIn("line 6: level", err.getvalue())
        self.assertFalse(AdminArea.objects.filter(country="NP").exists())

    def test_it_names_a_bad_country_or_path(self) -> None:
        with self.assertRaisesMessage(CommandError, "country: 'ZZ'"):
            call_command("import_areas", "ZZ", self.write(GOOD))
        with self.assertRaisesMessage(CommandError, "path:"):
            call_command("import_areas", "NP", "/nonexistent/areas.csv")

    def test_it_reads_a_file_saved_by_excel_on_windows(self) -> None:
        path = self.write("")
        Path(path).write_bytes((HEADER + "NP-P3,Bàgmati Pradesh,1,,,\n").encode("cp1252"))
        call_command("import_areas", "NP", path, stdout=io.StringIO())
        self.assertEqual(AdminArea.objects.get(code="NP-P3").name, "Bàgmati Pradesh")

    def test_it_refuses_a_file_of_another_kind(self) -> None:
        path = self.write("")
        Path(path).rename(path[:-4] + ".pdf")
        self.addCleanup(Path(path[:-4] + ".pdf").unlink)
        Path(path).write_text("")  # the cleanup of write() still finds its file
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("import_areas", "NP", path[:-4] + ".pdf", stderr=err)
        self.assertIn("line 1: file: The file must be a .csv, .xlsx or .ods file.", err.getvalue())
