from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pycountry
from django.conf import settings
from django.test import SimpleTestCase
from django_tasks import TaskResultStatus, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from synergy.core.countries import USER_ASSIGNED
from synergy.core.models import Country
from synergy.core.tasks import countries_refresh
from synergy.testing import BaseTestCase

REPO = Path(__file__).resolve().parents[3]
GOOD_KEY = "a-production-secret-key-that-is-long-enough-for-this-check"
FIELD_KEY = "S2V5Rm9yVGVzdGluZ1NldHRpbmdzT25seTAxMjM0NTY="  # a valid Fernet key, tests only


class TaskTests(BaseTestCase):
    def test_it_runs_tasks_immediately_in_tests(self) -> None:
        self.assertIsInstance(task_backends["default"], ImmediateBackend)
        Country.objects.filter(iso2="NP").update(ilo_region="", m49_subregion="")
        result = countries_refresh.enqueue()
        self.assertEqual(result.status, TaskResultStatus.SUCCESSFUL)
        self.assertEqual(result.return_value, len(pycountry.countries) + len(USER_ASSIGNED))
        nepal = Country.objects.get(iso2="NP")
        self.assertEqual((nepal.ilo_region, nepal.m49_subregion), ("asia_pacific", "Southern Asia"))


class TaskSettingsTests(SimpleTestCase):
    def backend(self, **env: str) -> str:
        clean = {
            k: v
            for k, v in os.environ.items()
            if k not in ("SYNERGY_TESTING", "TASKS_IMMEDIATE", "DEBUG", "SECRET_KEY_FILE")
        }
        # Production also needs the CLMS field-encryption keys (synergy/monitoring/crypto.py).
        clean.setdefault("FIELD_ENCRYPTION_KEYS", FIELD_KEY)
        clean.update(SECRET_KEY=GOOD_KEY, **env)
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import synergy.settings as s; print(s.TASKS['default']['BACKEND'])",
            ],
            cwd=REPO,
            env=clean,
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.strip()

    def test_it_uses_the_database_worker_outside_tests(self) -> None:
        self.assertEqual(self.backend(), "django_tasks_db.DatabaseBackend")

    def test_it_runs_immediately_when_asked(self) -> None:
        immediate = "django_tasks.backends.immediate.ImmediateBackend"
        self.assertEqual(self.backend(TASKS_IMMEDIATE="1"), immediate)
        self.assertEqual(self.backend(SYNERGY_TESTING="1"), immediate)
        self.assertEqual(settings.TASKS["default"]["BACKEND"], immediate)
