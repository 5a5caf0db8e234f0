"""Import jobs: upload -> map -> preview -> confirm, with progress, kept on disk."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from synergy.core.errors import ImportRowError
from synergy.core.models import Organisation, User
from synergy.core.tabular import TableError, format_of, read_table
from synergy.monitoring.importing.mapping import parse_mapping
from synergy.monitoring.importing.plans import Plan, plan_import
from synergy.monitoring.importing.writing import run_import

# Until the CLMS has an ImportJob table, a job is a directory MEDIA_ROOT/monitoring/imports/<id>/
# holding the upload ENCRYPTED with the field-encryption keys (it is personal data) and a
# job.json of metadata (column names, mapping, status, counts, errors as line/column/message -
# never values). The progress of a running import is written there too, outside the import's
# transaction, so the page can poll it.

JOB_STATUSES = ("uploaded", "invalid", "valid", "queued", "importing", "done", "failed")


@dataclass
class ImportJob:
    id: str
    owner_id: int
    organisation_id: int
    filename: str
    fmt: str
    columns: list[str]
    row_count: int = 0
    mapping: dict[str, Any] = field(default_factory=dict)
    status: str = "uploaded"
    rows_done: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_total: int = 0
    summary: dict[str, int] = field(default_factory=dict)
    created_at: str = ""

    @property
    def percent(self) -> int:
        total = self.summary.get("children") or self.row_count or 1
        return min(100, round(100 * self.rows_done / total))


def jobs_dir() -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "monitoring" / "imports"


def _job_dir(job_id: str) -> Path:
    import uuid

    return jobs_dir() / str(uuid.UUID(str(job_id)))


def _write_atomic(path: Path, data: bytes) -> None:
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def job_save(job: ImportJob) -> None:
    from dataclasses import asdict

    _write_atomic(_job_dir(job.id) / "job.json", json.dumps(asdict(job)).encode())


def job_get(job_id: str) -> ImportJob | None:
    try:
        path = _job_dir(job_id) / "job.json"
    except ValueError:
        return None
    if not path.exists():
        return None
    return ImportJob(**json.loads(path.read_text(encoding="utf-8")))


def _source(job: ImportJob) -> bytes:
    from synergy.monitoring import crypto

    token = (_job_dir(job.id) / "source.enc").read_text(encoding="ascii")
    return crypto.decrypt_bytes(token)


def job_create(*, actor: User, organisation: Organisation, filename: str, data: bytes) -> ImportJob:
    """Store an upload (encrypted) and read its header. Raises TableError for an unreadable
    file."""
    import uuid

    from synergy.monitoring import crypto

    # Uploads nobody went on with are removed as new ones arrive (and by
    # `synergy monitoring purge-uploads`), so that no personal data lingers on disk.
    jobs_purge()
    fmt = format_of(filename)
    table = read_table(data, fmt)
    job = ImportJob(
        id=str(uuid.uuid4()),
        owner_id=actor.pk,
        organisation_id=organisation.pk,
        filename=Path(filename).name[:200],
        fmt=fmt,
        columns=table.columns,
        row_count=len(table.rows),
        created_at=timezone.now().isoformat(),
    )
    _write_atomic(_job_dir(job.id) / "source.enc", crypto.encrypt_bytes(data).encode("ascii"))
    job_save(job)
    return job


# A job whose import is under way is never purged, however old.
ACTIVE_JOB_STATUSES = ("queued", "importing")


def jobs_purge(*, now: datetime | None = None) -> int:
    """Delete the uploads (encrypted personal data) and records of import jobs older than
    IMPORT_UPLOAD_RETENTION_HOURS that are not under way: files that were checked but never
    imported, failed imports, and the records of finished ones. Returns how many went."""
    import shutil

    from django.conf import settings

    root = jobs_dir()
    if not root.is_dir():
        return 0
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.IMPORT_UPLOAD_RETENTION_HOURS)
    removed = 0
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        job = job_get(folder.name) if _is_job_id(folder.name) else None
        if job is not None and job.status in ACTIVE_JOB_STATUSES:
            continue
        created = _job_created(job, folder)
        if created is not None and created < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _is_job_id(name: str) -> bool:
    import uuid

    try:
        return str(uuid.UUID(name)) == name
    except ValueError:
        return False


def _job_created(job: ImportJob | None, folder: Path) -> datetime | None:
    """When the job was created; for a folder without a readable record (an interrupted
    upload), when the folder was last written."""
    if job is not None and job.created_at:
        try:
            return datetime.fromisoformat(job.created_at)
        except ValueError:
            pass
    try:
        return datetime.fromtimestamp(folder.stat().st_mtime, tz=UTC)
    except OSError:
        return None


def job_check(job: ImportJob, mapping_data: dict[str, Any] | str) -> Plan | None:
    """Validate the whole file with ``mapping_data``: the job becomes "valid" (with the
    counts to write) or "invalid" (with the errors). Raises TableError (or its MappingError) for a bad file or mapping."""
    organisation = Organisation.objects.get(pk=job.organisation_id)
    table = read_table(_source(job), job.fmt)
    mapping = parse_mapping(mapping_data, table.columns)
    job.mapping = mapping.to_json()
    try:
        plan = plan_import(table, mapping, organisation=organisation)
    except ImportRowError as exc:
        job.status = "invalid"
        job.errors = [{"line": ln, "column": col, "message": msg} for ln, col, msg in exc.errors]
        job.error_total = len(exc.errors)
        job.summary = {}
        job_save(job)
        return None
    job.status = "valid"
    job.errors = []
    job.summary = plan.summary()
    job_save(job)
    return plan


def job_execute(job_id: str) -> str:
    """Run a confirmed job: validate again, write all or nothing, record the progress."""
    from synergy.core.audit import audit_record

    job = job_get(job_id)
    if job is None:
        return "missing"
    actor = User.objects.get(pk=job.owner_id)
    organisation = Organisation.objects.select_related("country").get(pk=job.organisation_id)
    job.status = "importing"
    job.rows_done = 0
    job_save(job)

    def progress(done: int) -> None:
        job.rows_done = done
        job_save(job)

    try:
        table = read_table(_source(job), job.fmt)
        plan = plan_import(
            table, parse_mapping(job.mapping, table.columns), organisation=organisation
        )
        with transaction.atomic():
            job.summary = run_import(
                actor=actor, organisation=organisation, plan=plan, progress=progress
            )
            audit_record(
                actor=actor,
                action="import",
                object_type="monitoring.import",
                object_id=job.id,
                organisation=organisation,
                detail={"format": job.fmt, **job.summary},
            )
    except ImportRowError as exc:
        job.status = "failed"
        job.rows_done = 0
        job.errors = [{"line": ln, "column": col, "message": msg} for ln, col, msg in exc.errors]
        job.error_total = len(exc.errors)
        job_save(job)
        return job.status
    except TableError as exc:
        job.status = "failed"
        job.errors = [{"line": 0, "column": "", "message": str(exc)}]
        job_save(job)
        return job.status
    job.status = "done"
    job_save(job)
    # The personal data were written (encrypted) to the database; the upload is not kept.
    (_job_dir(job.id) / "source.enc").unlink(missing_ok=True)
    return job.status


@task()
def import_job_run(job_id: str) -> str:
    """Background import of a confirmed job (the database worker; immediate in tests)."""
    return job_execute(job_id)
