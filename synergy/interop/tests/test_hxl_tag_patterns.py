"""Hashtags are read as HXL reads tag patterns: attributes in any order, extra attributes
allowed (an HDX-style #org+impl+name for our #org+name), never taking a column that another of
our hashtags names; activities carry the organisation's type (#org+type)."""

from __future__ import annotations

from datetime import date

from synergy.core.errors import ImportRowError
from synergy.interop import hxl, services
from synergy.interop.tests.factories import InteropTestCase
from synergy.interop.tests.test_hxl_import import table
from synergy.partners.models import Activity


def activities(header_tags: str) -> str:
    return (
        "Organisation,Country,Type,Level,Sector,Stage,Start,End,Girls,Boys,P-code\r\n"
        f"{header_tags}\r\n"
        "Partner B,NPL,capacity,policy,trafficking,transit,2025-04-01,,5,6,NP-P3\r\n"
    )


class TagPatternTest(InteropTestCase):
    def test_reordered_and_extra_attributes_import_like_our_own_tags(self) -> None:
        tags = (
            "#org+impl+name,#country+code,#activity+type,#activity+level,#sector,"
            "#activity+stage,#date+start,#date+end,#reached+children+f,#reached+m+children+i,"
            "#adm1+code+v_pcode"
        )
        summary = services.import_table(
            actor=self.charlie, kind="activities", table=table(activities(tags)), file_format="csv"
        )
        self.assertEqual(summary.created, 1)
        activity = Activity.objects.get(organisation=self.partner_b)
        self.assertEqual((activity.reached_f_child, activity.reached_m_child), (5, 6))
        self.assertEqual(activity.admin_area, self.province)

    def test_a_column_another_of_our_tags_names_is_not_taken(self) -> None:
        # #org+acronym is ours (exported, not imported): it must not stand in for #org+name.
        tags = (
            "#org+acronym,#country+code,#activity+type,#activity+level,#sector,"
            "#activity+stage,#date+start,#date+end,#reached+f+children,#reached+m+children,"
            "#adm1+code"
        )
        before = Activity.objects.count()
        with self.assertRaises(ImportRowError) as caught:
            services.import_table(
                actor=self.charlie,
                kind="activities",
                table=table(activities(tags)),
                file_format="csv",
            )
        self.assertIn("#org+name", str(caught.exception.errors))
        self.assertEqual(Activity.objects.count(), before)

    def test_activities_export_the_organisations_type(self) -> None:
        tags = hxl.hashtags("activities")
        self.assertIn("#org+type", tags)
        outreach = Activity.objects.create(
            organisation=self.partner_b,
            country_id="NP",
            title="Outreach",
            intervention_type="capacity",
            level="policy",
            start_date=date(2025, 4, 1),
            created_by=self.charlie,
        )
        rows = hxl.activity_rows(Activity.objects.filter(pk=outreach.pk))
        self.assertEqual(rows[0][tags.index("#org+type")], self.partner_b.kind)
