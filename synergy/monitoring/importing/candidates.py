"""The batch import's helpers: instance rows, duplicate candidates read from the database
(PostgreSQL and SQLite), random public ids."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection

from synergy.core.errors import ImportRowError
from synergy.monitoring.casework import BIRTH_YEAR_SLACK


class InstanceRow:
    """Turns a service's ValidationError into ImportRowError naming the line and field."""

    def __init__(self, line: int) -> None:
        self.line = line

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, ValidationError):
            errors: list[tuple[int, str, str]] = []
            if hasattr(exc, "error_dict"):
                for name, items in exc.message_dict.items():
                    for message in items:
                        errors.append((self.line, name, str(message)))
            else:
                errors.extend((self.line, "", str(m)) for m in exc.messages)
            raise ImportRowError(errors) from None


class KnownChild(NamedTuple):
    """An existing child as the duplicate check needs it (blind indexes, no personal data)."""

    pk: int
    name_fp: str
    phonetic_fp: str
    sex: str
    birth_year: int | None
    area_id: int | None
    organisation_id: int


def not_from_file(model: type[Any], from_file: Iterable[str]) -> list[str]:
    """The fields ``clean_from_file`` leaves alone: foreign keys (instances resolved once for the whole
    file, so no existence check is needed) and the fields the import computes itself (status,
    blind indexes, classification, ...), which would only cost time to validate."""
    wanted = set(from_file)
    return [f.name for f in model._meta.concrete_fields if f.is_relation or f.name not in wanted]


def clean_from_file(obj: Any, exclude: list[str]) -> None:
    """full_clean of the values that came from the file, without per-row queries:
    ``public_id`` is a fresh uuid4 (no unique check); the database still enforces keys."""
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


# The conditions of casework.duplicate_match as SQL over a table ``f`` of the file's
# (name fingerprint, phonetic fingerprint, sex, birth year, area): they narrow the search on
# indexes; duplicate_match decides over what they return.
_CANDIDATE_COMMON = (
    "WHERE c.country_id = %s AND c.merged_into_id IS NULL AND c.sex = f.sex "
    "AND (f.area IS NULL OR c.area_id IS NULL OR c.area_id = f.area)"
)
# The birth year as three exclusive cases, so that a known year is a range of the
# (fingerprint, sex, birth year) index rather than a filter over every record of a common
# name (0.97 -> 0.47 s for 5,000 children among a million).
_CANDIDATE_YEARS = (
    f"AND f.byear IS NOT NULL AND c.birth_year BETWEEN f.byear - {BIRTH_YEAR_SLACK} "
    f"AND f.byear + {BIRTH_YEAR_SLACK}",
    "AND f.byear IS NOT NULL AND c.birth_year IS NULL",
    "AND f.byear IS NULL",
)


def _candidate_sql(keys: str) -> tuple[str, int]:
    """The candidate query reading the file's keys from the common table expression ``keys``
    (which defines f), and how many times it takes the country as a parameter."""
    from synergy.monitoring.models import Child

    table = connection.ops.quote_name(Child._meta.db_table)
    select = (
        "SELECT c.id, c.name_fp, c.phonetic_fp, c.sex, c.birth_year, c.area_id, "
        f"c.organisation_id FROM {table} c JOIN "
    )
    # Joins on one index each rather than one join on an OR. Each join reads the file's keys
    # in its index's order, so that consecutive lookups hit the same index pages (100,000
    # keys among a million children: 2.8 -> 1.8 s for each fingerprint).
    branches = [
        f"{select} (SELECT * FROM f ORDER BY {key}, sex, byear) f ON c.{column} = f.{key} "
        f"{_CANDIDATE_COMMON} {year}"
        for column, key in (("name_fp", "nfp"), ("phonetic_fp", "pfp"))
        for year in _CANDIDATE_YEARS
    ]
    return f"WITH {keys} " + " UNION ".join(branches), len(branches)


CandidateKey = tuple[str, str, str, int | None, int | None]


def random_uuids(count: int) -> Iterator[uuid.UUID]:
    """``count`` version-4 UUIDs, as uuid4() makes them, from one read of the system's
    random source instead of one per record (3 s of a 100,000-children import)."""
    data = os.urandom(16 * count)
    for start in range(0, 16 * count, 16):
        yield uuid.UUID(bytes=data[start : start + 16], version=4)


class CandidateSearch:
    """The duplicate-candidate query, on PostgreSQL in a second thread: the database works on
    it while the import builds and checks its records (100,000 children: a 4 s query, and
    the import 2.5 s faster).

    The thread uses the import's own connection (its transaction sees the same records);
    until ``result`` returns, the importing thread must not query."""

    def __init__(self, keys: list[CandidateKey], country_id: str) -> None:
        distinct = sorted(set(keys), key=repr)
        self._executor: ThreadPoolExecutor | None = None
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import")
            self._future = self._executor.submit(
                _candidates_postgresql, connection.connection, distinct, country_id
            )
        else:
            self._rows = _candidates_sqlite(distinct, country_id)

    def result(self) -> list[KnownChild]:
        if self._executor is None:
            return self._rows
        try:
            return self._future.result()
        finally:
            self._executor.shutdown()

    def wait(self) -> None:
        """Let the query finish (its result unused) before the transaction is undone."""
        if self._executor is not None:
            wait([self._future])
            self._executor.shutdown()


def _candidates_postgresql(raw: Any, keys: list[CandidateKey], country_id: str) -> list[KnownChild]:
    """The whole file's keys in a temporary table, read in one query (``raw``: the psycopg
    connection)."""
    sql, countries = _candidate_sql("f AS (SELECT * FROM synergy_import_keys)")
    # Index lookups in key order: with many keys the planner would rather merge or hash each
    # fingerprint's whole index with the keys, which multiplies the rows of common names
    # before the birth-year filter (12.9 s for 100,000 keys, against 4 s by lookups).
    settings = ("enable_mergejoin", "enable_hashjoin", "jit")
    with raw.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE synergy_import_keys "
            "(nfp text, pfp text, sex text, byear integer, area bigint) ON COMMIT DROP"
        )
        with cursor.copy("COPY synergy_import_keys FROM STDIN") as copy:
            for key in keys:
                copy.write_row(key)
        cursor.execute("ANALYZE synergy_import_keys")
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(sql, [country_id] * countries)
        rows = cursor.fetchall()
        for setting in settings:
            cursor.execute(f"RESET {setting}")
        cursor.execute("DROP TABLE synergy_import_keys")
    return [KnownChild(*row) for row in rows]


def _candidates_sqlite(keys: list[CandidateKey], country_id: str) -> list[KnownChild]:
    """VALUES lists within SQLite's parameter limit."""
    found: list[KnownChild] = []
    step = 300
    with connection.cursor() as cursor:
        for start in range(0, len(keys), step):
            chunk = keys[start : start + step]
            values = ", ".join(
                ["(%s, %s, %s, CAST(%s AS integer), CAST(%s AS integer))"] * len(chunk)
            )
            sql, countries = _candidate_sql(f"f(nfp, pfp, sex, byear, area) AS (VALUES {values})")
            cursor.execute(sql, [v for key in chunk for v in key] + [country_id] * countries)
            found.extend(KnownChild(*row) for row in cursor.fetchall())
    return found
