"""Import jobs: upload -> map -> preview -> confirm, with progress (``ImportJob`` rows, their
files in the project's storage)."""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from synergy.core.errors import ImportRowError
from synergy.core.models import Organisation, User
from synergy.core.tabular import TableError
from synergy.monitoring.importing.exports import ExportTable, export_format, flatten, read_export
from synergy.monitoring.importing.mapping import parse_mapping
from synergy.monitoring.importing.plans import Plan, plan_import
from synergy.monitoring.importing.sources import reconcile
from synergy.monitoring.importing.writing import run_import
from synergy.monitoring.models import ImportJob, ImportJobStatus
from synergy.monitoring.xlsform import builtin_mapping

JOB_STATUSES = tuple(ImportJobStatus.values)
# A job whose import is under way is never purged, however old.
ACTIVE_JOB_STATUSES = (ImportJobStatus.QUEUED.value, ImportJobStatus.IMPORTING.value)


def _folder(job_id: object) -> str:
    return f"monitoring/imports/{job_id}"


def job_save(job: ImportJob) -> None:
    job.save()


def jobs_of(user: User, *, limit: int = 20) -> list[ImportJob]:
    """The user's own recent imports, newest first (nobody sees another's)."""
    return list(
        ImportJob.objects.filter(owner=user)
        .select_related("organisation")
        .order_by("-created_at")[:limit]
    )


def job_get(job_id: object) -> ImportJob | None:
    try:
        return ImportJob.objects.get(pk=uuid.UUID(str(job_id)))
    except (ValueError, ImportJob.DoesNotExist):
        return None


def _source(job: ImportJob) -> bytes:
    from synergy.monitoring import crypto

    with job.source.open("rb") as handle:
        return crypto.decrypt_bytes(handle.read().decode("ascii"))


def job_progress(job: ImportJob) -> int:
    """Rows written so far by a running import (the job's own count once it has ended)."""
    if job.status != ImportJobStatus.IMPORTING:
        return job.rows_done
    try:
        with default_storage.open(f"{_folder(job.id)}/progress", "rb") as handle:
            return int(handle.read() or 0)
    except (OSError, ValueError):
        return 0


def _progress_write(job: ImportJob, done: int) -> None:
    # Outside the import's transaction, which other sessions cannot see into until it ends.
    name = f"{_folder(job.id)}/progress"
    default_storage.delete(name)
    default_storage.save(name, ContentFile(str(done).encode()))


def job_create(*, actor: User, organisation: Organisation, filename: str, data: bytes) -> ImportJob:
    """Store an upload (encrypted) and read its header. Raises TableError for an unreadable
    file."""
    from synergy.monitoring import crypto

    # Uploads nobody went on with are removed as new ones arrive (and by
    # `synergy monitoring purge-uploads`), so that no personal data lingers in storage.
    jobs_purge()
    fmt = export_format(filename)
    sheets, columns = read_export(data, fmt)
    job = ImportJob(
        owner=actor,
        organisation=organisation,
        filename=Path(filename).name[:200],
        fmt=fmt,
        columns=columns,
        # The rows of the import are those of one sheet (chosen by the mapping): the largest.
        row_count=max(len(sheet.table.rows) for sheet in sheets),
    )
    job.source.save(
        "source.enc", ContentFile(crypto.encrypt_bytes(data).encode("ascii")), save=False
    )
    # An export of a form Synergy generated maps itself (``xlsform.builtin_mapping``).
    job.mapping = builtin_mapping(columns) or {}
    job.save()
    return job


def _delete_files(folder: str) -> None:
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    # FileSystemStorage leaves the empty directory; other storages have none.
    path = getattr(default_storage, "path", None)
    if path is not None:
        with contextlib.suppress(OSError, NotImplementedError):
            Path(path(folder)).rmdir()


def jobs_purge(*, now: datetime | None = None) -> int:
    """Delete the uploads (encrypted personal data) and records of import jobs older than
    IMPORT_UPLOAD_RETENTION_HOURS that are not under way: files that were checked but never
    imported, failed imports, and the records of finished ones. Files in storage without a
    job (an upload interrupted between the file and its record) go after the same time.
    Returns how many jobs went."""
    from django.conf import settings

    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.IMPORT_UPLOAD_RETENTION_HOURS)
    old = ImportJob.objects.filter(created_at__lt=cutoff).exclude(status__in=ACTIVE_JOB_STATUSES)
    removed = 0
    for job_id in list(old.values_list("pk", flat=True)):
        _delete_files(_folder(job_id))
        removed += ImportJob.objects.filter(pk=job_id).delete()[0]
    try:
        folders, _files = default_storage.listdir("monitoring/imports")
    except (FileNotFoundError, NotADirectoryError):
        return removed
    known = {str(pk) for pk in ImportJob.objects.values_list("pk", flat=True)}
    for name in folders:
        if name in known:
            continue
        with contextlib.suppress(OSError, NotImplementedError):
            if default_storage.get_modified_time(f"{_folder(name)}/source.enc") >= cutoff:
                continue
        _delete_files(_folder(name))
    return removed


def job_check(job: ImportJob, mapping_data: dict[str, Any] | str) -> Plan | None:
    """Validate the whole file with ``mapping_data``: the job becomes "valid" (with the
    counts to write) or "invalid" (with the errors). Raises TableError (or its MappingError) for a bad file or mapping."""
    organisation = Organisation.objects.get(pk=job.organisation_id)
    sheets, columns = read_export(_source(job), job.fmt)
    mapping = parse_mapping(mapping_data, columns)
    table = flatten(sheets, list(mapping.columns.values()))
    job.mapping = mapping.to_json()
    try:
        plan = plan_import(table, mapping, organisation=organisation)
        summary = reconcile(plan, organisation).summary()
    except ImportRowError as exc:
        job.status = "invalid"
        job.errors = [{"line": ln, "column": col, "message": msg} for ln, col, msg in exc.errors]
        job.error_total = len(exc.errors)
        job.summary = {}
        job_save(job)
        return None
    job.status = "valid"
    job.errors = []
    job.summary = {**summary, "sheet": table.sheet} if table.sheet else summary
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
        _progress_write(job, done)

    try:
        table = _table(job)
        plan = plan_import(
            table, parse_mapping(job.mapping, table.columns), organisation=organisation
        )
        with transaction.atomic():
            job.summary = run_import(
                actor=actor, organisation=organisation, plan=plan, progress=progress
            )
            if table.sheet:
                job.summary["sheet"] = table.sheet
            audit_record(
                actor=actor,
                action="import",
                object_type="monitoring.import",
                object_id=str(job.id),
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
    job.rows_done = job.summary.get("children", job.row_count)
    # The personal data were written (encrypted) to the database; the upload is not kept.
    job.source.delete(save=False)
    job_save(job)
    _delete_files(_folder(job.id))
    return job.status


def _table(job: ImportJob) -> ExportTable:
    sheets, columns = read_export(_source(job), job.fmt)
    mapping = parse_mapping(job.mapping, columns)
    return flatten(sheets, list(mapping.columns.values()))


@task()
def import_job_run(job_id: str) -> str:
    """Background import of a confirmed job (the database worker; immediate in tests)."""
    return job_execute(job_id)
