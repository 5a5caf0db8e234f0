from __future__ import annotations

from io import StringIO

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from synergy.monitoring import crypto, selectors
from synergy.monitoring.models import Child
from synergy.monitoring.tests import factories as f

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def raw_first_name(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_name FROM monitoring_child WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


class KeyRotationTests(f.MonitoringTestCase):
    def test_it_reencrypts_with_the_newest_key_and_keeps_search_working(self) -> None:
        with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
            child = f.child(self.alice, self.partner_a)
            token_before = raw_first_name(child.pk)
            self.assertEqual(crypto.token_key_index(token_before), 0)
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
            # Before rotation the old key still decrypts.
            self.assertEqual(crypto.token_key_index(raw_first_name(child.pk)), 1)
            out = StringIO()
            call_command("monitoring", "rotate-keys", "--batch-size", "1", stdout=out)
            self.assertIn("re-encrypted", out.getvalue())
            self.assertEqual(crypto.token_key_index(raw_first_name(child.pk)), 0)
            # A second run has nothing left to do (resumable).
            out = StringIO()
            call_command("monitoring", "rotate-keys", stdout=out)
            self.assertIn("0 values re-encrypted", out.getvalue())
        # Only the new key is left: everything still decrypts, the name is still found.
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW], FIELD_BLIND_INDEX_KEY=OLD):
            self.assertEqual(Child.objects.get(pk=child.pk).first_name, "Zanele")
            found = selectors.child_list(user=self.alice, q="zanele")
            self.assertEqual([c.pk for c in found], [child.pk])

    def test_it_rebuilds_blind_indexes_for_a_new_blind_key(self) -> None:
        with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
            child = f.child(self.alice, self.partner_a)
        with override_settings(
            FIELD_ENCRYPTION_KEYS=[OLD], FIELD_BLIND_INDEX_KEY="another-secret-key"
        ):
            self.assertEqual(list(selectors.child_list(user=self.alice, q="Zanele")), [])
            call_command("monitoring", "rotate-keys", stdout=StringIO())
            found = selectors.child_list(user=self.alice, q="Zanele")
            self.assertEqual([c.pk for c in found], [child.pk])
