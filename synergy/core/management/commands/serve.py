from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Synergy with waitress (a production-grade pure-Python WSGI server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from synergy.core.gcwarmup import FreezeAfterWarmUp, freeze_now
        from synergy.wsgi import application

        # Out of the garbage collector's sight: what start-up loaded, then what the first
        # requests loaded (see synergy.core.gcwarmup).
        freeze_now()

        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(
            f"Synergy is serving on {url} (database: "
            f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        )
        serve(
            FreezeAfterWarmUp(application),
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            ident="synergy",
        )
