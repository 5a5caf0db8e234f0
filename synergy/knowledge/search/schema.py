"""The search index: its tables, and the database triggers that keep it in step with the
knowledge tables. Installed by migration ``0901_search_index``; ``ensure_index()`` puts it back
when something (a later migration that remakes a table on SQLite) dropped a trigger.

Same table names on both backends, one row per indexed object, keyed by the object's id:

* ``knowledge_search_practice``: title, summary, and the six sections as one body;
* ``knowledge_search_outcome``: an event outcome (lesson learned, success story, commitment,
  recommendation): title, description;
* ``knowledge_search_event``: title, description, and agenda and place as the body.

SQLite: FTS5 virtual tables (``unicode61 remove_diacritics 2`` tokenizer, prefix indexes)
with columns ``title, summary, body`` and ``rowid`` = object id.

PostgreSQL: ordinary tables ``(id, document tsvector, config regconfig)`` with a GIN index.
``document`` weighs title A, summary B, body C, under the text search configuration of the
practice's first language (``synergy_english``, ``synergy_french``, ``synergy_spanish``,
``synergy_portuguese``; ``synergy_simple`` for Arabic). Those configurations copy the built-in
ones and add ``unaccent`` when the extension can be created. A text in an unknown language
(outcomes, events, practices without a language) is indexed under all five, so that a
stemmed query in any of them finds it.

Triggers fire on insert, on a change of an indexed field, and on delete; a change of status
(publishing) leaves the index alone, since visibility is decided at query time by joining the
practice row.
"""

from __future__ import annotations

from typing import Any

from django.db import connection as default_connection

SEP = "char(10)"  # sections are joined with a newline

PRACTICE_BODY_FIELDS = (
    "background",
    "action",
    "achievements",
    "sustainability",
    "lessons_learned",
    "necessary_conditions",
)

# (index table, source table, title, summary, body fields)
SOURCES: dict[str, tuple[str, str, str, str, tuple[str, ...]]] = {
    "practice": (
        "knowledge_search_practice",
        "knowledge_goodpractice",
        "title",
        "summary",
        PRACTICE_BODY_FIELDS,
    ),
    "outcome": ("knowledge_search_outcome", "knowledge_outcome", "title", "description", ()),
    "event": (
        "knowledge_search_event",
        "knowledge_event",
        "title",
        "description",
        ("agenda", "place"),
    ),
}

PG_LANGUAGE_CONFIGS = {
    "en": "synergy_english",
    "fr": "synergy_french",
    "es": "synergy_spanish",
    "pt": "synergy_portuguese",
    "ar": "synergy_simple",
}
PG_BASE_CONFIGS = {
    "synergy_english": "english",
    "synergy_french": "french",
    "synergy_spanish": "spanish",
    "synergy_portuguese": "portuguese",
    "synergy_simple": "simple",
}
PG_ALL_CONFIGS = tuple(PG_BASE_CONFIGS)


def _body_sql(prefix: str, fields: tuple[str, ...], *, concat: str = "||") -> str:
    if not fields:
        return "''"
    parts = [f"coalesce({prefix}{f}, '')" for f in fields]
    return f" {concat} {SEP} {concat} ".join(parts)


def _changed_sql(title: str, summary: str, body: tuple[str, ...], extra: tuple[str, ...]) -> str:
    cols = (title, summary, *body, *extra)
    return " OR ".join(f"old.{c} IS NOT new.{c}" for c in cols)


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_statements() -> list[str]:
    statements: list[str] = []
    for index, source, title, summary, body in SOURCES.values():
        statements.append(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {index} USING fts5("
            "title, summary, body, "
            "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
        )
        # fts5vocab gives document frequencies (distinctive terms for similar practices).
        statements.append(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {index}_vocab USING fts5vocab({index}, 'row')"
        )
        values = f"new.id, new.{title}, new.{summary}, {_body_sql('new.', body)}"
        insert = f"INSERT INTO {index}(rowid, title, summary, body) VALUES ({values});"
        # Triggers are dropped and re-created so that a new definition replaces an old one.
        statements += [f"DROP TRIGGER IF EXISTS {index}_{s}" for s in ("ai", "au", "ad")]
        # The DELETE first: after a flush (tests) ids start again from 1 while the index
        # still holds the old rows, and FTS5 refuses a second row with the same rowid.
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {index}_ai AFTER INSERT ON {source} "
            f"BEGIN DELETE FROM {index} WHERE rowid = new.id; {insert} END"
        )
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {index}_au AFTER UPDATE ON {source} "
            f"WHEN {_changed_sql(title, summary, body, ('id',))} "
            f"BEGIN DELETE FROM {index} WHERE rowid = old.id; {insert} END"
        )
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {index}_ad AFTER DELETE ON {source} "
            f"BEGIN DELETE FROM {index} WHERE rowid = old.id; END"
        )
    return statements


