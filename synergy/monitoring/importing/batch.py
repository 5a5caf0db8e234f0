"""Writing a large plan at once: the same rules as the services, rows written with COPY."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from synergy.core.errors import ImportRowError
from synergy.core.models import Organisation, User
from synergy.monitoring.importing.candidates import (
    CandidateKey,
    CandidateSearch,
    InstanceRow,
    KnownChild,
    clean_from_file,
    not_from_file,
    random_uuids,
)
from synergy.monitoring.importing.plans import ChildPlan, Plan, VisitPlan


def run_import_batch(
    *,
    actor: User,
    organisation: Organisation,
    plan: Plan,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """The same records, rules and audit events as writing the plan row by row through
    ``services.household_register`` / ``child_register`` (+ ``child_enrol``) / ``visit_record``,
    without their per-row queries: rights, national policy and rules are read once per file
    (per project), risk-factor codes once, duplicate candidates in one query for the file
    (``CandidateSearch``); the rules run in memory over each new child's own history (a new
    child has no referral and no other record yet), and every table is written in bulk
    (``synergy.core.bulk``: COPY on PostgreSQL) - audit events too, one per created record as
    in the services. Children are flagged, and their rules run, in file order, so a child is
    flagged against earlier children of the same file exactly as in the row-by-row path."""

    from synergy.core import bulk
    from synergy.core.audit import Entry, audit_many
    from synergy.monitoring import casework, crypto, rules, services
    from synergy.monitoring.models import (
        Child,
        ChildNameToken,
        Household,
        Outcome,
        PossibleDuplicate,
        ProjectEnrolment,
        RiskFactor,
        Status,
        StatusChange,
        Visit,
    )
    from synergy.monitoring.services import CHILD_FIELDS, CHILD_OBJECT, HOUSEHOLD_FIELDS

    country = organisation.country
    if country is None:
        raise ImportRowError([(1, "", str(_("Choose the child's country.")))])
    services.require_write(actor, organisation_id=organisation.pk, country_id=country.pk)
    actor_or_none = actor if actor.is_authenticated else None
    today = timezone.localdate()
    known_risks = set(RiskFactor.objects.values_list("code", flat=True))
    facts = services.project_facts(p.pk for p in plan.projects.values())
    setups: dict[tuple[int, ...], services.CountryRules] = {}

    def setup_for(project_ids: tuple[int, ...]) -> services.CountryRules:
        if project_ids not in setups:
            setups[project_ids] = services.country_rules(country.pk, project_ids)
        return setups[project_ids]

    # Audit events as (action, object type, record, detail, visit): the record's key (and the
    # visit's, for visits) is only known once it is written.
    audits: list[tuple[str, str, Any, dict[str, Any], Any]] = []

    def audit(
        action: str, obj: Any, object_type: str, detail: dict[str, Any], visit: Any = None
    ) -> None:
        audits.append((action, object_type, obj, detail, visit))

    with transaction.atomic():
        public_ids = random_uuids(len(plan.households) + len(plan.children) + plan.visit_count)

        # Households
        household_fks = not_from_file(Household, HOUSEHOLD_FIELDS)
        households: dict[str, Any] = {}
        for key, hp in plan.households.items():
            with InstanceRow(hp.line):
                unknown = set(hp.fields) - set(HOUSEHOLD_FIELDS)
                if unknown:
                    raise TypeError(f"unknown household fields: {sorted(unknown)}")
                household = Household(
                    public_id=next(public_ids),
                    organisation_id=organisation.pk,
                    country_id=country.pk,
                    created_by_id=actor.pk,
                    area=plan.areas.get(hp.area_code),
                    **hp.fields,
                )
                casework.household_consent(household.consent_given, household.consent_by)
                casework.area_in_country(
                    household.area.country_id if household.area else None,
                    country.pk,
                    of="household",
                )
                clean_from_file(household, household_fks)
                households[key] = hp.record = household
                audit("create", household, Household._meta.label_lower, {})
        bulk.insert_instances(Household, list(households.values()))

        # Existing children that may be duplicates, found by the blind indexes of the file's
        # names (computed once here, for the children's records too).
        indexer = crypto.NameIndexer()
        keys: list[CandidateKey] = []
        name_tokens: list[list[tuple[str, str]]] = []
        for cp in plan.children:
            names = (
                cp.fields.get("first_name", ""),
                cp.fields.get("last_name", ""),
                cp.fields.get("other_names", ""),
            )
            dob = cp.fields.get("date_of_birth")
            if dob is None and cp.estimated_age is not None:
                dob = casework.estimated_birth_date(cp.estimated_age, cp.registered_on)
            area = plan.areas.get(cp.area_code)
            name_fp, phonetic_fp, digests = indexer.index(*names)
            name_tokens.append(digests)
            keys.append(
                (
                    name_fp,
                    phonetic_fp,
                    cp.fields.get("sex", ""),
                    dob.year if dob is not None else None,
                    area.pk if area is not None else None,
                )
            )

        # The national rules of each project combination, read before the search below
        # starts: while it runs, this thread must not use the database.
        def projects_of(cp: ChildPlan) -> tuple[int, ...]:
            return (plan.projects[cp.project_code].pk,) if cp.project_code else ()

        for cp in plan.children:
            setup_for(projects_of(cp))

        # Pass 1, while the database looks for candidates: build and check every child and
        # visit, and classify the visits (no query).
        child_fks = not_from_file(Child, (*CHILD_FIELDS, "first_name", "sex"))
        visit_fks = not_from_file(Visit, (*services.VISIT_FIELDS, "kind", "visit_date"))

        def build_records() -> list[tuple[Any, list[tuple[VisitPlan, Any, Any, int | None]]]]:
            built: list[tuple[Any, list[tuple[VisitPlan, Any, Any, int | None]]]] = []
            for index, cp in enumerate(plan.children):
                with InstanceRow(cp.line):
                    fields: dict[str, Any] = dict(cp.fields)
                    unknown = set(fields) - set(CHILD_FIELDS) - {"first_name", "sex"}
                    if unknown:
                        raise TypeError(f"unknown child fields: {sorted(unknown)}")
                    registered_on = cp.registered_on
                    dob, estimated = casework.birth(
                        date_of_birth=fields.get("date_of_birth"),
                        estimated_age=cp.estimated_age,
                        registered_on=registered_on,
                    )
                    fields["date_of_birth"] = dob
                    fields["dob_estimated"] = estimated or bool(fields.get("dob_estimated"))
                    fields["risk_factors"] = casework.risk_factors(
                        fields.get("risk_factors") or [], known_risks
                    )
                    if cp.project_code:
                        project = plan.projects[cp.project_code]
                        casework.enrolment(facts[project.pk], organisation.pk)
                    # Keys rather than instances where the instance is not needed: an instance
                    # goes through the relation's checks (a tenth of the time of building a child).
                    child = Child(
                        public_id=next(public_ids),
                        organisation_id=organisation.pk,
                        country_id=country.pk,
                        household=(
                            households.get(cp.household_key)
                            or plan.existing_households.get(cp.household_key)
                            if cp.household_key
                            else None
                        ),
                        area=plan.areas.get(cp.area_code),
                        first_name=(fields.pop("first_name", "") or "").strip(),
                        created_by_id=actor.pk,
                        status=Status.IDENTIFIED,
                        birth_year=dob.year,
                        **fields,
                    )
                    casework.area_in_country(
                        child.area.country_id if child.area else None, country.pk
                    )
                    # The blind indexes computed for the duplicate search above (same names).
                    child.name_fp, child.phonetic_fp = keys[index][0], keys[index][1]
                    child.next_followup_on = registered_on
                    clean_from_file(child, child_fks)
                setup = setup_for(projects_of(cp))
                child_visits: list[tuple[VisitPlan, Any, Any, int | None]] = []
                for vp in cp.visits:
                    with InstanceRow(vp.line):
                        unknown = set(vp.fields) - set(services.VISIT_FIELDS)
                        if unknown:
                            raise TypeError(f"unknown visit fields: {sorted(unknown)}")
                        casework.visit_facts(
                            visit_date=vp.visit_date,
                            today=today,
                            attendance=vp.fields.get("attendance_percent"),
                        )
                        visit = Visit(
                            public_id=next(public_ids),
                            child=child,
                            organisation_id=organisation.pk,
                            kind=vp.kind,
                            visit_date=vp.visit_date,
                            created_by_id=actor.pk,
                            **vp.fields,
                        )
                        age = services.age_on(child, vp.visit_date)
                        result = services.classify_into(visit, age=age, sex=child.sex, setup=setup)
                        clean_from_file(visit, visit_fks)
                    child_visits.append((vp, visit, result, age))
                built.append((child, child_visits))
                if progress is not None and index % 1000 == 999:
                    progress((index + 1) // 4)  # a quarter of the work; the rules and writes follow
            return built

        search = CandidateSearch(keys, country.pk)
        try:
            built = build_records()
        except BaseException:
            search.wait()
            raise

        by_name: dict[str, list[Any]] = {}
        by_phonetic: dict[str, list[Any]] = {}
        rank: dict[int, tuple[int, int]] = {}  # id(child) -> sort key (pk order)
        existing_ids: set[int] = set()
        for known in search.result():
            if known.pk in existing_ids:
                continue
            existing_ids.add(known.pk)
            rank[id(known)] = (0, known.pk)
            by_name.setdefault(known.name_fp, []).append(known)
            by_phonetic.setdefault(known.phonetic_fp, []).append(known)
        existing_outcomes: dict[int, set[int]] = {}

        def outcome_projects(pk: int) -> set[int]:
            """Projects in which an existing record counts (read when first needed)."""
            if pk not in existing_outcomes:
                existing_outcomes[pk] = set(
                    Outcome.objects.filter(child_id=pk).values_list("project_id", flat=True)
                )
            return existing_outcomes[pk]

        # Pass 2, in file order: duplicate flags against existing and earlier children, the
        # rules over each child's visits, outcomes and audit events.
        children: list[Any] = []
        tokens: list[tuple[Any, str, str]] = []  # (child, kind, digest)
        changes: list[tuple[Any, str, str, str, Any]] = []  # (child, from, to, reason, visit)
        flags: list[Any] = []
        enrolments: list[Any] = []
        visits: list[Any] = []
        outcomes: list[Any] = []
        new_outcomes: dict[int, dict[int, Any]] = {}  # id(child) -> project -> Outcome
        for index, (cp, (child, child_visits)) in enumerate(zip(plan.children, built, strict=True)):
            children.append(child)
            cp.record = child
            tokens.extend((child, kind, digest) for kind, digest in name_tokens[index])
            changes.append((child, "", Status.IDENTIFIED, "registered", None))
            # Duplicate flags: as services.duplicate_check, against existing and earlier rows.
            seen: set[int] = set()
            candidates: list[tuple[Any, str]] = []
            new_key = casework.name_key(child)
            for other in by_name.get(child.name_fp, []) + by_phonetic.get(child.phonetic_fp, []):
                if id(other) in seen:
                    continue
                seen.add(id(other))
                match = casework.duplicate_match(new_key, casework.name_key(other))
                if match is not None:
                    candidates.append((other, match))
            candidates.sort(key=lambda pair: rank[id(pair[0])])
            candidates = candidates[: casework.MAX_CANDIDATES]
            flags.extend(
                PossibleDuplicate(
                    child=child,
                    **(
                        {"candidate_id": other.pk}
                        if isinstance(other, KnownChild)
                        else {"candidate": other}
                    ),
                    match=match,
                    score=casework.duplicate_score(match),
                    cross_organisation=other.organisation_id != organisation.pk,
                )
                for other, match in candidates
            )
            rank[id(child)] = (1, index)
            by_name.setdefault(child.name_fp, []).append(child)
            by_phonetic.setdefault(child.phonetic_fp, []).append(child)
            audit("create", child, Child._meta.label_lower, {"duplicates_flagged": len(candidates)})
            project_ids = projects_of(cp)
            if cp.project_code:
                project = plan.projects[cp.project_code]
                enrolments.append(
                    ProjectEnrolment(
                        child=child, project=project, organisation=organisation, created_by=actor
                    )
                )
                audit("enrol", child, CHILD_OBJECT, {"project": project.pk})
            # Visits, in date order, with the rules run over this child's history in memory.
            setup = setup_for(project_ids)
            history: list[tuple[date, str, bool]] = []  # (date, kind, clean) of earlier visits
            reached_on: dict[str, date | None] = {}  # status -> date of the visit that set it
            mine = new_outcomes.setdefault(id(child), {})
            for vp, visit, result, age in child_visits:
                state = rules.CaseState(
                    status=child.status,
                    track=child.track,
                    has_risk_factors=bool(child.risk_factors),
                    has_accepted_referral=False,
                    has_education_service=False,
                    followups_since_outcome=casework.followups_since_outcome(
                        child.status, reached_on.get(child.status), history
                    ),
                )
                decision = services.rules_on_visit(state, visit, result, age=age, setup=setup)
                visit.clean_followup = decision.clean
                visits.append(visit)
                vp.record = visit
                history.append((vp.visit_date, vp.kind, decision.clean))
                # services.apply_rules, in memory
                after = casework.case_after(
                    decision, child, visit_date=vp.visit_date, params=setup.params
                )
                for old, new, reason in after.changes:
                    changes.append((child, old, new, reason, visit))
                    reached_on[new] = vp.visit_date
                child.status, child.track = after.status, after.track
                child.last_visit_on = after.last_visit_on
                child.next_followup_on = after.next_followup_on
                if decision.outcome and project_ids:
                    # services.count_outcomes over what this import holds in memory.
                    writes = casework.outcome_writes(
                        kind=decision.outcome,
                        enrolments=[(p, organisation.pk) for p in project_ids],
                        existing={p: (o.kind, o.relapsed_on) for p, o in mine.items()},
                        taken={
                            p
                            for p in project_ids
                            for other, _m in candidates
                            if (
                                p in outcome_projects(other.pk)
                                if rank[id(other)][0] == 0
                                else p in new_outcomes.get(id(other), {})
                            )
                        },
                    )
                    for project_id in writes.recount:
                        mine[project_id].relapsed_on = None
                        mine[project_id].kind = decision.outcome
                    for project_id, organisation_id in writes.create:
                        outcome = Outcome(
                            project_id=project_id,
                            child=child,
                            organisation_id=organisation_id,
                            kind=decision.outcome,
                            sex=child.sex,
                            achieved_on=vp.visit_date,
                            visit=visit,
                        )
                        mine[project_id] = outcome
                        outcomes.append(outcome)
                if decision.relapse:
                    for outcome in mine.values():
                        if outcome.relapsed_on is None:
                            outcome.relapsed_on = vp.visit_date
                audit("visit", child, CHILD_OBJECT, {"kind": vp.kind, "label": result.label}, visit)
            if progress is not None and index % 1000 == 999:
                progress(len(plan.children) // 4 + (index + 1) // 4)  # the writes follow

        bulk.insert_instances(Child, children)
        bulk.insert_rows(
            ChildNameToken,
            ("child_id", "kind", "digest"),
            ((child.pk, kind, digest) for child, kind, digest in tokens),
        )
        bulk.insert_instances(PossibleDuplicate, flags)
        bulk.insert_instances(ProjectEnrolment, enrolments)
        bulk.insert_instances(Visit, visits)
        now = timezone.now()
        actor_id = actor_or_none.pk if actor_or_none is not None else None
        bulk.insert_rows(
            StatusChange,
            ("child_id", "from_status", "to_status", "reason", "visit_id", "actor_id", "at"),
            (
                (child.pk, old, new, reason, visit.pk if visit else None, actor_id, now)
                for child, old, new, reason, visit in changes
            ),
        )
        bulk.insert_instances(Outcome, outcomes)
        audit_many(
            actor=actor_or_none,
            entries=(
                Entry(
                    action,
                    object_type,
                    obj.pk,
                    organisation.pk,
                    {"visit": visit.pk, **detail} if visit is not None else detail,
                )
                for action, object_type, obj, detail, visit in audits
            ),
        )
        if progress is not None:
            progress(len(plan.children))
    return plan.summary()
