from __future__ import annotations

import os
import signal
import socket
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections


class Command(BaseCommand):
    help = (
        "Serve Synergy with waitress (a production-grade pure-Python WSGI server); "
        "--workers N runs N processes on one listening socket."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8, help="threads per process")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="processes (Python runs one thread at a time per process: use one per core)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"]
        if workers < 1:
            raise CommandError("--workers must be 1 or more")
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(
            f"Synergy is serving on {url} with {workers} process(es) of {options['threads']} "
            f"threads (database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        )
        self.stdout.flush()
        if workers == 1:
            self._serve(options, sockets=None)
            return
        listener = socket.create_server((options["host"], options["port"]), backlog=1024)
        # Every process accepts on the same socket; the kernel hands each connection to one.
        # No database connection may cross the fork.
        connections.close_all()
        children = []
        for _ in range(workers):
            pid = os.fork()
            if pid == 0:
                try:
                    self._serve(options, sockets=[listener])
                finally:
                    os._exit(0)
            children.append(pid)
        self._supervise(children)

    def _serve(self, options: dict[str, Any], sockets: list[socket.socket] | None) -> None:
        from waitress import serve

        from synergy.core.gcwarmup import FreezeAfterWarmUp, freeze_now
        from synergy.wsgi import application

        # Out of the garbage collector's sight: what start-up loaded, then what the first
        # requests loaded (see synergy.core.gcwarmup).
        freeze_now()
        where: dict[str, Any] = (
            {"sockets": sockets} if sockets else {"host": options["host"], "port": options["port"]}
        )
        serve(
            FreezeAfterWarmUp(application),
            threads=options["threads"],
            ident="synergy",
            **where,
        )

    def _supervise(self, children: list[int]) -> None:
        """Stop every process when asked to, or when one of them dies (the service manager
        then restarts the whole server, rather than leaving it with fewer processes)."""

        def stop(signum: int, _frame: object) -> None:
            for pid in children:
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        pid, status = os.wait()
        children.remove(pid)
        stop(signal.SIGTERM, None)
        for remaining in children:
            os.waitpid(remaining, 0)
        code = os.waitstatus_to_exitcode(status)
        sys.exit(0 if code in (0, -signal.SIGTERM) else 1)