def _sqlite_rebuild(cursor: Any, kind: str, ids: list[int] | None = None) -> None:
    index, source, title, summary, body = SOURCES[kind]
    where, params = _where_ids(ids)
    cursor.execute(f"DELETE FROM {index}{where.replace('id IN', 'rowid IN')}", params)
    cursor.execute(
        f"INSERT INTO {index}(rowid, title, summary, body) "
        f"SELECT id, {title}, {summary}, {_body_sql('', body)} FROM {source}{where}",
        params,
    )


def _where_ids(ids: list[int] | None) -> tuple[str, list[int]]:
    if ids is None:
        return "", []
    if not ids:
        return " WHERE 1 = 0", []
    return " WHERE id IN (" + ", ".join(["%s"] * len(ids)) + ")", list(ids)


def _sqlite_drop_statements() -> list[str]:
    statements: list[str] = []
    for index, *_rest in SOURCES.values():
        for suffix in ("ai", "au", "ad"):
            statements.append(f"DROP TRIGGER IF EXISTS {index}_{suffix}")
        statements.append(f"DROP TABLE IF EXISTS {index}_vocab")
        statements.append(f"DROP TABLE IF EXISTS {index}")
    statements.append(f"DROP INDEX IF EXISTS {COVER_INDEX}")
    statements += [f"DROP TRIGGER IF EXISTS {n}" for n in _state_trigger_names("sqlite")]
    statements.append(f"DROP TABLE IF EXISTS {STATE_TABLE}")
    return statements


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_configs(cursor: Any) -> None:
    """Create the synergy_* text search configurations, with unaccent if we may."""
    has_unaccent = False
    cursor.execute("SAVEPOINT synergy_unaccent")
    try:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        cursor.execute("RELEASE SAVEPOINT synergy_unaccent")
        has_unaccent = True
    except Exception:  # no privilege or no contrib package: search works, accents count
        cursor.execute("ROLLBACK TO SAVEPOINT synergy_unaccent")
    for config, base in PG_BASE_CONFIGS.items():
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [config])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {config} (COPY = pg_catalog.{base})")
        if has_unaccent:
            dictionary = "simple" if base == "simple" else f"{base}_stem"
            cursor.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {config} "
                f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {dictionary}"
            )


def _pg_statements() -> list[str]:
    cases = " ".join(f"WHEN '{lang}' THEN '{cfg}'" for lang, cfg in PG_LANGUAGE_CONFIGS.items())
    all_configs = ", ".join(f"'{c}'" for c in PG_ALL_CONFIGS)
    statements = [
        # The configuration of a language code; NULL when unknown (index under all).
        f"""CREATE OR REPLACE FUNCTION knowledge_search_config(lang text) RETURNS regconfig
        LANGUAGE sql STABLE AS $$ SELECT (CASE lang {cases} ELSE NULL END)::regconfig $$""",
        f"""CREATE OR REPLACE FUNCTION knowledge_search_document(
            lang text, title text, summary text, body text) RETURNS tsvector
        LANGUAGE plpgsql STABLE AS $$
        DECLARE
            cfg regconfig := knowledge_search_config(lang);
            doc tsvector := ''::tsvector;
            c regconfig;
        BEGIN
            IF cfg IS NOT NULL THEN
                RETURN setweight(to_tsvector(cfg, coalesce(title, '')), 'A')
                    || setweight(to_tsvector(cfg, coalesce(summary, '')), 'B')
                    || setweight(to_tsvector(cfg, coalesce(body, '')), 'C');
            END IF;
            FOREACH c IN ARRAY ARRAY[{all_configs}]::regconfig[] LOOP
                doc := doc
                    || setweight(to_tsvector(c, coalesce(title, '')), 'A')
                    || setweight(to_tsvector(c, coalesce(summary, '')), 'B')
                    || setweight(to_tsvector(c, coalesce(body, '')), 'C');
            END LOOP;
            RETURN doc;
        END $$""",
    ]
    for kind, (index, source, title, summary, body) in SOURCES.items():
        lang = "NEW.languages ->> 0" if kind == "practice" else "NULL"
        body_sql = _body_sql("NEW.", body, concat="||").replace(SEP, "E'\\n'")
        extra = ("languages",) if kind == "practice" else ()
        changed = " OR ".join(
            f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in (title, summary, *body, *extra)
        )
        statements += [
            f"""CREATE TABLE IF NOT EXISTS {index} (
                id bigint PRIMARY KEY,
                document tsvector NOT NULL,
                config regconfig NOT NULL)""",
            f"CREATE INDEX IF NOT EXISTS {index}_document ON {index} USING gin (document)",
            f"""CREATE OR REPLACE FUNCTION {index}_sync() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    DELETE FROM {index} WHERE id = OLD.id;
                    RETURN OLD;
                END IF;
                IF TG_OP = 'UPDATE' AND NOT ({changed}) THEN
                    RETURN NEW;
                END IF;
                INSERT INTO {index} (id, document, config)
                VALUES (
                    NEW.id,
                    knowledge_search_document({lang}, NEW.{title}, NEW.{summary}, {body_sql}),
                    coalesce(knowledge_search_config({lang}), 'synergy_simple'))
                ON CONFLICT (id) DO UPDATE
                    SET document = EXCLUDED.document, config = EXCLUDED.config;
                RETURN NEW;
            END $$""",
            f"DROP TRIGGER IF EXISTS {index}_sync ON {source}",
            f"""CREATE TRIGGER {index}_sync AFTER INSERT OR UPDATE OR DELETE ON {source}
            FOR EACH ROW EXECUTE FUNCTION {index}_sync()""",
        ]
    return statements


