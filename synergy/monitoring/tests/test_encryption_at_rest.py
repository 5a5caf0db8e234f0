from __future__ import annotations

from django.db import connection

from synergy.monitoring import crypto
from synergy.monitoring.models import Child
from synergy.monitoring.tests import factories as f

NAME = "Zanele Mthembu-Xq"


def raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return repr(cursor.fetchall())


class EncryptionAtRestTests(f.MonitoringTestCase):
    def test_it_never_stores_names_contacts_or_addresses_in_clear(self) -> None:
        household = f.household(
            self.alice,
            self.partner_a,
            address="12 Tinsmith Lane Qx",
            head_name="Sipho Mthembu-Xq",
            contact_phone="+977 98000 11223",
        )
        child = f.child(
            self.alice,
            self.partner_a,
            household=household,
            contact_phone="+977 98000 44556",
            identifiers={"birth_registration": "BR-99812"},
            photo=b"\x89PNG fake photo bytes Zanele",
            photo_content_type="image/png",
        )
        f.visit(self.alice, child, "identification", f.TODAY, notes="Zanele works at the kiln")
        dump = "".join(
            raw_rows(t)
            for t in (
                "monitoring_child",
                "monitoring_household",
                "monitoring_visit",
                "monitoring_childnametoken",
                "core_auditevent",
            )
        )
        for secret in ("Zanele", "Mthembu", "Tinsmith", "98000", "BR-99812", "fake photo", "kiln"):
            self.assertNotIn(secret, dump)
        # …and it reads back.
        again = Child.objects.get(pk=child.pk)
        self.assertEqual((again.first_name, again.last_name), ("Zanele", "Mthembu-Xq"))
        self.assertEqual(bytes(again.photo), b"\x89PNG fake photo bytes Zanele")
        self.assertEqual(again.identifiers, {"birth_registration": "BR-99812"})

    def test_it_stores_a_keyed_blind_index_not_a_plain_hash(self) -> None:
        child = f.child(self.alice, self.partner_a)
        import hashlib

        plain = hashlib.sha256(b"mthembu xq zanele").hexdigest()
        self.assertNotEqual(child.name_fp, plain)
        self.assertEqual(child.name_fp, crypto.name_fingerprint("ZANELE", "Mthembu Xq"))
        self.assertEqual(len(child.name_fp), 64)
