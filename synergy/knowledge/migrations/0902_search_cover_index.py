"""A narrow covering index over the practice columns that search filters, counts and sorts
on (see synergy/knowledge/search/schema.py, COVER_INDEX). Re-running the install is
idempotent: it adds what 0901 did not create yet."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from synergy.knowledge.search import schema

    schema.install(schema_editor.connection, rebuild=False)


def backwards(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS knowledge_goodpractice_search_cover")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0901_search_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
