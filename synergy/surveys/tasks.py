"""Background work of the surveys app (django-tasks; the database worker in production)."""

from __future__ import annotations

from django_tasks import task

from synergy.surveys.import_run import dataset_import_run


@task()
def import_survey_dataset(dataset_id: int) -> str:
    """Validate and import an uploaded survey file; returns the final status."""
    return dataset_import_run(dataset_id=dataset_id)
