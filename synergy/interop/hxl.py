"""HXL tables of organisations, projects and 4W activities: their columns and exports.

Each table is a list of :class:`Column`: a human label, an HXL hashtag (from the HXL 1.1
dictionary where one fits; attributes without a dictionary entry are documented below) and the
key the importer reads. Hashtags are matched after normalisation (lower case, attributes
sorted), so ``#org+type`` and ``#ORG +type`` are the same column.

Conventions shared by the three tables:

* Countries are ISO 3166-1 alpha-3 codes (HXL's default vocabulary for ``#country+code``);
  the importer also accepts alpha-2.
* Administrative areas are p-codes: ``#adm1+code``, ``#adm2+code``, ``#adm3+code`` for levels 1-3.
* Several values in one cell are separated by ``;`` (organisation names may contain commas).
* Code lists are Synergy's stored codes (``ngo``, ``child_labour``…), listed in
  synergy/partners/models.py and synergy/core/models.py; project status is the IATI
  ActivityStatus code (1-6).
* Organisations are named by ``#org+name``; when several organisations share a name, the one
  in the row's country wins, then the international one (no country).

Custom attributes (no dictionary entry): ``+acronym``, ``+v_iati`` (IATI code list or
identifier), ``+level`` (policy/outreach), ``+stage`` (source/transit/destination),
``+focus``, ``+supply_chain``, ``+budget`` on ``#date``, and ``+withdraw``/``+prevent`` on
``#targeted`` (children to withdraw from or prevent from entering child labour).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from synergy.core.models import AdminArea, Organisation
from synergy.interop import clusters
from synergy.interop.tabular import Cell, normalise_tag
from synergy.partners.models import (
    Activity,
    ParticipantRole,
    Project,
    ProjectParticipant,
    ProjectTarget,
    Sex,
    TargetKind,
)

LIST_SEPARATOR = ";"
MAX_AREA_LEVEL = 3


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    tag: str
    aliases: tuple[str, ...] = ()
    export_only: bool = False

    def tags(self) -> list[str]:
        return [normalise_tag(t) for t in (self.tag, *self.aliases)]


def _area_columns(*, names: bool) -> list[Column]:
    columns = []
    for level in range(1, MAX_AREA_LEVEL + 1):
        columns.append(
            Column(
                f"adm{level}_code",
                format_lazy(_("Admin level {n} code"), n=level),
                f"#adm{level}+code",
            )
        )
        if names:
            columns.append(
                Column(
                    f"adm{level}_name",
                    format_lazy(_("Admin level {n} name"), n=level),
                    f"#adm{level}+name",
                    export_only=True,
                )
            )
    return columns


ORGANISATION_COLUMNS: list[Column] = [
    Column("name", _("Name"), "#org+name", aliases=("#org",)),
    Column("acronym", _("Acronym"), "#org+acronym"),
    Column("kind", _("Kind"), "#org+type"),
    Column("iati_type", _("IATI organisation type"), "#org+type+code+v_iati", export_only=True),
    Column("country", _("Country"), "#country+code"),
    Column("iati_identifier", _("IATI organisation identifier"), "#org+code+v_iati"),
    Column("website", _("Website"), "#org+url"),
    Column("description", _("Description"), "#description"),
]

TARGET_KEYS = [
    (f"target_{kind}_{sex.lower()}", kind, sex) for kind in TargetKind.values for sex in Sex.values
]

PROJECT_COLUMNS: list[Column] = [
    Column("code", _("Project code"), "#activity+code"),
    Column("iati_identifier", _("IATI identifier"), "#activity+code+v_iati"),
    Column("title", _("Title"), "#activity+name"),
    Column("description", _("Description"), "#description"),
    Column("status", _("Status (IATI code)"), "#status"),
    Column("countries", _("Countries"), "#country+code"),
    *_area_columns(names=False),
    Column("lead", _("Lead organisation"), "#org+name+prog"),
    Column("implementing", _("Implementing organisations"), "#org+impl+name"),
    Column("funders", _("Donors"), "#org+funder+name", aliases=("#org+funding+name",)),
    Column("service_types", _("Service types"), "#activity+type"),
    Column("target_groups", _("Target groups"), "#beneficiary+type"),
    Column("focus", _("Focus"), "#activity+focus"),
    Column("supply_chain_sector", _("Supply chain sector"), "#sector+supply_chain"),
    Column("exploitation_forms", _("Forms of exploitation"), "#sector"),
    Column("clusters", _("Humanitarian clusters (OCHA)"), "#sector+cluster+code", export_only=True),
    Column("start_date", _("Start date"), "#date+start"),
    Column("end_date", _("End date"), "#date+end"),
    Column("budget_amount", _("Budget"), "#value"),
    Column("budget_currency", _("Currency"), "#currency"),
    Column("budget_period_start", _("Budget period start"), "#date+start+budget"),
    Column("budget_period_end", _("Budget period end"), "#date+end+budget"),
    Column("budget_interval", _("Budget reported (year or quarter)"), "#meta+budget+interval"),
    Column("target_withdraw_f", _("Girls to withdraw"), "#targeted+f+children+withdraw"),
    Column("target_withdraw_m", _("Boys to withdraw"), "#targeted+m+children+withdraw"),
    Column("target_prevent_f", _("Girls to prevent"), "#targeted+f+children+prevent"),
    Column("target_prevent_m", _("Boys to prevent"), "#targeted+m+children+prevent"),
]

# The per-partner table: one row per project and organisation holding targets, so that a
# project split between partners (and its baselines and achievements) travels intact; the
# project table's target columns are the totals.
TARGET_VALUE_KEYS = [
    (f"{field}_{kind}_{sex.lower()}", field, kind, sex)
    for field in ("number", "baseline", "actual")
    for kind in TargetKind.values
    for sex in Sex.values
]
_TARGET_LABELS = {
    ("withdraw", "F"): _("Girls to withdraw"),
    ("withdraw", "M"): _("Boys to withdraw"),
    ("prevent", "F"): _("Girls to prevent"),
    ("prevent", "M"): _("Boys to prevent"),
}


def _target_column(key: str, field: str, kind: str, sex: str) -> Column:
    base = _TARGET_LABELS[(kind, sex)]
    tag = f"#targeted+{sex.lower()}+children+{kind}"
    if field == "baseline":
        return Column(key, format_lazy(_("{label}: baseline"), label=base), tag + "+baseline")
    if field == "actual":
        return Column(
            key,
            format_lazy(_("{label}: achieved"), label=base),
            f"#reached+{sex.lower()}+children+{kind}",
        )
    return Column(key, base, tag)


TARGET_COLUMNS: list[Column] = [
    Column("code", _("Project code"), "#activity+code"),
    Column("organisation", _("Organisation"), "#org+impl+name"),
    *(_target_column(*spec) for spec in TARGET_VALUE_KEYS),
]

ACTIVITY_COLUMNS: list[Column] = [
    Column("organisation", _("Organisation"), "#org+name", aliases=("#org",)),
    Column("acronym", _("Acronym"), "#org+acronym", export_only=True),
    Column("organisation_type", _("Organisation type"), "#org+type", export_only=True),
    Column("project", _("Project code"), "#activity+project+code"),
    Column("title", _("Title"), "#activity+name"),
    Column("intervention_type", _("Intervention type"), "#activity+type"),
    Column("level", _("Level"), "#activity+level"),
    Column("exploitation_form", _("Form of exploitation"), "#sector"),
    Column("cluster", _("Humanitarian cluster (OCHA)"), "#sector+cluster+code", export_only=True),
    Column("migration_stage", _("Migration stage"), "#activity+stage"),
    Column("country", _("Country"), "#country+code"),
    *_area_columns(names=True),
    Column("start_date", _("Start date"), "#date+start"),
    Column("end_date", _("End date"), "#date+end"),
    Column("reached_f_child", _("Girls reached (5-17)"), "#reached+f+children"),
    Column("reached_m_child", _("Boys reached (5-17)"), "#reached+m+children"),
    Column("reached_f_adult", _("Women reached (18+)"), "#reached+f+adults"),
    Column("reached_m_adult", _("Men reached (18+)"), "#reached+m+adults"),
    Column("description", _("Description"), "#description"),
]

TABLES: dict[str, list[Column]] = {
    "organisations": ORGANISATION_COLUMNS,
    "projects": PROJECT_COLUMNS,
    "targets": TARGET_COLUMNS,
    "activities": ACTIVITY_COLUMNS,
}
KINDS = tuple(TABLES)
KIND_LABELS = {
    "organisations": _("Organisations"),
    "projects": _("Projects"),
    "targets": _("Targets by partner"),
    "activities": _("Activities (4W)"),
}


def labels(kind: str) -> list[str]:
    return [str(c.label) for c in TABLES[kind]]


def hashtags(kind: str) -> list[str]:
    return [c.tag for c in TABLES[kind]]


def _join(values: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(v for v in values if v)


# --- exports ----------------------------------------------------------------------------------


def organisation_rows(organisations: QuerySet[Organisation]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for org in organisations.select_related("country").order_by("name", "pk"):
        rows.append(
            [
                org.name,
                org.acronym,
                org.kind,
                org.iati_organisation_type,
                org.country.iso3 if org.country else "",
                org.iati_identifier,
                org.website,
                org.description,
            ]
        )
    return rows


def _area_codes_by_level(areas: Iterable[AdminArea]) -> dict[int, list[str]]:
    by_level: dict[int, list[str]] = {}
    for area in areas:
        by_level.setdefault(area.level, []).append(area.code)
    return by_level


def project_rows(projects: QuerySet[Project]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    projects = projects.order_by("code").prefetch_related(
        "countries",
        "areas",
        "targets",
        Prefetch(
            "participants",
            queryset=ProjectParticipant.objects.select_related("organisation").order_by(
                "organisation__name", "pk"
            ),
        ),
    )
    for project in projects:
        participants = list(project.participants.all())

        def names(role: str, participants: list[ProjectParticipant] = participants) -> str:
            return _join(p.organisation.name for p in participants if p.role == role)

        areas = _area_codes_by_level(sorted(project.areas.all(), key=lambda a: a.code))
        totals = {key: 0 for key, _kind, _sex in TARGET_KEYS}
        seen = {key: False for key in totals}
        for target in project.targets.all():
            key = f"target_{target.kind}_{target.sex.lower()}"
            totals[key] += target.number
            seen[key] = True
        rows.append(
            [
                project.code,
                project.iati_identifier,
                project.title,
                project.description,
                project.status,
                _join(sorted(c.iso3 for c in project.countries.all())),
                *[_join(areas.get(level, [])) for level in range(1, MAX_AREA_LEVEL + 1)],
                names(ParticipantRole.LEAD),
                names(ParticipantRole.IMPLEMENTING),
                names(ParticipantRole.FUNDING),
                _join(project.service_types),
                _join(project.target_groups),
                _join(project.focus),
                project.supply_chain_sector,
                _join(project.exploitation_forms),
                _join(
                    clusters.clusters(
                        exploitation_forms=project.exploitation_forms,
                        service_types=project.service_types,
                    )
                ),
                project.start_date,
                project.end_date,
                project.budget_amount,
                project.budget_currency,
                project.budget_period_start,
                project.budget_period_end,
                project.budget_interval,
                *[totals[key] if seen[key] else None for key, _kind, _sex in TARGET_KEYS],
            ]
        )
    return rows


def _area_chain(area: AdminArea | None, parents: dict[int, AdminArea]) -> dict[int, AdminArea]:
    chain: dict[int, AdminArea] = {}
    while area is not None:
        chain[area.level] = area
        area = parents.get(area.parent_id) if area.parent_id else None
    return chain


def target_rows(projects: QuerySet[Project]) -> list[list[Cell]]:
    """One row per project and organisation with targets: numbers, baselines, achievements."""
    rows: list[list[Cell]] = []
    projects = projects.order_by("code").prefetch_related(
        Prefetch(
            "targets",
            queryset=ProjectTarget.objects.select_related("organisation").order_by(
                "organisation__name", "organisation_id"
            ),
        )
    )
    for project in projects:
        by_org: dict[int, dict[tuple[str, str], ProjectTarget]] = {}
        names: dict[int, str] = {}
        for target in project.targets.all():
            by_org.setdefault(target.organisation_id, {})[(target.kind, target.sex)] = target
            names[target.organisation_id] = target.organisation.name
        for org_id, targets in by_org.items():
            cells: list[Cell] = [project.code, names[org_id]]
            for _key, field, kind, sex in TARGET_VALUE_KEYS:
                held = targets.get((kind, sex))
                cells.append(getattr(held, field) if held is not None else None)
            rows.append(cells)
    return rows


def activity_rows(activities: QuerySet[Activity]) -> list[list[Cell]]:
    activities = activities.select_related(
        "organisation", "project", "country", "admin_area"
    ).order_by("country_id", "organisation__name", "start_date", "pk")
    items = list(activities)
    # Parents of the areas, fetched level by level (a handful of queries, not one per row).
    parents: dict[int, AdminArea] = {}
    pending = {a.admin_area.parent_id for a in items if a.admin_area and a.admin_area.parent_id}
    while pending:
        found = list(AdminArea.objects.filter(pk__in=pending))
        parents.update({p.pk: p for p in found})
        pending = {p.parent_id for p in found if p.parent_id and p.parent_id not in parents}
    rows: list[list[Cell]] = []
    for activity in items:
        chain = _area_chain(activity.admin_area, parents)
        area_cells: list[Cell] = []
        for level in range(1, MAX_AREA_LEVEL + 1):
            area = chain.get(level)
            area_cells += [area.code if area else "", area.name if area else ""]
        rows.append(
            [
                activity.organisation.name,
                activity.organisation.acronym,
                activity.organisation.kind,
                activity.project.code if activity.project else "",
                activity.title,
                activity.intervention_type,
                activity.level,
                activity.exploitation_form,
                _join(clusters.clusters(exploitation_forms=[activity.exploitation_form])),
                activity.migration_stage,
                activity.country.iso3,
                *area_cells,
                activity.start_date,
                activity.end_date,
                activity.reached_f_child,
                activity.reached_m_child,
                activity.reached_f_adult,
                activity.reached_m_adult,
                activity.description,
            ]
        )
    return rows


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]


def column_tags(columns: Sequence[Column]) -> dict[str, str]:
    """key → the hashtag shown in error messages."""
    return {c.key: c.tag for c in columns}
