from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

REPO = Path(__file__).resolve().parents[3]
GOOD_KEY = "k" * 20 + "-a-production-secret-key-that-is-long"
FIELD_KEY = "S2V5Rm9yVGVzdGluZ1NldHRpbmdzT25seTAxMjM0NTY="  # a valid Fernet key, tests only
# Variables the test runner sets that would hide what production does.
SCRUBBED = ("SYNERGY_TESTING", "SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "DATABASE_URL")


def load_settings(code: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings module in a fresh interpreter with ``env`` as the environment."""
    clean = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    # Production also needs the CLMS field-encryption keys (synergy/monitoring/crypto.py).
    clean.setdefault("FIELD_ENCRYPTION_KEYS", FIELD_KEY)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import synergy.settings as s\n{code}"],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


class ProductionSettingsTests(SimpleTestCase):
    def test_it_refuses_to_start_without_a_secret_key(self) -> None:
        result = load_settings()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured", result.stderr)
        self.assertIn("SECRET_KEY", result.stderr)

    def test_it_refuses_the_development_key(self) -> None:
        result = load_settings(SECRET_KEY="insecure-development-key-do-not-use-in-production")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("development default", result.stderr)

    def test_it_refuses_a_short_key(self) -> None:
        result = load_settings(SECRET_KEY="too-short")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("shorter than 32 characters", result.stderr)

    def test_it_allows_the_development_key_in_debug(self) -> None:
        result = load_settings("print(s.SECRET_KEY == s.DEV_SECRET_KEY)", DEBUG="1")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "True")

    def test_it_reads_the_key_from_a_file(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "secret_key"
            path.write_text(GOOD_KEY + "\n", encoding="utf-8")
            result = load_settings("print(s.SECRET_KEY)", SECRET_KEY_FILE=str(path))
        self.assertEqual(result.returncode, 0, result.stderr)
        # The trailing newline a text editor adds is not part of the key.
        self.assertEqual(result.stdout.strip(), GOOD_KEY)

    def test_it_names_a_missing_key_file(self) -> None:
        result = load_settings(SECRET_KEY_FILE="/nonexistent/synergy/secret_key")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY_FILE: cannot read /nonexistent/synergy/secret_key", result.stderr)

    def test_it_names_a_bad_boolean(self) -> None:
        result = load_settings(SECRET_KEY=GOOD_KEY, DEBUG="maybe")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DEBUG must be a boolean", result.stderr)
        self.assertIn("'maybe'", result.stderr)

    def test_it_parses_the_database_url(self) -> None:
        code = "d = s.DATABASES['default']\nprint(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'])"
        result = load_settings(
            code, SECRET_KEY=GOOD_KEY, DATABASE_URL="postgres://syn:pw@db.example.org:5433/synergy"
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            result.stdout.split(),
            ["django.db.backends.postgresql", "synergy", "db.example.org", "5433"],
        )

    def test_it_defaults_to_sqlite_with_foreign_keys(self) -> None:
        code = "d = s.DATABASES['default']\nprint(d['ENGINE'], 'foreign_keys=ON' in d['OPTIONS']['init_command'])"
        result = load_settings(code, SECRET_KEY=GOOD_KEY)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["django.db.backends.sqlite3", "True"])

    def test_it_uses_argon2_outside_tests(self) -> None:
        result = load_settings("print(s.PASSWORD_HASHERS[0])", SECRET_KEY=GOOD_KEY)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "django.contrib.auth.hashers.Argon2PasswordHasher")
