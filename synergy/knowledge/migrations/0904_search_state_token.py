"""The content token of the search's in-memory facet arrays: the table
``knowledge_search_state`` and the triggers that renew its token on every write to the
practices and the tables their facets come from (see synergy/knowledge/search/facets.py).
Idempotent (see search/schema.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from synergy.knowledge.search import schema

    schema.install(schema_editor.connection, rebuild=False)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0903_search_trigger_upsert")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
