"""``synergy backup FILE``: the database and the uploaded files in one archive, keys apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from synergy.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files to one .tar.gz archive. The encryption "
        "keys are not in it: keep FIELD_ENCRYPTION_KEYS_FILE safe, apart from the backups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", type=Path, help="archive to write, e.g. synergy.tar.gz")

    def handle(self, *args: Any, output: Path, **options: Any) -> None:
        if output.exists():
            raise CommandError(f"{output} exists already: choose a new file name")
        try:
            manifest = backup(output)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"wrote {output}: {manifest['engine']} database, {manifest['media_files']} "
            f"uploaded file(s); needs encryption key(s) {', '.join(manifest['keys']['encryption'])}"
        )
