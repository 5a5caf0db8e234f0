"""Bulk inserts for imports: COPY on PostgreSQL, one executemany elsewhere.

``bulk_create`` spends most of an import's time outside the database: it compiles one INSERT
per batch and binds every value as a query parameter. An import of 100,000 children writes
about a million rows, so the imports write through here instead:

- ``insert_rows`` takes plain tuples for the many small rows (name tokens, status history,
  audit events), so that no model instance is built for them at all;
- ``insert_instances`` takes model instances (children, visits: they are validated with
  ``full_clean`` first) and sets their primary keys, reserved from the table's sequence on
  PostgreSQL before the COPY so that later rows can point at them.

Values are prepared by the model fields themselves (``get_db_prep_save``), so encrypted
fields are encrypted and JSON is encoded exactly as through the ORM. Model ``save`` methods and
signals do NOT run: callers write only models that have neither (checked below).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import signals

ROWS_PER_STATEMENT = 500  # executemany batches on SQLite (its parameter limit is 32,766)

# Models whose save() only refuses to rewrite an existing row, which a new row never is.
SAVE_GUARDS_ONLY = {"core.auditevent"}


def _check_plain(model: type[models.Model]) -> None:
    """Refuse a model whose writes need Python code that COPY would skip."""
    overridden = model.save is not models.Model.save
    if overridden and model._meta.label_lower not in SAVE_GUARDS_ONLY:
        raise TypeError(f"{model.__name__} overrides save(): write it with the ORM")
    for signal in (signals.pre_save, signals.post_save):
        if signal.has_listeners(model):
            raise TypeError(f"{model.__name__} has save signals: write it with the ORM")


# Fields whose Python values the drivers take as they are, on PostgreSQL and SQLite alike: their
# preparation would only cost time (a million rows x several columns in a large import).
_AS_IS = (
    models.BigAutoField,
    models.AutoField,
    models.BigIntegerField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BooleanField,
    models.FloatField,
    models.CharField,
)


# ... and those that psycopg adapts itself (Django's preparation returns them unchanged there).
_AS_IS_POSTGRESQL = (
    models.DateField,
    models.DateTimeField,
    models.DecimalField,
    models.TextField,
    models.UUIDField,
)


def _as_is(field: models.Field[Any, Any], vendor: str) -> bool:
    if isinstance(field, models.ForeignKey):
        return _as_is(field.target_field, vendor)
    # The exact class: a subclass (an encrypted text field) prepares its values.
    return type(field) in _AS_IS or (vendor == "postgresql" and type(field) in _AS_IS_POSTGRESQL)


def _preparer(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Any:
    if _as_is(field, connection.vendor):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    """The concrete fields named by field name or by column attribute (``child_id``)."""
    by_name: dict[str, models.Field[Any, Any]] = {}
    for field in model._meta.concrete_fields:
        by_name[field.name] = by_name[field.attname] = field
    missing = [name for name in names if name not in by_name]
    if missing:
        raise ValueError(f"{model.__name__} has no field {missing[0]!r}")
    return [by_name[name] for name in names]


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (Python values in the order of ``names``: field names, ``<fk>_id``
    for foreign keys) into the model's table; the primary key comes from the database.
    Returns the number of rows written."""
    _check_plain(model)
    connection = connections[DEFAULT_DB_ALIAS]
    fields = _fields(model, names)
    preparers = [_preparer(field, connection) for field in fields]
    prepared = (
        [value if prep is None else prep(value) for prep, value in zip(preparers, row, strict=True)]
        for row in rows
    )
    return _write(connection, model._meta.db_table, [field.column for field in fields], prepared)


def _write(
    connection: BaseDatabaseWrapper, table: str, columns: list[str], rows: Iterable[list[Any]]
) -> int:
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The Django cursor wraps psycopg's, which does the COPY.
            raw = cursor.cursor
            with raw.copy(f"COPY {quote(table)} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {quote(table)} ({column_list}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[list[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == ROWS_PER_STATEMENT:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _link_related(obj: models.Model, foreign_keys: list[models.ForeignKey[Any, Any]]) -> None:
    """An instance built with ``child=child`` before that child had a key still holds
    ``child_id = None``: take the key from the related instance, as ``save`` does."""
    for field in foreign_keys:
        if getattr(obj, field.attname) is None and field.is_cached(obj):
            related = field.get_cached_value(obj)
            if related is not None:
                if related.pk is None:
                    raise ValueError(
                        f"{type(obj).__name__}.{field.name}: the related record is not saved"
                    )
                setattr(obj, field.attname, related.pk)


def _sets_on_save(field: models.Field[Any, Any]) -> bool:
    """Whether the field's pre_save does more than read its attribute."""
    if isinstance(field, models.DateField):  # DateTimeField too
        return bool(field.auto_now or field.auto_now_add)
    return type(field).pre_save is not models.Field.pre_save


def insert_instances(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert unsaved instances of ``model`` and set their primary keys."""
    _check_plain(model)
    if not objs:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    foreign_keys = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    for obj in objs:
        _link_related(obj, foreign_keys)
    if connection.vendor != "postgresql":
        # SQLite returns the new keys from a bulk insert; its bulk_create is fast enough.
        model._default_manager.bulk_create(objs, batch_size=ROWS_PER_STATEMENT)
        return
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for obj, new_id in zip(objs, ids, strict=True):
        obj.pk = new_id
    fields = list(model._meta.concrete_fields)
    # pre_save gives auto_now(_add) fields their value, as a save would; every other field's
    # value is its attribute, read for all fields at once.
    for field in fields:
        if _sets_on_save(field):
            for obj in objs:
                setattr(obj, field.attname, field.pre_save(obj, True))
    names = [field.attname for field in fields]
    values = attrgetter(*names) if len(names) > 1 else (lambda obj: (getattr(obj, names[0]),))
    preparers = [
        (position, prep)
        for position, field in enumerate(fields)
        if (prep := _preparer(field, connection)) is not None
    ]

    def row(obj: models.Model) -> list[Any]:
        out = list(values(obj))
        for position, prep in preparers:
            out[position] = prep(out[position])
        return out

    _write(connection, model._meta.db_table, [f.column for f in fields], map(row, objs))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
