"""``synergy monitoring rotate-keys``: re-encrypt the CLMS personal data with the newest key.
``synergy monitoring purge-uploads``: delete import uploads older than the retention period.
``synergy monitoring count-reports``: count the country reports' heavy sections ahead.
``synergy monitoring xlsform --country CC --form F --output F.xlsx``: a KoBo/ODK form.
``synergy monitoring check-tally [--repair]``: the home page's tally against the records."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from synergy.core.models import Country
from synergy.monitoring.importing import jobs_purge
from synergy.monitoring.indicators import Period, Scope
from synergy.monitoring.keyrotation import rotate_keys
from synergy.monitoring.models import Child
from synergy.monitoring.report_sections import count_ahead
from synergy.monitoring.xlsform import FORMS, build


class Command(BaseCommand):
    help = (
        "CLMS maintenance. rotate-keys: re-encrypt every encrypted column with the newest key "
        "of FIELD_ENCRYPTION_KEYS (in batches; safe to interrupt and run again) and rebuild the "
        "blind indexes with the current blind key. purge-uploads: delete the import uploads "
        "and job records older than IMPORT_UPLOAD_RETENTION_HOURS that are not being imported "
        "(also done whenever a file is uploaded; schedule it where uploads are rare). "
        "count-reports: count and keep the heavy sections (USDOL indicators, support shares, "
        "ages) of every country report with children, for the current half-year and the ones "
        "before it (--periods), so that readers find them counted; schedule it more often "
        "than REPORT_CACHE_SECONDS, with a CACHE_URL the server shares. "
        "xlsform: write the XLSForm of the registration or visit form built from the "
        "country's setup (areas, risk factors, hazardous work list), for KoBoToolbox or ODK; "
        "an export of its submissions imports with no mapping step. "
        "check-tally: compare the tallies kept by database triggers (children and outcomes "
        "per country and organisation, outcomes per month) with the records, after a restore "
        "or bulk load made with triggers disabled; --repair counts them again."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "action",
            choices=["rotate-keys", "purge-uploads", "count-reports", "xlsform", "check-tally"],
        )
        parser.add_argument("--repair", action="store_true", help="check-tally: rebuild it")
        parser.add_argument("--form", choices=FORMS, default="registration")
        parser.add_argument("--output", help="the .xlsx file to write (xlsform)")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--country", action="append", default=[], help="ISO code (repeat); default: all"
        )
        parser.add_argument("--periods", type=int, default=2, help="half-years, newest first")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check-tally":
            self.check_tally(options["repair"])
            return
        if options["action"] == "xlsform":
            self.xlsform(options["country"], options["form"], options.get("output"))
            return
        if options["action"] == "count-reports":
            self.count_reports(options["country"], options["periods"])
            return
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

    def check_tally(self, repair: bool) -> None:
        from synergy.monitoring import tally

        wrong: list[Any] = tally.differences()
        for (country, organisation), kept, counted in wrong:
            self.stdout.write(
                f"{country} organisation {organisation}: kept {kept}, records {counted}"
            )
        months = tally.month_differences()
        for (organisation, project, kind, sex, month), kept, counted in months:
            self.stdout.write(
                f"organisation {organisation} project {project} {kind} {sex} {month:%Y-%m}: "
                f"kept {kept}, records {counted}"
            )
        wrong += months
        if not wrong:
            self.stdout.write(self.style.SUCCESS("The tally equals the records."))
            return
        if not repair:
            raise CommandError(f"{len(wrong)} bucket(s) differ; run with --repair")
        buckets = tally.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Repaired: {buckets} row(s) counted again."))

    def xlsform(self, countries: list[str], form: str, output: str | None) -> None:
        if len(countries) != 1 or not output:
            raise CommandError("xlsform needs one --country and --output FILE.xlsx")
        country = Country.objects.filter(iso2=countries[0].upper()).first()
        if country is None:
            raise CommandError(f"Unknown country {countries[0]!r} (give its ISO alpha-2 code)")
        Path(output).write_bytes(build(country, form))
        self.stdout.write(self.style.SUCCESS(f"wrote {output}"))

    def count_reports(self, countries: list[str], periods: int) -> None:
        if periods < 1:
            raise CommandError("--periods must be at least 1")
        if settings.REPORT_CACHE_SECONDS <= 0:
            raise CommandError("REPORT_CACHE_SECONDS is 0: reports are not kept, nothing to do")
        if "LocMemCache" in settings.CACHES["default"]["BACKEND"]:
            raise CommandError(
                "CACHE_URL is locmem://: the server would not see what this counts. Set "
                "CACHE_URL=database:// (after `synergy createcachetable`) or file:///<dir>."
            )
        wanted = sorted({code.upper() for code in countries})
        unknown = [code for code in wanted if not Country.objects.filter(pk=code).exists()]
        if unknown:
            raise CommandError(f"--country: no country {unknown[0]!r}")
        codes = wanted or sorted(
            set(Child.objects.order_by().values_list("country_id", flat=True).distinct())
        )
        half_years = [Period.half_year(timezone.localdate())]
        while len(half_years) < periods:
            half_years.append(half_years[-1].previous())
        for code in codes:
            for period, name, seconds in count_ahead(Scope(country_id=code), half_years):
                self.stdout.write(f"{code} {period.start}-{period.end} {name}: {seconds:.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {len(codes)} country report(s), {len(half_years)} half-year(s) each."
            )
        )
