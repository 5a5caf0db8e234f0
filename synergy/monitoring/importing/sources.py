"""Importing a KoBoToolbox or ODK export again: what is new, what changed, what did not.

Each household, child and visit of such an export has an identifier in the tool (see
``exports``). ``ImportedRecord`` keeps, per organisation, the blind index of that identifier,
the record it made and a blind index (``digest``) of the values imported. On a later import of
the same export, ``reconcile`` splits the plan:

- a record not seen before is written as any new record (the plan's writers);
- a record seen with the same values is left alone ("unchanged");
- a household or child whose values changed in the tool (an edited submission) is updated
  through ``household_update`` / ``child_update``, audited as any edit;
- a visit whose values changed is **not** rewritten: a visit is case history that the status
  rules have acted on (status changes, outcomes counted once). It is counted as "kept" and the
  import says so; the case worker records a correcting visit.

A new visit for a child imported earlier (a follow-up submission) is recorded on that child
through ``visit_record``; a new child of a household imported earlier joins it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from synergy.core.models import Organisation, User
from synergy.monitoring.importing.plans import ChildPlan, HouseholdPlan, Plan, VisitPlan


@dataclass
class Reconciliation:
    plan: Plan  # the new records only, for the writers
    household_updates: list[tuple[Any, HouseholdPlan]] = field(default_factory=list)
    child_updates: list[tuple[Any, ChildPlan]] = field(default_factory=list)
    # New visits of children already in the database.
    later_visits: list[tuple[Any, VisitPlan]] = field(default_factory=list)
    unchanged: dict[str, int] = field(
        default_factory=lambda: {"households": 0, "children": 0, "visits": 0}
    )
    visits_kept: int = 0
    # Every (kind, source, digest, plan item) to remember once written.
    seen: list[tuple[str, str, str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        new = self.plan.summary()
        new["visits"] += len(self.later_visits)  # of children Synergy knew
        if not self.seen:
            return new  # not from a tool: every record is new
        return {
            **new,
            "households_updated": len(self.household_updates),
            "children_updated": len(self.child_updates),
            "households_unchanged": self.unchanged["households"],
            "children_unchanged": self.unchanged["children"],
            "visits_unchanged": self.unchanged["visits"],
            "visits_kept": self.visits_kept,
        }


def _digest(values: dict[str, Any], key: bytes) -> str:
    from synergy.monitoring import crypto

    text = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return crypto.blind_index(text, purpose="import-values", key=key)


def _household_values(hp: HouseholdPlan) -> dict[str, Any]:
    return {**hp.fields, "area": hp.area_code}


def _child_values(cp: ChildPlan) -> dict[str, Any]:
    return {
        **cp.fields,
        "age": cp.estimated_age,
        "area": cp.area_code,
        "project": cp.project_code,
    }


def _visit_values(vp: VisitPlan) -> dict[str, Any]:
    return {**vp.fields, "date": vp.visit_date, "kind": vp.kind if vp.kind_given else ""}


def reconcile(plan: Plan, organisation: Organisation) -> Reconciliation:
    """Split ``plan`` into new records, changed ones and unchanged ones (reads only)."""
    from synergy.monitoring import crypto
    from synergy.monitoring.models import Child, Household, ImportedRecord, Visit

    key = crypto.blind_key()
    kinds = ImportedRecord.Kind

    def index(kind: str, source: str) -> str:
        return crypto.blind_index(source, purpose=f"import-{kind}", key=key)

    wanted: dict[str, set[str]] = {k: set() for k in kinds.values}
    for hp in plan.households.values():
        if hp.source:
            wanted[kinds.HOUSEHOLD].add(index(kinds.HOUSEHOLD, hp.source))
    for cp in plan.children:
        if cp.source:
            wanted[kinds.CHILD].add(index(kinds.CHILD, cp.source))
        for vp in cp.visits:
            if vp.source:
                wanted[kinds.VISIT].add(index(kinds.VISIT, vp.source))
    known: dict[tuple[str, str], tuple[int, str]] = {}
    for kind, sources in wanted.items():
        for chunk in _chunks(sorted(sources)):
            for source, record_id, digest in ImportedRecord.objects.filter(
                organisation=organisation, kind=kind, source__in=chunk
            ).values_list("source", "record_id", "digest"):
                known[(kind, source)] = (record_id, digest)

    def found(model: Any, kind: str, source: str) -> tuple[Any, str] | None:
        hit = known.get((kind, source))
        if hit is None:
            return None
        record = model.objects.filter(pk=hit[0], organisation=organisation).first()
        if record is None:
            return None  # the record is gone (deleted since): import it again
        if isinstance(record, Child) and record.merged_into_id is not None:
            record = Child.objects.get(pk=record.merged_into_id)
        return record, hit[1]

    out = Reconciliation(Plan({}, [], plan.areas, plan.projects))
    for household_key, hp in plan.households.items():
        source = index(kinds.HOUSEHOLD, hp.source) if hp.source else ""
        digest = _digest(_household_values(hp), key) if source else ""
        hit = found(Household, kinds.HOUSEHOLD, source) if source else None
        if hit is None:
            out.plan.households[household_key] = hp
        else:
            hp.record = hit[0]
            out.plan.existing_households[household_key] = hit[0]
            if hit[1] == digest:
                out.unchanged["households"] += 1
            else:
                out.household_updates.append((hit[0], hp))
        if source:
            out.seen.append((kinds.HOUSEHOLD, source, digest, hp))
    for cp in plan.children:
        if cp.existing is not None:
            # Visits of a child Synergy knows (the visit form): never a new child.
            source, digest = "", ""
            hit = (Child.objects.get(pk=cp.existing), "")
        else:
            source = index(kinds.CHILD, cp.source) if cp.source else ""
            digest = _digest(_child_values(cp), key) if source else ""
            hit = found(Child, kinds.CHILD, source) if source else None
        if source:
            out.seen.append((kinds.CHILD, source, digest, cp))
        if hit is None:
            out.plan.children.append(cp)
            for vp in cp.visits:
                if vp.source:
                    visit_source = index(kinds.VISIT, vp.source)
                    out.seen.append(
                        (kinds.VISIT, visit_source, _digest(_visit_values(vp), key), vp)
                    )
            continue
        child = hit[0]
        cp.record = child
        if cp.existing is not None:
            pass
        elif hit[1] == digest:
            out.unchanged["children"] += 1
        else:
            out.child_updates.append((child, cp))
        recorded = Visit.objects.filter(child=child).exists()
        for vp in cp.visits:
            visit_source = index(kinds.VISIT, vp.source) if vp.source else ""
            visit_digest = _digest(_visit_values(vp), key) if visit_source else ""
            visit_hit = found(Visit, kinds.VISIT, visit_source) if visit_source else None
            if visit_hit is None:
                if not vp.kind_given and recorded:
                    vp.kind = "follow_up"  # the child's identification came with an earlier file
                recorded = True
                out.later_visits.append((child, vp))
                if visit_source:
                    out.seen.append((kinds.VISIT, visit_source, visit_digest, vp))
            elif visit_hit[1] == visit_digest:
                out.unchanged["visits"] += 1
            else:
                out.visits_kept += 1
    _refuse_repeated(out)
    return out


def _refuse_repeated(result: Reconciliation) -> None:
    """Two rows with one identifier in the tool (an export edited by hand) cannot be told
    apart on the next import: refused, naming both lines."""
    from django.utils.translation import gettext as _

    from synergy.core.errors import ImportRowError

    first: dict[tuple[str, str], int] = {}
    errors: list[tuple[int, str, str]] = []
    for kind, source, _unused, item in result.seen:
        line = first.setdefault((kind, source), item.line)
        if line != item.line:
            errors.append(
                (
                    item.line,
                    "_uuid / KEY",
                    _("the same identifier in the tool as line %(line)s") % {"line": line},
                )
            )
    if errors:
        raise ImportRowError(errors)


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def apply_changes(result: Reconciliation, *, actor: User) -> None:
    """The updates and the new visits of existing children, through the services (inside the
    import's transaction)."""
    from synergy.monitoring import services
    from synergy.monitoring.importing.candidates import InstanceRow

    areas = result.plan.areas
    for household, hp in result.household_updates:
        with InstanceRow(hp.line):
            services.household_update(
                actor=actor,
                household=household,
                version=household.version,
                area=areas.get(hp.area_code),
                **hp.fields,
            )
    for child, cp in result.child_updates:
        fields: dict[str, Any] = dict(cp.fields)
        fields["area"] = areas.get(cp.area_code)
        with InstanceRow(cp.line):
            services.child_update(actor=actor, child=child, version=child.version, **fields)
    for child, vp in sorted(
        result.later_visits, key=lambda pair: (pair[1].visit_date, pair[1].line)
    ):
        with InstanceRow(vp.line):
            vp.record = services.visit_record(
                actor=actor, child=child, kind=vp.kind, visit_date=vp.visit_date, **vp.fields
            )


def remember(result: Reconciliation, organisation: Organisation) -> None:
    """Record each imported record's identifier and values (after the writers gave every new
    record its key)."""
    from django.utils import timezone

    from synergy.monitoring.models import ImportedRecord

    now = timezone.now()
    rows = [
        ImportedRecord(
            organisation=organisation,
            kind=kind,
            source=source,
            record_id=item.record.pk,
            digest=digest,
            imported_at=now,
        )
        for kind, source, digest, item in result.seen
        if item.record is not None and item.record.pk is not None
    ]
    sources = {(row.kind, row.source) for row in rows}
    for kind in {k for k, _s in sources}:
        chosen = sorted(s for k, s in sources if k == kind)
        for chunk in _chunks(chosen):
            ImportedRecord.objects.filter(
                organisation=organisation, kind=kind, source__in=chunk
            ).delete()
    ImportedRecord.objects.bulk_create(rows, batch_size=500)
