"""Uploads waiting for confirmation between the preview and the import."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404

from synergy.core.models import User
from synergy.interop import hxl
from synergy.interop.tabular import (
    Table,
    format_of,
    read_table,
)

#
# Between the preview and the confirmation the file is kept under VAR_DIR (never under
# MEDIA_ROOT, which a web server may serve), named by a random token, with its owner's id in a
# side file: another user naming the token gets 404.

UPLOAD_TTL = dt.timedelta(days=1)


@dataclass(frozen=True)
class PendingUpload:
    token: str
    kind: str
    file_format: str
    filename: str
    path: Path


def _upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "interop-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _purge_stale(directory: Path) -> None:
    cutoff = time.time() - UPLOAD_TTL.total_seconds()
    for item in directory.iterdir():
        if item.stat().st_mtime < cutoff:
            item.unlink(missing_ok=True)


def upload_stash(*, actor: User, kind: str, filename: str, chunks: Iterable[bytes]) -> str:
    file_format = format_of(filename)
    directory = _upload_dir()
    _purge_stale(directory)
    token = secrets.token_urlsafe(18)
    with open(directory / f"{token}.data", "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    meta = {"user": actor.pk, "kind": kind, "format": file_format, "filename": filename}
    (directory / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def upload_get(*, actor: User, token: str) -> PendingUpload:
    """The pending upload ``token`` of ``actor``; Http404 for anybody else or a stale token."""
    if not token.replace("-", "").replace("_", "").isalnum():
        raise Http404("No such upload")
    directory = _upload_dir()
    try:
        meta = json.loads((directory / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Http404("No such upload") from None
    if meta.get("user") != actor.pk or meta.get("kind") not in hxl.KINDS:
        raise Http404("No such upload")
    return PendingUpload(
        token, meta["kind"], meta["format"], meta["filename"], directory / f"{token}.data"
    )


def upload_read(upload: PendingUpload) -> Table:
    with open(upload.path, "rb") as stream:
        return read_table(stream, f"upload.{upload.file_format}")


def upload_discard(upload: PendingUpload) -> None:
    upload.path.unlink(missing_ok=True)
    upload.path.with_suffix(".json").unlink(missing_ok=True)
