"""DHIS2 takes what Synergy exports: the metadata package first, then every value as
dataValueSets JSON and as ADX, with no conflict, under DHIS2's own import rules (strict
options on; see dhis2_import for where each rule comes from). What DHIS2 would store are
Synergy's figures, and each rule is seen to refuse a file that breaks it."""

from __future__ import annotations

import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from synergy.core.errors import ImportRowError
from synergy.core.models import Organisation
from synergy.indicators import dhis2, exchange, services
from synergy.indicators.services import Figure
from synergy.indicators.tests.dhis2_import import Dhis2, adx_period
from synergy.indicators.tests.personas import IndicatorsCase


class Dhis2AcceptsTests(IndicatorsCase):
    def setUp(self) -> None:
        super().setUp()
        self.ahead = str(timezone.localdate().year + 2)
        self.by_age = services.indicator_create(
            actor=self.nina,
            code="np-bridge-pupils",
            name="Pupils in bridge classes",
            country=self.country,
            dimensions=["sex", "age_group"],
        )
        national, partner = self.national(), self.of_partner(self.partner_a.pk)
        for indicator, kind, period, scope, dis, value in (
            (self.schools, "target", "2026", national, {}, "12"),
            (self.schools, "target", "2026", national, {"sex": "F"}, "7"),
            (self.schools, "target", self.ahead, national, {}, "20"),
            (self.schools, "actual", "2025-S2", partner, {}, "3.5"),
            (self.schools, "baseline", "2024-Q4", national, {"sex": "M"}, "0"),
            (self.by_age, "actual", "2026-03", partner, {"sex": "F", "age_group": "5-11"}, "4"),
            (self.by_age, "actual", "2026-03", partner, {}, "9"),
        ):
            services.value_enter(
                actor=self.nina,
                figure=Figure(
                    indicator,
                    kind,
                    period,
                    scope,
                    dis,
                    Decimal(value),
                    comment="from the field" if kind == "actual" else "",
                ),
            )
        self.rows = exchange.export_values(country_id="NP")
        self.metadata = json.loads(exchange.write(self.rows, "dhis2-metadata"))

    def dhis2(self) -> Dhis2:
        instance = Dhis2(today=timezone.localdate())
        self.assertEqual(instance.load_metadata(self.metadata), [])
        return instance

    def expected(self) -> dict[tuple[str, str, str, str, str], str]:
        from synergy.indicators.periods import parse_period

        out = {}
        for row in self.rows:
            keys = [k for k, _v in row.disaggregation]
            out[
                (
                    dhis2.element_code(row.indicator, row.kind, keys),
                    parse_period(row.period).dhis2,
                    row.area or row.country,
                    dhis2.combo_code(row.disaggregation),
                    dhis2.partner_code(row.project, row.organisation),
                )
            ] = row.value
        return out

    def test_the_metadata_then_the_json_values_go_in_without_conflict(self) -> None:
        instance = self.dhis2()
        self.assertEqual(instance.import_json(exchange.write(self.rows, "dhis2-json")), [])
        self.assertEqual(len(self.rows), 7)
        self.assertEqual(instance.stored, self.expected())

    def test_the_metadata_then_the_adx_values_go_in_without_conflict(self) -> None:
        instance = self.dhis2()
        self.assertEqual(instance.import_adx(exchange.write(self.rows, "adx")), [])
        self.assertEqual(instance.stored, self.expected())

    def test_a_total_and_its_breakdown_are_separate_data_elements(self) -> None:
        codes = {e["code"]: e for e in self.metadata["dataElements"]}
        self.assertIn("np-bridge-pupils", codes)
        self.assertIn("np-bridge-pupils.age_group+sex", codes)
        self.assertIn("np-bridge-schools.TARGET.sex", codes)
        self.assertNotIn("categoryCombo", codes["np-bridge-pupils"])
        combo = next(c for c in self.metadata["categoryCombos"] if c["code"] == "age_group+sex")
        members = [
            c
            for c in self.metadata["categoryOptionCombos"]
            if c["categoryCombo"]["id"] == combo["id"]
        ]
        # every age group of the dimension times both sexes, as DHIS2 generates them
        self.assertEqual(len(members), 2 * len(self.age_groups()))
        self.assertTrue(all(e["zeroIsSignificant"] for e in codes.values()))

    def age_groups(self) -> list[str]:
        from synergy.indicators.models import Dimension

        return [str(code) for code, _label in Dimension.objects.get(code="age_group").items]

    def test_future_targets_are_inside_the_open_periods(self) -> None:
        yearly = next(s for s in self.metadata["dataSets"] if s["code"] == "SYNERGY-YEARLY")
        self.assertEqual(yearly["openFuturePeriods"], 2)
        for data_set in self.metadata["dataSets"]:
            data_set["openFuturePeriods"] = 0
        instance = self.dhis2()
        conflicts = instance.import_json(exchange.write(self.rows, "dhis2-json"))
        self.assertEqual(conflicts, [f"Period: {self.ahead} is after latest open future period"])

    def test_the_rules_refuse_what_dhis2_refuses(self) -> None:
        instance = self.dhis2()
        total_with_breakdown = (
            b'<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="NP" period="2026-01-01/P1Y">'
            b'<dataValue dataElement="np-bridge-schools.TARGET.sex" value="3"/>'
            b'<dataValue dataElement="np-bridge-schools.TARGET" value="3" sex="sex:F"/>'
            b"</group></adx>"
        )
        self.assertEqual(
            instance.import_adx(total_with_breakdown),
            [
                "Missing required attribute from category combo: sex",
                "Invalid attributes: ['sex']",
            ],
        )
        for value, conflict in (
            ({"dataElement": "np-unknown"}, "np-unknown: Data element not found"),
            ({"period": "2026H1"}, "2026H1: Period not valid"),
            ({"orgUnit": "XX"}, "XX: Organisation unit not found"),
            ({"categoryOptionCombo": "sex:X"}, "sex:X: Category option combo not found"),
            ({"attributeOptionCombo": "ORG:Nobody"}, "ORG:Nobody: Attribute option combo"),
            ({"value": "1e3"}, "1e3: value_not_numeric"),
        ):
            good = {
                "dataElement": "np-bridge-schools.TARGET.sex",
                "period": "2026",
                "orgUnit": "NP",
                "categoryOptionCombo": "sex:F",
                "value": "3",
            }
            with self.subTest(value):
                problem = instance.import_value({**good, **value})
                self.assertIsNotNone(problem)
                self.assertTrue(str(problem).startswith(conflict), problem)
        self.assertIsNone(instance.import_value(good))
        self.assertEqual(adx_period("2026-07-01/P6M"), "2026S2")
        self.assertIsNone(adx_period("2026-03-01/P6M"))

    def test_a_zero_would_be_dropped_unless_it_is_significant(self) -> None:
        for element in self.metadata["dataElements"]:
            element["zeroIsSignificant"] = False
        conflicts = self.dhis2().import_json(exchange.write(self.rows, "dhis2-json"))
        self.assertEqual(
            conflicts, ["np-bridge-schools.BASELINE.sex: zero and insignificant, ignored"]
        )

    def test_a_data_element_that_disagrees_with_its_breakdown_is_named(self) -> None:
        document = json.loads(exchange.write(self.rows, "dhis2-json"))
        document["dataValues"][0]["dataElement"] += ".sex"
        with self.assertRaises(ImportRowError) as caught:
            exchange.read(json.dumps(document).encode(), "dhis2-json")
        self.assertEqual(
            [(line, f) for line, f, _m in caught.exception.errors], [(1, "dataElement")]
        )

    def test_files_of_the_earlier_layout_still_read(self) -> None:
        earlier = (
            b'<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="NP" period="2026-01-01/P1Y" '
            b'dataSet="SYNERGY" COUNTRY="NP" KIND="target" PARTNER="default">'
            b'<dataValue dataElement="np-bridge-schools" value="7" sex="F"/></group></adx>'
        )
        ((_line, row),) = exchange.read(earlier, "adx")
        self.assertEqual(
            (row.indicator, row.kind, row.period, row.disaggregation, row.value),
            ("np-bridge-schools", "target", "2026", (("sex", "F"),), "7"),
        )

    def test_the_command_line_writes_the_package_and_names_what_dhis2_cannot_hold(self) -> None:
        target = Path(tempfile.mkdtemp()) / "metadata.json"
        call_command(
            "indicators",
            "export",
            "--country",
            "NP",
            "--format",
            "dhis2-metadata",
            "--output",
            str(target),
            stdout=io.StringIO(),
        )
        self.assertEqual(json.loads(target.read_text()), self.metadata)
        Organisation.objects.filter(pk=self.partner_a.pk).update(name="P" * 60)
        with self.assertRaisesMessage(CommandError, "longer than 50 characters"):
            call_command(
                "indicators",
                "export",
                "--country",
                "NP",
                "--format",
                "adx",
                "--output",
                str(target),
                stdout=io.StringIO(),
            )