def _pg_rebuild(cursor: Any, kind: str, ids: list[int] | None = None) -> None:
    index, source, title, summary, body = SOURCES[kind]
    lang = "languages ->> 0" if kind == "practice" else "NULL"
    body_sql = _body_sql("", body).replace(SEP, "E'\\n'")
    where, params = _where_ids(ids)
    cursor.execute(f"DELETE FROM {index}{where}", params)
    cursor.execute(
        f"INSERT INTO {index} (id, document, config) "
        f"SELECT id, knowledge_search_document({lang}, {title}, {summary}, {body_sql}), "
        f"coalesce(knowledge_search_config({lang}), 'synergy_simple') FROM {source}{where}",
        params,
    )


def _pg_drop_statements() -> list[str]:
    statements: list[str] = []
    for index, source, *_rest in SOURCES.values():
        statements += [
            f"DROP TRIGGER IF EXISTS {index}_sync ON {source}",
            f"DROP FUNCTION IF EXISTS {index}_sync()",
            f"DROP TABLE IF EXISTS {index}",
        ]
    statements += [
        "DROP FUNCTION IF EXISTS knowledge_search_document(text, text, text, text)",
        "DROP FUNCTION IF EXISTS knowledge_search_config(text)",
    ]
    statements += [f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {c}" for c in PG_ALL_CONFIGS]
    statements.append(f"DROP INDEX IF EXISTS {COVER_INDEX}")
    statements += [f"DROP TRIGGER IF EXISTS {_bump_name(t)} ON {t}" for t in STATE_SOURCES]
    statements += [
        f"DROP FUNCTION IF EXISTS {STATE_TABLE}_bump()",
        f"DROP TABLE IF EXISTS {STATE_TABLE}",
        f"DROP SEQUENCE IF EXISTS {STATE_TABLE}_seq",
    ]
    return statements


# A narrow index over the practice columns that search filters, counts and sorts on. On
# SQLite those columns sit after the long text columns, in overflow pages, so reading them
# from the table costs a page read per practice; from this index they cost next to nothing.
COVER_INDEX = "knowledge_goodpractice_search_cover"
COVER_SQL = (
    f"CREATE INDEX IF NOT EXISTS {COVER_INDEX} ON knowledge_goodpractice "
    "(status, author_id, evidence_level, year_start, year_end, published_at, updated_at, id)"
)


# --- the content token of the in-memory facet arrays (see facets.py) ----------------------

STATE_TABLE = "knowledge_search_state"
# Writes to these tables change what the facets count (or their labels).
STATE_SOURCES = (
    "knowledge_goodpractice",
    "knowledge_goodpractice_themes",
    "knowledge_goodpractice_exploitation_forms",
    "knowledge_practiceregion",
    "knowledge_practicecountry",
    "knowledge_criterionassessment",
    "knowledge_theme",
    "knowledge_exploitationform",
)


def _bump_name(table: str) -> str:
    """Trigger name (PostgreSQL cuts names at 63 characters)."""
    return "knowledge_search_bump_" + table.removeprefix("knowledge_")


def _state_trigger_names(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"{_bump_name(t)}_{op}" for t in STATE_SOURCES for op in ("ai", "au", "ad")]
    return [_bump_name(t) for t in STATE_SOURCES]


def _sqlite_state_statements() -> list[str]:
    statements = [
        f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} "
        "(id INTEGER PRIMARY KEY, token INTEGER NOT NULL)",
        f"INSERT OR IGNORE INTO {STATE_TABLE} (id, token) VALUES (1, random())",
    ]
    bump = f"BEGIN UPDATE {STATE_TABLE} SET token = random() WHERE id = 1; END"
    for table in STATE_SOURCES:
        for op, event in (("ai", "INSERT"), ("au", "UPDATE"), ("ad", "DELETE")):
            name = f"{_bump_name(table)}_{op}"
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
            statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} {bump}")
    return statements


