from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet
from django.forms.models import model_to_dict

from synergy.core.errors import ImportRowError
from synergy.core.models import AuditEvent, Organisation
from synergy.interop import services
from synergy.interop.tabular import Table, read_table
from synergy.interop.tests.factories import InteropTestCase
from synergy.partners.models import Activity, Project, ProjectParticipant, ProjectTarget

HEADER = (
    "Organisation,Country,Type,Level,Sector,Stage,Start,End,Girls,Boys,P-code\r\n"
    "#org+name,#country+code,#activity+type,#activity+level,#sector,#activity+stage,"
    "#date+start,#date+end,#reached+f+children,#reached+m+children,#adm1+code\r\n"
)


def table(text: str, name: str = "file.csv") -> Table:
    return read_table(io.BytesIO(text.encode()), name)


def snapshot() -> dict[str, list[dict[str, object]]]:
    names = dict(Organisation.objects.values_list("pk", "name"))
    codes = dict(Project.objects.values_list("pk", "code"))

    def rows(qs: QuerySet[Any], exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        out = []
        for obj in qs.order_by("pk"):
            row = {k: v for k, v in model_to_dict(obj).items() if k not in ("id", *exclude)}
            # Keys are regenerated on import: compare what they point at.
            if "organisation" in row:
                row["organisation"] = names[row["organisation"]]
            if row.get("project"):
                row["project"] = codes[row["project"]]
            for many in ("countries", "areas"):
                if many in row:
                    row[many] = sorted(str(x.pk) for x in row[many])
            out.append(row)
        return out

    return {
        "orgs": rows(Organisation.objects.all()),
        "projects": rows(Project.objects.all()),
        "participants": rows(ProjectParticipant.objects.all()),
        "targets": rows(ProjectTarget.objects.all()),
        "activities": rows(Activity.objects.all()),
    }


class HxlImportTest(InteropTestCase):
    def test_it_reports_bad_rows_with_line_and_hashtag_and_writes_nothing(self) -> None:
        before = Activity.objects.count()
        text = HEADER + (
            "Partner A,NPL,prevention,outreach,child_labour,source,2025-01-01,,3,4,NP-P3\r\n"
            "Nobody,XXX,prevention,outreach,child_labour,source,2025-13-01,,-3,4,\r\n"
            "Partner A,NPL,juggling,outreach,child_labour,source,2025-01-01,2024-01-01,1,x,NP-ZZ\r\n"
        )
        with self.assertRaises(ImportRowError) as caught:
            services.import_table(
                actor=self.nina, kind="activities", table=table(text), file_format="csv"
            )
        errors = {(line, tag) for line, tag, _msg in caught.exception.errors}
        self.assertEqual(
            errors,
            {
                (4, "#country+code"),
                (4, "#org+name"),
                (4, "#date+start"),
                (4, "#reached+f+children"),
                (5, "#activity+type"),
                (5, "#reached+m+children"),
                (5, "#adm1+code"),
            },
        )
        self.assertEqual(Activity.objects.count(), before)
        self.assertFalse(AuditEvent.objects.filter(action="interop.import").exists())

    def test_it_reports_end_before_start(self) -> None:
        text = HEADER + (
            "Partner A,NPL,prevention,outreach,child_labour,source,2025-01-01,2024-01-01,1,1,\r\n"
        )
        with self.assertRaises(ImportRowError) as caught:
            services.import_preview(actor=self.nina, kind="activities", table=table(text))
        self.assertEqual([(e[0], e[1]) for e in caught.exception.errors], [(3, "#date+end")])

    def test_it_reports_a_missing_column(self) -> None:
        with self.assertRaises(ImportRowError) as caught:
            services.import_preview(
                actor=self.nina, kind="organisations", table=table("Name\r\n#org+name\r\nX\r\n")
            )
        self.assertEqual(
            caught.exception.errors, [(2, "#org+type", "The file has no column with this hashtag.")]
        )

    def test_it_imports_activities_and_is_idempotent(self) -> None:
        text = HEADER + (
            "Partner B,NPL,capacity,policy,trafficking,transit,2025-04-01,,5,6,NP-P3\r\n"
        )
        summary = services.import_table(
            actor=self.charlie, kind="activities", table=table(text), file_format="csv"
        )
        self.assertEqual((summary.created, summary.updated, summary.unchanged), (1, 0, 0))
        activity = Activity.objects.get(organisation=self.partner_b)
        self.assertEqual(activity.admin_area, self.province)
        self.assertEqual((activity.reached_f_child, activity.reached_m_child), (5, 6))
        self.assertEqual(activity.created_by, self.charlie)
        again = services.import_table(
            actor=self.charlie, kind="activities", table=table(text), file_format="csv"
        )
        self.assertEqual((again.created, again.updated, again.unchanged), (0, 0, 1))
        self.assertEqual(Activity.objects.filter(organisation=self.partner_b).count(), 1)
        activity.refresh_from_db()
        self.assertEqual(activity.version, 1)
        changed = text.replace(",5,6,", ",7,6,")
        third = services.import_table(
            actor=self.charlie, kind="activities", table=table(changed), file_format="csv"
        )
        self.assertEqual((third.created, third.updated), (0, 1))
        activity.refresh_from_db()
        self.assertEqual((activity.reached_f_child, activity.version), (7, 2))
        events = AuditEvent.objects.filter(
            action="interop.import", object_type="interop.activities"
        )
        self.assertEqual(events.count(), 3)
        self.assertEqual(events.first().detail["updated"], 1)  # type: ignore[union-attr]

    def test_it_round_trips_every_table(self) -> None:
        Project.objects.filter(pk=self.project.pk).update(budget_interval="quarter")
        exports = {
            kind: services.export_table(actor=self.root, kind=kind, file_format=fmt)
            for kind, fmt in (("organisations", "csv"), ("projects", "xlsx"), ("activities", "csv"))
        }
        before = snapshot()
        # Re-importing the export over the same data changes nothing…
        for kind in ("organisations", "projects", "activities"):
            export = exports[kind]
            summary = services.import_table(
                actor=self.root,
                kind=kind,
                table=read_table(io.BytesIO(export.content), export.filename),
                file_format="csv",
            )
            self.assertEqual(summary.created + summary.updated, 0, kind)
        self.assertEqual(snapshot(), before)
        # …and into an empty database it recreates the same rows.
        Activity.objects.all().delete()
        ProjectTarget.objects.all().delete()
        Project.objects.all().delete()
        self.project.areas.clear()
        Organisation.objects.filter(pk=self.donor.pk).delete()
        for kind in ("organisations", "projects", "activities"):
            export = exports[kind]
            services.import_table(
                actor=self.root,
                kind=kind,
                table=read_table(io.BytesIO(export.content), export.filename),
                file_format=export.filename.rsplit(".", 1)[1],
            )
        after = snapshot()
        for name in ("projects", "activities", "participants", "targets"):
            for row in before[name] + after[name]:
                # Generated or re-linked on creation: not part of the data exchanged.
                row.pop("created_by", None)
        for row in before["targets"] + after["targets"]:
            # Baselines and achievements are not columns of the HXL project table.
            row.pop("baseline")
            row.pop("actual")
        for name in before:
            # Rows come back in export order, so compare them as sets.
            self.assertEqual(sorted(map(repr, after[name])), sorted(map(repr, before[name])), name)
        self.assertEqual(Project.objects.get().areas.get(), self.district)
        self.assertEqual(Project.objects.get().budget_interval, "quarter")
