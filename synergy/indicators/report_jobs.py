"""Progress reports prepared in the background: a large report (a country's every indicator
over the half-years of a year) takes long enough that the page should not wait for it. The
job records how many indicators are done; the page polls it and offers the file when ready.
Only the job's owner sees it, and files go after REPORT_FILE_RETENTION_HOURS."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from synergy.core.models import User
from synergy.indicators.computed import Scope
from synergy.indicators.models import ReportJob, ReportJobStatus

FORMATS = ("pdf", "xlsx")
logger = logging.getLogger(__name__)


def job_purge() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.REPORT_FILE_RETENTION_HOURS)
    removed = 0
    for job in ReportJob.objects.filter(created_at__lt=cutoff).exclude(
        status=ReportJobStatus.RUNNING
    ):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        removed += 1
    return removed


def job_create(
    *, actor: User, scope: Scope, year: int, narrative: dict[str, str], fmt: str
) -> ReportJob:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    job_purge()
    job = ReportJob.objects.create(
        owner=actor,
        country_id=scope.country_id,
        organisation_id=scope.organisation_id,
        project_id=scope.project_id,
        area_id=scope.area_id,
        year=year,
        fmt=fmt,
        narrative=narrative,
    )
    report_job_run.enqueue(str(job.id))
    return job


def job_of(user: User, job_id: Any) -> ReportJob | None:
    """The user's own job, or None (another's is as absent as a missing one)."""
    try:
        return ReportJob.objects.get(pk=uuid.UUID(str(job_id)), owner=user)
    except (ValueError, ReportJob.DoesNotExist):
        return None


def job_run(job_id: str) -> str:
    from synergy.indicators import reports

    job = ReportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None:
        return "missing"
    job.status = ReportJobStatus.RUNNING
    job.save(update_fields=["status"])

    def progress(done: int, total: int) -> None:
        ReportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    scope = Scope(job.country_id, job.area_id, job.project_id, job.organisation_id)
    try:
        report = reports.progress_report(
            job.owner, scope, job.year, job.narrative, progress=progress
        )
        content = reports.report_xlsx(report) if job.fmt == "xlsx" else reports.report_pdf(report)
    except Exception as exc:  # the page says it failed; the log has the trace (no figures)
        logger.exception("progress report %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(
            status=ReportJobStatus.FAILED, error=type(exc).__name__
        )
        return ReportJobStatus.FAILED
    job.refresh_from_db()
    name = f"progress-{job.country_id.lower()}-{job.year}.{job.fmt}"
    job.file.save(name, ContentFile(content), save=False)
    job.status = ReportJobStatus.DONE
    job.save(update_fields=["file", "status"])
    return job.status


@task()
def report_job_run(job_id: str) -> str:
    """Background preparation of a progress report (the database worker; immediate in
    tests)."""
    return job_run(job_id)