def _pg_state_statements() -> list[str]:
    statements = [
        f"CREATE SEQUENCE IF NOT EXISTS {STATE_TABLE}_seq",
        f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (id integer PRIMARY KEY, token bigint NOT NULL)",
        f"INSERT INTO {STATE_TABLE} (id, token) VALUES (1, nextval('{STATE_TABLE}_seq')) "
        "ON CONFLICT (id) DO NOTHING",
        # Once per statement, not per row: a bulk load bumps the token once.
        f"""CREATE OR REPLACE FUNCTION {STATE_TABLE}_bump() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {STATE_TABLE} SET token = nextval('{STATE_TABLE}_seq') WHERE id = 1;
            RETURN NULL;
        END $$""",
    ]
    for table in STATE_SOURCES:
        name = _bump_name(table)
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"""CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {STATE_TABLE}_bump()""",
        ]
    return statements


# --- entry points ---------------------------------------------------------------------------


def install(connection: Any = None, *, rebuild: bool = True) -> None:
    """Create (or re-create) the index tables and triggers, then fill the index. Idempotent."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _pg_configs(cursor)
            for statement in [*_pg_statements(), *_pg_state_statements()]:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for statement in [*_sqlite_statements(), *_sqlite_state_statements()]:
                cursor.execute(statement)
        else:  # pragma: no cover - other backends search with LIKE, unindexed
            return
        cursor.execute(COVER_SQL)
    if rebuild:
        rebuild_all(connection)


def uninstall(connection: Any = None) -> None:
    connection = connection or default_connection
    statements = {
        "postgresql": _pg_drop_statements,
        "sqlite": _sqlite_drop_statements,
    }.get(connection.vendor)
    if statements is None:  # pragma: no cover
        return
    with connection.cursor() as cursor:
        for statement in statements():
            cursor.execute(statement)


def reindex(kind: str, ids: list[int], connection: Any = None) -> None:
    """Re-index these objects of ``kind`` ("practice", "outcome", "event") from their rows;
    ids whose row is gone leave the index."""
    connection = connection or default_connection
    rebuild = {"postgresql": _pg_rebuild, "sqlite": _sqlite_rebuild}.get(connection.vendor)
    if rebuild is None:  # pragma: no cover
        return
    with connection.cursor() as cursor:
        rebuild(cursor, kind, ids)


def rebuild_all(connection: Any = None) -> None:
    """Re-index every practice, outcome and event (after a bulk load or a lost trigger)."""
    connection = connection or default_connection
    rebuild = {"postgresql": _pg_rebuild, "sqlite": _sqlite_rebuild}.get(connection.vendor)
    if rebuild is None:  # pragma: no cover
        return
    with connection.cursor() as cursor:
        for kind in SOURCES:
            rebuild(cursor, kind)


def missing_triggers(connection: Any = None) -> list[str]:
    """Names of index triggers (and of the covering index) that should exist and do not
    (empty when healthy)."""
    connection = connection or default_connection
    if connection.vendor == "sqlite":
        expected = [f"{SOURCES[k][0]}_{s}" for k in SOURCES for s in ("ai", "au", "ad")]
        sql = "SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')"
    elif connection.vendor == "postgresql":
        expected = [f"{SOURCES[k][0]}_sync" for k in SOURCES]
        sql = (
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
            "UNION ALL SELECT indexname FROM pg_indexes"
        )
    else:  # pragma: no cover
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        present = {row[0] for row in cursor.fetchall()}
    expected.append(COVER_INDEX)
    expected += _state_trigger_names(connection.vendor)
    return [name for name in expected if name not in present]


def index_installed(connection: Any = None) -> bool:
    """Whether the index tables exist (migration 0901 applied)."""
    connection = connection or default_connection
    return SOURCES["practice"][0] in connection.introspection.table_names()


def ensure_index(connection: Any = None) -> bool:
    """Re-install and rebuild the index if a trigger went missing. Returns True if it did.

    Django's SQLite schema editor remakes a table (create, copy, drop, rename) for many
    field changes, and dropping a table drops its triggers. Connect this to ``post_migrate``
    (``KnowledgeConfig.ready``) so that such a migration cannot leave the index silently stale.
    """
    connection = connection or default_connection
    if connection.vendor not in {"sqlite", "postgresql"}:  # pragma: no cover
        return False
    if not index_installed(connection) or not missing_triggers(connection):
        return False
    install(connection, rebuild=True)
    return True


def post_migrate_handler(sender: Any = None, using: str = "default", **_kwargs: Any) -> None:
    """``post_migrate`` receiver: ``ensure_index`` on the database just migrated."""
    from django.db import connections

    ensure_index(connections[using])
