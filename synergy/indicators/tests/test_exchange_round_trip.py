"""Values out and back in: DHIS2 dataValueSets JSON, ADX XML, CSV and Excel give the same
figures; an import writes every row or none and names the row at fault."""

from __future__ import annotations

import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from synergy.core.errors import ImportRowError
from synergy.indicators import exchange, services
from synergy.indicators.models import IndicatorValue
from synergy.indicators.services import Figure
from synergy.indicators.tests.personas import IndicatorsCase


class RoundTripTests(IndicatorsCase):
    def setUp(self) -> None:
        super().setUp()
        national, partner = self.national(), self.of_partner(self.partner_a.pk)
        for kind, period, scope, dis, value in (
            ("target", "2026", national, {}, "12"),
            ("target", "2026", national, {"sex": "F"}, "7"),
            ("actual", "2025-S2", partner, {}, "3.5"),
            ("baseline", "2024-Q4", national, {"sex": "M"}, "0"),
        ):
            services.value_enter(
                actor=self.nina,
                figure=Figure(
                    self.schools,
                    kind,
                    period,
                    scope,
                    dis,
                    Decimal(value),
                    comment="from the field" if kind == "actual" else "",
                ),
            )
        self.rows = exchange.export_values(country_id="NP")

    def test_every_format_reads_back_the_same_figures(self) -> None:
        self.assertEqual(len(self.rows), 4)
        expected = {(r.key(), r.value, r.comment) for r in self.rows}
        for fmt in exchange.FORMATS:
            with self.subTest(fmt):
                back = exchange.read(exchange.write(self.rows, fmt), fmt)
                self.assertEqual({(r.key(), r.value, r.comment) for _line, r in back}, expected)

    def test_the_dhis2_document_uses_dhis2_periods_and_target_elements(self) -> None:
        document = json.loads(exchange.write_dhis2(self.rows))
        by_element = {
            (v["dataElement"], v["period"], v.get("categoryOptionCombo")): v
            for v in document["dataValues"]
        }
        self.assertIn(("np-bridge-schools.TARGET.sex", "2026", "sex:F"), by_element)
        self.assertEqual(
            by_element[("np-bridge-schools", "2025S2", None)]["attributeOptionCombo"],
            "ORG:Partner A",
        )
        # the total and the national figures leave DHIS2's defaults implicit
        self.assertNotIn(
            "attributeOptionCombo", by_element[("np-bridge-schools.TARGET", "2026", None)]
        )

    def test_an_import_in_a_second_installation_recreates_the_values(self) -> None:
        data = exchange.write(self.rows, "adx")
        IndicatorValue.objects.all().delete()
        count = exchange.import_values(actor=self.nina, rows=exchange.read(data, "adx"))
        self.assertEqual(count, 4)
        self.assertEqual(
            {(r.key(), r.value) for r in exchange.export_values(country_id="NP")},
            {(r.key(), r.value) for r in self.rows},
        )

    def test_one_bad_row_stops_the_whole_import_and_is_named(self) -> None:
        # Rows: 3 baseline 2024-Q4, 4 actual 2025-S2, 5 target 2026, 6 target 2026 girls.
        IndicatorValue.objects.all().delete()
        text = (
            exchange.write(self.rows, "csv")
            .decode()
            .replace("2025-S2", "2025-H2")
            .replace(",7,", ",seven,")
        )
        with self.assertRaises(ImportRowError) as caught:
            exchange.import_values(actor=self.nina, rows=exchange.read(text.encode(), "csv"))
        self.assertEqual(
            sorted((line, field) for line, field, _m in caught.exception.errors),
            [(4, "period"), (6, "value")],
        )
        self.assertEqual(IndicatorValue.objects.count(), 0)

    def test_a_partner_cannot_import_another_partners_figures(self) -> None:
        IndicatorValue.objects.all().delete()
        with self.assertRaises(ImportRowError) as caught:
            exchange.import_values(
                actor=self.charlie, rows=exchange.read(exchange.write(self.rows, "csv"), "csv")
            )
        self.assertIn("scope", {field for _line, field, _m in caught.exception.errors})
        self.assertEqual(IndicatorValue.objects.count(), 0)

    def test_the_command_line_round_trip(self) -> None:
        folder = Path(tempfile.mkdtemp())
        target = folder / "values.json"
        call_command(
            "indicators",
            "export",
            "--country",
            "NP",
            "--format",
            "dhis2-json",
            "--output",
            str(target),
            stdout=io.StringIO(),
        )
        IndicatorValue.objects.all().delete()
        out = io.StringIO()
        call_command("indicators", "import", str(target), "--user", "nina", stdout=out)
        self.assertIn("4 value(s) entered", out.getvalue())
        with self.assertRaisesMessage(CommandError, "--country"):
            call_command("indicators", "export", "--country", "ZZ")
        target.unlink()
        folder.rmdir()
