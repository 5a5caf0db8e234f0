"""Bulk inserts (COPY on PostgreSQL, executemany on SQLite) write what the ORM would write."""

from __future__ import annotations

from datetime import UTC, date, datetime

from synergy.core import bulk
from synergy.core.models import AdminArea, AuditEvent, User
from synergy.testing import BaseTestCase


class BulkInsertTests(BaseTestCase):
    def test_rows_come_back_through_the_orm_with_their_types(self) -> None:
        at = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
        written = bulk.insert_rows(
            AuditEvent,
            ("actor_id", "action", "object_type", "object_id", "organisation_id", "ip")
            + ("detail", "at"),
            [
                (self.alice.pk, "create", "test.thing", "7", self.partner_a.pk, None, {}, at),
                (None, "visit", "test.thing", "8", None, "10.1.2.3", {"label": "HAZ"}, at),
            ],
        )
        self.assertEqual(written, 2)
        events = {e.object_id: e for e in AuditEvent.objects.filter(object_type="test.thing")}
        first, second = events["7"], events["8"]
        self.assertEqual(
            (first.actor, first.organisation, first.at, first.detail, first.ip),
            (self.alice, self.partner_a, at, {}, None),
        )
        self.assertEqual(
            (second.actor, second.detail, second.ip), (None, {"label": "HAZ"}, "10.1.2.3")
        )
        self.assertIsNotNone(first.pk)

    def test_instances_get_their_keys_and_later_rows_can_point_at_them(self) -> None:
        province = AdminArea(country=self.country, code="BULK-1", name="Province", level=1)
        district = AdminArea(
            country=self.country,
            code="BULK-1-1",
            name="District",
            level=2,
            parent=province,
            valid_from=date(2020, 1, 1),
            geometry={"type": "Point", "coordinates": [85.3, 27.7]},
        )
        bulk.insert_instances(AdminArea, [province])
        self.assertIsNotNone(province.pk)
        bulk.insert_instances(AdminArea, [district])
        stored = AdminArea.objects.get(code="BULK-1-1")
        self.assertEqual(stored.pk, district.pk)
        self.assertEqual(stored.parent_id, province.pk)
        self.assertEqual(stored.valid_from, date(2020, 1, 1))
        self.assertEqual(stored.geometry, {"type": "Point", "coordinates": [85.3, 27.7]})
        self.assertFalse(district._state.adding)

    def test_it_refuses_a_row_pointing_at_an_unsaved_record(self) -> None:
        province = AdminArea(country=self.country, code="BULK-2", name="Province", level=1)
        district = AdminArea(
            country=self.country, code="BULK-2-1", name="District", level=2, parent=province
        )
        with self.assertRaisesMessage(ValueError, "AdminArea.parent"):
            bulk.insert_instances(AdminArea, [district])
        self.assertFalse(AdminArea.objects.filter(code__startswith="BULK-2").exists())

    def test_it_refuses_a_model_whose_save_does_more_than_guard(self) -> None:
        # A user's save() normalises and hashes: COPY would skip it.
        with self.assertRaisesMessage(TypeError, "User overrides save()"):
            bulk.insert_rows(User, ("username",), [("bulky",)])
        self.assertFalse(User.objects.filter(username="bulky").exists())

    def test_it_names_an_unknown_field(self) -> None:
        with self.assertRaisesMessage(ValueError, "AuditEvent has no field 'colour'"):
            bulk.insert_rows(AuditEvent, ("colour",), [("red",)])
