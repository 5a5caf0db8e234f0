from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from synergy.core.errors import ImportRowError
from synergy.core.models import Country, User
from synergy.indicators import dhis2, exchange


class Command(BaseCommand):
    help = (
        "Indicator values in and out: export --country CC --format "
        "{dhis2-json,adx,csv,xlsx,dhis2-metadata} [--output F]; import FILE --user NAME [--format F]."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        export = sub.add_parser("export", help="The country's current values.")
        export.add_argument("--country", required=True, help="ISO alpha-2 code, e.g. NP")
        export.add_argument(
            "--format",
            dest="fmt",
            choices=exchange.EXPORT_FORMATS,
            default="csv",
            help="dhis2-metadata: what DHIS2 must know before it takes the dhis2-json or adx "
            "values (import it first, at /api/metadata)",
        )
        export.add_argument("--output", type=Path, help="file to write (default: standard output)")
        imp = sub.add_parser("import", help="Enter the file's values as drafts (all or none).")
        imp.add_argument("file", type=Path)
        imp.add_argument("--user", required=True, help="import with this user's rights")
        imp.add_argument("--format", dest="fmt", choices=exchange.FORMATS, default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "export":
            self.export(options["country"], options["fmt"], options["output"])
        else:
            self.import_(options["file"], options["user"], options["fmt"])

    def export(self, country: str, fmt: str, output: Path | None) -> None:
        code = country.upper()
        if not Country.objects.filter(pk=code).exists():
            raise CommandError(f"--country: unknown country code {country!r} (use ISO alpha-2)")
        try:
            content = exchange.write(exchange.export_values(country_id=code), fmt)
        except dhis2.Dhis2Error as exc:
            raise CommandError(f"--format {fmt}: {exc}") from exc
        if output is None:
            if fmt == "xlsx":
                raise CommandError("--output: an Excel file needs a file name")
            sys.stdout.write(content.decode())
            return
        output.write_bytes(content)
        self.stdout.write(f"{output}: values of {code} as {fmt}")

    def import_(self, file: Path, username: str, fmt: str) -> None:
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"--user: no user {username!r}")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        try:
            rows = exchange.read(data, fmt or exchange.format_of(file.name), file.name)
            count = exchange.import_values(actor=actor, rows=rows)
        except ImportRowError as exc:
            for line, field, message in exc.errors:
                self.stderr.write(f"row {line}, {field or '-'}: {message}")
            raise CommandError(f"{len(exc.errors)} problem(s); nothing was imported") from exc
        self.stdout.write(f"{count} value(s) entered as drafts from {file}")
