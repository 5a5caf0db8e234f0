"""Production refuses to start without field encryption keys; DEBUG derives one."""

from __future__ import annotations

import os
import subprocess
import sys

from django.test import SimpleTestCase

LONG_SECRET = "x" * 50
SNIPPET = (
    "import django; from django.conf import settings; print(len(settings.FIELD_ENCRYPTION_KEYS))"
)


def run(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FIELD_")}
    clean.update(DJANGO_SETTINGS_MODULE="synergy.settings", SECRET_KEY=LONG_SECRET, **env)
    return subprocess.run(
        [sys.executable, "-c", SNIPPET], env=clean, capture_output=True, text=True, timeout=60
    )


class EncryptionKeysRequiredTests(SimpleTestCase):
    def test_it_refuses_to_start_in_production_without_keys(self) -> None:
        result = run(DEBUG="0", SYNERGY_TESTING="0")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("FIELD_ENCRYPTION_KEYS", result.stderr)

    def test_it_derives_a_key_under_debug(self) -> None:
        result = run(DEBUG="1", SYNERGY_TESTING="0")
        self.assertEqual(result.stdout.strip(), "1", result.stderr)

    def test_it_reads_several_keys_newest_first(self) -> None:
        from cryptography.fernet import Fernet

        keys = ",".join(Fernet.generate_key().decode() for _ in range(2))
        result = run(DEBUG="0", SYNERGY_TESTING="0", FIELD_ENCRYPTION_KEYS=keys)
        self.assertEqual(result.stdout.strip(), "2", result.stderr)
