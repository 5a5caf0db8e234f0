"""The full-text search index of the knowledge base (see synergy/knowledge/search/schema.py):
FTS5 tables and triggers on SQLite, tsvector tables with GIN indexes and triggers on
PostgreSQL. Other backends get nothing (search falls back to unranked LIKE)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from synergy.knowledge.search import schema

    schema.install(schema_editor.connection, rebuild=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    from synergy.knowledge.search import schema

    schema.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_default_taxonomies")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
