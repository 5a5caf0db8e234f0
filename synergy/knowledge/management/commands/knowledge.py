from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from synergy.core.errors import ImportRowError
from synergy.core.models import Role, User
from synergy.knowledge import services


class Command(BaseCommand):
    help = "Knowledge base tasks. 'import PATH' creates one draft good practice per case."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        importer = sub.add_parser(
            "import",
            help="Import a good-practice publication (Markdown); running it twice changes nothing",
            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        )
        importer.add_argument("path", type=Path)
        importer.add_argument(
            "--author",
            default="",
            help="Username recorded as the author (a knowledge editor or system administrator); "
            "default: the first superuser",
        )
        importer.add_argument(
            "--publish",
            action="store_true",
            help="Also publish the practices it creates (submitted, reviewed and published by "
            "the importing user, each step in the audit trail)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self._import(options["path"], options["author"], publish=options["publish"])

    def _import(self, path: Path, username: str, *, publish: bool = False) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if username:
            author = User.objects.filter(username=username).first()
            if author is None:
                raise CommandError(f"--author: no user named {username!r}")
        else:
            author = (
                User.objects.filter(is_superuser=True).order_by("pk").first()
                or User.objects.filter(memberships__role=Role.SYSTEM_ADMIN).order_by("pk").first()
            )
            if author is None:
                raise CommandError("No superuser to record as author: pass --author USERNAME")
        try:
            result = services.practices_import_and_publish(actor=author, path=path, publish=publish)
        except ImportRowError as exc:
            raise CommandError("\n".join(f"case {n}: {f}: {m}" for n, f, m in exc.errors)) from None
        except PermissionError as exc:
            raise CommandError(str(exc)) from None
        state = "published" if publish else "drafts"
        self.stdout.write(
            f"{result.publication}: {len(result.created)} practice(s) created as {state}, "
            f"{result.unchanged} already imported."
        )
        for practice in result.created:
            self.stdout.write(f"  + {practice.title}")
        for title, names in result.unresolved_countries.items():
            self.stdout.write(f"  ! {title}: no ISO 3166 code for {', '.join(names)}")
