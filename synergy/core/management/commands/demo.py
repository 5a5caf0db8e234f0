from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from synergy.core import demo as core_demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent: a second run changes nothing) and list the accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = core_demo.load()
        # Each domain app may ship a demo module with a load() of its own.
        for config in apps.get_app_configs():
            if config.name.startswith("synergy.") and config.name != "synergy.core":
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.load()
        self.stdout.write("Demo accounts (all with the same password):")
        for account in accounts:
            self.stdout.write(
                f"  {account.username:<12} {account.password}  "
                f"{account.role} · {account.organisation}"
            )
