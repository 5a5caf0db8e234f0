"""Re-encryption of every encrypted column with the newest key, and recomputation of the blind
indexes with the current blind key (``synergy monitoring rotate-keys``).

Works in batches of rows ordered by primary key, one transaction per batch. A value already
encrypted with the newest key is left alone, so an interrupted run simply resumes: a second run
only touches what the first did not reach.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model

from synergy.monitoring import crypto


@dataclass
class RotationReport:
    rows_checked: int = 0
    values_reencrypted: int = 0
    indexes_rebuilt: int = 0
    per_table: dict[str, tuple[int, int]] = field(default_factory=dict)


def encrypted_columns() -> list[tuple[type[Model], list[str]]]:
    out = []
    for model in apps.get_app_config("monitoring").get_models():
        columns = [
            f.column
            for f in model._meta.concrete_fields
            if isinstance(f, crypto.EncryptedTextField)
        ]
        if columns:
            out.append((model, columns))
    return out


def _is_current(newest: Fernet, token: str) -> bool:
    try:
        newest.decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def rotate_keys(
    *, batch_size: int = 500, progress: Callable[[str], None] | None = None
) -> RotationReport:
    report = RotationReport()
    newest = Fernet(crypto.configured_keys()[0].encode())
    quote = connection.ops.quote_name
    for model, columns in encrypted_columns():
        table = model._meta.db_table
        pk = model._meta.pk.column
        checked = changed = 0
        last = 0
        while True:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {quote(pk)}, {', '.join(quote(c) for c in columns)} "
                        f"FROM {quote(table)} WHERE {quote(pk)} > %s "
                        f"ORDER BY {quote(pk)} LIMIT %s",
                        [last, batch_size],
                    )
                    rows = cursor.fetchall()
                    for row in rows:
                        updates = {}
                        for column, token in zip(columns, row[1:], strict=True):
                            if token and not _is_current(newest, token):
                                updates[column] = crypto.rotate_token(token)
                        if updates:
                            assignments = ", ".join(f"{quote(c)} = %s" for c in updates)
                            cursor.execute(
                                f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk)} = %s",
                                [*updates.values(), row[0]],
                            )
                            changed += len(updates)
                    checked += len(rows)
            if not rows:
                break
            last = rows[-1][0]
            if progress:
                progress(f"{table}: {checked} rows checked, {changed} values re-encrypted")
        report.per_table[table] = (checked, changed)
        report.rows_checked += checked
        report.values_reencrypted += changed
    report.indexes_rebuilt = rebuild_blind_indexes(batch_size=batch_size, progress=progress)
    return report


def rebuild_blind_indexes(
    *, batch_size: int = 500, progress: Callable[[str], None] | None = None
) -> int:
    """Recompute name fingerprints and word tokens where they differ from the current key's."""
    from synergy.monitoring.models import Child
    from synergy.monitoring.services import set_name_index, write_name_tokens

    rebuilt = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                Child.objects.filter(pk__gt=last)
                .order_by("pk")
                .only("pk", "first_name", "last_name", "other_names", "name_fp", "phonetic_fp")[
                    :batch_size
                ]
            )
            for child in batch:
                old = (child.name_fp, child.phonetic_fp)
                set_name_index(child)
                if (child.name_fp, child.phonetic_fp) != old:
                    Child.objects.filter(pk=child.pk).update(
                        name_fp=child.name_fp, phonetic_fp=child.phonetic_fp
                    )
                    write_name_tokens(child, replace=True)
                    rebuilt += 1
        if not batch:
            break
        last = batch[-1].pk
        if progress:
            progress(f"blind indexes: up to child {last}, {rebuilt} rebuilt")
    return rebuilt
