"""OCHA cluster codes beside the project's and activity's own sectors in the HXL tables, for
users who filter on #sector+cluster; the importer never reads them as a form of exploitation."""

from __future__ import annotations

import io

import hxl

from synergy.interop import clusters, services
from synergy.interop.services.cells import RowErrors, read_rows
from synergy.interop.tabular import read_table
from synergy.interop.tests.factories import InteropTestCase
from synergy.partners.models import Activity


def parse(content: bytes) -> hxl.model.Dataset:
    return hxl.data(io.BytesIO(content), hxl.InputOptions(allow_local=True)).cache()


class ClusterCodesTest(InteropTestCase):
    def test_projects_carry_the_clusters_of_their_forms_and_services(self) -> None:
        export = services.export_table(actor=self.nina, kind="projects", file_format="csv")
        data = parse(export.content)
        row = next(iter(data))
        # child_labour -> PRO-CPN; education -> EDU; livelihood -> ERY (CLUSTER_NAMES order)
        self.assertEqual(row.get("#sector+cluster"), "EDU;ERY;PRO-CPN")
        self.assertEqual(row.get("#sector"), "child_labour")
        self.assertTrue(set(row.get("#sector+cluster").split(";")) <= set(clusters.CLUSTER_NAMES))

    def test_activities_filter_by_cluster_with_libhxl(self) -> None:
        export = services.export_table(actor=self.alice, kind="activities", file_format="csv")
        child_protection = list(parse(export.content).with_rows("#sector+cluster=PRO-CPN").cache())
        self.assertEqual(
            len(child_protection), Activity.objects.filter(exploitation_form="child_labour").count()
        )
        forced = list(parse(export.content).with_rows("#sector+cluster=PRO").cache())
        self.assertEqual(
            len(forced), Activity.objects.filter(exploitation_form="forced_labour").count()
        )

    def test_a_value_without_a_cluster_is_left_out(self) -> None:
        self.assertEqual(clusters.clusters(service_types=["awareness", "social_protection"]), [])
        self.assertEqual(
            clusters.clusters(exploitation_forms=["trafficking"], service_types=["health"]),
            ["HEA", "PRO-HTS"],
        )

    def test_the_cluster_column_is_never_read_as_the_form_of_exploitation(self) -> None:
        export = services.export_table(actor=self.alice, kind="activities", file_format="csv")
        text = export.content.decode()
        header, tags, *rows = text.splitlines()
        # Drop the #sector column: the cluster column is left, and must not stand in for it.
        cells = tags.split(",")
        index = cells.index("#sector")
        without = [
            ",".join(c for i, c in enumerate(line.split(",")) if i != index)
            for line in (header, tags, *rows)
        ]
        table = read_table(io.BytesIO("\n".join(without).encode()), "activities.csv")
        errors = RowErrors()
        read_rows(table, "activities", errors)
        self.assertTrue(any(tag == "#sector" for _line, tag, _msg in errors.items), errors.items)
