"""Writing a plan through the CLMS services, one record at a time, in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from synergy.core.models import Organisation, User
from synergy.monitoring.importing.batch import run_import_batch
from synergy.monitoring.importing.candidates import InstanceRow
from synergy.monitoring.importing.plans import Plan
from synergy.monitoring.importing.sources import apply_changes, reconcile, remember


def run_import(
    *,
    actor: User,
    organisation: Organisation,
    plan: Plan,
    progress: Callable[[int], None] | None = None,
    batch: bool = True,
) -> dict[str, int]:
    """Write the plan in ONE transaction. By default through ``run_import_batch`` (same
    records and rules, written in bulk); ``batch=False`` calls the CLMS services row by row.
    A rule refusing a row raises ImportRowError with that row's line: nothing is written.
    ``progress`` is called with the number of children written.

    Records of a KoBo/ODK export imported before are updated or left alone (``importing.sources``);
    the summary counts what was created, updated and unchanged."""
    with transaction.atomic():
        result = reconcile(plan, organisation)
        if batch:
            run_import_batch(
                actor=actor, organisation=organisation, plan=result.plan, progress=progress
            )
        else:
            _write_rows(actor=actor, organisation=organisation, plan=result.plan, progress=progress)
        apply_changes(result, actor=actor)
        remember(result, organisation)
    return result.summary()


def _write_rows(
    *,
    actor: User,
    organisation: Organisation,
    plan: Plan,
    progress: Callable[[int], None] | None,
) -> None:
    from synergy.monitoring import services

    with transaction.atomic():
        household_objs: dict[str, Any] = {}
        for key, hp in plan.households.items():
            with InstanceRow(hp.line):
                household_objs[key] = hp.record = services.household_register(
                    actor=actor,
                    organisation=organisation,
                    area=plan.areas.get(hp.area_code),
                    **hp.fields,
                )
        household_objs.update(plan.existing_households)
        for done, cp in enumerate(plan.children, start=1):
            with InstanceRow(cp.line):
                extra: dict[str, Any] = dict(cp.fields)
                if cp.household_key is not None:
                    extra["household"] = household_objs[cp.household_key]
                child = cp.record = services.child_register(
                    actor=actor,
                    organisation=organisation,
                    estimated_age=cp.estimated_age,
                    area=plan.areas.get(cp.area_code),
                    projects=[plan.projects[cp.project_code]] if cp.project_code else [],
                    today=cp.registered_on,
                    **extra,
                )
            for vp in cp.visits:
                with InstanceRow(vp.line):
                    vp.record = services.visit_record(
                        actor=actor,
                        child=child,
                        kind=vp.kind,
                        visit_date=vp.visit_date,
                        **vp.fields,
                    )
            if progress is not None and (done % 200 == 0 or done == len(plan.children)):
                progress(done)
