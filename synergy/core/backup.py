"""Backup and restore of a whole installation: the database and the uploaded files.

A backup is one ``.tar.gz`` archive:

* ``manifest.json``: the format, the database engine, when it was made, the latest migration of
  each app, and the *fingerprints* of the field-encryption keys (a SHA-256 of each key, which
  reveals nothing of it) with a short value encrypted under the newest key;
* ``database.sqlite3`` (SQLite's online backup API: consistent while the site runs) or
  ``database.pgdump`` (``pg_dump --format=custom``: one snapshot transaction);
* ``media/``: every uploaded file under MEDIA_ROOT (survey microdata, attachments, documents).

The encryption keys are never in the archive: children's names and contacts in it stay
unreadable to whoever holds only the backup. Restore checks, before writing anything, that the
keys configured now (FIELD_ENCRYPTION_KEYS / FIELD_ENCRYPTION_KEYS_FILE) include every key the
backup needs, and refuses with the missing fingerprints otherwise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "synergy-backup"
FORMAT_VERSION = 1
KEY_CHECK = b"synergy backup key check"
SQLITE_FILE = "database.sqlite3"
PGDUMP_FILE = "database.pgdump"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    """Where a database lives: the settings of a Django connection."""

    engine: str  # "sqlite" or "postgresql"
    settings: dict[str, Any]

    @classmethod
    def of(cls, database: Mapping[str, Any]) -> Target:
        engine = database["ENGINE"].rsplit(".", 1)[-1]
        if engine.startswith("sqlite"):
            return cls("sqlite", dict(database))
        if engine.startswith("postgresql"):
            return cls("postgresql", dict(database))
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {database['ENGINE']}")

    def pg_args(self) -> list[str]:
        s = self.settings
        args = ["--dbname", str(s["NAME"])]
        if s.get("HOST"):
            args += ["--host", str(s["HOST"])]
        if s.get("PORT"):
            args += ["--port", str(s["PORT"])]
        if s.get("USER"):
            args += ["--username", str(s["USER"])]
        return args

    def psycopg_kwargs(self) -> dict[str, Any]:
        s = self.settings
        names = {"NAME": "dbname", "HOST": "host", "PORT": "port", "USER": "user"}
        kwargs = {arg: s[key] for key, arg in names.items() if s.get(key)}
        if s.get("PASSWORD"):
            kwargs["password"] = s["PASSWORD"]
        return kwargs

    def pg_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.settings.get("PASSWORD"):
            # The password goes through the environment, never on a command line (ps shows it).
            env["PGPASSWORD"] = str(self.settings["PASSWORD"])
        return env


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def _key_facts() -> dict[str, Any]:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    blind = getattr(settings, "FIELD_BLIND_INDEX_KEY", "") or ""
    return {
        "encryption": [fingerprint(k) for k in keys],
        # The name search indexes are keyed by this one (by default the oldest key).
        "blind_index": fingerprint(blind or keys[-1]),
        "check": Fernet(keys[0].encode()).encrypt(KEY_CHECK).decode(),
    }


def _migrations(alias: str) -> dict[str, str]:
    recorder = MigrationRecorder(connections[alias])
    latest: dict[str, str] = {}
    for app, name in recorder.migration_qs.order_by("id").values_list("app", "name"):
        latest[app] = name
    return latest


def _dump_sqlite(path: Path, alias: str) -> None:
    source = connections[alias]
    source.ensure_connection()
    raw = source.connection
    with sqlite3.connect(path) as destination:
        raw.backup(destination)
    destination.close()


def _dump_postgresql(target: Target, path: Path) -> None:
    result = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(path)]
        + target.pg_args(),
        env=target.pg_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def backup(
    output: Path, *, alias: str = "default", media_root: Path | None = None
) -> dict[str, Any]:
    """Write a backup archive to ``output`` and return its manifest."""
    target = Target.of(settings.DATABASES[alias])
    media = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="synergy-backup-") as tmp:
        work = Path(tmp)
        database_file = SQLITE_FILE if target.engine == "sqlite" else PGDUMP_FILE
        if target.engine == "sqlite":
            _dump_sqlite(work / database_file, alias)
        else:
            _dump_postgresql(target, work / database_file)
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": target.engine,
            "database_file": database_file,
            "migrations": _migrations(alias),
            "keys": _key_facts(),
            "media_files": len(media_files),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(work / database_file, arcname=database_file)
            for path in media_files:
                archive.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
        # A backup that stopped half-way must never pass for a whole one.
        os.replace(partial, output)
        os.chmod(output, 0o600)
    return manifest


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        raise BackupError("Not a Synergy backup: the archive has no manifest.json") from None
    if member is None:
        raise BackupError("Not a Synergy backup: manifest.json is not a file")
    manifest: dict[str, Any] = json.loads(member.read().decode("utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"Not a Synergy backup of format {FORMAT} {FORMAT_VERSION} "
            f"(found {manifest.get('format')!r} {manifest.get('version')!r})"
        )
    return manifest


def check_keys(manifest: dict[str, Any]) -> None:
    """Refuse a restore whose encrypted data the configured keys could not read."""
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    have = {fingerprint(k) for k in keys}
    needed = manifest["keys"]["encryption"]
    missing = [f for f in needed if f not in have]
    if missing:
        raise BackupError(
            "The backup's personal data is encrypted with key(s) "
            f"{', '.join(missing)} (SHA-256 fingerprints), and the configured "
            "FIELD_ENCRYPTION_KEYS do not include them. Set FIELD_ENCRYPTION_KEYS_FILE to the "
            "key file that was kept apart from the backups, then restore again. Nothing was "
            "written."
        )
    blind = getattr(settings, "FIELD_BLIND_INDEX_KEY", "") or keys[-1]
    if fingerprint(blind) != manifest["keys"]["blind_index"]:
        raise BackupError(
            "The name search indexes of the backup were made with another blind-index key "
            f"(fingerprint {manifest['keys']['blind_index']}): set FIELD_BLIND_INDEX_KEY (or "
            "keep the oldest encryption key last in FIELD_ENCRYPTION_KEYS) as when the backup "
            "was made. Nothing was written."
        )
    try:
        MultiFernet([Fernet(k.encode()) for k in keys]).decrypt(manifest["keys"]["check"].encode())
    except (InvalidToken, ValueError):
        raise BackupError("The configured keys do not decrypt the backup's key check") from None


def _is_empty(target: Target) -> bool:
    """No Synergy tables yet. Read with the database's own driver, not through Django: the
    target of a restore drill is not one of the configured connections."""
    if target.engine == "sqlite":
        path = Path(str(target.settings["NAME"]))
        if not path.exists():
            return True
        with sqlite3.connect(path) as db:
            row = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
        db.close()
        return row is None
    import psycopg

    with psycopg.connect(**target.psycopg_kwargs()) as pg:
        found = pg.execute("SELECT to_regclass('public.django_migrations')").fetchone()
    return found is None or found[0] is None


def restore(
    archive_path: Path,
    *,
    alias: str = "default",
    media_root: Path | None = None,
    replace: bool = False,
) -> dict[str, Any]:
    """Restore a backup into the database ``alias`` and MEDIA_ROOT; refuse, having written
    nothing, if the keys are missing, the engines differ or the target is not empty."""
    target = Target.of(settings.DATABASES[alias])
    media = Path(media_root or settings.MEDIA_ROOT)
    try:
        archive = tarfile.open(archive_path, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Cannot read {archive_path}: {exc}") from None
    with archive, tempfile.TemporaryDirectory(prefix="synergy-restore-") as tmp:
        manifest = read_manifest(archive)
        check_keys(manifest)
        if manifest["engine"] != target.engine:
            raise BackupError(
                f"This is a {manifest['engine']} backup; the configured database is "
                f"{target.engine}. Restore it into a {manifest['engine']} database."
            )
        if not replace and not _is_empty(target):
            raise BackupError(
                "The configured database is not empty. Restore into a new database, or pass "
                "--replace to overwrite this one. Nothing was written."
            )
        existing = [p for p in media.rglob("*") if p.is_file()] if media.is_dir() else []
        if existing and not replace:
            raise BackupError(
                f"{media} already holds {len(existing)} file(s); pass --replace to overwrite "
                "them. Nothing was written."
            )
        # "data" refuses absolute names, "..", links outside the folder and device files.
        archive.extractall(tmp, filter="data")
        work = Path(tmp)
        database_file = work / manifest["database_file"]
        if target.engine == "sqlite":
            _load_sqlite(target, database_file, alias)
        else:
            _load_postgresql(target, database_file, alias, replace=replace)
        if (work / "media").is_dir():
            if replace and media.is_dir():
                shutil.rmtree(media)
            shutil.copytree(work / "media", media, dirs_exist_ok=True)
    return manifest


def _load_sqlite(target: Target, database_file: Path, alias: str) -> None:
    connections[alias].close()
    path = Path(str(target.settings["NAME"]))
    with sqlite3.connect(database_file) as source, sqlite3.connect(path) as destination:
        # The backup API replaces the destination's pages in one step.
        source.backup(destination)
    source.close()
    destination.close()


def _load_postgresql(target: Target, database_file: Path, alias: str, *, replace: bool) -> None:
    connections[alias].close()
    args = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ]
    if replace:
        args += ["--clean", "--if-exists"]
    result = subprocess.run(
        [*args, *target.pg_args(), str(database_file)],
        env=target.pg_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was written): {result.stderr.strip()}")


def use_database_url(url: str, alias: str = "backup-target") -> str:
    """Register the database at ``url`` as connection ``alias`` (for a restore drill into a
    fresh database beside the live one) and return the alias."""
    import dj_database_url

    configured = connections.configure_settings(
        {"default": connections.settings["default"], alias: dj_database_url.parse(url)}
    )
    connections.settings[alias] = configured[alias]
    return alias
