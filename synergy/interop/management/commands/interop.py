"""``synergy interop SUBCOMMAND``: data exchange from the command line.

* ``export-iati [--country NP] [--output FILE.xml]``: projects as IATI 2.03 activities.
* ``validate-iati FILE``: check an IATI 2.03 activity file against the official schema that
  ships with Synergy; each problem is printed as ``line N: message`` and the command fails.
* ``export-hxl organisations|projects|activities [--format csv|xlsx] [--country NP]
  [--output FILE]``: an HXL-tagged table (xlsx needs --output).
* ``import-hxl organisations|projects|activities FILE [--user NAME] [--dry-run]``: validate
  every row, then write all or nothing. Without --user the import runs with full rights (the
  operator of the server); with it, with that user's rights. Errors are printed one a line as
  ``line N, #hashtag: message`` and the command fails.

Exports and imports are audited like their pages.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from synergy.core.errors import ImportRowError
from synergy.core.models import Country, User
from synergy.interop import hxl, iati, iati_rules, services
from synergy.interop.tabular import FORMATS, TableError, format_of, read_table


def _country(code: str) -> str:
    code = (code or "").upper()
    if code and not Country.objects.filter(pk=code).exists():
        raise CommandError(f"unknown country code {code!r} (use ISO alpha-2, e.g. NP)")
    return code


class Command(BaseCommand):
    help = "Data exchange: export-iati, validate-iati, export-hxl, import-hxl."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", metavar="SUBCOMMAND", title="subcommands", required=True
        )
        iati = sub.add_parser("export-iati", help="Projects as IATI 2.03 activity XML.")
        iati.add_argument("--country", default="", help="ISO alpha-2 code, e.g. NP")
        iati.add_argument("--output", type=Path, help="file to write (default: standard output)")
        check = sub.add_parser(
            "validate-iati", help="Check an IATI 2.03 activity file against the official schema."
        )
        check.add_argument("file", type=Path)
        export = sub.add_parser("export-hxl", help="An HXL-tagged CSV or Excel table.")
        export.add_argument("kind", choices=hxl.KINDS)
        export.add_argument("--format", dest="file_format", choices=FORMATS, default="csv")
        export.add_argument("--country", default="", help="ISO alpha-2 code, e.g. NP")
        export.add_argument("--output", type=Path, help="file to write (default: standard output)")
        imp = sub.add_parser("import-hxl", help="Import an HXL-tagged CSV or Excel table.")
        imp.add_argument("kind", choices=hxl.KINDS)
        imp.add_argument("file", type=Path)
        imp.add_argument("--user", default="", help="import with this user's rights")
        imp.add_argument("--dry-run", action="store_true", help="check the rows, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers: dict[str, Callable[..., None]] = {
            "export-iati": self.handle_export_iati,
            "validate-iati": self.handle_validate_iati,
            "export-hxl": self.handle_export_hxl,
            "import-hxl": self.handle_import_hxl,
        }
        handlers[options["subcommand"]](**options)

    def _write(self, content: bytes, output: Path | None, *, binary: bool = False) -> None:
        if output is not None:
            output.write_bytes(content)
            self.stderr.write(f"wrote {output} ({len(content)} bytes)")
        elif binary:
            raise CommandError("--output is required for Excel files")
        else:
            self.stdout.write(content.decode("utf-8"), ending="")

    def handle_export_iati(self, *, country: str, output: Path | None, **_: Any) -> None:
        export, result = services.export_iati(actor=None, country=_country(country))
        if result.count == 0:
            raise CommandError("no project to export (an IATI file needs at least one activity)")
        for code, reasons in result.reasons.items():
            state = "skipped" if code in result.skipped else "exported"
            self.stderr.write(f"{code} {state}: " + "; ".join(reasons))
        self._write(export.content, output)

    def handle_validate_iati(self, *, file: Path, **_: Any) -> None:
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        errors = iati.schema_errors(content)
        for error in errors:
            self.stderr.write(error)
        if errors:
            raise CommandError(f"{file}: {len(errors)} problem(s) against the IATI 2.03 schema")
        failures, _not_run = iati_rules.check(content)
        for failure in failures:
            self.stderr.write(str(failure))
        broken = [f for f in failures if f.severity == "error"]
        if broken:
            raise CommandError(f"{file}: {len(broken)} IATI rule(s) broken")
        self.stdout.write(
            f"{file}: valid IATI {iati.IATI_VERSION} activity XML, and the IATI Standard's "
            f"rules hold ({len(failures)} warning(s))"
        )

    def handle_export_hxl(
        self, *, kind: str, file_format: str, country: str, output: Path | None, **_: Any
    ) -> None:
        export = services.export_table(
            actor=None, kind=kind, file_format=file_format, country=_country(country)
        )
        self._write(export.content, output, binary=file_format == "xlsx")

    def handle_import_hxl(
        self, *, kind: str, file: Path, user: str, dry_run: bool, **_: Any
    ) -> None:
        actor = None
        if user:
            try:
                actor = User.objects.get(username=user)
            except User.DoesNotExist:
                raise CommandError(f"no user {user!r}") from None
            if not services.can_import(actor, kind):
                raise CommandError(f"{user} may not import {kind}")
        try:
            with open(file, "rb") as stream:
                table = read_table(stream, file.name)
            if dry_run:
                summary = services.import_preview(actor=actor, kind=kind, table=table)
            else:
                summary = services.import_table(
                    actor=actor, kind=kind, table=table, file_format=format_of(file.name)
                )
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        except TableError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        except ImportRowError as exc:
            for line, tag, message in exc.errors:
                self.stderr.write(f"line {line}, {tag or '-'}: {message}")
            raise CommandError(f"{len(exc.errors)} problem(s); nothing was imported") from exc
        verb = "would import" if dry_run else "imported"
        self.stdout.write(
            f"{verb} {summary.rows} rows: {summary.created} created, "
            f"{summary.updated} updated, {summary.unchanged} unchanged"
        )
