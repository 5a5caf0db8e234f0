"""One reader for every upload: the encodings, separators and formats partners' files come in,
with the lines a spreadsheet shows; the CLMS import and the HXL import read the same file the
same way."""

from __future__ import annotations

import codecs
import io

import pandas as pd
from django.test import SimpleTestCase
from openpyxl import Workbook

from synergy.core.tabular import TableError, decode_text, format_of, read_lines, read_table
from synergy.interop.tabular import read_table as read_tagged

ROWS: list[list[object]] = [
    ["name", "village"],
    ["Aïssata Koné", "Sévaré"],
    ["Ñuñoa Pérez", "Ça va"],
]


def csv_bytes(encoding: str, *, sep: str = ",", bom: bytes = b"") -> bytes:
    text = "\r\n".join(sep.join(map(str, row)) for row in ROWS) + "\r\n"
    return bom + text.encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_bytes(rows: list[list[object]]) -> bytes:
    out = io.BytesIO()
    pd.DataFrame(rows).to_excel(out, engine="odf", header=False, index=False)
    return out.getvalue()


class EncodingsTests(SimpleTestCase):
    def test_every_common_encoding_reads_the_same_names(self) -> None:
        files = {
            "utf-8": csv_bytes("utf-8"),
            "utf-8 with BOM (Excel 'CSV UTF-8')": csv_bytes("utf-8", bom=codecs.BOM_UTF8),
            "utf-16 with BOM (Excel 'Unicode text')": csv_bytes(
                "utf-16-le", bom=codecs.BOM_UTF16_LE
            ),
            "windows-1252 (Excel 'CSV')": csv_bytes("cp1252"),
            "semicolons (French LibreOffice)": csv_bytes("utf-8", sep=";"),
            "tabs": csv_bytes("utf-8", sep="\t"),
        }
        for label, data in files.items():
            with self.subTest(label):
                table = read_table(data, "csv")
                self.assertEqual(table.columns, ["name", "village"])
                self.assertEqual(
                    [row for _line, row in table.rows],
                    [
                        {"name": "Aïssata Koné", "village": "Sévaré"},
                        {"name": "Ñuñoa Pérez", "village": "Ça va"},
                    ],
                )

    def test_an_arabic_windows_file_is_read_as_arabic(self) -> None:
        text = "الاسم,القرية\r\nفاطمة محمد,نواكشوط\r\nمريم أحمد,كيفة\r\n"
        table = read_table(text.encode("cp1256"), "csv")
        self.assertEqual(table.columns, ["الاسم", "القرية"])
        self.assertEqual(table.rows[1], (3, {"الاسم": "مريم أحمد", "القرية": "كيفة"}))

    def test_a_bom_is_never_part_of_the_first_column_name(self) -> None:
        self.assertFalse(decode_text(codecs.BOM_UTF8 + b"a,b").startswith("\ufeff"))


class FormatsTests(SimpleTestCase):
    def test_excel_and_opendocument_give_the_rows_of_the_csv(self) -> None:
        expected = read_table(csv_bytes("utf-8"), "csv")
        for fmt, data in (("xlsx", xlsx_bytes(ROWS)), ("ods", ods_bytes(ROWS))):
            with self.subTest(fmt):
                self.assertEqual(read_table(data, fmt), expected)

    def test_spreadsheet_numbers_and_dates_read_as_a_person_sees_them(self) -> None:
        import datetime as dt

        rows: list[list[object]] = [["age", "born"], [12.0, dt.datetime(2014, 3, 1)]]  # noqa: DTZ001 - cells are naive
        for fmt, data in (("xlsx", xlsx_bytes(rows)), ("ods", ods_bytes(rows))):
            with self.subTest(fmt):
                self.assertEqual(
                    read_table(data, fmt).rows, [(2, {"age": "12", "born": "2014-03-01"})]
                )

    def test_the_format_comes_from_the_file_name(self) -> None:
        self.assertEqual(
            [format_of(n) for n in ("a.CSV", "b.xlsx", "c.ods", "d.txt")],
            ["csv", "xlsx", "ods", "csv"],
        )
        with self.assertRaisesMessage(TableError, ".csv, .xlsx or .ods"):
            format_of("children.pdf")

    def test_a_file_that_is_not_what_its_name_says_is_refused_clearly(self) -> None:
        for fmt, message in (("xlsx", "Excel"), ("ods", "OpenDocument")):
            with self.subTest(fmt), self.assertRaisesMessage(TableError, message):
                read_table(b"name,village\nA,B\n", fmt)


class LinesTests(SimpleTestCase):
    def test_lines_are_those_a_spreadsheet_shows_across_blank_rows_and_multiline_cells(
        self,
    ) -> None:
        data = b'name,note\r\nA,"two\r\nlines"\r\n\r\nB,x\r\n'
        self.assertEqual([line for line, _cells in read_lines(data, "csv")], [1, 2, 4])
        book = xlsx_bytes([["name"], ["A"], [None], ["B"]])
        self.assertEqual([line for line, _ in read_table(book, "xlsx").rows], [2, 4])

    def test_header_problems_are_named(self) -> None:
        with self.assertRaisesMessage(TableError, "The column name appears twice"):
            read_table(b"name,name\n", "csv")
        with self.assertRaisesMessage(TableError, "empty"):
            read_table(b"\r\n\r\n", "csv")


class NothingDroppedTests(SimpleTestCase):
    def test_a_value_beyond_the_header_or_under_an_unnamed_column_is_refused_with_its_line(
        self,
    ) -> None:
        for data in (b"name,age\nSita,12\nRam,9,surplus\n", b"name,,age\nSita,x,12\n"):
            with self.subTest(data), self.assertRaises(TableError) as caught:
                read_table(data, "csv")
            self.assertEqual(caught.exception.line, data.count(b"\n"))

    def test_empty_trailing_cells_are_no_values(self) -> None:
        self.assertEqual(
            read_table(b"name,age\nSita,12,,\n", "csv").rows, [(2, {"name": "Sita", "age": "12"})]
        )


class BothImportersTests(SimpleTestCase):
    def test_the_hxl_import_reads_a_windows_1252_file_the_clms_import_reads(self) -> None:
        text = "Organisation,Village\r\n#org+name,#adm2+name\r\nCoopérative Sévaré,Ségou\r\n"
        data = text.encode("cp1252")
        tagged = read_tagged(io.BytesIO(data), "orgs.csv")
        self.assertEqual(tagged.tag_line, 2)
        self.assertEqual(tagged.rows, [(3, ["Coopérative Sévaré", "Ségou"])])
        plain = read_table(data, "csv")
        self.assertEqual(
            plain.rows[1], (3, {"Organisation": "Coopérative Sévaré", "Village": "Ségou"})
        )
