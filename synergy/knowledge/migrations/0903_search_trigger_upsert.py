"""Re-install the search triggers: on SQLite the insert trigger now replaces a row the index
may still hold under the same id (after a flush). Idempotent (see search/schema.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from synergy.knowledge.search import schema

    schema.install(schema_editor.connection, rebuild=False)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0902_search_cover_index")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
