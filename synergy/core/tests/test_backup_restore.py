"""`synergy backup` / `synergy restore`: a round trip into a fresh database reads a child's name
back with the key file, and without it the restore refuses and writes nothing."""

from __future__ import annotations

import io
import os
import sqlite3
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from synergy.core.models import Country, Organisation, Role
from synergy.monitoring.tests import factories as f
from synergy.testing import make_user

KEY = Fernet.generate_key().decode()
OTHER_KEY = Fernet.generate_key().decode()
NAME = "Zanele Backup-Qx"


def raw_rows(url: str, sqlite_sql: str, postgres_sql: str, *params: object) -> list[tuple]:
    """Rows read from the database at ``url`` with its own driver, not through Django."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            rows = db.execute(sqlite_sql, params).fetchall()
        db.close()
        return rows
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as pg:
        return pg.execute(postgres_sql, params).fetchall()


def restore(archive: Path, url: str, media: Path) -> None:
    """`synergy restore` into the database at ``url`` and the folder ``media``."""
    call_command(
        "restore",
        str(archive),
        "--database-url",
        url,
        "--media-dir",
        str(media),
        stdout=io.StringIO(),
    )


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[Callable[[], str]]:
    """A factory of new, empty databases on the same server as the test database."""
    made: list[tuple[str, str]] = []

    def make() -> str:
        if connection.vendor == "sqlite":
            return f"sqlite:///{tmp_path / f'restored-{len(made)}.sqlite3'}"
        name = f"synergy_restore_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        s = connection.settings_dict
        url = f"postgres://{s['USER']}:{s.get('PASSWORD') or ''}@{s['HOST']}:{s['PORT']}/{name}"
        made.append((name, url))
        return url

    yield make
    for name, _url in made:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.django_db(transaction=True)
@override_settings(FIELD_ENCRYPTION_KEYS=[KEY], FIELD_BLIND_INDEX_KEY="")
def test_a_backup_restores_into_a_fresh_database_and_needs_the_key_file(
    tmp_path: Path, countries: None, fresh_database_url: Callable[[], str]
) -> None:
    make_url = fresh_database_url
    media = tmp_path / "media"
    (media / "surveys" / "7").mkdir(parents=True)
    (media / "surveys" / "7" / "data.parquet").write_bytes(b"PAR1 invented microdata")
    organisation = Organisation.objects.create(
        name="Partner R", kind="ngo", country=Country.objects.get(iso2="NP")
    )
    worker = make_user("rita", organisation, Role.CASE_WORKER)
    first, last = NAME.split()
    child = f.child(worker, organisation, first_name=first, last_name=last)

    archive = tmp_path / "synergy.tar.gz"
    out = io.StringIO()
    with override_settings(MEDIA_ROOT=media):
        call_command("backup", str(archive), stdout=out)
    assert "1 uploaded file(s)" in out.getvalue()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert "manifest.json" in names and "media/surveys/7/data.parquet" in names
        # The key never travels with the backup.
        for member in tar.getmembers():
            if member.isfile():
                content = tar.extractfile(member).read()  # type: ignore[union-attr]
                assert KEY.encode() not in content
                assert first.encode() not in content  # names are encrypted in the dump

    # Without the key file: refused, with the reason, and nothing written.
    url = make_url()
    restored_media = tmp_path / "restored-media"
    with override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]):
        with pytest.raises(CommandError, match="FIELD_ENCRYPTION_KEYS_FILE"):
            restore(archive, url, restored_media)
    assert raw_rows(
        url,
        "SELECT name FROM sqlite_master WHERE name = 'monitoring_child'",
        "SELECT to_regclass('public.monitoring_child')",
    ) in ([], [(None,)])
    assert not restored_media.exists()

    # With the key file (the old key kept beside a new one after a rotation, too).
    with override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY, KEY]):
        restore(archive, url, restored_media)
    # Read straight from the restored database, decrypted with the key file alone.
    select = "SELECT first_name, last_name FROM monitoring_child WHERE public_id = {}"
    [(first_token, last_token)] = raw_rows(
        url,
        select.format("?"),
        select.format("%s"),
        child.public_id.hex if connection.vendor == "sqlite" else child.public_id,
    )
    fernet = Fernet(KEY.encode())
    assert fernet.decrypt(first_token.encode()).decode() == first
    assert fernet.decrypt(last_token.encode()).decode() == last
    assert (restored_media / "surveys" / "7" / "data.parquet").read_bytes() == (
        b"PAR1 invented microdata"
    )
    # The restored copy is a whole database: its other tables came along.
    assert raw_rows(
        url,
        f"SELECT name FROM core_organisation WHERE id = {organisation.pk}",
        f"SELECT name FROM core_organisation WHERE id = {organisation.pk}",
    ) == [("Partner R",)]

    # A second restore into the now-used database is refused unless asked to replace it.
    with pytest.raises(CommandError, match="not empty"):
        restore(archive, url, tmp_path / "elsewhere")


@pytest.mark.django_db
def test_restore_names_what_is_wrong_with_the_archive(tmp_path: Path) -> None:
    not_a_backup = tmp_path / "notes.tar.gz"
    with tarfile.open(not_a_backup, "w:gz") as tar:
        notes = tmp_path / "notes.txt"
        notes.write_text("hello")
        tar.add(notes, arcname="notes.txt")
    with pytest.raises(CommandError, match="no manifest.json"):
        call_command("restore", str(not_a_backup), stdout=io.StringIO())
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not gzip at all")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("restore", str(broken), stdout=io.StringIO())
    existing = tmp_path / "exists.tar.gz"
    existing.write_bytes(b"")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(existing), stdout=io.StringIO())
