"""Entry points of the imports: check every row, then write all or nothing."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from synergy.core.audit import audit_record
from synergy.core.errors import ImportRowError
from synergy.core.models import User
from synergy.interop.services.cells import ImportSummary, Row, RowErrors, read_rows
from synergy.interop.services.plan_activities import plan_activities
from synergy.interop.services.plan_organisations import plan_organisations
from synergy.interop.services.plan_projects import plan_projects
from synergy.interop.services.plan_targets import plan_targets
from synergy.interop.services.plans import Plan
from synergy.interop.tabular import (
    Table,
)

PLANNERS: dict[str, Callable[[User | None, list[Row], RowErrors], list[Plan]]] = {
    "organisations": plan_organisations,
    "projects": plan_projects,
    "targets": plan_targets,
    "activities": plan_activities,
}


def _plan(actor: User | None, kind: str, table: Table) -> tuple[list[Plan], ImportSummary]:
    errors = RowErrors()
    rows = read_rows(table, kind, errors)
    errors.raise_if_any()
    if not rows:
        raise ImportRowError([(table.tag_line, "", _("The file has no data rows."))])
    plans = PLANNERS[kind](actor, rows, errors)
    errors.raise_if_any()
    summary = ImportSummary(kind=kind, rows=len(rows))
    for plan in plans:
        if plan.created:
            summary.created += 1
        elif plan.changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
    return plans, summary


def import_preview(*, actor: User | None, kind: str, table: Table) -> ImportSummary:
    """Validate without writing: the counts of rows to create, update and leave alone.
    Raises ImportRowError listing every bad row."""
    _plans, summary = _plan(actor, kind, table)
    return summary


@transaction.atomic
def import_table(*, actor: User | None, kind: str, table: Table, file_format: str) -> ImportSummary:
    """Validate every row, then write them all (or nothing) and audit the import."""
    plans, summary = _plan(actor, kind, table)
    for plan in plans:
        plan.write()  # the owning app's service: nothing when the row changes nothing
    audit_record(
        actor=actor,
        action="interop.import",
        object_type=f"interop.{kind}",
        detail={
            "format": file_format,
            "rows": summary.rows,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
        },
    )
    return summary
