"""``synergy restore FILE``: bring a ``synergy backup`` archive back, after checking the keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from synergy.core.backup import BackupError, restore, use_database_url


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database (the configured one, or --database-url "
        "for a restore drill) and MEDIA_ROOT. Refuses, writing nothing, when the configured "
        "FIELD_ENCRYPTION_KEYS cannot read the backup's personal data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database-url", default="", help="restore into this database instead")
        parser.add_argument("--media-dir", type=Path, help="restore files here (MEDIA_ROOT)")
        parser.add_argument(
            "--replace", action="store_true", help="overwrite a database and files in use"
        )

    def handle(
        self,
        *args: Any,
        archive: Path,
        database_url: str,
        media_dir: Path | None,
        replace: bool,
        **options: Any,
    ) -> None:
        alias = use_database_url(database_url) if database_url else "default"
        try:
            manifest = restore(archive, alias=alias, media_root=media_dir, replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {archive} (made {manifest['created_at']}): {manifest['engine']} "
            f"database, {manifest['media_files']} uploaded file(s). Run `synergy migrate` if "
            "this version of Synergy is newer than the backup."
        )
