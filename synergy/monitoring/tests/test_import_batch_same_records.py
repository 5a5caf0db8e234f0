"""The batch import writes the same records, rules and audit events as the row-by-row path
through the services (households, encrypted children and their blind indexes, classified
visits, status changes, duplicate flags within the file and against existing children,
enrolments, outcomes, one audit event per created record)."""

from __future__ import annotations

from datetime import date

from synergy.monitoring.models import (
    Child,
)
from synergy.monitoring.tests import factories as f
from synergy.monitoring.tests.import_paths import MAPPING, ImportPaths

CSV = (
    "hh,head,first,last,sex,dob,age,risk,project,visit,kind,hours,hazard,attendance,ref\n"
    "H1,Hari Lama,Sita,Lama,F,2013-05-01,,,P-1,2025-01-10,,30,yes,40,C1\n"
    "H1,Hari Lama,Sita,Lama,F,2013-05-01,,,P-1,2025-04-10,follow_up,0,no,95,C1\n"
    "H1,Hari Lama,Sita,Lama,F,2013-05-01,,,P-1,2025-08-10,follow_up,0,no,95,C1\n"
    "H1,Hari Lama,Sita,Lama,F,2013-05-01,,,P-1,2025-10-12,follow_up,0,no,96,C1\n"
    "H1,Hari Lama,Ram,Lama,M,,12,,P-1,2025-02-01,,12,no,80,C2\n"
    "H2,Maya Rai,Seeta,Lama,F,2014-01-01,,,,2025-03-01,,0,no,90,C3\n"
    "H3,Gita Rai,Gita,Rai,F,,9,,P-1,,,,,,C4\n"
)


class BatchImportTests(ImportPaths):
    mapping = MAPPING

    def test_it_writes_the_same_records_as_the_services(self) -> None:
        # An existing child of partner B that two rows of the file resemble.
        f.child(
            self.charlie,
            self.partner_b,
            first_name="Sita",
            last_name="Lama",
            sex="F",
            date_of_birth=date(2013, 6, 1),
        )
        one_by_one = self.run_path(batch=False, csv=CSV)
        batch = self.run_path(batch=True, csv=CSV)
        self.assertEqual(one_by_one["summary"], {"households": 3, "children": 4, "visits": 6})
        # The scenario exercises every part: flags in the file and across organisations,
        # status changes beyond registration, enrolments and audit events of each kind.
        self.assertTrue(any(flag[1][0] == "old" for flag in one_by_one["flags"]))
        self.assertTrue(any(flag[1][0] == "new" for flag in one_by_one["flags"]))
        self.assertGreater(len(one_by_one["changes"]), 4)
        self.assertEqual(len(one_by_one["enrolments"]), 3)
        self.assertEqual({a[0] for a in one_by_one["audit"]}, {"create", "enrol", "visit"})
        for part in one_by_one:
            with self.subTest(part=part):
                self.assertEqual(batch[part], one_by_one[part])

    def test_it_flags_the_same_candidates_whatever_is_known_of_birth_years(self) -> None:
        # Existing: no birth year at all; born 2010; born 2013. In the file: born 2013, and
        # aged 15 (born about 2011). A candidate's birth year may differ by one year at most;
        # one without a birth year is a candidate for everyone.
        unknown = f.child(self.charlie, self.partner_b, first_name="Sita", last_name="Lama")
        # A record from before a date of birth or an age was required.
        Child.objects.filter(pk=unknown.pk).update(date_of_birth=None, birth_year=None)
        unknown.refresh_from_db()
        older = f.child(
            self.charlie,
            self.partner_b,
            first_name="Sita",
            last_name="Lama",
            date_of_birth=date(2010, 2, 2),
        )
        same = f.child(
            self.charlie,
            self.partner_b,
            first_name="Sita",
            last_name="Lama",
            date_of_birth=date(2013, 9, 9),
        )
        self.assertIsNone(unknown.birth_year)
        csv = (
            "hh,head,first,last,sex,dob,age,risk,project,visit,kind,hours,hazard,attendance,ref\n"
            "H1,Hari Lama,Sita,Lama,F,2013-05-01,,,,,,,,,C1\n"
            "H2,Maya Lama,Sita,Lama,F,,15,,,,,,,,C2\n"
        )
        one_by_one = self.run_path(batch=False, csv=csv)
        batch = self.run_path(batch=True, csv=csv)
        born_in_file = [c[5] for c in one_by_one["children"]]
        self.assertEqual(born_in_file[0], 2013)
        self.assertIn(born_in_file[1], (2010, 2011))
        old_flags = {(flag[0], flag[1][1]) for flag in one_by_one["flags"] if flag[1][0] == "old"}
        # Not (0, older): 2010 is three years from 2013; not (1, same): 2013 is two or three
        # years from the estimate.
        expected = {(0, unknown.pk), (0, same.pk), (1, unknown.pk), (1, older.pk)}
        self.assertEqual(old_flags, expected)
        self.assertEqual(batch["flags"], one_by_one["flags"])
