"""``synergy monitoring rotate-keys``: re-encrypt the CLMS personal data with the newest key.
``synergy monitoring purge-uploads``: delete import uploads older than the retention period."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from synergy.monitoring.importing import jobs_purge
from synergy.monitoring.keyrotation import rotate_keys


class Command(BaseCommand):
    help = (
        "CLMS maintenance. rotate-keys: re-encrypt every encrypted column with the newest key "
        "of FIELD_ENCRYPTION_KEYS (in batches; safe to interrupt and run again) and rebuild the "
        "blind indexes with the current blind key. purge-uploads: delete the import uploads "
        "and job records older than IMPORT_UPLOAD_RETENTION_HOURS that are not being imported "
        "(also done whenever a file is uploaded; schedule it where uploads are rare)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["rotate-keys", "purge-uploads"])
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "purge-uploads":
            removed = jobs_purge()
            self.stdout.write(self.style.SUCCESS(f"Done: {removed} import upload(s) deleted."))
            return
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        report = rotate_keys(
            batch_size=options["batch_size"], progress=lambda line: self.stdout.write(line)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {report.rows_checked} rows checked, {report.values_reencrypted} values "
                f"re-encrypted, {report.indexes_rebuilt} blind indexes rebuilt."
            )
        )
